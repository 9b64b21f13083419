"""Edits kept aside and never saved, found when a plan opens (or the wizard is shown over
the checklist): ask whether to restore them (a dialog shows what differs), then restore
or discard them."""

from __future__ import annotations

from rollback_tui.store import recovery
from rollback_tui.ui.keeper import PlanKeeper
from rollback_tui.ui.keeper.kept_aside import KeptEdits


def offer_restore(keeper: PlanKeeper, kept: KeptEdits) -> None:
    """Ask whether to restore *kept*, then do what the answer says."""
    from rollback_tui.ui.dialogs.restore import RestoreDialog

    file = kept.file
    name = "the new plan" if file.is_untitled else str(keeper.plan_file.path)

    def answered(answer: str | None) -> None:
        if answer == "discard":
            file.delete()
        elif answer == "restore":
            keeper.restore(kept.found.text)

    keeper.app.push_screen(
        RestoreDialog(
            name,
            kept.when,
            recovery.differences(file, kept.found),
            never_saved=file.is_untitled,
        ),
        answered,
    )
