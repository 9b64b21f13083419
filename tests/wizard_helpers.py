"""Helpers for driving the wizard with Pilot."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widget import Widget

KEY_NAMES = {" ": "space"}


async def type_text(pilot: Pilot, text: str) -> None:
    """Type *text* key by key, as a user would."""
    await pilot.press(*[KEY_NAMES.get(ch, ch) for ch in text])


async def clear_and_type(pilot: Pilot, text: str) -> None:
    """Select the focused field's text, delete it, then type *text*."""
    await pilot.press("end", "shift+home", "backspace")
    await type_text(pilot, text)


def focused(pilot: Pilot) -> Widget:
    widget = pilot.app.focused
    assert widget is not None, "nothing has the focus"
    return widget


async def tab_to(pilot: Pilot, widget_id: str, limit: int = 80) -> None:
    """Press tab until the widget with *widget_id* has the focus (proves it is reachable)."""
    for _ in range(limit):
        if pilot.app.focused is not None and pilot.app.focused.id == widget_id:
            return
        await pilot.press("tab")
    raise AssertionError(f"#{widget_id} was not reached with tab")
