"""The header says whether the plan is unsaved or being saved. Saying so redraws the
header's title line: never the whole screen (setting App.sub_title repaints it all, and
the first key after every save waited for a full-screen redraw)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from app_helpers import SIZE
from textual.app import App
from textual.screen import Screen
from textual.widgets import Header, Static
from wizard_helpers import until

from rollback_tui.ui.factory import make_app


def header_title(app: App[Any]) -> str:
    """What the header of the screen shown says, as drawn."""
    title = app.screen.query_one(Header).query_one("HeaderTitle", Static)
    return str(title.visual)


class WholeScreenRedraws:
    """Each refresh of the whole screen asked for (the app's, or a screen's with no
    region named)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.asked: list[str] = []
        app_refresh, screen_refresh = App.refresh, Screen.refresh

        def app_wide(app: App[Any], *args: Any, **kwargs: Any) -> Any:
            self.asked.append("app")
            return app_refresh(app, *args, **kwargs)

        def screen_wide(screen: Screen[Any], *regions: Any, **kwargs: Any) -> Any:
            if not regions:
                self.asked.append(type(screen).__name__)
            return screen_refresh(screen, *regions, **kwargs)

        monkeypatch.setattr(App, "refresh", app_wide)
        monkeypatch.setattr(Screen, "refresh", screen_wide)


async def test_the_plans_state_redraws_the_header_only(
    example_plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(example_plan, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "● unsaved" not in header_title(app) and example_plan.name in header_title(app)
        redraws = WholeScreenRedraws(monkeypatch)
        await pilot.press("end", "x")
        await until(pilot, lambda: "● unsaved" in header_title(app))
        assert "● unsaved" in app.sub_title  # (as a header mounted later reads it)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not app.keeper.dirty and "● unsaved" not in header_title(app))
        await until(pilot, lambda: "… saving" not in header_title(app))
        assert redraws.asked == []
        assert example_plan.name in header_title(app)
