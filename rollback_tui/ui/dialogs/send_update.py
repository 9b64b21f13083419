"""The status update drafted from the timeline, to read and edit before it goes: Send
posts it to the webhook (or, with none configured, copies it), Copy copies it, escape
cancels. A key typed ahead of the dialog never sends it: Send answers only once the
dialog has been on screen a moment."""

from __future__ import annotations

import time

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label, TextArea

from rollback_tui.ui.keys.registry import bindings

ARMED_AFTER = 0.4
"""Seconds the dialog is on screen before Send or Copy answers it."""

UpdateAnswer = tuple[str, str]
"""("send" or "copy", the text as edited)."""


class SendUpdateDialog(ModalScreen[UpdateAnswer | None]):
    """The drafted update, editable; *where* says where Send posts it. tab reaches the
    buttons; escape cancels."""

    DEFAULT_CSS = """
    SendUpdateDialog { align: center middle; }
    SendUpdateDialog > Vertical { width: 80; max-width: 100%; height: auto; max-height: 100%;
                                  border: round $primary; background: $panel; padding: 0 1; }
    SendUpdateDialog Label { width: 100%; margin-bottom: 1; }
    SendUpdateDialog TextArea { height: 10; }
    SendUpdateDialog Horizontal { height: auto; margin-top: 1; }
    SendUpdateDialog Button { margin-right: 2; }
    """

    BINDINGS = bindings("send-update")

    def __init__(self, draft: str, where: str) -> None:
        super().__init__()
        self.draft = draft
        self.where = where
        self._armed_at: float | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content(f"The status update: edit it, then Send ({self.where})."))
            yield TextArea(self.draft, id="update-text", soft_wrap=True, tab_behavior="focus")
            with Horizontal():
                yield Button("Send", id="send", variant="primary")
                yield Button("Copy", id="copy")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()
        self.call_after_refresh(self._arm)

    def _arm(self) -> None:
        self._armed_at = time.monotonic() + ARMED_AFTER

    @property
    def armed(self) -> bool:
        """Whether the dialog has been seen long enough to be answered."""
        return self._armed_at is not None and time.monotonic() >= self._armed_at

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text.strip()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "cancel":
            self.dismiss(None)
        elif self.armed and self.text and event.button.id in ("send", "copy"):
            self.dismiss((event.button.id, self.text))
