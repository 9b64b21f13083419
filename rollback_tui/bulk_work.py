"""Work that makes a great many objects at once: reading a plan, rendering it, importing
one. Python's cycle collector runs again and again while they are made, each time over
all of them so far; on a 9 MB plan that doubled the time to validate and render it, and
made an import grow faster than its input. The objects made here form no garbage cycles
worth collecting before the work ends, so the collector waits until then."""

from __future__ import annotations

import gc
from collections.abc import Iterator
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
