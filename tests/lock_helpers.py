"""Another process holding a plan's lock, for the tests of a busy lock (Pilot and tmux alike)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from rollback_tui.store import lock as conflicts


def hold_lock(plan: Path, seconds: float = 30) -> subprocess.Popen[str]:
    """Another process holding *plan*'s lock for *seconds* (kill it when done)."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time; "
            "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644); "
            "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); "
            "time.sleep(float(sys.argv[2]))",
            str(conflicts.lock_path(plan)),
            str(seconds),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    return holder
