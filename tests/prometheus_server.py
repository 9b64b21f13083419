"""A real Prometheus on loopback, with an error-rate spike backfilled at fixed past times.

The data: two counters of HTTP requests, one sample a minute over three hours that end an
hour or more before now (within the default retention, outside the head block). 1,000
requests a minute answer 200 throughout; 5xx answers are 1 a minute before the spike,
80 a minute during it (an error ratio of 80/1,080 = 0.074) and 1 a minute after it.
`promtool tsdb create-blocks-from openmetrics` writes the blocks; Prometheus reads them
from its storage folder at start.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

RATIO_QUERY = (
    'sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m])) > 0.005'
)
"""The alert expression of the README's example: fires while over 0.5% of requests fail."""
SPIKE_RATIO = 80 / 1080


@dataclass(frozen=True)
class Prometheus:
    """A running Prometheus and the times of its backfilled data."""

    url: str
    before: dt.datetime
    """A time before the spike (quiet)."""
    during: dt.datetime
    """A time during the spike (firing)."""
    after: dt.datetime
    """A time after the recovery (quiet again)."""


def _openmetrics(start: int) -> str:
    lines = ["# TYPE http_requests counter"]
    ok = errors = 0
    rows: list[tuple[int, int, int]] = []
    for minute in range(181):
        ok += 1000
        errors += 80 if 60 <= minute < 90 else 1
        rows.append((start + minute * 60, ok, errors))
    lines += [f'http_requests_total{{code="200"}} {ok} {at}' for at, ok, _ in rows]
    lines += [f'http_requests_total{{code="500"}} {err} {at}' for at, _, err in rows]
    return "\n".join(lines) + "\n# EOF\n"


def _die_with_parent() -> None:
    """Linux: Prometheus is sent SIGTERM should the test process die without stopping it
    (a worker killed mid-run): no process is left behind either way."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start(folder: Path) -> tuple[subprocess.Popen[bytes], Prometheus]:
    """Backfill the data into *folder* and start Prometheus on it (ready when returned)."""
    now = int(time.time())
    start_at = now - now % 3600 - 5 * 3600  # whole hours: 2-hour blocks cut cleanly
    data = folder / "data.om"
    data.write_text(_openmetrics(start_at))
    storage = folder / "tsdb"
    subprocess.run(
        ["promtool", "tsdb", "create-blocks-from", "openmetrics", str(data), str(storage)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    config = folder / "prometheus.yml"
    config.write_text("global:\n  scrape_interval: 1h\n")
    port = free_port()
    process = subprocess.Popen(
        [
            "prometheus",
            f"--config.file={config}",
            f"--storage.tsdb.path={storage}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--storage.tsdb.retention.time=30d",
        ],
        stdout=subprocess.DEVNULL,
        stderr=(folder / "prometheus.log").open("wb"),
        start_new_session=True,
        preexec_fn=_die_with_parent,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/-/ready", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            stop(process)
            log = (folder / "prometheus.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"Prometheus did not start:\n{log}")
        time.sleep(0.2)

    def at(minute: int) -> dt.datetime:
        return dt.datetime.fromtimestamp(start_at + minute * 60, dt.UTC)

    return process, Prometheus(url, before=at(40), during=at(80), after=at(150))


def stop(process: subprocess.Popen[bytes]) -> None:
    """End Prometheus (and wait for it: no process is left behind)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def temp_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="rollback-tui-prometheus-"))


def remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
