"""The checklist's save policy, which it gives the keeper (keeper/save_policy.py): its
changes are saved as they are made, while it is shown under dialogs at most."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.screen import Screen


class SavedAsMade:
    """The policy of *screen* in *app* (asked from a signal handler too: it reads only
    the app's screen stack)."""

    def __init__(self, app: App[Any], screen: Screen[Any]) -> None:
        self.app = app
        self.screen = screen

    def saves_at_once(self) -> bool:
        stack = self.app.screen_stack
        if self.screen not in stack:
            return False
        return all(above.is_modal for above in stack[stack.index(self.screen) + 1 :])

    def shown_saves_at_once(self) -> bool:
        stack = self.app.screen_stack
        return bool(stack) and stack[-1] is self.screen
