"""A field that acts on its own keys as each arrives, so a burst of keys edits in the order typed
(used by the wizard's fields and the dialogs' path field)."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.binding import Binding


def own_keys(bindings: list[Any]) -> dict[str, str]:
    keys: dict[str, str] = {}
    for binding in bindings:
        if isinstance(binding, Binding):
            for key in binding.key.split(","):
                keys[key.strip()] = binding.action
    return keys


class InOrderKeys:
    """Acts on the widget's own key bindings as each key arrives.

    Textual runs a widget's bindings only once the key has bubbled up to the app, while
    typed characters are inserted at once: in a burst (typing ahead, or a slow SSH link)
    `end` then `x` could insert the `x` before moving to the end. Handling the bound keys
    here keeps every key in the order it was typed. (Across widgets, the app routes each
    key only once the one before it has settled: ``rollback_tui.ui.typeahead``; this keeps
    a field's own keys from a round trip to the app.)
    """

    OWN_KEYS: dict[str, str] = {}

    async def on_key(self, event: events.Key) -> None:
        action = self.OWN_KEYS.get(event.key)
        if action is None:
            return
        event.prevent_default()
        event.stop()
        await self.run_action(action)  # type: ignore[attr-defined]
