"""The status update drafted from the timeline, to read and edit before it goes: Send
posts it to the webhook (or, with none configured, copies it), Copy copies it, escape
cancels. A key typed ahead of the dialog never sends it: Send and Copy answer only once
every key read before the dialog was shown has been handled (the key order has caught
up), so a burst of keys after m edits the draft at most."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Button, Label, TextArea

from rollback_tui.ui.keys.registry import bindings

ARMING_CHECK = 0.05
"""Seconds between two looks at the keys still waiting, until none does."""

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

    def __init__(self, draft: str, where: str, keys_waiting: Callable[[], int]) -> None:
        """*keys_waiting*: how many keys read are not handled yet (the app's key order)."""
        super().__init__()
        self.draft = draft
        self.where = where
        self.keys_waiting = keys_waiting
        self.armed = False
        """Every key typed before the dialog was shown is handled: Send and Copy answer."""

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
        self._arming: Timer | None = self.set_interval(ARMING_CHECK, self._arm)

    def _arm(self) -> None:
        # The key that opened the dialog counts until it is finished, and so do the keys
        # typed after it before the dialog showed: none of them may answer it.
        if self.keys_waiting() == 0 and self._arming is not None:
            self.armed = True
            self._arming.stop()
            self._arming = None

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
