"""Keys typed ahead: a burst of keys (a slow SSH link, a fast typist) acts in order.

Each key must act on the widget that the keys before it left focused, however many keys
arrive at once. Pilot's ``press`` waits for the app between keys; ``burst`` does not: it
hands the app every key at once, as a terminal does when a laggy link delivers them.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Select, TextArea
from wizard_helpers import until

from rollback_tui.ui.factory import make_app

SIZE = (80, 24)


def key_events(*keys: str) -> list[events.Key]:
    """Key events for *keys*: key names (``tab``, ``enter``) or text typed as is."""
    out: list[events.Key] = []
    for key in keys:
        if len(key) > 1 and not key.startswith("text:"):
            out.append(events.Key(key, None))
            continue
        for ch in key.removeprefix("text:"):
            name = "space" if ch == " " else ch
            if not ch.isalnum() and ch != " ":
                name = unicodedata.name(ch).lower().replace(" ", "_").replace("-", "_")
            out.append(events.Key(name, ch))
    return out


async def burst(pilot: Pilot, *keys: str) -> None:
    """Send every key to the app at once, then let it finish."""
    app = pilot.app
    for event in key_events(*keys):
        event.set_sender(app)
        app.post_message(event)
    await pilot.pause()
    await until(pilot, lambda: not getattr(app, "keys_in_flight", 0))
    await pilot.pause()


class TestBasics:
    async def test_fields_after_tabs_get_their_text(self, tmp_path: Path) -> None:
        app = make_app(tmp_path / "new.toml", cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: app.focused is not None and app.focused.id == "title")
            await burst(pilot, "text:Fast title", "tab", "tab", "tab",
                        "text:incident text", "tab", "text:https://x.example/1", "tab",
                        "text:v9")
            plan = app.plan
            assert plan.title == "Fast title"
            assert plan.incident == "incident text"
            assert plan.incident_link == "https://x.example/1"
            assert plan.version == "v9"
