"""Textual's footer, rebuilt only when what it shows changes.

Textual's `Footer` rebuilds its keys whenever the screen's bindings may have changed: on
every change of focus. Each rebuild lays the whole screen out again and repaints it; on
the wizard's step switch that came after the step was drawn, and the screen settled twice
as late. Most switches go from a text field to a text field, whose keys are the same: this
footer compares what it would show with what it shows, and rebuilds only when they differ.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Footer

Shown = tuple[tuple[str, str, str, bool, str], ...]


def shown_bindings(screen: Screen[Any]) -> Shown:
    """What a footer shows of *screen*'s bindings: key, action, words, enabled, tooltip."""
    return tuple(
        (binding.key, binding.action, binding.description, enabled, tooltip)
        for _, binding, enabled, tooltip in screen.active_bindings.values()
        if binding.show
    )


class SteadyFooter(Footer):
    """A `Footer` that is rebuilt only when the keys it shows change."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._shown: Shown | None = None

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            shown = shown_bindings(screen)
            if shown == self._shown:
                return
            self._shown = shown
        super().bindings_changed(screen)
