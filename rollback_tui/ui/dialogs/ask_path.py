"""Ask for a file path; escape cancels; Tab completes names."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Label, Static

from rollback_tui.plan.text import visible
from rollback_tui.ui.dialogs.path_input import PathInput
from rollback_tui.ui.keys.registry import bindings


class AskPath(ModalScreen[Path | None]):
    """Ask for a file path; escape cancels; Tab completes names.

    With *attempt*, the dialog stays open until the path is used: *attempt* is given the
    dialog and the path, and either dismisses the dialog or shows an error in it, beside
    the path as typed.
    """

    DEFAULT_CSS = """
    AskPath { align: center middle; }
    AskPath > Vertical { width: 70; max-width: 100%; height: auto; border: round $primary;
                         background: $panel; padding: 1 2; }
    AskPath Label { margin-bottom: 1; }
    AskPath .error { color: $error; }
    AskPath .candidates { color: $text-muted; }
    """

    BINDINGS = bindings("ask-path")

    CANDIDATES_SECONDS = 4.0
    """How long the names Tab found stay under the path."""

    def __init__(
        self,
        prompt: str,
        value: str = "",
        *,
        attempt: Callable[[AskPath, Path], object] | None = None,
    ) -> None:
        super().__init__()
        self.prompt = visible(prompt, lines=True)
        self.value = visible(value)
        self.attempt = attempt
        self._candidates_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content(self.prompt))
            yield PathInput(self.value, placeholder="path/to/plan.toml", id="path")
            yield Static("", classes="candidates", markup=False)
            yield Static("", classes="error", markup=False)

    def show_error(self, message: str) -> None:
        """Show *message* under the path, which stays as typed, with the cursor in it."""
        self.query_one(".error", Static).update(Content(visible(message)))
        self.query_one("#path", Input).focus()

    @on(PathInput.Candidates)
    def _candidates(self, event: PathInput.Candidates) -> None:
        line = self.query_one(".candidates", Static)
        line.update(Content(visible("  ".join(event.names)) if event.names else "No match."))
        if self._candidates_timer is not None:
            self._candidates_timer.stop()
        self._candidates_timer = self.set_timer(self.CANDIDATES_SECONDS, lambda: line.update(""))

    @on(Input.Changed, "#path")
    def _typed(self) -> None:
        self.query_one(".candidates", Static).update("")

    @on(Input.Submitted, "#path")
    def _submitted(self, event: Input.Submitted) -> None:
        if self.app.screen is not self:
            return  # an Enter typed ahead while a question about this path is up
        text = event.value.strip()
        if not text:
            self.show_error("A path is needed (escape cancels).")
            return
        path = Path(text).expanduser()
        if path.is_dir():
            self.show_error(f"{text} is a folder.")
            return
        self.show_error("")
        if self.attempt is None:
            self.dismiss(path)
        else:
            self.attempt(self, path)
