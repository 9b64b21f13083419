"""A question with buttons; escape answers "cancel"."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from rollback_tui.plan.text import visible
from rollback_tui.ui.keys.registry import bindings


class _Question(ModalScreen[str]):
    """A question with buttons; escape answers "cancel"."""

    DEFAULT_CSS = """
    _Question { align: center middle; }
    _Question > Vertical { width: 76; max-width: 100%; height: auto; border: round $warning;
                           background: $panel; padding: 1 2; }
    _Question .question { margin-bottom: 1; }
    _Question .why { color: $text-muted; margin-top: 1; }
    _Question Horizontal { height: auto; }
    _Question Button { min-width: 0; width: auto; margin-right: 2; }
    """

    BINDINGS = bindings("question")

    def __init__(self, question: str, answers: list[tuple[str, str, bool]], why: str = "") -> None:
        super().__init__()
        self.question = visible(question, lines=True)
        self.answers = answers
        """(answer, label, enabled) for each button."""
        self.why = visible(why, lines=True)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self.question), classes="question")
            with Horizontal():
                for answer, label, enabled in self.answers:
                    yield Button(
                        Content(label), id=f"answer-{answer}", compact=True, disabled=not enabled
                    )
            if self.why:
                yield Static(Content(self.why), classes="why")

    @on(Button.Pressed)
    def _answered(self, event: Button.Pressed) -> None:
        if event.button.id and event.button.id.startswith("answer-"):
            self.answered(event.button.id.removeprefix("answer-"))

    def answered(self, answer: str) -> None:
        self.dismiss(answer)
