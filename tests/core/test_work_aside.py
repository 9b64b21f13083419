"""Work done in a child process while the command goes on (bulk_work.aside): a long plan's
layout found while its text is read (layout.split_aside).

Each case runs in a Python of its own: a fork is only made by a process with one thread,
which a test runner's worker need not be.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_helpers import cli
from test_toml_text import long_plan

from rollback_tui.store import layout

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="aside forks on Linux only")


def run(code: str, *args: str | Path) -> list[str]:
    """The lines *code* prints, run by a Python of its own."""
    done = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stderr == ""  # a child that failed says nothing of it
    return done.stdout.split()


def gone(pid: int) -> bool:
    """Whether process *pid* has ended (and is not a zombie waiting to be reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")


def test_the_result_comes_back_and_a_failure_is_none() -> None:
    code = """
from rollback_tui.bulk_work import aside
print(aside(lambda: [("c", True, 1, 2)] * 3).result() == [("c", True, 1, 2)] * 3)
print(aside(lambda: 1 / 0).result())
print(aside(lambda: object()).result())  # not what marshal writes
job = aside(lambda: 1)
print(job.result(), job.result())  # asked once
"""
    assert run(code) == ["True", "None", "None", "1", "None"]


def test_not_with_another_thread_running() -> None:
    """A fork copies only the thread that makes it: with another one running (the
    Textual app), the caller does the work itself."""
    code = """
import threading
from rollback_tui.bulk_work import aside
stop = threading.Event()
threading.Thread(target=stop.wait).start()
print(aside(lambda: 1))
stop.set()
"""
    assert run(code) == ["None"]


def test_a_lock_let_go_is_free_while_the_child_works(tmp_path: Path) -> None:
    """The child closes the files it was given: a plan's lock is free as soon as the
    command lets go of it, however long the child works."""
    code = """
import fcntl, os, sys, time
from rollback_tui.bulk_work import aside
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX)
job = aside(lambda: time.sleep(30))
time.sleep(0.2)  # the child has started
os.close(fd)
other = os.open(sys.argv[1], os.O_RDWR)
try:
    fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    print("free")
except OSError:
    print("held")
job.give_up()
"""
    assert run(code, tmp_path / "lock") == ["free"]


def test_the_child_never_outlives_the_command() -> None:
    """Given up, the child is ended and reaped; and if the command ends first (killed),
    the child is ended with it."""
    code = """
import os, sys, time
from rollback_tui.bulk_work import aside
job = aside(lambda: time.sleep(30))
pid = job._pid
started = time.monotonic()
job.give_up()
print(pid, time.monotonic() - started < 1)
print(aside(lambda: time.sleep(30))._pid, flush=True)
os._exit(0)  # as kill -9 would: nothing of this process's own ends the child
"""
    given_up, quick, orphan = run(code)
    assert quick == "True"
    assert gone(int(given_up))
    deadline = time.monotonic() + 5
    while not gone(int(orphan)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert gone(int(orphan))


def test_a_layout_found_aside_is_the_layout(tmp_path: Path) -> None:
    """split_again finds what split_aside's child found: the same chunks as the scan
    made here; a text not of a plain shape is None either way; and a layout not asked
    for is given up (its child reaped) when another text's replaces it."""
    text = long_plan(tmp_path, 3600).read_text()
    assert len(text) >= layout.ASIDE_FROM
    code = """
import os, sys
from rollback_tui.store import layout
text = open(sys.argv[1]).read()
for case in (text, text + "a = {b = 1}\\n"):
    layout.split_aside(case)
    print(type(layout._last[1]).__name__)
    here, there = layout.split(case), layout.split_again(case)
    print(here is None and there is None or
          (here.chunks, here.cr_chunks) == (there.chunks, there.cr_chunks) and here is not there)
layout.split_aside(text)
pid = layout._last[1]._pid
layout.forget(text)
print(os.path.exists(f"/proc/{pid}"))
"""
    assert run(code, tmp_path / "plan.toml") == ["Aside", "True", "Aside", "True", "False"]


WITHOUT_ASIDE = """
import sys, threading
from rollback_tui.cli import main
stop = threading.Event()
threading.Thread(target=stop.wait).start()  # no fork with two threads: no aside
try:
    main(sys.argv[1:], standalone_mode=False)
finally:
    stop.set()
"""
TIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d)?(?:Z|[+-]\d\d:\d\d)?")


def test_a_tick_on_a_long_plan_with_its_layout_found_aside(tmp_path: Path) -> None:
    """A tick on a long plan never saved here (its layout found by the child) writes the
    same files as a tick whose layout was found in the process, but for the times."""
    source = long_plan(tmp_path, 3600).read_text()
    written = []
    for name, how in (("aside", None), ("here", WITHOUT_ASIDE)):
        folder = tmp_path / name
        folder.mkdir()
        path = folder / "plan.toml"
        path.write_text(source)
        args = ("tick", path, "svc-3599-3", "svc-7-1", "--by", "ann")
        if how is None:
            done = cli(*args)
            assert done.returncode == 0, done.stderr
        else:
            run(how, *args)
        written.append([TIME.sub("T", p.read_text()) for p in (path, folder / "plan.md")])
    assert written[0] == written[1]
    assert written[0][0] != TIME.sub("T", source)
