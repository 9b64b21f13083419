"""The wizard at the keyboard: resizing, the preview toggle, pastes, moving through tables."""

from __future__ import annotations

from pathlib import Path

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
