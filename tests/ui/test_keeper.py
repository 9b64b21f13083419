"""The plan's keeper with the screens: which kind of save ctrl+s and quit make under a
dialog, a drill that ends only once no save is running, and the collector's view frozen
again for a plan opened later."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from wizard_helpers import until

from rollback_tui import store
from rollback_tui.plan.timeline import set_done
from rollback_tui.store import sync
from rollback_tui.ui.app import RollbackApp
from rollback_tui.ui.factory import make_app

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plan.toml"
T0 = dt.datetime(2026, 11, 22, 14, 3, tzinfo=dt.UTC)


@pytest.fixture
def drill_plan(tmp_path: Path) -> Path:
    """The example's two options alone (9 steps), none irreversible."""
    plan_file = store.load(EXAMPLE)
    plan = plan_file.plan
    plan.components, plan.post_rollback = [], []
    plan.communications.actions, plan.followup.items = [], []
    plan.procedure.containment, plan.procedure.restore = [], []
    for _, _, item in plan.checklist():
        item.irreversible = False
    plan_file.path = tmp_path / "plan.toml"
    store.save(plan_file, force=True)
    return plan_file.path


async def test_drill_end_never_saves_beside_a_save_in_the_thread(
    drill_plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last two steps ticked while the first of their saves is still writing (a slow
    disk, a lock held by `rollback-tui tick`). At 4eb6134 the drill's end (finish_drill,
    which saves the run file on the UI thread) ran inside the first save's outcome, before
    the queued save began. Now it runs from call_later, after the queued save has started
    in its thread: two writers of one file from one process (the UI thread waits on the
    plan's lock), and the save adopted last is stale, so a "Merged: ... changed on disk"
    toast follows the drill's end."""
    real = sync.save_merging
    active: list[str] = []
    overlaps: list[tuple[str, ...]] = []
    lock = threading.Lock()
    slow = threading.Event()

    def watched(plan_file: store.PlanFile, **kw: Any) -> Any:
        me = threading.current_thread().name
        with lock:
            if active:
                overlaps.append((*active, me))
            active.append(me)
        try:
            if slow.is_set() and me != "MainThread":
                time.sleep(0.3)
            return real(plan_file, **kw)
        finally:
            with lock:
                active.remove(me)

    monkeypatch.setattr(sync, "save_merging", watched)
    app = make_app(drill_plan, mode="drill", by="kim", cursor_blink=False)
    app.keeper.clock = lambda: T0
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for _ in range(7):
            await pilot.press("space")
            await app.keeper.saves.idle()
            await pilot.pause()
        slow.set()
        await pilot.press("space", "space")  # the second tick's save waits for the first's
        await until(pilot, lambda: app.drill is not None and app.drill.finished, timeout=10)
        assert app.drill is not None and app.drill.finished
        await app.keeper.saves.idle()
        # What must not come: a "Merged" notice from a save that overlapped another.
        for _ in range(30):
            await pilot.pause(0.05)
        told = [f"{n.title}: {n.message}" for n in app._notifications]
    assert not [t for t in told if t.startswith("Merged")], told
    assert overlaps == []


def run_app(path: Path) -> RollbackApp:
    app = make_app(path, mode="run", by="sam", cursor_blink=False)
    app.keeper.clock = lambda: T0
    return app


async def test_ctrl_s_over_a_dialog_on_the_checklist_is_the_wizard_kind_of_save(
    example_plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ctrl+s with a dialog (here a note) over the checklist saves the way the wizard
    does: a change on disk asks (ConflictDialog). The checklist's own save, which merges
    without asking, is for the checklist with nothing over it."""
    from rollback_tui.ui.checklist import checklist_screen
    from rollback_tui.ui.dialogs.conflict import ConflictDialog
    from rollback_tui.ui.dialogs.note import NoteDialog

    monkeypatch.setattr(checklist_screen, "POLL_SECONDS", 3600.0)  # no merge from the poll
    app = run_app(example_plan)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        other = store.load(example_plan)  # someone else ticks a-2 meanwhile
        set_done(other.plan, "a-2", True, "kim", at=T0)
        store.save(other)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConflictDialog), timeout=10)


async def test_ctrl_q_over_a_dialog_on_a_dirty_checklist_asks_first(
    example_plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ctrl+q with a dialog over a checklist whose tick is not saved (the save failed)
    asks about the unsaved changes (Choice), even once a save would work again: the
    checklist's merging save on quit is for the checklist with nothing over it, and the
    note being typed is not dropped without asking."""
    from rollback_tui.ui.checklist import checklist_screen
    from rollback_tui.ui.dialogs.choice import Choice
    from rollback_tui.ui.dialogs.note import NoteDialog

    monkeypatch.setattr(checklist_screen, "POLL_SECONDS", 3600.0)  # no retry from the poll
    real = sync.save_merging
    failing = threading.Event()
    failing.set()

    def flaky(plan_file: store.PlanFile, **kw: Any) -> Any:
        if failing.is_set():
            raise store.PlanFileError(f"{plan_file.path}: disk full")
        return real(plan_file, **kw)

    monkeypatch.setattr(sync, "save_merging", flaky)
    app = run_app(example_plan)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("space")  # a-1 ticked; its save fails
        await app.keeper.saves.idle()
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NoteDialog))
        failing.clear()  # the disk has room again
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, Choice), timeout=10)
        assert app.is_running


async def test_a_plan_opened_later_is_frozen_too(
    example_plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """run_app freezes the collector's view after the first frame (freeze_gc); at 4eb6134
    every screen start (the wizard's show_plan after Open, Reload, a restore or a merge, and
    each checklist mounted) froze again, so a plan opened later left the collector's full
    passes too. Now only the first frame does."""
    import types

    from textual.widgets import Input

    from rollback_tui.ui import app as app_module

    freezes: list[int] = []
    releases: list[int] = []
    fake = types.SimpleNamespace(
        collect=lambda: 0,
        freeze=lambda: freezes.append(1),
        unfreeze=lambda: releases.append(len(freezes)),
        enable=lambda: None,
        get_threshold=lambda: (700, 10, 10),
        set_threshold=lambda *thresholds: None,
    )
    monkeypatch.setattr(app_module, "gc", fake)
    other = tmp_path / "other.toml"
    other.write_bytes(example_plan.read_bytes())
    app = make_app(example_plan, cursor_blink=False)
    app.freeze_gc = True
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: freezes, timeout=10)  # after the first frame
        first = len(freezes)
        assert first >= 1
        app.action_open()
        await pilot.pause()
        app.screen.query_one("#path", Input).value = str(other)
        await pilot.press("enter")
        await until(
            pilot, lambda: app.keeper.plan_file.path == other and len(freezes) > first, timeout=10
        )
        assert app.keeper.plan_file.path == other
        assert len(freezes) > first
        # The plan before is garbage now: what was frozen of it is let go and collected.
        assert releases and releases[-1] >= first
