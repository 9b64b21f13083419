"""The checklist's outcome keys: what a step needs asked before the session records it.

Done (space or enter) is recorded at once and the cursor goes on; an irreversible step is
confirmed first by typing a word; skipped (s) and failed (f) ask why; on a step that has
an outcome, done asks once whether to take it back. Each answer then goes to the run
session, which records it with who and when and saves it. Keys typed after the key that
asked wait for the answer to be recorded (the key order's `ask`).
"""

from __future__ import annotations

from functools import partial

from rollback_tui.plan.model import ChecklistItem
from rollback_tui.plan.shell_words import show_invisible
from rollback_tui.plan.timeline import Outcome
from rollback_tui.run.session import RunSession
from rollback_tui.ui.checklist.checklist_rows import ChecklistRow
from rollback_tui.ui.checklist.checklist_view import ChecklistView
from rollback_tui.ui.dialogs.choice import Choice
from rollback_tui.ui.dialogs.confirm_irreversible import ConfirmIrreversible
from rollback_tui.ui.dialogs.reason import ReasonDialog
from rollback_tui.ui.dialogs.still_firing import StillFiring
from rollback_tui.ui.keys.order import KeyOrder


class OutcomeQuestions:
    """Done, skipped, failed and undo on the row under *view*'s cursor, for *session*."""

    def __init__(self, session: RunSession, view: ChecklistView, keys: KeyOrder) -> None:
        self.session = session
        self.view = view
        self.keys = keys

    def _focused_item(self) -> tuple[ChecklistRow, ChecklistItem] | None:
        row = self.view.focused_row()
        item = self.session.item(row.item_id) if row else None
        return (row, item) if row is not None and item is not None else None

    @staticmethod
    def _label(item: ChecklistItem) -> str:
        return show_invisible(item.text.strip()) or "(no text)"

    async def toggle(self) -> None:
        """Mark the focused item done (then go on to the next); an irreversible one is
        confirmed first. On an item with an outcome, ask whether to take it back."""
        focused = self._focused_item()
        if focused is None:
            return
        row, item = focused
        if item.state != "open":
            question = (
                f"{item.id} is {item.state}: {self._label(item)}\n"
                "Take this back and leave the step open? (escape keeps it)"
            )
            self.keys.ask(
                Choice(question, [("keep", f"Keep it {item.state}"), ("undo", "Undo")]),
                partial(self._undo_answered, item.id),
            )
            return
        firing = self.session.still_firing(item.id)
        if firing:
            self.keys.ask(
                StillFiring(item.id, self._label(item), firing),
                partial(self._firing_answered, row, item.id, ", ".join(firing)),
            )
            return
        self._done_or_confirm(row, item)

    def _done_or_confirm(self, row: ChecklistRow, item: ChecklistItem, firing: str = "") -> None:
        if item.irreversible:
            self.keys.ask(
                ConfirmIrreversible(item.id, self._label(item)),
                partial(self._irreversible_answered, item.id, firing),
            )
            return
        self._mark_done(row, item.id, firing=firing)

    async def _firing_answered(
        self, row: ChecklistRow, item_id: str, firing: str, answer: str | None
    ) -> None:
        item = self.session.item(item_id)
        if item is None or item.state != "open":
            return
        if answer != "done":  # the answer goes into the timeline, either way
            self.session.note(f"{item_id} not marked done: {firing} still firing")
            return
        self._done_or_confirm(row, item, firing)

    def _mark_done(
        self, row: ChecklistRow | None, item_id: str, confirmed: bool = False, firing: str = ""
    ) -> None:
        self.session.done(item_id, confirmed=confirmed, firing=firing)
        if row is not None and self.view.focused_row() is row:
            self.view.move(1)

    async def _irreversible_answered(
        self, item_id: str, firing: str, confirmed: bool | None
    ) -> None:
        if not confirmed or self.session.item(item_id) is None:
            return
        self._mark_done(self.view.focused_row(), item_id, confirmed=True, firing=firing)

    async def _undo_answered(self, item_id: str, answer: str | None) -> None:
        if answer != "undo" or self.session.item(item_id) is None:
            return
        self.session.undo(item_id)

    def ask_reason(self, outcome: Outcome) -> None:
        """Ask why (skipped) or what went wrong (failed), then mark the focused item so."""
        focused = self._focused_item()
        if focused is None:
            return
        row, item = focused
        self.keys.ask(
            ReasonDialog(outcome, item.id, self._label(item)),
            partial(self._reason_given, row, item.id, outcome),
        )

    async def _reason_given(
        self, row: ChecklistRow, item_id: str, outcome: Outcome, reason: str | None
    ) -> None:
        if not reason or self.session.item(item_id) is None:
            return
        self.session.set_outcome(item_id, outcome, reason)
        if self.view.focused_row() is row:
            self.view.move(1)
