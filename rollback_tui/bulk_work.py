"""Work over a whole plan: making a great many objects at once, and doing it in the
background of an interactive app.

Reading a plan, rendering it, importing one: Python's cycle collector runs again and
again while they are made, each time over all of them so far; on a 9 MB plan that doubled
the time to validate and render it, and made an import grow faster than its input. The
objects made here form no garbage cycles worth collecting before the work ends, so the
collector waits until then (`many_objects`).

Checking a plan or making its recovery text in a thread while the user types: the work
gives way to the thread that draws the screen, and stops once its result is stale
(`paced`, `pace`).

Work that needs only a text and whose result is a little plain data (where a long plan's
tables begin) can be done in a child process on the machine's other core while the
command goes on (`aside`): Python runs one thread at a time."""

from __future__ import annotations

import gc
import marshal
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def many_objects() -> Iterator[None]:
    """Hold Python's cycle collector for the duration (reference counting goes on).

    Nested or in several threads at once, it is back on when the outermost ends: only
    the one that found it on turns it on again.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


class Stale(Exception):
    """Raised by `pace` in paced work whose result is no longer wanted."""


class _Pacing(threading.local):
    stop: Callable[[], bool] | None = None
    ran_since: float = 0.0


_PACING = _Pacing()
RUN_SECONDS = 0.002
REST_SECONDS = 0.002


@contextmanager
def paced(stop: Callable[[], bool] | None = None) -> Iterator[None]:
    """Work in a background thread of an interactive app that gives way to it.

    Python runs one thread at a time and hands over only every few milliseconds, when
    asked: a thread that works flat out takes every other slice from the thread drawing
    the screen, and a key typed meanwhile waits twice as long. Inside this block, each
    `pace` call in the work lets the interpreter go for REST_SECONDS once the thread has
    run RUN_SECONDS, and ends the work with `Stale` once *stop* says its result is no
    longer wanted (the plan was edited since). Outside such a block `pace` does nothing.
    """
    _PACING.stop, _PACING.ran_since = stop, time.perf_counter()
    try:
        yield
    finally:
        _PACING.stop = None


def pace() -> None:
    """A point where paced work may rest or end (see `paced`); costs little elsewhere."""
    stop = _PACING.stop
    if stop is None:
        return
    if stop():
        raise Stale
    now = time.perf_counter()
    if now - _PACING.ran_since >= RUN_SECONDS:
        time.sleep(REST_SECONDS)
        _PACING.ran_since = time.perf_counter()


_PR_SET_PDEATHSIG = 1
"""prctl(2): the signal a process gets when the thread that forked it ends."""


class Aside:
    """Work started in a child process by `aside`: its result, once asked for."""

    def __init__(self, pid: int, fd: int) -> None:
        self._pid: int | None = pid
        self._fd = fd

    def result(self) -> object | None:
        """What the work returned (waiting for it); None if it failed, was ended by a
        signal, or was given up. Asked once: the child is gone after."""
        pid = self._pid
        if pid is None:
            return None
        self._pid = None
        try:
            _, status = os.waitpid(pid, 0)
            if os.waitstatus_to_exitcode(status) != 0:
                return None
            data = os.pread(self._fd, os.fstat(self._fd).st_size, 0)
            result: object = marshal.loads(data)
            return result
        except (OSError, ValueError, EOFError, TypeError):
            return None
        finally:
            os.close(self._fd)

    def give_up(self) -> None:
        """The result is not wanted: the child is ended (if still at work) and reaped."""
        pid = self._pid
        if pid is None:
            return
        self._pid = None
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except OSError:
            pass
        finally:
            os.close(self._fd)


def aside(work: Callable[[], Any]) -> Aside | None:
    """Start *work* in a child process (forked: it sees everything this one holds, and
    changes none of it), for `Aside.result` to collect; None where that cannot be done
    safely, and the caller does the work itself: not on Linux, or with another thread
    running (the Textual app: a fork copies only the thread that made it, with whatever
    locks the others held), or when the system refuses a process.

    The result must be what marshal writes (numbers, strings, lists, tuples, dicts): it
    comes back through an anonymous file in memory, so the child never waits for this
    process to read. The child takes no signal handler of this one (a hang-up or Ctrl-C
    ends it), closes every file this one had open (a plan's lock is let go when this
    process lets go of it, not when the child ends), and is killed if this process
    ends first: it never outlives the command that started it.
    """
    if sys.platform != "linux" or threading.active_count() != 1:
        return None
    try:
        fd = os.memfd_create("rollback-tui-aside", os.MFD_CLOEXEC)
    except OSError:
        return None
    parent = os.getpid()
    try:
        pid = os.fork()
    except OSError:
        os.close(fd)
        return None
    if pid:
        return Aside(pid, fd)
    code = 1  # the child, from here to os._exit: nothing of the parent's shutdown runs
    try:
        for number in (signal.SIGHUP, signal.SIGINT, signal.SIGTERM, signal.SIGQUIT):
            signal.signal(number, signal.SIG_DFL)
        _end_with_parent()
        if os.getppid() != parent:  # it ended before the line above took effect
            os._exit(1)
        os.closerange(3, fd)
        os.closerange(fd + 1, os.sysconf("SC_OPEN_MAX"))
        view = memoryview(marshal.dumps(work()))
        while view:
            view = view[os.write(fd, view) :]
        code = 0
    finally:
        os._exit(code)


def _end_with_parent() -> None:
    """Have the kernel kill this (child) process when its parent ends."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
