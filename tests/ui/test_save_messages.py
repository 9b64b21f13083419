"""What the app says when a save is refused or stops half-way: exactly what was written."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from app_helpers import SIZE, notifications

from rollback_tui import store
from rollback_tui.ui.factory import make_app


def no_room_for_markdown(monkeypatch: pytest.MonkeyPatch) -> None:
    """plan.md cannot be put in place, as on a full disk."""
    replace = os.replace

    def failing(src: str, dst: str | Path, *args: object, **kwargs: object) -> None:
        if Path(dst).name == "plan.md":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))
        replace(src, dst, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", failing)


class TestHalfASave:
    async def test_checklist_says_the_tick_is_saved_and_the_markdown_not(
        self, example_plan: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A tick that reached plan.toml but not plan.md: not "Not saved", but what was
        written and what was not; the plan counts as saved."""
        app = make_app(example_plan, mode="run", by="sam", cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            no_room_for_markdown(monkeypatch)
            await pilot.press("space")
            await pilot.pause()
            said = notifications(app)
            assert "Not saved" not in said, said
            assert "Saved, Markdown not written" in said and "plan.md" in said
            assert not app.keeper.dirty
        # The first open step, the first of the containment steps, was ticked.
        assert store.load(example_plan).plan.item("contain-1").done  # type: ignore[union-attr]

    async def test_wizard_save_says_what_was_written(
        self, example_plan: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """ctrl+s in the wizard with no room for plan.md: the same, accurate message."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            app.plan.title = "Changed"
            app.keeper.mark_dirty()
            no_room_for_markdown(monkeypatch)
            await pilot.press("ctrl+s")
            await pilot.pause()
            said = notifications(app)
            assert "Not saved" not in said and "Saved, Markdown not written" in said, said
            assert not app.keeper.dirty
        assert store.load(example_plan).plan.title == "Changed"


class TestReadOnly:
    async def test_checklist_shows_the_refusal(self, example_plan: Path) -> None:
        """A plan made read-only: the tick is kept in memory and the refusal shown."""
        os.chmod(example_plan, 0o444)
        before = example_plan.read_bytes()
        app = make_app(example_plan, mode="run", by="sam", cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("space")
            await pilot.pause()
            said = notifications(app)
            assert "Not saved" in said and "read-only (mode 0444)" in said, said
            assert app.keeper.dirty
        assert example_plan.read_bytes() == before
