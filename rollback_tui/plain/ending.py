"""Ending plain mode cleanly on a hang-up (SIGHUP: the terminal or the SSH connection went
away) or SIGTERM. The signal only ends it while it waits for a line: a save under way
finishes first (saves are quick, on this thread), then it ends with everything kept."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any

SIGNALS = (signal.SIGHUP, signal.SIGTERM)


class HungUp(Exception):
    """A hang-up or SIGTERM: end now, keeping everything."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def code(self) -> int:
        """The exit code: 128 + the signal's number, as a shell reports it."""
        return 128 + self.signum


class Ending:
    """The SIGHUP and SIGTERM handlers of one plain session."""

    def __init__(self) -> None:
        self.signum = 0
        """The signal that came, once one did."""
        self._waiting = False
        self._previous: dict[int, Any] = {}

    def install(self) -> None:
        """Take over SIGHUP and SIGTERM (on the main thread only; elsewhere, nothing)."""
        if threading.current_thread() is not threading.main_thread():
            return
        for signum in SIGNALS:
            self._previous[signum] = signal.signal(signum, self._signalled)

    def uninstall(self) -> None:
        """Put back the handlers found at install()."""
        for signum, handler in self._previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
        self._previous.clear()

    def _signalled(self, signum: int, frame: FrameType | None) -> None:
        if not self.signum:
            self.signum = signum
        if self._waiting:
            raise HungUp(signum)

    def check(self) -> None:
        """Raise HungUp if a signal came while something was being done."""
        if self.signum:
            raise HungUp(self.signum)

    @contextlib.contextmanager
    def waiting(self) -> Iterator[None]:
        """While waiting for input, a signal ends the wait at once (HungUp)."""
        self.check()
        self._waiting = True
        try:
            yield
        finally:
            self._waiting = False
