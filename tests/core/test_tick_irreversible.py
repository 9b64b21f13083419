"""`tick` on an irreversible step: done only with an explicit --irreversible, recorded in
the timeline as the checklist records its typed confirmation."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import run

from rollback_tui import store
from rollback_tui.plan.timeline import IRREVERSIBLE_CONFIRMED


def files(folder: Path) -> dict[str, bytes]:
    """Every file beside the plan and its bytes (but the empty lock file `tick` takes
    before it reads the plan, as every save does)."""
    return {
        p.name: p.read_bytes()
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.endswith(".toml.lock")
    }


class TestTickIrreversible:
    """b-4 of the example plan, the database down-migration, is irreversible."""

    def test_without_the_flag_nothing_is_saved(self, example_plan: Path) -> None:
        """Exit 2 and one line naming the step and the flag; no file written or added."""
        before = files(example_plan.parent)
        result = run("tick", example_plan, "b-4", "--by", "sam")
        assert result.exit_code == 2, result.output
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        assert len(lines) == 1
        assert "b-4" in lines[0] and "irreversible" in lines[0] and "--irreversible" in lines[0]
        assert files(example_plan.parent) == before

    def test_one_irreversible_id_among_others_stops_them_all(self, example_plan: Path) -> None:
        """A list holding one irreversible step ticks none of them without the flag."""
        before = files(example_plan.parent)
        assert run("tick", example_plan, "b-1", "b-4", "b-5").exit_code == 2
        assert files(example_plan.parent) == before

    def test_with_the_flag_the_confirmation_is_recorded(self, example_plan: Path) -> None:
        """--irreversible ticks it; the timeline says who confirmed, as the checklist does."""
        result = run("tick", example_plan, "b-1", "b-4", "--irreversible", "--by", "sam")
        assert result.exit_code == 0, result.output
        assert result.stdout == "Ticked b-1\nTicked b-4\n"
        plan = store.load(example_plan).plan
        item = plan.item("b-4")
        assert item is not None and item.done and item.done_by == "sam"
        assert [(e.event, e.item, e.by, e.text) for e in plan.timeline] == [
            ("tick", "b-1", "sam", None),
            ("tick", "b-4", "sam", IRREVERSIBLE_CONFIRMED),
        ]
        markdown = example_plan.with_suffix(".md").read_text()
        assert IRREVERSIBLE_CONFIRMED in markdown

    @pytest.mark.parametrize(
        "args", [["--skip", "no migration ran"], ["--failed", "lock timeout"], ["--undo"]]
    )
    def test_other_outcomes_need_no_confirmation(self, example_plan: Path, args: list[str]) -> None:
        """Skipping, failing or taking back an irreversible step runs nothing: no flag."""
        if args == ["--undo"]:
            assert run("tick", example_plan, "b-4", "--irreversible").exit_code == 0
        result = run("tick", example_plan, "b-4", *args)
        assert result.exit_code == 0, result.output
        item = store.load(example_plan).plan.item("b-4")
        expected = {"--skip": "skipped", "--failed": "failed", "--undo": "open"}[args[0]]
        assert item is not None and item.state == expected

    def test_already_done_needs_no_flag(self, example_plan: Path) -> None:
        """Ticking it again changes nothing, so it asks nothing."""
        assert run("tick", example_plan, "b-4", "--irreversible").exit_code == 0
        result = run("tick", example_plan, "b-4")
        assert (result.exit_code, result.stdout) == (0, "b-4 was already ticked\n")
