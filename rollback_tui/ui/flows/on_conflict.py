"""A save found the file changed on disk since it was read: ask what to do (reload it,
merge by item id when the two merge, overwrite it, or save as), then do it."""

from __future__ import annotations

from collections.abc import Callable

from rollback_tui.ui.keeper import PlanKeeper


def ask_about_conflict(keeper: PlanKeeper, message: str, save_as: Callable[[], None]) -> None:
    """Ask what to do with the conflict *message* tells; *save_as* asks for a new path."""
    from rollback_tui.ui.dialogs.conflict import ConflictDialog

    def answered(answer: str | None) -> None:
        if answer == "reload":
            keeper.aside.forget()
            keeper.open_path(keeper.plan_file.path)
        elif answer == "merge":
            keeper.merge_and_write()
        elif answer == "overwrite":
            keeper.write(force=True)
        elif answer == "save-as":
            save_as()

    keeper.app.push_screen(ConflictDialog(message, keeper.can_merge()), answered)
