"""Every way a plan reaches the disk, on the bundled example and on an imported plan.

scripts/check-newest runs this module on every tomlkit release that pyproject.toml allows:
each save path must work on each of them (a patch release of tomlkit once removed a private
method a save called, and every tick was lost).
"""

from __future__ import annotations

import datetime as dt
import subprocess
import tomllib
from pathlib import Path

import pytest
from cli_helpers import run

from rollback_tui import store
from rollback_tui.git import driver
from rollback_tui.store import recovery, runs

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "plan.toml"
NOW = dt.datetime(2026, 12, 7, 3, 0, tzinfo=dt.UTC)


def item_ids(path: Path) -> list[str]:
    """Every checklist item's id in the plan at *path*, in the plan's order."""
    return [item.id for _, _, item in store.load(path).plan.checklist()]


def done_ids(path: Path) -> set[str]:
    """The ids of the items ticked in the file at *path*, as any TOML reader sees them."""
    loaded = store.load(path)  # the file still loads: nothing torn
    tomllib.loads(path.read_text("utf-8"))
    return {item.id for _, _, item in loaded.plan.checklist() if item.done}


def comment_lines(path: Path) -> list[str]:
    return [line for line in path.read_text("utf-8").splitlines() if line.startswith("#")]


@pytest.fixture
def example(tmp_path: Path) -> Path:
    target = tmp_path / "plan.toml"
    target.write_bytes(EXAMPLE.read_bytes())
    return target


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    """The example's Markdown imported back: import writes comments between tables."""
    source = tmp_path / "hand-written.md"
    source.write_bytes((ROOT / "examples" / "plan.md").read_bytes())
    target = tmp_path / "imported" / "plan.toml"
    target.parent.mkdir()
    result = run("import", source, "-o", target)
    assert result.exit_code in (0, 1), result.output
    return target


class TestTickEveryItem:
    """`tick` saves each item of a plan, whatever its place in the file."""

    @pytest.mark.parametrize("plan", ["example", "imported"])
    def test_every_item_ticks_and_the_comments_stay(
        self, plan: str, request: pytest.FixtureRequest
    ) -> None:
        """Each item ticked in turn is on disk, and every comment of the file is kept."""
        path: Path = request.getfixturevalue(plan)
        comments = comment_lines(path)
        ticked: set[str] = set()
        for item_id in item_ids(path):
            result = run("tick", path, item_id, "--irreversible", "--by", "alice")
            assert result.exit_code == 0, (item_id, result.output)
            ticked.add(item_id)
            assert done_ids(path) == ticked
        assert comment_lines(path)[: len(comments)] == comments

    def test_skip_fail_and_undo_are_saved(self, example: Path) -> None:
        """The other outcomes and an undo reach the file too."""
        assert run("tick", example, "fu-5", "--skip", "not needed").exit_code == 0
        assert run("tick", example, "fu-4", "--failed", "no access").exit_code == 0
        assert run("tick", example, "fu-3").exit_code == 0
        assert run("tick", example, "fu-3", "--undo").exit_code == 0
        plan = store.load(example).plan
        states = {i: (plan.item(i).state, plan.item(i).reason) for i in ("fu-3", "fu-4", "fu-5")}  # type: ignore[union-attr]
        assert states == {
            "fu-3": ("open", None),
            "fu-4": ("failed", "no access"),
            "fu-5": ("skipped", "not needed"),
        }


class TestEditsSaved:
    """What the wizard saves: a field added to the last entry before a comment line."""

    @pytest.mark.parametrize("plan", ["example", "imported"])
    def test_an_owner_for_the_last_follow_up_item(
        self, plan: str, request: pytest.FixtureRequest
    ) -> None:
        """fu-5 gains an owner; its key goes before the comment that opens the contacts."""
        path: Path = request.getfixturevalue(plan)
        plan_file = store.load(path)
        item = plan_file.plan.item("fu-5")
        assert item is not None
        item.owner = "Rio Tanaka"
        store.save(plan_file)
        text = path.read_text("utf-8")
        assert store.load(path).plan == plan_file.plan
        owner_at = text.index('owner = "Rio Tanaka"')
        assert text.rfind('id = "fu-5"', 0, owner_at) > text.rfind("[[", 0, owner_at)
        if plan == "example":
            assert owner_at < text.index("# Keep this list current")

    def test_the_recovery_file_keeps_the_edit(self, example: Path) -> None:
        """The unsaved edit is kept aside, and read back as the same plan."""
        plan_file = store.load(example)
        plan_file.plan.title = "Checkout v2, edited"
        item = plan_file.plan.item("fu-5")
        assert item is not None
        item.owner = "Sam"
        kept = recovery.RecoveryFile.for_plan(example)
        kept.write(recovery.plan_text(plan_file), NOW)
        found = kept.read()
        assert found is not None
        assert recovery.plan_from_text(found.text, example) == plan_file.plan
        kept.delete()

    def test_new_then_save(self, tmp_path: Path) -> None:
        """A new plan from `new`, then an edit saved into it."""
        path = tmp_path / "new.toml"
        assert run("new", path, "--title", "Shop", "--component", "api").exit_code == 0
        plan_file = store.load(path)
        plan_file.plan.components[0].steps[0].owner = "me"
        store.save(plan_file)
        assert store.load(path).plan == plan_file.plan


class TestRunRecords:
    """reset and a drill write their run files and clear or keep the plan's run."""

    def test_reset_archives_then_clears(self, example: Path) -> None:
        assert run("tick", example, "a-1", "--by", "alice").exit_code == 0
        result = runs.reset(example, "first", NOW)
        assert result.archive is not None and result.archive.exists()
        assert "a-1" in done_ids(result.archive)
        assert done_ids(example) == set()

    def test_a_drill_keeps_its_own_run(self, example: Path) -> None:
        run_file = runs.start_drill(example, NOW, "alice", "practice")
        run_file.plan.procedure.option_a[0].done = True
        store.save(run_file)
        runs.finish_drill(run_file, example, NOW + dt.timedelta(minutes=5))
        assert "a-1" in done_ids(run_file.path)
        assert done_ids(example) == set()


class TestMergeDriver:
    """The merge driver writes the merged plan into ours, key by key."""

    def test_ticks_from_both_sides_merge(self, tmp_path: Path, example: Path) -> None:
        base, ours, theirs = (tmp_path / n for n in ("base.toml", "ours.toml", "theirs.toml"))
        for path in (base, ours, theirs):
            path.write_bytes(example.read_bytes())
        assert run("tick", ours, "fu-5", "--by", "alice").exit_code == 0
        assert run("tick", theirs, "a-1", "--by", "bob").exit_code == 0
        subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
        outcome = driver.main(str(base), str(ours), str(theirs), "plan.toml")
        assert outcome.code == driver.CLEAN, outcome.message
        assert {"fu-5", "a-1"} <= done_ids(ours)
