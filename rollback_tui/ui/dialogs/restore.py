"""A recovery file newer than the plan: restore it, see the differences, or discard it."""

from __future__ import annotations

from rollback_tui.ui.dialogs.differences import Differences
from rollback_tui.ui.dialogs.question import _Question


class RestoreDialog(_Question):
    """A recovery file newer than the plan: restore it, see the differences, or discard it.

    Show differences opens a diff above the dialog, which stays.
    """

    def __init__(self, path: str, saved_at: str, diff: str, *, never_saved: bool = False) -> None:
        super().__init__(
            f"Edits of a new plan, never saved, were kept at {saved_at} (the app was "
            "closed or lost its terminal before saving)."
            if never_saved
            else f"Unsaved edits of {path} were kept at {saved_at}, after the plan was last "
            "saved (the app was closed or lost its terminal before saving).",
            [
                ("restore", "Restore them", True),
                ("diff", "Show differences", True),
                ("discard", "Discard them", True),
            ],
        )
        self.diff = diff
        self.path = path

    def answered(self, answer: str) -> None:
        if answer == "diff":
            self.app.push_screen(Differences(f"What restoring changes in {self.path}:", self.diff))
        else:
            self.dismiss(answer)
