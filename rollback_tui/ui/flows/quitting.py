"""Quitting: at once when everything is saved; the checklist's ticks get a last merging
save first; unsaved wizard edits ask (save and quit, quit without saving, cancel)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from rollback_tui.ui.dialogs.choice import Choice
from rollback_tui.ui.keeper import PlanKeeper

SaveAs = Callable[[str, Callable[[], object] | None], None]
"""Asks for a path, saves there, then calls the callable (if any)."""


async def quit_plan(keeper: PlanKeeper, save_as: SaveAs) -> None:
    """Quit; asks first when there are unsaved changes."""
    app = keeper.app
    if keeper.dirty and keeper.shown_saves_at_once():
        await keeper.save_merging_now()  # a last try, merging with the file on disk
    if not keeper.dirty:
        app.exit(0)
        return

    def answered(answer: str | None) -> None:
        if answer == "discard":
            keeper.aside.forget()
            app.exit(0)
        elif answer == "save":
            if keeper.untitled:
                save_as("", partial(app.exit, 0))
            else:
                keeper.save_in_background(then=partial(app.exit, 0))

    app.push_screen(
        Choice(
            "This plan has unsaved changes.",
            [("save", "Save and quit"), ("discard", "Quit without saving"), ("cancel", "Cancel")],
        ),
        answered,
    )
