"""Checklist mode stays responsive while it watches the triggers.

A tick (space on the focused row, until plan.toml and plan.md are both replaced on disk,
as benchmarks/checklist.py times it) in the headless app at 80×24, on a 200-component plan
whose eight triggers all carry a query, in three runs interleaved: no Prometheus address
(no watcher, the baseline), a real Prometheus on loopback answering (the watcher asking
every 5 seconds, the shortest interval), and a socket that accepts and never answers (each
round waits for its 3-second timeout). The watcher's requests run on its own thread; a
tick must not wait for them.

Budget: the tick p95 with the watcher ≤ 1.2× the baseline's, and ≤ 50 ms, both ways.

Run: .venv/bin/python benchmarks/trigger_watch.py [--ticks N] [--size N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from bench_stats import percentile
from checklist import all_reversible, ticks_in_process
from keystrokes import fresh_copy, write_plans
from startup import markdown_table, verdict

from rollback_tui import store
from rollback_tui.plan.model import Metrics

RATIO_BUDGET = 1.2
TICK_BUDGET_MS = 50.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def real_prometheus(folder: Path) -> Iterator[str]:
    """Prometheus on loopback with empty storage: `vector(1) > 0` fires now."""
    config = folder / "prometheus.yml"
    config.write_text("global:\n  scrape_interval: 1h\n")
    port = free_port()
    process = subprocess.Popen(
        [
            "prometheus",
            f"--config.file={config}",
            f"--storage.tsdb.path={folder / 'tsdb'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/-/ready", timeout=2):
                    break
            except OSError:
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def silent_prometheus() -> Iterator[str]:
    """A socket that accepts connections (the kernel does) and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


def measured(plan: Path, url: str | None) -> Path:
    """*plan* with a query on every trigger and, if *url*, Prometheus there every 5 s."""
    plan_file = store.load(plan)
    for trigger in plan_file.plan.triggers:
        trigger.query = "vector(1) > 0"
    plan_file.plan.metrics = Metrics(prometheus_url=url, interval=5) if url else None
    store.save(plan_file, force=True)
    return plan


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ticks", type=int, default=20, help="ticks per session (default 20)")
    parser.add_argument("--size", type=int, default=200, help="components (default 200)")
    args = parser.parse_args(argv)
    if shutil.which("prometheus") is None:
        print("prometheus is needed: scripts/ensure-prometheus", file=sys.stderr)
        return 1
    os.environ.pop("ROLLBACK_TUI_PROMETHEUS_URL", None)
    times: dict[str, list[float]] = {"none": [], "real": [], "silent": []}
    with tempfile.TemporaryDirectory(prefix="rollback-bench-") as tmp:
        home = Path(tmp)
        plan = write_plans(home, [args.size])[args.size]
        all_reversible(plan)
        (home / "prom").mkdir()
        with real_prometheus(home / "prom") as real, silent_prometheus() as silent:
            for round_ in range(2):  # interleaved: the machine's load falls on all three
                for name, url in (("none", None), ("real", real), ("silent", silent)):
                    copy = measured(fresh_copy(plan, home / f"{name}-{round_}"), url)
                    times[name] += asyncio.run(ticks_in_process(copy, args.ticks // 2))
    p95 = {name: percentile(samples, 0.95) for name, samples in times.items()}
    rows = [
        ["No watcher (no Prometheus address): the baseline", f"{p95['none'] * 1000:.0f} ms", ""]
    ]
    for name, what in (("real", "Prometheus answering"), ("silent", "Prometheus never answering")):
        ratio = p95[name] / p95["none"]
        rows.append(
            [
                f"Watcher running, {what}",
                f"{p95[name] * 1000:.0f} ms ({ratio:.2f}×)",
                f"≤ {RATIO_BUDGET}× {verdict(ratio, RATIO_BUDGET)}, "
                f"≤ {TICK_BUDGET_MS:.0f} ms {verdict(p95[name] * 1000, TICK_BUDGET_MS)}",
            ]
        )
    print(
        markdown_table(
            f"Ticks while the triggers are watched ({args.size} components, "
            f"{args.ticks} ticks each, p95, 80×24)",
            ["", "Tick to both files on disk", "Budget"],
            rows,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
