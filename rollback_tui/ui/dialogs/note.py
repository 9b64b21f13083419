"""Ask for a note to add to the timeline; escape cancels."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from rollback_tui.ui.keys.registry import bindings


class NoteDialog(ModalScreen[str | None]):
    """Ask for a note to add to the timeline; escape cancels."""

    DEFAULT_CSS = """
    NoteDialog { align: center middle; }
    NoteDialog > Vertical { width: 72; max-width: 100%; height: auto; border: round $primary;
                            background: $panel; padding: 1 2; }
    NoteDialog Label { margin-bottom: 1; }
    """

    BINDINGS = bindings("note")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("A note for the timeline (enter adds it, escape cancels):")
            yield Input(placeholder="e.g. error rate back to baseline", id="note")

    @on(Input.Submitted, "#note")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)
