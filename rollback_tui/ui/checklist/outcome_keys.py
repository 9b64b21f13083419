"""The checklist's outcome keys and the status-update clock, as a part of its screen.

Done (space or enter), skipped (s) and failed (f), each saved at once with who and when;
an irreversible step is confirmed by typing a word; taking an outcome back asks once.
Copying a communication template records that an update was sent and restarts the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual import events

from rollback_tui.plan.model import ChecklistItem, Plan
from rollback_tui.plan.shell_words import show_invisible
from rollback_tui.plan.timeline import (
    IRREVERSIBLE_CONFIRMED,
    Outcome,
    record,
    set_done,
    set_outcome,
)
from rollback_tui.render import substitute
from rollback_tui.ui.dialogs.choice import Choice
from rollback_tui.ui.dialogs.confirm_irreversible import ConfirmIrreversible
from rollback_tui.ui.dialogs.held_keys import KeysToInput
from rollback_tui.ui.dialogs.reason import ReasonDialog

if TYPE_CHECKING:
    from textual.screen import Screen

    from rollback_tui.ui.checklist.checklist_rows import ChecklistRow
    from rollback_tui.ui.keeper import PlanKeeper

    _Base = Screen[None]
else:
    _Base = object


def templates(plan: Plan) -> list[tuple[str, str]]:
    """The communication templates that have text, as (title, text with values filled in)."""
    comms = plan.communications
    variables = plan.variables()
    return [
        (title, substitute(body, variables))
        for title, body in [
            ("internal update", comms.internal_template),
            ("status page update", comms.status_page_template),
            ("user-facing message", comms.user_template),
            ("post-rollback update", comms.post_rollback_update),
        ]
        if body.strip()
    ]


class OutcomeActions(_Base):
    """Done, skipped, failed and undo on the focused row; sending a status update."""

    held_keys: list[tuple[str, str | None]] | None = None
    """Keys typed while a dialog's answer is being recorded, replayed once it is (None
    when no dialog is open): a burst such as `s reason enter f reason enter` then acts on
    the rows in the order typed."""

    def _ask(self, dialog: Screen[Any], callback: Callable[[Any], Awaitable[None]]) -> None:
        self.held_keys = []
        if isinstance(dialog, KeysToInput):
            dialog.spill = self.held_keys

        async def answered(result: Any) -> None:
            try:
                await callback(result)
            finally:
                keys, self.held_keys = self.held_keys or [], None
                for key, character in keys:
                    self.app.post_message(events.Key(key, character))

        self.app.push_screen(dialog, answered)

    if TYPE_CHECKING:  # provided by the screen
        keeper: PlanKeeper

        @property
        def plan(self) -> Plan: ...
        def now(self) -> dt.datetime: ...
        def item_changed(self, item_id: str) -> None: ...
        def _changed(self) -> None: ...
        def focused_row(self) -> ChecklistRow | None: ...
        def _move(self, step: int) -> None: ...
        def copy(self, text: str, what: str) -> None: ...
        def show_summary(self) -> None: ...

    def _focused_item(self) -> tuple[ChecklistRow, ChecklistItem] | None:
        row = self.focused_row()
        item = self.plan.item(row.item_id) if row else None
        return (row, item) if row is not None and item is not None else None

    @staticmethod
    def _label(item: ChecklistItem) -> str:
        return show_invisible(item.text.strip()) or "(no text)"

    async def action_toggle_item(self) -> None:
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
            self._ask(
                Choice(question, [("keep", f"Keep it {item.state}"), ("undo", "Undo")]),
                partial(self._undo_answered, item.id),
            )
            return
        if item.irreversible:
            self._ask(
                ConfirmIrreversible(item.id, self._label(item)),
                partial(self._irreversible_answered, item.id),
            )
            return
        await self._mark_done(row, item.id)

    async def _mark_done(
        self, row: ChecklistRow | None, item_id: str, text: str | None = None
    ) -> None:
        set_done(self.plan, item_id, True, self.keeper.by, at=self.now(), text=text)
        self.item_changed(item_id)
        if row is not None and self.focused_row() is row:
            self._move(1)

    async def _irreversible_answered(self, item_id: str, confirmed: bool | None) -> None:
        if not confirmed or self.plan.item(item_id) is None:
            return
        await self._mark_done(self.focused_row(), item_id, IRREVERSIBLE_CONFIRMED)

    async def _undo_answered(self, item_id: str, answer: str | None) -> None:
        if answer != "undo" or self.plan.item(item_id) is None:
            return
        set_done(self.plan, item_id, False, self.keeper.by, at=self.now())
        self.item_changed(item_id)

    def action_skip_item(self) -> None:
        """Ask why, then mark the focused item skipped."""
        self._ask_reason("skipped")

    def action_fail_item(self) -> None:
        """Ask what went wrong, then mark the focused item failed."""
        self._ask_reason("failed")

    def _ask_reason(self, outcome: Outcome) -> None:
        focused = self._focused_item()
        if focused is None:
            return
        row, item = focused
        self._ask(
            ReasonDialog(outcome, item.id, self._label(item)),
            partial(self._reason_given, row, item.id, outcome),
        )

    async def _reason_given(
        self, row: ChecklistRow, item_id: str, outcome: Outcome, reason: str | None
    ) -> None:
        if not reason or self.plan.item(item_id) is None:
            return
        set_outcome(self.plan, item_id, outcome, reason, self.keeper.by, at=self.now())
        self.item_changed(item_id)
        if self.focused_row() is row:
            self._move(1)

    # -- the status-update clock -----------------------------------------------------------

    async def action_send_update(self) -> None:
        """Copy the internal update (the first template written) and restart the clock."""
        found = templates(self.plan)
        if not found:
            self.notify("The plan has no communication template to copy.", markup=False)
            return
        await self.send_update(*found[0])

    async def send_update(self, title: str, text: str) -> None:
        """Copy a communication template, record "update sent" and restart the clock."""
        self.copy(text, f"the {title}")
        record(self.plan, "update-sent", self.keeper.by, text=title, at=self.now())
        self._changed()
        self.show_summary()
