"""Drill mode in Pilot with a clock the test moves: the DRILL banner, each step's time, the
summary, the drill's own run file, and the plan's live run left alone."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from pilot_waits import until
from textual.widgets import Static

from rollback_tui import store
from rollback_tui.plan import run_times
from rollback_tui.plan.timeline import set_done
from rollback_tui.ui.checklist.checklist_screen import ChecklistScreen
from rollback_tui.ui.checklist.drill_summary import BANNER, DrillBanner, DrillSummary
from rollback_tui.ui.dialogs.confirm_irreversible import ConfirmIrreversible
from rollback_tui.ui.factory import make_app

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plan.toml"
T0 = dt.datetime(2026, 11, 22, 14, 3, tzinfo=dt.UTC)
SIZE = (80, 24)
# Seconds each step takes, in checklist order: Option A's four, then Option B's five.
STEP_SECONDS = [20, 10, 15, 60, 90, 300, 600, 120, 180]


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def small_plan(tmp_path: Path) -> Path:
    """The example's two options alone (9 steps), with a live run: a-1 ticked by sam."""
    plan_file = store.load(EXAMPLE)
    plan = plan_file.plan
    plan.components, plan.post_rollback = [], []
    plan.communications.actions, plan.followup.items = [], []
    plan.procedure.containment, plan.procedure.restore = [], []
    set_done(plan, "a-1", True, "sam", at=T0 - dt.timedelta(days=1))
    plan_file.path = tmp_path / "plan.toml"
    store.save(plan_file, force=True)
    return plan_file.path


def text_of(widget: Static) -> str:
    return str(widget.render())


async def test_a_whole_drill(small_plan: Path) -> None:
    """Nine steps on a fixed clock: banner, run file, summary, step times, plan untouched."""
    live_before = store.read_plan(small_plan)[0]
    clock = Clock()
    app = make_app(small_plan, mode="drill", by="kim", cursor_blink=False)
    app.keeper.clock = clock
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ChecklistScreen)
        assert text_of(screen.query_one(DrillBanner)) == BANNER
        assert "DRILL" in app.title
        # The clock started at once: the drill's file exists, with its start, all open.
        run_path = app.keeper.plan_file.path
        assert run_path.parent == small_plan.parent / "plan.runs"
        assert run_path.name == "2026-11-22T1403Z-drill.toml"
        started = store.read_plan(run_path)[0]
        assert started.run is not None and started.run.started == T0
        assert started.incident_started_at == T0
        assert run_times.counts(started) == {"done": 0, "skipped": 0, "failed": 0, "open": 9}
        for n, seconds in enumerate(STEP_SECONDS):
            clock.advance(seconds)
            await pilot.press("space")
            await pilot.pause()
            if n == 7:  # b-4 is irreversible: the word, then enter
                await until(pilot, lambda: isinstance(app.screen, ConfirmIrreversible))
                await pilot.press(*"irreversible", "enter")
                await pilot.pause()
        # The drill ends after the last step's save, which runs in the background.
        await until(pilot, lambda: isinstance(app.screen, DrillSummary), timeout=15)
        summary = app.screen
        assert isinstance(summary, DrillSummary)
        assert text_of(summary.query_one(DrillBanner)) == BANNER
        shown = text_of(summary.query_one("#drill-summary", Static))
        assert "Drill finished in 23 min" in shown
        assert "Option A: 2 min, estimated ~1 minute" in shown
        assert "Option B: 22 min, estimated ~15-30 minutes" in shown
        slowest = shown.split("Slowest steps")[1]
        assert slowest.index("b-3") < slowest.index("b-2") < slowest.index("b-5")
    # Each step's time is measured from the previous outcome (the start for the first).
    drill = store.read_plan(run_path)[0]
    assert [t.seconds for t in run_times.step_times(drill)] == STEP_SECONDS
    assert [t.item.id for t in run_times.step_times(drill)] == [
        "a-1",
        "a-2",
        "a-3",
        "a-4",
        "b-1",
        "b-2",
        "b-3",
        "b-4",
        "b-5",
    ]
    assert drill.run is not None and drill.run.kind == "drill"
    assert drill.run.ended == T0 + dt.timedelta(seconds=sum(STEP_SECONDS))
    assert {item.done_by for _, _, item in drill.checklist()} == {"kim"}
    # The plan's live run is untouched; it learns the drill's day and times.
    live = store.read_plan(small_plan)[0]
    assert live.timeline == live_before.timeline
    assert [(i.id, i.done, i.done_by) for _, _, i in live.checklist()] == [
        (i.id, i.done, i.done_by) for _, _, i in live_before.checklist()
    ]
    assert live.last_drilled == T0.date()
    assert (live.procedure.option_a_drilled, live.procedure.option_b_drilled) == (105, 1290)
    assert "(\\~15-30 minutes; last drill 22 min)" in (small_plan.with_suffix(".md")).read_text()


async def test_finish_drill_early_records_only_finished_options(small_plan: Path) -> None:
    """Finish drill from the palette after Option A: the plan keeps no time for Option B."""
    clock = Clock()
    app = make_app(small_plan, mode="drill", by="kim", cursor_blink=False)
    app.keeper.clock = clock
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(4):
            clock.advance(30)
            await pilot.press("space")
        await pilot.pause()
        assert app.drill is not None
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        assert "Finish drill" in commands
        assert not {"Edit plan", "Open…", "Start a new run"} & set(commands)
        commands["Finish drill"].callback()
        await pilot.pause()
        shown = text_of(app.screen.query_one("#drill-summary", Static))
        assert "Option B: 0 s (not finished)" in shown
        await pilot.press("escape")
        assert isinstance(app.screen, ChecklistScreen)
    live = store.read_plan(small_plan)[0]
    assert (live.procedure.option_a_drilled, live.procedure.option_b_drilled) == (120, None)


async def test_a_drill_leaves_only_its_record(small_plan: Path) -> None:
    """The runs folder holds the drill's TOML and Markdown alone (no lock, no .bak, and
    those an earlier release left go); the plan keeps its one lock and one .bak."""
    clock = Clock()
    app = make_app(small_plan, mode="drill", by="kim", cursor_blink=False)
    app.keeper.clock = clock
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        run_path = app.keeper.plan_file.path  # as an earlier release left them beside it:
        for left in (f"{run_path.name}.bak", f".{run_path.name}.lock"):
            (run_path.parent / left).write_text("")
        for _ in range(3):
            clock.advance(30)
            await pilot.press("space")
            await pilot.pause()
        await app.keeper.saves.idle()
        assert app.drill is not None
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        commands["Finish drill"].callback()
        await pilot.pause()
    runs_folder = small_plan.parent / "plan.runs"
    assert sorted(p.name for p in runs_folder.iterdir()) == [
        "2026-11-22T1403Z-drill.md",
        "2026-11-22T1403Z-drill.toml",
    ]
    assert sorted(p.name for p in small_plan.parent.iterdir()) == [
        ".plan.toml.lock",
        "plan.md",
        "plan.runs",
        "plan.toml",
        "plan.toml.bak",
    ]


async def test_a_plan_that_is_not_there_is_refused(tmp_path: Path) -> None:
    """A missing plan: refused before any runs folder is made."""
    with pytest.raises(store.PlanFileError, match="no such file"):
        make_app(tmp_path / "missing.toml", mode="drill")
    assert not (tmp_path / "missing.runs").exists()


@pytest.mark.tmux
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_a_whole_drill_in_a_terminal(small_plan: Path) -> None:
    """`rollback-tui drill` at 80×24: the banner on the checklist, under a dialog and on the
    summary; nine steps ticked; the run listed; the plan marked drilled, its tick kept."""
    from tmux_session import BIN, Tmux

    term = Tmux()
    try:
        term.start(str(BIN), "drill", str(small_plan), "--by", "kim", "--label", "game day")
        screen = term.wait_for("0/9 done")
        assert BANNER in screen and "rollback-tui DRILL" in screen
        for n in range(1, 10):
            if n == 3:  # a dialog over the checklist: the banner still shows
                term.keys("n")
                assert BANNER in term.wait_for("A note for the timeline")
                term.keys("Escape")
                term.wait_for(lambda s: "A note for the timeline" not in s)
            term.keys("Space")
            if n == 8:  # b-4 is irreversible: the word, then enter
                term.wait_for("irreversible")
                term.type("irreversible")
                term.keys("Enter")
            if n < 9:
                term.wait_for(f"{n}/9 done")
        screen = term.wait_for("Drill finished in")
        assert BANNER in screen
        assert "Option A:" in screen and "estimated ~1 minute" in screen
        assert "Option B:" in screen and "estimated ~15-30 minutes" in screen
        assert "Slowest steps" in screen
        assert all(len(line) <= 80 for line in screen.splitlines())
        term.keys("C-q")
        term.wait_for(lambda s: "Drill finished" not in s)
    finally:
        term.kill()
    listed = subprocess.run(
        [str(BIN), "runs", str(small_plan)], capture_output=True, text=True, check=True, timeout=30
    ).stdout
    assert listed.startswith("drill ") and "9 done, 0 skipped, 0 failed of 9" in listed
    assert "game day" in listed and "-game-day.toml" in listed
    live = store.read_plan(small_plan)[0]
    assert live.last_drilled is not None
    assert [i.id for _, _, i in live.checklist() if i.done] == ["a-1"]


async def test_a_runs_folder_that_cannot_be_made_ends_the_drill(small_plan: Path) -> None:
    """plan.runs is a file: the drill ends at once with exit code 2, the plan untouched."""
    (small_plan.parent / "plan.runs").write_text("not a folder")
    before = small_plan.read_bytes()
    app = make_app(small_plan, mode="drill", by="kim", cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
    assert app.return_code == 2
    assert small_plan.read_bytes() == before
