"""Ticking a step whose verified trigger still fires: "still firing — mark done anyway?".

Keys typed before the question was on screen (a burst of spaces over SSH) never answer it:
no button has the focus at first, and a key read before the dialog was mounted is dropped
(the key order gives such keys to `take_key`, or routes them here with the time they were
read). `y` (or the button) marks the step done anyway; `n`, enter or escape keeps it open.
"""

from __future__ import annotations

from textual import events, on

from rollback_tui.ui.dialogs.choice import Choice
from rollback_tui.ui.keys.typed_ahead import TypedKeys


class StillFiring(Choice):
    """Mark a step done while a trigger it verifies still fires? "keep", "done", or
    "cancel" (escape)."""

    AUTO_FOCUS = None  # no button takes an enter or a space typed ahead

    def __init__(self, item_id: str, text: str, firing: list[str]) -> None:
        names = ", ".join(firing)
        super().__init__(
            f"{item_id}: {text}\n{names} still firing — mark done anyway?\n"
            "y: mark done anyway · n or enter: not yet",
            [("keep", "Not yet"), ("done", "Mark done anyway")],
        )
        self.spill: TypedKeys | None = None
        """Keys typed after the answer (none are: this dialog takes no typed-ahead keys)."""
        self.dropped = 0
        """How many keys typed ahead were dropped (they were typed before the question)."""
        self._shown_at: float | None = None

    def take_key(self, key: str, character: str | None) -> None:
        """A key typed before the question showed: dropped, never an answer."""
        self.dropped += 1

    @on(events.Mount)
    def _shown(self, event: events.Mount) -> None:
        self._shown_at = event.time
        self.call_after_refresh(self.set_focus, None)

    def on_key(self, event: events.Key) -> None:
        if self._shown_at is None or event.time < self._shown_at:
            event.prevent_default()
            event.stop()
            self.dropped += 1
            return
        answer = {"y": "done", "n": "keep", "enter": "keep"}.get(event.key)
        if answer is not None and (self.focused is None or event.key != "enter"):
            event.stop()
            self.dismiss(answer)
