"""The wizard checks the plan in a thread after a pause in typing, and shows only the
findings of the latest check."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from app_helpers import SIZE
from wizard_helpers import clear_and_type, until

from rollback_tui.plan.findings import Finding
from rollback_tui.plan.lint import lint
from rollback_tui.ui.app import RollbackApp
from rollback_tui.ui.factory import make_app
from rollback_tui.ui.wizard import background_lint
from rollback_tui.ui.wizard.wizard_screen import WizardScreen


def wizard(app: RollbackApp) -> WizardScreen:
    screen = app.screen
    assert isinstance(screen, WizardScreen)
    return screen


async def test_the_check_after_typing_runs_in_a_thread_and_is_shown(
    example_plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Emptying the title shows its finding after the pause, from a check made off the UI
    thread (a key typed meanwhile does not wait for it)."""
    threads: list[threading.Thread] = []
    real_lint = lint  # what background_lint calls, until the test replaces it

    def recording_lint(*args: Any, **kwargs: Any) -> list[Finding]:
        threads.append(threading.current_thread())
        return real_lint(*args, **kwargs)

    monkeypatch.setattr(background_lint, "lint", recording_lint)
    app = make_app(example_plan, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "title" not in [f.where for f in wizard(app).findings]
        await clear_and_type(pilot, "")
        await until(pilot, lambda: "title" in [f.where for f in wizard(app).findings])
        assert threads and all(t is not threading.main_thread() for t in threads)


async def test_a_stale_check_is_not_shown(example_plan: Path) -> None:
    """A check overtaken by an edit, or by a check made at once, shows nothing."""
    app = make_app(example_plan, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = wizard(app)
        checks = background_lint.BackgroundLint(screen, screen.show_findings)
        stale = [Finding("error", "title", "stale")]
        checks.start(screen.plan, [])
        started = checks._round
        checks.cancel()  # an edit came in meanwhile
        checks._done(stale, started)
        assert stale[0] not in screen.findings
        checks._done(stale, checks._round)  # the latest check
        assert screen.findings == stale
        await app.workers.wait_for_complete()
