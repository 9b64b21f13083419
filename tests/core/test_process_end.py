"""The end of a command's process (launch.end_now): its output flushed and its exit code
kept, without Python's teardown of every object the command made; the usual exit where
another thread still runs or the output cannot be written."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def ended(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from rollback_tui.launch import end_now\n" + code],
        capture_output=True,
        text=True,
        timeout=30,
    )


@pytest.mark.parametrize(
    ("code", "status", "stderr"),
    [(None, 0, ""), (3, 3, ""), ("tick: no such plan", 1, "tick: no such plan\n")],
)
def test_the_output_is_flushed_and_the_code_kept(code: object, status: int, stderr: str) -> None:
    done = ended(
        "import atexit, sys\n"
        "atexit.register(lambda: print('teardown'))\n"
        "print('written', end='')\n"
        "sys.stderr.write('')\n"
        f"end_now({code!r})\n"
        "print('after')\n"
    )
    assert (done.returncode, done.stdout, done.stderr) == (status, "written", stderr)


def test_another_thread_is_waited_for() -> None:
    """A thread still at work (one writing a file) is never cut short: the process ends
    as usual, once the thread is done."""
    done = ended(
        "import threading, time\n"
        "threading.Thread(target=lambda: (time.sleep(0.3), print('thread done'))).start()\n"
        "end_now(0)\n"
        "print('returned')\n"
    )
    assert done.returncode == 0
    assert done.stdout.splitlines() == ["returned", "thread done"]


def test_a_closed_output_is_left_to_the_interpreter() -> None:
    """Output that cannot be flushed (its reader went away: `rollback-tui status | head`)
    ends the process as Python ends it, saying so (120): end_now does not hide it."""
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom rollback_tui.launch import end_now\n"
            "time.sleep(0.5)\nsys.stdout.write('x' * 10)\nend_now(0)\n",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"},  # buffered
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # the reader goes away before the command writes
    assert child.wait(timeout=30) == 120
    assert b"BrokenPipeError" in child.stderr.read()
    child.stderr.close()
