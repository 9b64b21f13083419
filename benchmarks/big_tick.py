"""A tick on a 9 MB plan, whole process, against reading the same file with tomllib.

The plan has 24,000 components of three steps (files.make_plan), 8.8 MB of TOML, close to
the 10 MB a plan may be. Each run ticks one step of a fresh copy of it (the copy is not
timed) with ``rollback-tui tick PLAN c5-1``: read, validate, patch the one component and
the timeline, write the plan, its backup and its Markdown. Its baseline is
``python -c "import tomllib; tomllib.loads(open(PLAN).read())"``, run in turn with it
(A B A B ...). Figures are medians of the wall time from start to exit and of the peak
resident memory (the process's maxrss). Linux counts in a child's maxrss what its parent
held when it was spawned, so the plan is made by a process of its own and this one stays
small (under 50 MB: well below either figure).

Budgets (issue 32, item 8): a tick on a 9 MB plan ≤ 1 s and ≤ 200 MB.

Run: .venv/bin/python benchmarks/big_tick.py [--runs N] [--components N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from files import make_plan, markdown_table, verdict

from rollback_tui import store

BIN = Path(sys.executable).parent
COMPONENTS = 24_000
STEP = "c5-1"
TIME_BUDGET_S = 1.0
MEMORY_BUDGET_MB = 200.0


def baseline(path: Path) -> list[str]:
    return [sys.executable, "-c", f"import tomllib; tomllib.loads(open({str(path)!r}).read())"]


def tick(path: Path) -> list[str]:
    script = BIN / "rollback-tui"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "rollback_tui"]
    return [*command, "tick", str(path), STEP, "--by", "bench"]


def run(argv: list[str]) -> tuple[float, float]:
    """(seconds from start to exit, peak resident memory in MB) of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{argv[0]} exited {process.returncode}")
    return elapsed, usage.ru_maxrss / 1024  # kilobytes on Linux


def write_plan(path: Path, components: int) -> None:
    """The plan of *components* components at *path* (and its Markdown)."""
    store.save(store.new_file(path, make_plan(components)), force=True)


def measure(folder: Path, components: int, runs: int) -> dict[str, list[tuple[float, float]]]:
    source = folder / "source.toml"
    subprocess.run(
        [sys.executable, __file__, "--write", str(source), "--components", str(components)],
        check=True,
    )
    plan = folder / "plan.toml"
    results: dict[str, list[tuple[float, float]]] = {"tick": [], "tomllib": []}
    for i in range(runs + 1):
        order = ("tick", "tomllib") if i % 2 == 0 else ("tomllib", "tick")
        for name in order:
            shutil.copyfile(source, plan)
            for side in (plan.with_suffix(".md"), plan.with_name(plan.name + ".bak")):
                side.unlink(missing_ok=True)
            figures = run(tick(plan) if name == "tick" else baseline(plan))
            if i:  # the first round warms the caches
                results[name].append(figures)
    return results


def report(results: dict[str, list[tuple[float, float]]], size_mb: float) -> str:
    med = {
        name: (statistics.median(t for t, _ in runs), statistics.median(m for _, m in runs))
        for name, runs in results.items()
    }
    tick_s, tick_mb = med["tick"]
    base_s, base_mb = med["tomllib"]
    runs = len(results["tick"])
    lines = [
        f"A tick on a {size_mb:.1f} MB plan, whole process ({runs} runs each, interleaved)",
        f"  rollback-tui tick   p50 {tick_s:.2f} s   peak {tick_mb:.0f} MB   "
        f"≤ {TIME_BUDGET_S:.0f} s {verdict(tick_s <= TIME_BUDGET_S)}, "
        f"≤ {MEMORY_BUDGET_MB:.0f} MB {verdict(tick_mb <= MEMORY_BUDGET_MB)}",
        f"  tomllib.loads       p50 {base_s:.2f} s   peak {base_mb:.0f} MB",
        f"  ratio               {tick_s / base_s:.2f}× the time, "
        f"{tick_mb / base_mb:.2f}× the memory",
        "",
    ]
    rows = [
        [
            "`rollback-tui tick` (one step)",
            f"{tick_s:.2f} s",
            f"{tick_mb:.0f} MB",
            f"≤ {TIME_BUDGET_S:.0f} s: {verdict(tick_s <= TIME_BUDGET_S)}; "
            f"≤ {MEMORY_BUDGET_MB:.0f} MB: {verdict(tick_mb <= MEMORY_BUDGET_MB)}",
        ],
        ["Baseline: `tomllib.loads` of the same file", f"{base_s:.2f} s", f"{base_mb:.0f} MB", ""],
    ]
    lines.append(
        markdown_table(
            f"A tick on a {size_mb:.1f} MB plan ({runs} runs)",
            ["Whole process, medians", "Wall time", "Peak memory", "Budget"],
            rows,
        )
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each (default 5)")
    parser.add_argument(
        "--components", type=int, default=COMPONENTS, help=f"(default {COMPONENTS:,})"
    )
    parser.add_argument("--write", type=Path, help=argparse.SUPPRESS)  # the plan, in a child
    args = parser.parse_args(argv)
    if args.write is not None:
        write_plan(args.write, args.components)
        return 0
    with tempfile.TemporaryDirectory(prefix="rollback-bench-") as tmp:
        folder = Path(tmp)
        results = measure(folder, args.components, args.runs)
        size_mb = (folder / "source.toml").stat().st_size / 1e6
    print(report(results, size_mb))
    return 0


if __name__ == "__main__":
    sys.exit(main())
