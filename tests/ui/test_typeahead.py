"""Keys typed ahead: a burst of keys (a slow SSH link, a fast typist) acts in order.

Each key must act on the widget that the keys before it left focused, however many keys
arrive at once. Pilot's ``press`` waits for the app between keys (a slow typist); ``burst``
does not: it hands the app every key at once, as a terminal does when a laggy link
delivers them. Both must give the same plan, on every step.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.keys import _character_to_key
from textual.pilot import Pilot
from textual.widgets import Select
from wizard_helpers import until

from rollback_tui.ui.factory import make_app
from rollback_tui.ui.wizard.wizard_screen import WizardScreen

SIZE = (80, 24)


def key_events(*keys: str) -> list[events.Key]:
    """Key events for *keys*: key names (``tab``, ``ctrl+o``), or ``text:…`` typed as is."""
    out: list[events.Key] = []
    for key in keys:
        if key.startswith("text:"):
            out.extend(events.Key(_character_to_key(ch), ch) for ch in key[5:])
        else:
            out.append(events.Key(key, None))
    return out


async def caught_up(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await until(pilot, lambda: not getattr(pilot.app, "keys_in_flight", 0))
    await pilot.pause()


async def burst(pilot: Pilot[Any], *keys: str) -> None:
    """Send every key to the app at once, then let it finish."""
    app = pilot.app
    for event in key_events(*keys):
        event.set_sender(app)
        app.post_message(event)
    await caught_up(pilot)


async def slowly(pilot: Pilot[Any], *keys: str) -> None:
    """Press the keys one by one, the app settling after each."""
    for event in key_events(*keys):
        await pilot.press(event.key)
        await pilot.pause()


async def edited(
    tmp_path: Path, name: str, step: str, keys: tuple[str, ...], send: Any
) -> tuple[dict[str, Any], dict[str, Any], str]:
    """The plan before and after *keys*, sent by *send* on *step* (from its first field),
    and the step and field focused at the end."""
    app = make_app(tmp_path / f"{name}.toml", cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.focused is not None and app.focused.id == "title")
        screen = app.screen
        assert isinstance(screen, WizardScreen)
        if step != "basics":
            await screen.show_step(step)
            await pilot.pause()
        before = app.plan.model_dump(mode="json")
        await send(pilot, *keys)
        focused = app.focused
        where = f"{screen.current}:{focused.id if focused is not None else None}"
        return before, app.plan.model_dump(mode="json"), where


ON_EACH_STEP = {
    "basics": (
        "text:Fast title",
        "tab",
        "tab",
        "enter",
        "down",
        "enter",
        "tab",
        "text:incident text",
        "tab",
        "text:https://x.example/1",
        "tab",
        "text:v9",
    ),
    "triggers": (
        "end",
        "text: A",
        "ctrl+o",
        "text:new",
        "tab",
        "text:> 5%",
        "alt+up",
        "text:X",
        "ctrl+o",
        "ctrl+r",
        "text:Y",
        "shift+tab",
        "text:Z",
    ),
    "procedure": (
        "tab",
        "text:5 min",
        "tab",
        "end",
        "text: first",
        "ctrl+o",
        "text:new step",
        "tab",
        "text:cmd --now",
        "alt+up",
        "text:!",
    ),
    "components": (
        "ctrl+o",
        "end",
        "text:-api",
        "tab",
        "end",
        "text: first",
        "ctrl+o",
        "text:added",
        "tab",
        "text:kubectl",
        "alt+down",
    ),
    "contacts": (
        "text:R",
        "tab",
        "text:N",
        "ctrl+o",
        "text:Role2",
        "tab",
        "tab",
        "text:@x",
        "alt+up",
        "tab",
        "text:name",
    ),
    "followup": (
        "end",
        "text: group",
        "tab",
        "end",
        "text: act",
        "ctrl+o",
        "text:act2",
        "tab",
        "text:cmd",
        "tab",
        "text:me",
        "ctrl+r",
        "text:left",
    ),
    "decision": (
        "text:sev",
        "tab",
        "text:scope",
        "f8",
        "text:opt",
        "f7",
        "f7",
        "text:trig",
        "f8",
        "f8",
        "tab",
        "text:est",
    ),
}


@pytest.mark.parametrize("step", sorted(ON_EACH_STEP))
async def test_burst_gives_the_plan_that_slow_typing_gives(tmp_path: Path, step: str) -> None:
    keys = ON_EACH_STEP[step]
    untouched, slow_plan, slow_where = await edited(tmp_path, "slow", step, keys, slowly)
    _, fast_plan, fast_where = await edited(tmp_path, "fast", step, keys, burst)
    assert slow_plan != untouched  # the keys did edit the plan
    for plan in (slow_plan, fast_plan):
        plan.pop("created", None)
        plan.pop("updated", None)
    assert fast_plan == slow_plan
    assert fast_where == slow_where


class TestBasics:
    async def test_fields_after_tabs_get_their_text(self, tmp_path: Path) -> None:
        app = make_app(tmp_path / "new.toml", cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: app.focused is not None and app.focused.id == "title")
            await burst(
                pilot,
                "text:Fast title",
                "tab",
                "tab",
                "tab",
                "text:incident text",
                "tab",
                "text:https://x.example/1",
                "tab",
                "text:v9",
            )
            plan = app.plan
            assert plan.title == "Fast title"
            assert plan.incident == "incident text"
            assert plan.incident_link == "https://x.example/1"
            assert plan.version == "v9"

    async def test_enter_after_two_tabs_opens_the_deployment_type_list(
        self, tmp_path: Path
    ) -> None:
        app = make_app(tmp_path / "new.toml", cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: app.focused is not None and app.focused.id == "title")
            await burst(pilot, "tab", "tab", "enter")
            assert app.query_one("#deployment-type", Select).expanded

    async def test_a_paste_after_tabs_lands_in_the_field_they_reach(self, tmp_path: Path) -> None:
        app = make_app(tmp_path / "new.toml", cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: app.focused is not None and app.focused.id == "title")
            for event in [
                *key_events("text:T", "tab", "tab", "tab", "tab"),
                events.Paste("https://p.example/9"),
            ]:
                event.set_sender(app)
                app.post_message(event)
            await caught_up(pilot)
            assert app.plan.title == "T"
            assert app.plan.incident_link == "https://p.example/9"


async def test_tab_after_a_new_row_waits_for_its_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a screen that redraws slowly (a busy machine), ctrl+o, text, Tab, text in one
    burst: Tab goes to the new step's command, not past it. Textual orders the focus by
    where widgets are, and the new row has no place until the screen is laid out."""
    monkeypatch.setattr("textual.screen.UPDATE_PERIOD", 0.5)
    app = make_app(tmp_path / "new.toml", cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.focused is not None and app.focused.id == "title")
        screen = app.screen
        assert isinstance(screen, WizardScreen)
        await screen.show_step("components")
        pane = screen.pane("components")
        await until(
            pilot, lambda: app.focused is not None and pane in app.focused.ancestors_with_self
        )
        await burst(
            pilot,
            *("ctrl+o", "end", "text:-api", "tab", "end", "text: first"),
            *("ctrl+o", "text:added", "tab", "text:kubectl", "tab", "text:me"),
        )
        component = next(c for c in app.plan.components if c.name.endswith("-api"))
        texts = [step.text for step in component.steps]
        assert texts[1] == "added" and texts[0].endswith(" first"), texts
        added = component.steps[1]
        assert (added.command, added.owner) == ("kubectl", "me")
