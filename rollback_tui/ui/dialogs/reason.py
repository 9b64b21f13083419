"""Ask why a checklist step is skipped or failed: one line; escape cancels."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label, Static

from rollback_tui.ui.keys.registry import bindings
from rollback_tui.ui.keys.typed_ahead import AnswerInput, OneLineDialog


class ReasonDialog(OneLineDialog[str | None]):
    """One line of reason for a skipped or failed step; enter records it, escape cancels."""

    DEFAULT_CSS = """
    ReasonDialog { align: center middle; }
    ReasonDialog > Vertical { width: 72; max-width: 100%; height: auto; border: round $primary;
                              background: $panel; padding: 1 2; }
    ReasonDialog Label { margin-bottom: 1; }
    ReasonDialog .error { color: $text-error; }
    """

    INPUT_ID = "reason"
    BINDINGS = bindings("reason")

    def __init__(self, verb: str, item_id: str, text: str) -> None:
        super().__init__()
        self.verb = verb
        """"skipped" or "failed"."""
        self.item_id = item_id
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                Content(
                    f"Why is {self.item_id} {self.verb}? {self.text}\n"
                    "(enter records it, escape cancels)"
                )
            )
            placeholder = (
                "e.g. flag already off"
                if self.verb == "skipped"
                else "e.g. helm rollback timed out"
            )
            yield AnswerInput(placeholder=placeholder, id="reason")
            yield Static("", classes="error", markup=False)

    def answer(self, text: str) -> None:
        if not self.is_active:
            return  # already answered: an enter typed ahead must not close another screen
        reason = text.strip()
        if not reason:
            self.query_one(".error", Static).update("A reason is needed (escape cancels).")
            return
        self.dismiss(reason)
