"""The wizard at the keyboard: resizing, the preview toggle, pastes, moving through tables."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.widgets import Input
from wizard_helpers import until

from rollback_tui.ui.factory import make_app
from rollback_tui.ui.screens.wizard import WizardScreen
from rollback_tui.ui.widgets.preview import Preview

SIZE = (80, 24)


def wizard(app) -> WizardScreen:  # type: ignore[no-untyped-def]
    screen = app.screen
    assert isinstance(screen, WizardScreen)
    return screen


async def started(pilot) -> None:  # type: ignore[no-untyped-def]
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

    async def test_preview_fills_after_ctrl_t_twice_when_wide(self, example_plan: Path
                                                              ) -> None:
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
    async def test_ctrl_t_twice_gives_the_field_back_unselected(self, example_plan: Path
                                                                ) -> None:
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
    async def test_multi_line_paste_into_a_line_is_joined_and_said(self, example_plan: Path
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


def cell(app) -> tuple[int | None, int, str]:  # type: ignore[no-untyped-def]
    """(row, column, list id) of the focused table cell."""
    from rollback_tui.ui.widgets.fields import FieldInput
    from rollback_tui.ui.widgets.rows import ListRow, RowList

    focused = app.focused
    row = next((a for a in focused.ancestors if isinstance(a, ListRow)), None)
    table = next(a for a in focused.ancestors if isinstance(a, RowList))
    if row is None:
        return None, 0, table.id or ""
    return row.index, list(row.query(FieldInput)).index(focused), table.id or ""


class TestTables:
    async def test_up_and_down_keep_the_column(self, tmp_path: Path) -> None:
        app = make_app(tmp_path / "new.toml", cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            await wizard(app).show_step("triggers")
            await pilot.pause()
            await pilot.press("tab")
            assert cell(app) == (0, 1, "trigger-list")
            await pilot.press(*["down"] * 5)
            assert cell(app) == (5, 1, "trigger-list")
            await pilot.press("down")
            assert app.focused is not None and "row-add" in app.focused.classes
            await pilot.press("up", "up")
            assert cell(app) == (4, 0, "trigger-list")

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
