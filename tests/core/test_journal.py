"""The journal a hang-up writes when it cannot wait for a save, replayed by the next open."""

from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner

from rollback_tui import store
from rollback_tui.cli import main
from rollback_tui.plan.timeline import record
from rollback_tui.store import journal, run_files

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plan.toml"


def cli(*args: str | Path) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


def done(path: Path) -> set[str]:
    return {i.id for _, _, i in store.load(path).plan.checklist() if i.done}


def ticked_in_memory(path: Path, *ids: str) -> store.PlanFile:
    """The plan as an open checklist holds it after ticking *ids*, none of them saved."""
    plan_file = store.load(path)
    for item_id in ids:
        item = plan_file.plan.item(item_id)
        assert item is not None
        item.done, item.done_by = True, "sam"
        record(plan_file.plan, "tick", "sam", item=item_id)
    return plan_file


class TestReplay:
    def test_the_next_open_merges_the_journal_and_removes_it(self, example_plan: Path) -> None:
        """A hang-up's journal holds two ticks: `status` merges them in, then it is gone."""
        kept = ticked_in_memory(example_plan, "a-1", "b-2")
        written = journal.write(example_plan, kept.plan)
        assert written.name == f".plan.toml.{os.getpid()}.journal"
        assert done(example_plan) == set()
        output = cli("status", example_plan)
        assert done(example_plan) == {"a-1", "b-2"}
        assert "[x] a-1" in output or "a-1" in output
        assert journal.journals(example_plan) == []

    def test_journals_of_two_sessions_both_count(self, example_plan: Path) -> None:
        """Two sessions that hung up at once each left a journal: both are merged."""
        first = ticked_in_memory(example_plan, "a-1")
        journal.write(example_plan, first.plan)
        os.replace(
            journal.journal_path(example_plan), example_plan.with_name(".plan.toml.1.journal")
        )
        second = ticked_in_memory(example_plan, "fu-5")
        journal.write(example_plan, second.plan)
        cli("tick", example_plan, "a-2")
        assert done(example_plan) == {"a-1", "a-2", "fu-5"}
        assert journal.journals(example_plan) == []

    def test_outcomes_of_a_run_reset_since_go_to_its_archive(self, example_plan: Path) -> None:
        """The plan was reset after the hang-up: the journal's tick goes to the archived
        run, and the new run stays empty."""
        cli("tick", example_plan, "a-1")
        kept = ticked_in_memory(example_plan, "a-2")
        journal.write(example_plan, kept.plan)
        journal_file = journal.journal_path(example_plan)
        os.replace(journal_file, example_plan.with_name(".plan.toml.7.journal"))
        cli("reset", example_plan)
        assert done(example_plan) == set()
        archive = run_files.run_files(example_plan)[0]
        assert done(archive) == {"a-1", "a-2"}

    def test_a_journal_that_is_not_ours_is_left_alone(self, example_plan: Path) -> None:
        """A file named like a journal that does not read as one stays, and harms nothing."""
        odd = example_plan.with_name(".plan.toml.9.journal")
        odd.write_text("not json")
        cli("tick", example_plan, "a-1")
        assert odd.read_text() == "not json"
        assert done(example_plan) == {"a-1"}

    def test_the_journal_keeps_the_plans_mode(self, example_plan: Path) -> None:
        """The journal is a side file: the plan's mode, never more open."""
        os.chmod(example_plan, 0o640)
        path = journal.write(example_plan, ticked_in_memory(example_plan, "a-1").plan)
        assert path.stat().st_mode & 0o777 == 0o640
        assert json.loads(path.read_text())["events"][0]["item"] == "a-1"
