"""Work over a whole plan: making a great many objects at once, and doing it in the
background of an interactive app.

Reading a plan, rendering it, importing one: Python's cycle collector runs again and
again while they are made, each time over all of them so far; on a 9 MB plan that doubled
the time to validate and render it, and made an import grow faster than its input. The
objects made here form no garbage cycles worth collecting before the work ends, so the
collector waits until then (`many_objects`).

Checking a plan or making its recovery text in a thread while the user types: the work
gives way to the thread that draws the screen, and stops once its result is stale
(`paced`, `pace`)."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


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
