"""The wizard's fields: what a key does on arrival, undo, and text areas that follow the width."""

from __future__ import annotations

import itertools
import os
from functools import partial
from pathlib import Path
from typing import Any

from app_helpers import SIZE
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Input
from wizard_helpers import focused, type_text, until

from rollback_tui.ui.factory import make_app
from rollback_tui.ui.wizard.fields import FieldText
from rollback_tui.ui.wizard.wizard_screen import WizardScreen

INCIDENT = "Checkout is failing for some users after the deploy with a burst of about eighty chars"


async def started(pilot: Pilot[Any]) -> WizardScreen:
    await until(pilot, lambda: focused(pilot).id == "title")
    screen = pilot.app.screen
    assert isinstance(screen, WizardScreen)
    return screen


def shown_lines(area: FieldText) -> list[str]:
    """The text area's lines as drawn on the screen (its cached strips, if any)."""
    width, height = area.outer_size
    return [strip.text.strip() for strip in area.render_lines(Region(0, 0, width, height))]


def next_did_not_fit(line: str, after: str, width: int) -> bool:
    """Whether the first word of *after* did not fit on *line* (a greedy wrap): as
    Textual wraps, a word takes the space after it with it (if one follows)."""
    first = after.split(" ", 1)[0]
    return len(line) + 1 + len(first) + (first != after) > width


def wrapped(lines: list[str], width: int) -> bool:
    """Whether *lines* are INCIDENT wrapped greedily for *width* (what the test asserts)."""
    lines = [line for line in lines if line]
    return (
        " ".join(lines) == INCIDENT
        and all(next_did_not_fit(a, b, width) for a, b in itertools.pairwise(lines))
        and max(len(line) for line in lines) <= width
    )


def rewrapped(area: FieldText, before: int) -> bool:
    """Whether *area* has a new width since *before*, and its lines are wrapped for it."""
    return area.wrap_width != before and wrapped(shown_lines(area), area.wrap_width)


class TestTextAreasSelectOnTab:
    """Tab or shift+tab into a multi-line field selects its text: typing replaces it."""

    async def test_tab_and_shift_tab_select_the_whole_text(self, example_plan: Path) -> None:
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            await pilot.press("f8")
            assert focused(pilot).id == "assumptions-data_mutations"
            await pilot.press("tab")
            assert focused(pilot).id == "assumptions-backups"
            await type_text(pilot, "Nightly snapshot")
            await pilot.press("shift+tab")
            assert focused(pilot).id == "assumptions-data_mutations"
            await type_text(pilot, "None")
            await pilot.pause()
            assert app.plan.assumptions.backups == "Nightly snapshot"
            assert app.plan.assumptions.data_mutations == "None"


class TestTextAreasFollowTheWidth:
    """A text area's lines are wrapped for its width after every resize."""

    async def test_wide_then_narrow_rewraps_the_incident(self, tmp_path: Path) -> None:
        app = make_app(tmp_path / "fresh.toml", cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            await pilot.press("tab", "tab", "tab")
            area = app.screen.query_one("#incident", FieldText)
            assert focused(pilot) is area
            await type_text(pilot, INCIDENT)
            for size in ((160, 48), SIZE, (160, 48), SIZE):
                before = area.wrap_width
                await pilot.resize_terminal(*size)
                # Laid out for the new size (each size's width differs from the last's), and
                # drawn for it: a loaded machine may take a while.
                await until(pilot, partial(rewrapped, area, before), timeout=10)
                lines = [line for line in shown_lines(area) if line]
                assert " ".join(lines) == INCIDENT, size
                for line, after in itertools.pairwise(lines):
                    # Greedy: the next line's first word did not fit on this one.
                    assert next_did_not_fit(line, after, area.wrap_width), size
                assert max(len(line) for line in lines) <= area.wrap_width
            assert app.plan.incident == INCIDENT


class TestStepKeysLandUnselected:
    """F7/F8 put the cursor in the step's first field with nothing selected."""

    async def test_a_stray_key_after_f8_f7_does_not_replace_the_title(
        self, example_plan: Path
    ) -> None:
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            await pilot.press("f8", "f7")
            title = app.screen.query_one("#title", Input)
            assert focused(pilot) is title
            assert title.selection.is_empty
            await pilot.press("x")
            assert app.plan.title == "Checkout v2x"
            await pilot.press("ctrl+z")
            await pilot.pause()
            assert title.value == "Checkout v2"
            assert app.plan.title == "Checkout v2"


class TestUndoInOneLineFields:
    """ctrl+z undoes a one-line field's edits (a word typed at a time), ctrl+y redoes."""

    async def test_replace_by_typing_then_undo_and_redo(self, example_plan: Path) -> None:
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            await pilot.press("tab", "shift+tab")  # the title, its text selected
            await type_text(pilot, "Search v3 hotfix")
            assert app.plan.title == "Search v3 hotfix"
            await pilot.press("ctrl+z")
            assert app.plan.title == "Search v3"
            await pilot.press("ctrl+z")
            assert app.plan.title == "Search"
            await pilot.press("ctrl+z")
            assert app.plan.title == "Checkout v2"
            await pilot.press("ctrl+z")  # nothing more to undo
            assert app.plan.title == "Checkout v2"
            await pilot.press("ctrl+y", "ctrl+y")
            assert app.plan.title == "Search v3"
            await pilot.press("backspace")
            await pilot.press("ctrl+y")  # a new edit ends what could be redone
            await pilot.pause()
            assert app.plan.title == "Search v"
            await pilot.press("ctrl+z")
            await pilot.pause()
            assert app.plan.title == "Search v3"


async def test_the_config_can_keep_the_cursor_steady(example_plan: Path) -> None:
    """`cursor_blink = false` in the user config: the fields' cursors do not blink; by
    default, and with a config that cannot be read, they do."""
    config = Path(os.environ["ROLLBACK_TUI_CONFIG_DIR"]) / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    for text, blinks in [("", True), ("cursor_blink = false\n", False), ("x = \n", True)]:
        config.write_text(text)
        app = make_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(pilot.app.focused, Input))
            field = pilot.app.focused
            assert isinstance(field, Input)
            assert field.cursor_blink is blinks, text
