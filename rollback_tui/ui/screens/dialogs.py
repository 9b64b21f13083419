"""Small modal questions: quit with unsaved changes, a path to save to or open, a note."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from rollback_tui.plan.text import visible


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

    BINDINGS = [Binding("escape", "dismiss('cancel')", "Cancel")]

    def __init__(self, question: str, answers: list[tuple[str, str]]) -> None:
        super().__init__()
        self.question = visible(question, lines=True)
        self.answers = answers

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


class AskPath(ModalScreen[Path | None]):
    """Ask for a file path; escape cancels."""

    DEFAULT_CSS = """
    AskPath { align: center middle; }
    AskPath > Vertical { width: 70; max-width: 100%; height: auto; border: round $primary;
                         background: $panel; padding: 1 2; }
    AskPath Label { margin-bottom: 1; }
    AskPath .error { color: $error; }
    """

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, prompt: str, value: str = "") -> None:
        super().__init__()
        self.prompt = visible(prompt, lines=True)
        self.value = visible(value)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content(self.prompt))
            yield Input(self.value, placeholder="path/to/plan.toml", id="path")
            yield Static("", classes="error", markup=False)

    @on(Input.Submitted, "#path")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.query_one(".error", Static).update("A path is needed (escape cancels).")
            return
        path = Path(text).expanduser()
        if path.is_dir():
            self.query_one(".error", Static).update(Content(visible(f"{text} is a folder.")))
            return
        self.dismiss(path)


class NoteDialog(ModalScreen[str | None]):
    """Ask for a note to add to the timeline; escape cancels."""

    DEFAULT_CSS = """
    NoteDialog { align: center middle; }
    NoteDialog > Vertical { width: 72; max-width: 100%; height: auto; border: round $primary;
                            background: $panel; padding: 1 2; }
    NoteDialog Label { margin-bottom: 1; }
    """

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("A note for the timeline (enter adds it, escape cancels):")
            yield Input(placeholder="e.g. error rate back to baseline", id="note")

    @on(Input.Submitted, "#note")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)
