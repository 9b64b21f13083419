"""Open: another plan takes the open one's place (asked first if it has unsaved changes)."""

from __future__ import annotations

from pathlib import Path

from rollback_tui import store
from rollback_tui.ui.dialogs.ask_path import AskPath
from rollback_tui.ui.dialogs.choice import Choice
from rollback_tui.ui.keeper import PlanKeeper


def ask_open(keeper: PlanKeeper) -> None:
    """Ask for a plan to open; first, what to do with unsaved changes."""
    if not keeper.dirty:
        _ask_path(keeper)
        return

    def answered(answer: str | None) -> None:
        if answer == "save":
            if not keeper.untitled:
                keeper.save_in_background(then=lambda: _ask_path(keeper))
        elif answer == "discard":
            keeper.aside.forget()
            _ask_path(keeper)

    keeper.app.push_screen(
        Choice(
            "This plan has unsaved changes.",
            [("save", "Save, then open"), ("discard", "Discard them"), ("cancel", "Cancel")],
        ),
        answered,
    )


def _ask_path(keeper: PlanKeeper) -> None:
    loaded: list[store.PlanFile] = []

    def attempt(dialog: AskPath, path: Path) -> None:
        # An error stays in the dialog, beside the path as typed.
        try:
            loaded.append(store.load(path))
        except store.PlanFileError as exc:
            dialog.show_error(str(exc))
            return
        dialog.dismiss(path)

    def opened(path: Path | None) -> None:
        if path is not None and loaded:  # the screens on it replace these
            keeper.app.call_after_refresh(keeper.show, loaded[-1])

    keeper.app.push_screen(AskPath("Open the plan at:", attempt=attempt), opened)
