"""Checklist mode in Pilot: an app on a fixed clock, its screen, and what it shows and saved."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import Static

from rollback_tui import store
from rollback_tui.ui.app import RollbackApp
from rollback_tui.ui.checklist.checklist_screen import ChecklistScreen
from rollback_tui.ui.checklist.items import ChecklistRow
from rollback_tui.ui.factory import make_app

T0 = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)


class Clock:
    """A clock that moves only when a test moves it."""

    def __init__(self, now: dt.datetime = T0) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


def checklist_app(path: Path, clock: Clock | None = None, by: str | None = "sam") -> RollbackApp:
    app = make_app(path, mode="run", by=by, cursor_blink=False)
    app.keeper.clock = clock or Clock()
    return app


def checklist(app: RollbackApp) -> ChecklistScreen:
    screen = app.screen
    assert isinstance(screen, ChecklistScreen)
    return screen


def focused_id(app: RollbackApp) -> str | None:
    focused = app.focused
    return focused.item_id if isinstance(focused, ChecklistRow) else None


def on_disk(path: Path) -> store.Plan:
    return store.load(path).plan


def notifications(app: RollbackApp) -> str:
    return "\n".join(f"{n.title}: {n.message}" for n in app._notifications)


def plain(widget: Static) -> str:
    return str(widget.render())
