"""Who holds the plan a session runs: the session asks it for the plan, tells it of each
change, and asks it to save. In the app the plan's keeper holds it (its saves run in a
thread); without a screen, `FileHolder` holds it and saves on the calling thread.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from rollback_tui import store
from rollback_tui.plan.model import utc_now
from rollback_tui.run.saving import SaveOutcome, adopt, copy_of, save_copy
from rollback_tui.store import sync

Clock = Callable[[], dt.datetime]
"""Returns the time now, an aware datetime (tests fix it)."""


class PlanHolder(Protocol):
    """What a run session needs of whoever holds the open plan."""

    @property
    def plan_file(self) -> store.PlanFile:
        """The open plan and its file (another one after a merge or Open)."""

    @property
    def by(self) -> str:
        """Who ticks, as the timeline records it."""

    @property
    def edits(self) -> int:
        """Counts the changes made to the plan here."""

    @property
    def dirty(self) -> bool:
        """The plan in memory differs from the plan on disk."""

    @property
    def saving(self) -> bool:
        """A save is running or waiting to run."""

    def now(self) -> dt.datetime:
        """The time now, in UTC to the second, as ticks record it."""

    def mark_dirty(self) -> None:
        """The plan changed here."""

    def mark_clean(self) -> None:
        """The plan on disk is the plan in memory."""

    def save_merging(self) -> None:
        """Save the plan, merging by item id if the file changed on disk. The outcome goes
        to the session's `saved` (at once, or later from a thread)."""


class FileHolder:
    """A plan held without a screen (`exec`, plain mode, the tests): each save runs at
    once on the calling thread, merging by item id, and its outcome goes to *finished*."""

    def __init__(self, plan_file: store.PlanFile, *, by: str, clock: Clock = utc_now) -> None:
        self.plan_file = plan_file
        self.by = by
        self.clock = clock
        self.edits = 0
        self.dirty = False
        self.saving = False
        self.finished: Callable[[SaveOutcome], object] = lambda outcome: None
        """Told each save's outcome (the session's `saved`, once it holds this)."""

    @classmethod
    def load(cls, path: Path, *, by: str, clock: Clock = utc_now) -> FileHolder:
        """The plan at *path*. Raises PlanFileError if it cannot be used."""
        return cls(store.load(path), by=by, clock=clock)

    def now(self) -> dt.datetime:
        return self.clock().astimezone(dt.UTC).replace(microsecond=0)

    def mark_dirty(self) -> None:
        self.edits += 1
        self.dirty = True

    def mark_clean(self) -> None:
        self.dirty = False

    def save_merging(self) -> None:
        self.saving = True
        try:
            outcome = save_copy(copy_of(self.plan_file), self.edits, sync.save_merging)
            if outcome.error is None:
                edited_since = outcome.edits != self.edits
                adopt(self.plan_file, outcome, edited_since=edited_since)
                if not edited_since:
                    self.mark_clean()
        finally:
            self.saving = False
        self.finished(outcome)
