"""The wizard's steps built before they are first shown, in the pauses of the user's work.

A step is built when first shown, so that the wizard's first frame comes fast; but a step
with many fields takes a few hundred milliseconds to build, and F8 to it would wait that
long. So once the user has neither edited nor switched steps for IDLE seconds, the steps
not yet built are built one at a time, EVERY seconds apart while the pause lasts (in the
order F8 visits them, from the step shown): a key typed meanwhile waits for one step's
build at most, and a step switch then only shows what is already there. A step rebuilt for
a new plan shape is built again in the next pause.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from textual.css.query import NoMatches
from textual.timer import Timer

from rollback_tui.ui.wizard.steps.base import StepPane

IDLE = 2.5
"""Seconds without an edit or a step switch before a step is built ahead: longer than a
typist's pauses (and the recovery file's 2 s), so that the key after one does not wait for
a build; a user who stops that long is reading."""

EVERY = 0.25
"""Seconds between two looks for a pause."""

clock: Callable[[], float] = time.monotonic
"""What pauses are measured by."""


class Stepping(Protocol):
    """What building ahead needs of the wizard (this module never imports it)."""

    current: str
    step_keys: list[str]

    def pane(self, key: str) -> StepPane: ...
    def set_interval(self, interval: float, callback: Callable[[], Any]) -> Timer: ...


def build_order(keys: Sequence[str], current: str) -> list[str]:
    """The steps in the order F8 visits them from *current*, then those before it."""
    at = keys.index(current) if current in keys else 0
    return [*keys[at + 1 :], *keys[:at]]


class BuildAhead:
    """Builds *wizard*'s steps one per pause in the user's work."""

    def __init__(self, wizard: Stepping, settled: Callable[[], object] = lambda: None) -> None:
        self._wizard = wizard
        self._settled = settled
        """Called in the first pause after the user's work once every step is built: what
        was made meanwhile (the steps, what the screen drew of them) mostly stays."""
        self._active_at = clock()
        self._timer: Timer | None = None
        self._worked = True
        """The user worked (or the wizard started) since settled was last called."""

    def start(self) -> None:
        """Start looking for pauses (again, after the wizard shows another plan)."""
        self.active()
        if self._timer is None:
            self._timer = self._wizard.set_interval(EVERY, self._look)

    def active(self) -> None:
        """The user edited or switched steps: the next build waits for a pause."""
        self._active_at = clock()
        self._worked = True

    def waiting(self) -> list[str]:
        """The steps still to be built, in the order they will be."""
        wizard = self._wizard
        order = build_order(wizard.step_keys, wizard.current)
        return [key for key in order if not wizard.pane(key).ready]

    async def _look(self) -> None:
        if clock() - self._active_at < IDLE:
            return
        try:
            waiting = self.waiting()
            pane = self._wizard.pane(waiting[0]) if waiting else None
            if pane is not None and pane.is_attached:  # one step per look (see above)
                await pane.ensure_built()
                waiting = self.waiting()
        except NoMatches:  # the steps are being replaced (another plan): the next look
            return
        if not waiting and self._worked:
            self._worked = False
            self._settled()
