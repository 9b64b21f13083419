"""A run has an identity: ticks belong to the run they were made in. A `reset` made while
a checklist is open (or racing a `tick`) is never undone by the ticks of the last run."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from app_helpers import SIZE, cli, notifications
from checklist_helpers import checklist, checklist_app, focus_item, on_disk
from click.testing import CliRunner

from rollback_tui import store
from rollback_tui.cli import main
from rollback_tui.store import run_files


def ticked(path: Path) -> set[str]:
    return {i.id for _, _, i in on_disk(path).checklist() if i.state != "open"}


class TestResetUnderAnOpenChecklist:
    """Another terminal resets the plan while the checklist is open."""

    async def test_the_open_checklist_shows_the_new_run(self, example_plan: Path) -> None:
        """The checklist says the plan was reset and shows it empty; its next tick writes
        only itself into the new run, never the old run's ticks."""
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await focus_item(pilot, "a-1")
            await pilot.press("space")
            await focus_item(pilot, "a-2")
            await pilot.press("space")
            await app.keeper.saves.idle()
            assert ticked(example_plan) == {"a-1", "a-2"}
            cli("reset", str(example_plan), "--label", "first")
            await checklist(app).check_disk()
            await pilot.pause()
            assert "reset for a new run" in notifications(app)
            assert not checklist(app).row("a-1").done
            await focus_item(pilot, "b-1")
            await pilot.press("space")
            await app.keeper.saves.idle()
        assert ticked(example_plan) == {"b-1"}
        archive = run_files.run_files(example_plan)
        assert len(archive) == 1
        assert {i.id for _, _, i in store.load(archive[0]).plan.checklist() if i.done} == {
            "a-1",
            "a-2",
        }

    async def test_a_tick_not_yet_saved_goes_to_the_old_run(self, example_plan: Path) -> None:
        """A tick made while the reset happened belongs to the run it was made in: it is
        kept in that run's archive, and the new run stays empty."""
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await focus_item(pilot, "a-1")
            await pilot.press("space")
            await app.keeper.saves.idle()
            plan_file = app.keeper.plan_file
            cli("reset", str(example_plan))
            item = plan_file.plan.item("a-2")
            assert item is not None
            item.done, item.done_by = True, "sam"  # a tick made before the reset was seen
            from rollback_tui.plan.timeline import record

            record(plan_file.plan, "tick", "sam", item="a-2")
            app.keeper.mark_dirty()
            app.keeper.save_merging()
            await app.keeper.saves.idle()
            await pilot.pause()
            assert "went to the old run's record" in notifications(app)
        assert ticked(example_plan) == set()
        archive = run_files.run_files(example_plan)[0]
        assert {i.id for _, _, i in store.load(archive).plan.checklist() if i.done} == {
            "a-1",
            "a-2",
        }


def _tick_many(path: str, start: int) -> None:
    runner = CliRunner()
    for n in range(start, start + 5):
        runner.invoke(main, ["tick", path, f"fu-{n % 5 + 1}", "--by", f"t{n}"])


class TestResetRacingTick:
    """`reset` and `tick` from two processes at once."""

    def test_a_reset_is_never_undone_by_a_racing_tick(self, example_plan: Path) -> None:
        """After each reset, the plan holds only ticks made in its new run: never all
        the ticks of the run just archived."""
        for round_ in range(6):
            cli("tick", str(example_plan), "a-1", "a-2", "a-3", "--by", "old")
            context = multiprocessing.get_context("fork")
            ticking = context.Process(target=_tick_many, args=(str(example_plan), round_))
            ticking.start()
            cli("reset", str(example_plan), "--label", f"r{round_}")
            ticking.join(60)
            plan = on_disk(example_plan)
            old = {i.id for _, _, i in plan.checklist() if i.done and i.done_by == "old"}
            assert old == set(), round_
            cli("reset", str(example_plan), "--label", f"clean{round_}")
