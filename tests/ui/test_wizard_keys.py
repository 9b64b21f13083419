"""The wizard at the keyboard: resizing, the preview toggle, pastes, moving through tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from app_helpers import SIZE
from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input
from wizard_helpers import until

from rollback_tui.ui.factory import make_app
from rollback_tui.ui.wizard.preview import Preview
from rollback_tui.ui.wizard.wizard_screen import WizardScreen


def wizard(app: App[Any]) -> WizardScreen:
    screen = app.screen
    assert isinstance(screen, WizardScreen)
    return screen


async def started(pilot: Pilot[Any]) -> None:
    app = pilot.app
    await until(pilot, lambda: app.focused is not None and app.focused.id == "title")


class TestResize:
    async def test_preview_fills_when_the_terminal_widens(self, example_plan: Path) -> None:
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            preview = app.query_one("#preview", Preview)
            await pilot.resize_terminal(160, 48)
            await until(pilot, lambda: "Checkout v2" in preview.plain_text)
            assert preview.region.width > 0

    async def test_preview_fills_after_ctrl_t_twice_when_wide(self, example_plan: Path) -> None:
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            await pilot.resize_terminal(160, 48)
            await pilot.pause()
            preview = app.query_one("#preview", Preview)
            await pilot.press("ctrl+t")
            await pilot.press("ctrl+t")
            await until(pilot, lambda: "Checkout v2" in preview.plain_text)


class TestFocus:
    async def test_ctrl_t_twice_gives_the_field_back_unselected(self, example_plan: Path) -> None:
        """At 80 columns the preview takes the form's place; closing it must not leave the
        title selected, or the next key replaces it."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            await pilot.press("tab", "tab", "tab", "tab")
            link = app.query_one("#incident-link", Input)
            assert app.focused is link
            await pilot.press("ctrl+t")
            assert isinstance(app.focused, Preview)
            await pilot.press("ctrl+t")
            await pilot.pause()
            assert app.focused is link
            await pilot.press("x")
            assert app.plan.incident_link.endswith("x")
            assert app.plan.incident_link != "x"

    async def test_a_field_left_shows_the_start_of_its_text(self, example_plan: Path) -> None:
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            title = app.query_one("#title", Input)
            await pilot.press("end", *("abcdefghij" * 8))
            await pilot.pause()
            assert title.scroll_offset.x > 0
            await pilot.press("tab")
            await pilot.pause()
            assert title.scroll_offset.x == 0


class TestPaste:
    async def test_multi_line_paste_into_a_line_is_joined_and_said(
        self, example_plan: Path
    ) -> None:
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            app.post_message(events.Paste("Checkout\n  v3 rollback\n\nplan\n"))
            await pilot.pause()
            await pilot.pause()
            assert app.plan.title == "Checkout v3 rollback plan"
            messages = [n.message for n in app._notifications]
            assert messages == ["Pasted 3 lines as one, joined with spaces."]


def cell(app: App[Any]) -> tuple[int | None, int, str]:
    """(row, column, list id) of the focused table cell."""
    from rollback_tui.ui.wizard.fields import FieldInput
    from rollback_tui.ui.wizard.row_lists import ListRow, RowList

    focused = app.focused
    assert focused is not None, "nothing has the focus"
    row = next((a for a in focused.ancestors if isinstance(a, ListRow)), None)
    table = next(a for a in focused.ancestors if isinstance(a, RowList))
    if row is None:
        return None, 0, table.id or ""
    inputs: list[Widget] = list(row.query(FieldInput))
    return row.index, inputs.index(focused), table.id or ""


class TestTables:
    async def test_up_and_down_keep_the_column(self, tmp_path: Path) -> None:
        app = make_app(tmp_path / "new.toml", cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            await wizard(app).show_step("triggers")
            await pilot.pause()
            await pilot.press("tab")
            assert cell(app) == (0, 1, "trigger-list")
            await pilot.press(*["down"] * 7)
            assert cell(app) == (7, 1, "trigger-list")
            await pilot.press("down")
            assert app.focused is not None and "row-add" in app.focused.classes
            await pilot.press("up", "up")
            assert cell(app) == (6, 0, "trigger-list")

    async def test_down_through_steps_rows(self, tmp_path: Path) -> None:
        app = make_app(tmp_path / "new.toml", cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            await wizard(app).show_step("contacts")
            await pilot.pause()
            await pilot.press("tab", "tab", "down", "down")
            assert cell(app) == (2, 2, "contact-list")
            await wizard(app).show_step("followup")
            await pilot.pause()
            await pilot.press("tab", "tab", "down")
            assert cell(app)[:2] == (1, 1)


class TestSelectAll:
    async def test_ctrl_l_selects_a_text_areas_text_and_backspace_clears_it(
        self, example_plan: Path
    ) -> None:
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            await pilot.press("tab", "tab", "tab")
            assert app.focused is not None and app.focused.id == "incident"
            assert app.plan.incident
            await pilot.press("ctrl+l", "backspace")
            assert app.plan.incident == ""
            assert wizard(app).current == "basics"

    async def test_ctrl_l_selects_a_lines_text(self, example_plan: Path) -> None:
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            await pilot.press("end", "ctrl+l", "N", "e", "w")
            assert app.plan.title == "New"


def footer_keys(app: App[Any]) -> dict[str, str]:
    """The footer's keys that are wholly on screen, with their descriptions."""
    from textual.widgets._footer import FooterKey

    width = app.size.width
    shown: dict[str, str] = {}
    for key in app.screen.query(FooterKey):
        region = key.region
        if region.width and region.right <= width - len("▏^p palette"):
            shown[key.key] = key.description
    return shown


class TestFooter:
    @pytest.mark.parametrize(
        "step", ["basics", "triggers", "procedure", "components", "contacts", "followup"]
    )
    async def test_back_next_and_save_show_at_80_columns(self, tmp_path: Path, step: str) -> None:
        app = make_app(tmp_path / "new.toml", cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            await wizard(app).show_step(step)
            await pilot.pause()
            if step == "procedure":
                await pilot.press("tab", "tab")  # into the first step's row
            if step == "followup":
                await pilot.press("tab")  # from the group's name into its first row
            await pilot.pause()
            keys = footer_keys(app)
            assert list(keys)[:2] == ["f7", "f8"]
            assert {"f7", "f8", "ctrl+s", "ctrl+t", "ctrl+q"} <= set(keys)
            if step not in ("basics",):
                assert keys.get("ctrl+o") == "Add"
                assert keys.get("ctrl+r") == "Remove"

    async def test_the_checklist_footer_shows_u(self, example_plan: Path) -> None:
        app = make_app(example_plan, mode="run", cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.pause()
            keys = footer_keys(app)
            assert keys.get("u") == "To do"
            assert "ctrl+q" in keys


class TestForm:
    async def test_down_goes_field_to_field_and_reaches_the_rca_owner_soon(
        self, tmp_path: Path
    ) -> None:
        """~47 tabs reached the RCA owner on Follow-up; down goes a row at a time."""
        app = make_app(tmp_path / "new.toml", cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            await wizard(app).show_step("followup")
            await pilot.pause()
            presses = 0
            while presses < 20 and not (app.focused is not None and app.focused.id == "rca-owner"):
                await pilot.press("down")
                presses += 1
            assert app.focused is not None and app.focused.id == "rca-owner"
            assert presses <= 16
            await pilot.press("down")
            assert app.focused is not None and app.focused.id == "rca-due"
            await pilot.press("up", "up")
            assert app.focused is not None and "row-add" in app.focused.classes
