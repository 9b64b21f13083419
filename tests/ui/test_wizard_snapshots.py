"""Snapshots of every wizard step at 80×24 and 160×48."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from wizard_helpers import settle_previews, wait_for

from rollback_tui.ui.factory import make_app
from rollback_tui.ui.wizard.steps import STEPS
from rollback_tui.ui.wizard.wizard_screen import WizardScreen

ROOT = Path(__file__).resolve().parents[2]
STEP_KEYS = [step.key for step in STEPS]


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the repository, so the plan's path in the header is the same everywhere."""
    monkeypatch.chdir(ROOT)


def _run_before(key: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_for(pilot, "#title")
        screen = pilot.app.screen
        assert isinstance(screen, WizardScreen)
        await screen.show_step(key)
        await pilot.pause()
        await settle_previews(pilot)

    return run_before


class TestStepSnapshots:
    """Each step as a user sees it, on a small and a large terminal."""

    @pytest.mark.parametrize("key", STEP_KEYS)
    def test_step_80x24(self, key: str, snap_compare: Callable[..., bool], at_root: None) -> None:
        """The step at 80×24: the form only, nothing cut off."""
        app = make_app(Path("examples/plan.toml"), cursor_blink=False)
        assert snap_compare(app, terminal_size=(80, 24), run_before=_run_before(key))

    @pytest.mark.parametrize("key", STEP_KEYS)
    def test_step_160x48(self, key: str, snap_compare: Callable[..., bool], at_root: None) -> None:
        """The step at 160×48: the form with the live preview beside it."""
        app = make_app(Path("examples/plan.toml"), cursor_blink=False)
        assert snap_compare(app, terminal_size=(160, 48), run_before=_run_before(key))
