"""The plan changed on disk since it was opened: how to save without losing either."""

from __future__ import annotations

from rollback_tui.ui.dialogs.question import _Question


class ConflictDialog(_Question):
    """The plan changed on disk since it was opened: how to save without losing either."""

    def __init__(self, message: str, mergeable: bool) -> None:
        why = (
            "Merge keeps the file's version with your ticks and timeline added, by item id."
            if mergeable
            else "Merge (by item id) is offered only when the two versions differ in ticks and "
            "the timeline alone; here the plan's text differs too."
        )
        super().__init__(
            f"{message}.\nSaving now would overwrite the other change. Reload discards "
            "your edits and shows the file's version.",
            [
                ("reload", "Reload", True),
                ("merge", "Merge", mergeable),
                ("save-as", "Save as…", True),
                ("overwrite", "Overwrite", True),
                ("cancel", "Cancel", True),
            ],
            why,
        )
