"""Confirm a step that cannot be undone: the word must be typed, so no stray key passes."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label, Static

from rollback_tui.ui.keys.registry import bindings
from rollback_tui.ui.keys.typed_ahead import AnswerInput, OneLineDialog

CONFIRM_WORD = "irreversible"
"""What must be typed to mark an irreversible step done."""


class ConfirmIrreversible(OneLineDialog[bool]):
    """Mark an irreversible step done only once the word is typed; escape cancels."""

    DEFAULT_CSS = """
    ConfirmIrreversible { align: center middle; }
    ConfirmIrreversible > Vertical { width: 72; max-width: 100%; height: auto;
                                     border: round $error; background: $panel; padding: 1 2; }
    ConfirmIrreversible Label { margin-bottom: 1; }
    ConfirmIrreversible .error { color: $text-error; }
    """

    INPUT_ID = "confirm-word"
    BINDINGS = bindings("confirm")

    def __init__(self, item_id: str, text: str) -> None:
        super().__init__()
        self.item_id = item_id
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                Content.assemble(
                    (f"{self.item_id} cannot be undone: ", "bold $text-error"),
                    self.text,
                    f"\nType {CONFIRM_WORD} and press enter to mark it done (escape cancels).",
                )
            )
            yield AnswerInput(placeholder=CONFIRM_WORD, id="confirm-word")
            yield Static("", classes="error", markup=False)

    def answer(self, text: str) -> None:
        if not self.is_active:
            return  # already answered: an enter typed ahead must not close another screen
        if text.strip().lower() != CONFIRM_WORD:
            self.query_one("#confirm-word", Input).clear()
            self.query_one(".error", Static).update(
                f"Not confirmed: type {CONFIRM_WORD} (escape cancels)."
            )
            return
        self.dismiss(True)
