"""A unified diff, as plain text; escape or Close returns."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from rollback_tui.plan.text import visible
from rollback_tui.ui.keys.registry import bindings


class Differences(ModalScreen[None]):
    """A unified diff, as plain text; escape or Close returns."""

    DEFAULT_CSS = """
    Differences { align: center middle; }
    Differences > Vertical { width: 100; max-width: 100%; height: 90%; border: round $primary;
                             background: $panel; padding: 0 1; }
    Differences VerticalScroll { height: 1fr; }
    Differences .diff { width: auto; }
    Differences Button { margin-top: 1; }
    """

    BINDINGS = bindings("differences")

    def __init__(self, title: str, diff: str) -> None:
        super().__init__()
        self.title_text = visible(title, lines=True)
        self.diff = visible(diff, lines=True)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self.title_text), classes="title")
            with VerticalScroll():
                yield Static(Content(self.diff), classes="diff", markup=False)
            yield Button("Close", id="close", compact=True)

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.dismiss(None)
