"""A question with a few answers, each a button; escape answers "cancel"."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from rollback_tui.plan.text import visible
from rollback_tui.ui.keys.registry import bindings


class Choice(ModalScreen[str]):
    """A question with a few answers, each a button; escape answers "cancel"."""

    DEFAULT_CSS = """
    Choice { align: center middle; }
    Choice > Vertical { width: 64; max-width: 100%; height: auto; border: round $warning;
                        background: $panel; padding: 1 2; }
    Choice .question { margin-bottom: 1; }
    Choice Horizontal { height: auto; }
    Choice Button { margin-right: 2; }
    """

    BINDINGS = bindings("choice")

    def __init__(
        self, question: str, answers: list[tuple[str, str]], *, focus: str | None = None
    ) -> None:
        super().__init__()
        self.question = visible(question, lines=True)
        self.answers = answers
        self.focus_answer = focus
        """The answer Enter gives at once (the first, unless named): make it the safe one."""

    def on_mount(self) -> None:
        if self.focus_answer is not None:
            self.query_one(f"#answer-{self.focus_answer}", Button).focus()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self.question), classes="question")
            with Horizontal():
                for answer, label in self.answers:
                    yield Button(Content(label), id=f"answer-{answer}", compact=True)

    @on(Button.Pressed)
    def _answered(self, event: Button.Pressed) -> None:
        assert event.button.id is not None
        self.dismiss(event.button.id.removeprefix("answer-"))
