"""A question that only a key pressed while it is on screen can answer: running a step's
command, and what to mark once it ended. Keys typed before it was drawn (a burst over
SSH, a key held down, an Enter meant for the row) are ignored, whatever their order."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from rollback_tui.plan.text import visible
from rollback_tui.ui.keys.registry import bindings


class FreshQuestion(ModalScreen[str]):
    """*question*, answered *enter_answer* by Enter and "cancel" by Escape (and *keys*:
    a key name -> its answer), each only when pressed after the question was drawn."""

    DEFAULT_CSS = """
    FreshQuestion { align: center middle; }
    FreshQuestion > Vertical { width: 76; max-width: 100%; height: auto; max-height: 100%;
                               border: round $warning; background: $panel; padding: 0 1; }
    FreshQuestion .command { background: $surface; padding: 0 1; margin: 1 0; }
    FreshQuestion .ignored { color: $text-muted; }
    """

    BINDINGS = bindings("fresh-question")

    def __init__(
        self,
        question: str,
        command: str,
        prompt: str,
        enter_answer: str,
        keys: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.question = visible(question, lines=True)
        self.command = visible(command, lines=True)
        self.prompt = visible(prompt, lines=True)
        self.enter_answer = enter_answer
        self.keys = keys or {}
        self.shown_at: float | None = None
        """When the question was first drawn (the clock of Textual's events); before
        that, no key answers it."""
        self.ignored = 0

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self.question), classes="question")
            if self.command:
                yield Static(Content(self.command), classes="command")
            yield Static(Content(self.prompt), classes="prompt")
            yield Static("", classes="ignored", markup=False)

    def on_mount(self) -> None:
        self.call_after_refresh(self._drawn)

    def _drawn(self) -> None:
        self.shown_at = events.Key("", None).time  # the same clock as every key's time

    def on_key(self, event: events.Key) -> None:
        answer = self.enter_answer if event.key == "enter" else self.keys.get(event.key)
        if answer is None:
            return  # escape: the binding; other keys do nothing here
        event.prevent_default()
        event.stop()
        if self.shown_at is None or event.time < self.shown_at:
            self.ignored += 1
            self.query_one(".ignored", Static).update(
                f"{self.ignored} key(s) typed before this question was shown: ignored."
            )
            return
        if self.is_active:
            self.dismiss(answer)
