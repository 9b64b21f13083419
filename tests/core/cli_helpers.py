"""The command line as the core tests run it: in this process, or in a process of its own."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner, Result

from rollback_tui.cli import main


def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    """Invoke the command line in-process; an escaping exception fails the test."""
    result = CliRunner(env=env).invoke(main, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def cli(
    *args: str | Path, timeout: float = 30, memory: int | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """rollback-tui in a process of its own (under *memory* bytes of address space)."""

    def limit() -> None:
        if memory is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run(
        [sys.executable, "-m", "rollback_tui", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=limit,
        cwd=cwd,
    )
