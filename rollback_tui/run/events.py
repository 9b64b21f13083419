"""What a run session tells its listeners: one small, typed event per thing that happened.

A front end (the checklist screen, plain mode, the status page writer, run --git)
listens to the session and shows or acts on what it hears; the session never knows who
listens. Listeners are plain callables, called in the order they subscribed, on the
thread that changed the session.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rollback_tui.plan.merge import MergeSummary
from rollback_tui.plan.model import ItemState, Plan, TimelineEvent


@dataclass(frozen=True)
class OutcomeSet:
    """An item's outcome changed here (done, skipped, failed, or taken back): it is
    pending until a save writes it."""

    item_id: str
    state: ItemState


@dataclass(frozen=True)
class TimelineAdded:
    """An event of the run's own went into the timeline here: a note, the incident start,
    an update sent."""

    event: TimelineEvent


@dataclass(frozen=True)
class NotSaved:
    """The plan's file could not be used (a save, or reading a change made elsewhere);
    told once per distinct problem. The change stays in memory and is saved later."""

    message: str


@dataclass(frozen=True)
class Merged:
    """Changes made elsewhere (a `tick`, a hand edit, a reset) were merged by item id."""

    summary: MergeSummary
    file_name: str


@dataclass(frozen=True)
class SavedPartly:
    """The ticks are in the plan's TOML, but its Markdown was not written."""

    message: str


@dataclass(frozen=True)
class Saved:
    """A save wrote the run: *plan* as it is now (run --git commits it)."""

    plan: Plan


@dataclass(frozen=True)
class DrillFinished:
    """The drill ended: its run file records the end, the plan the drill's times."""

    run: Plan
    run_path: Path
    plan_path: Path


@dataclass(frozen=True)
class DrillNotRecorded:
    """The drill's end could not be written into the plan (its run file keeps every step)."""

    message: str


@dataclass(frozen=True)
class CommandRan:
    """A step's command was run (by `x` in the checklist, or `exec`)."""

    item_id: str
    exit_code: int | None
    """None: it did not end by itself (a timeout, an interrupt)."""
    started: dt.datetime
    seconds: float


@dataclass(frozen=True)
class TriggerChanged:
    """A rollback trigger's query started or stopped firing."""

    trigger: str
    firing: bool
    at: dt.datetime


@dataclass(frozen=True)
class PagePublished:
    """The status page was written again."""

    path: Path
    at: dt.datetime


RunEvent = (
    OutcomeSet
    | TimelineAdded
    | NotSaved
    | Merged
    | SavedPartly
    | Saved
    | DrillFinished
    | DrillNotRecorded
    | CommandRan
    | TriggerChanged
    | PagePublished
)
"""Everything a session tells."""

Listener = Callable[[RunEvent], object]
"""Hears every event; what it returns is ignored."""


class Listeners:
    """The listeners of one session, in the order they subscribed."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def add(self, listener: Listener) -> Callable[[], None]:
        """Subscribe *listener*; returns the call that unsubscribes it."""
        self._listeners.append(listener)

        def remove() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return remove

    def tell(self, event: RunEvent) -> None:
        """Give *event* to every listener, oldest first (one that unsubscribes meanwhile is
        still told this one)."""
        for listener in list(self._listeners):
            listener(event)
