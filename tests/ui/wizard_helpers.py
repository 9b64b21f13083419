"""Helpers for driving the wizard with Pilot."""

from __future__ import annotations

from typing import Any

from pilot_waits import until as until  # the tests import it from here too
from textual.pilot import Pilot
from textual.widget import Widget

KEY_NAMES = {" ": "space"}


async def type_text(pilot: Pilot[Any], text: str) -> None:
    """Type *text* key by key, as a user would."""
    await pilot.press(*[KEY_NAMES.get(ch, ch) for ch in text])


async def clear_and_type(pilot: Pilot[Any], text: str) -> None:
    """Select the focused field's text, delete it, then type *text*."""
    await pilot.press("end", "shift+home", "backspace")
    await type_text(pilot, text)


def focused(pilot: Pilot[Any]) -> Widget:
    widget = pilot.app.focused
    assert widget is not None, "nothing has the focus"
    return widget


async def tab_to(pilot: Pilot[Any], widget_id: str, limit: int = 80) -> None:
    """Press tab until the widget with *widget_id* has the focus (proves it is reachable)."""
    for _ in range(limit):
        if pilot.app.focused is not None and pilot.app.focused.id == widget_id:
            return
        await pilot.press("tab")
    raise AssertionError(f"#{widget_id} was not reached with tab")


async def settle_previews(pilot: Pilot[Any], timeout: float = 5.0) -> None:
    """Wait until every visible preview has drawn the plan's latest sections."""
    from rollback_tui.ui.wizard.preview import Preview

    for _ in range(int(timeout / 0.05)):
        previews = [p for p in pilot.app.screen.query(Preview) if p.display]
        if all(p.keys and p.complete for p in previews):
            break
        await pilot.pause(0.05)
    await pilot.pause()


async def wait_for(pilot: Pilot[Any], selector: str, timeout: float = 5.0) -> None:
    """Wait until the screen has a widget matching *selector* (the app is up)."""
    for _ in range(int(timeout / 0.05)):
        try:
            if pilot.app.screen.query(selector):
                await pilot.pause()
                return
        except Exception:  # the screen stack is still empty
            pass
        await pilot.pause(0.05)
    raise AssertionError(f"{selector} never appeared")
