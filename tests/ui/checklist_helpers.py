"""Checklist mode in Pilot: an app on a fixed clock, its screen, and what it shows and saved."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

# Shared by every UI test; the checklist tests import it from here as well.
from app_helpers import notifications as notifications
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Static

from rollback_tui import store
from rollback_tui.ui.app import RollbackApp
from rollback_tui.ui.checklist.checklist_screen import ChecklistScreen
from rollback_tui.ui.checklist.checklist_view import ChecklistView
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
    """The item under the cursor, while the checklist has the focus."""
    focused = app.focused
    row = focused.cursor_row if isinstance(focused, ChecklistView) else None
    return row.item_id if row is not None else None


async def focus_item(pilot: Pilot[Any], item_id: str) -> None:
    """Put the checklist's cursor on *item_id*, as the arrow keys would."""
    screen = checklist(pilot.app)  # type: ignore[arg-type]
    screen.focus_row(screen.row(item_id))
    await pilot.pause()


def on_disk(path: Path) -> store.Plan:
    return store.load(path).plan


def plain(shown: Static | Content | None) -> str:
    """The text of a widget, or of a row's part (its line, command, outcome line)."""
    if shown is None:
        return ""
    return shown.plain if isinstance(shown, Content) else str(shown.render())


def drawn_heading(app: RollbackApp, key: str) -> str:
    """The heading of the group *key* as the checklist draws it, line by line."""
    view = checklist(app).view
    return "\n".join(view.lines_of(view.group(key)))


def drawn_row(app: RollbackApp, item_id: str) -> str:
    """The row of *item_id* as the checklist draws it, line by line."""
    view = checklist(app).view
    return "\n".join(view.lines_of(view.row(item_id)))
