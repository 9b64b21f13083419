"""Outcomes beyond "ticked": skipped and failed steps with a reason, irreversible steps,
and the status-update clock; in the model, the file, the Markdown, the merge and the
command line. Plans written before outcomes existed read, render and tick the same."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from rollback_tui import store
from rollback_tui.cli import main
from rollback_tui.importing.reader import parse_markdown
from rollback_tui.plan import DeploymentType, new_plan
from rollback_tui.plan.lint import lint
from rollback_tui.plan.merge import merge, ticks_only
from rollback_tui.plan.model import ChecklistItem, Plan
from rollback_tui.plan.timeline import Progress, record, set_done, set_outcome
from rollback_tui.plan.update_clock import update_clock, update_interval
from rollback_tui.render import render_markdown
from rollback_tui.render.plain_text import render_text
from rollback_tui.store import sync

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parents[1] / "data"
OLD_PLAN = DATA / "plan-written-by-v1.toml"
"""examples/plan.toml as the release before outcomes wrote it."""
OLD_MARKDOWN = DATA / "plan-written-by-v1.md"
"""Its Markdown as that release rendered it."""
GOLDEN = ROOT / "snapshots" / "golden" / "outcomes.md"
T0 = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def same_text(actual: str, expected: str, name: str) -> None:
    diff = "".join(
        difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), name, "rendered")
    )
    assert actual == expected, f"rendered Markdown differs from {name}:\n{diff}"


def item(plan: Plan, item_id: str) -> ChecklistItem:
    found = plan.item(item_id)
    assert found is not None
    return found


def old_plan(tmp_path: Path) -> Path:
    path = tmp_path / "plan.toml"
    shutil.copy(OLD_PLAN, path)
    return path


def every_outcome(plan: Plan) -> Plan:
    """*plan* with one step of each outcome, an irreversible one confirmed, and a reason
    full of Markdown."""
    record(plan, "incident-start", "sam", at=T0)
    set_done(plan, "a-1", True, "sam", at=at(1))
    set_outcome(plan, "a-2", "skipped", "flag already off", "sam", at=at(2))
    set_outcome(plan, "a-3", "failed", "dashboard | timed out `500` *twice*", "lee", at=at(3))
    item(plan, "b-4").irreversible = True
    set_done(plan, "b-4", True, "dana", at=at(4), text="irreversible step confirmed")
    item(plan, "b-5").irreversible = True
    record(plan, "update-sent", "sam", text="internal update", at=at(5))
    return plan


class TestState:
    """The item's state: open, done, skipped or failed, from plain keys."""

    def test_state_from_the_keys(self) -> None:
        """done wins over an outcome; an outcome without done is that outcome."""
        assert ChecklistItem().state == "open"
        assert ChecklistItem(done=True).state == "done"
        assert ChecklistItem(outcome="skipped").state == "skipped"
        assert ChecklistItem(outcome="failed", reason="x").state == "failed"
        assert ChecklistItem(done=True, outcome="failed").state == "done"

    def test_skip_then_tick_then_undo(self, example_plan: Path) -> None:
        """Each change replaces the outcome and is one timeline event with its reason."""
        plan = store.load(example_plan).plan
        assert set_outcome(plan, "a-1", "skipped", " flag off ", "sam", at=at(1))
        a1 = item(plan, "a-1")
        assert (a1.done, a1.outcome, a1.reason, a1.done_at, a1.done_by) == (
            False,
            "skipped",
            "flag off",
            at(1),
            "sam",
        )
        assert not set_outcome(plan, "a-1", "skipped", "flag off", "sam", at=at(2))
        assert set_outcome(plan, "a-1", "failed", "500", "lee", at=at(3))
        assert set_done(plan, "a-1", True, "sam", at=at(4))
        assert (a1.state, a1.outcome, a1.reason) == ("done", None, None)
        assert set_done(plan, "a-1", False, "sam", at=at(5))
        assert (a1.state, a1.done_at, a1.done_by) == ("open", None, None)
        assert not set_done(plan, "a-1", False, "sam", at=at(6))
        assert [(e.event, e.text) for e in plan.timeline] == [
            ("skip", "flag off"),
            ("fail", "500"),
            ("tick", None),
            ("untick", None),
        ]

    def test_undo_of_a_skip_is_an_untick(self, example_plan: Path) -> None:
        """Taking back a skip leaves the step open, and the timeline says so."""
        plan = store.load(example_plan).plan
        set_outcome(plan, "a-1", "skipped", "not needed", "sam", at=at(1))
        assert set_done(plan, "a-1", False, "sam", at=at(2))
        assert item(plan, "a-1").state == "open" and item(plan, "a-1").reason is None
        assert plan.timeline[-1].event == "untick"

    def test_progress_counts_each_outcome_apart(self) -> None:
        """3 items: one done, one skipped, one failed; complete only without failures."""
        items = [
            ChecklistItem(done=True),
            ChecklistItem(outcome="skipped"),
            ChecklistItem(outcome="failed"),
        ]
        progress = Progress.of(items)
        assert (progress.done, progress.skipped, progress.failed, progress.total) == (1, 1, 1, 3)
        assert progress.counts() == "1/3 done, 1 skipped, 1 failed"
        assert not progress.complete
        assert Progress.of(items[:2]).complete
        assert Progress.of([ChecklistItem(done=True)]).counts() == "1/1 done"


class TestFile:
    """Plain keys in the TOML, absent when unset; old plans read unchanged."""

    def test_outcome_round_trips_as_plain_keys(self, example_plan: Path) -> None:
        """skipped: done absent, outcome and reason written; irreversible only when true."""
        plan_file = store.load(example_plan)
        set_outcome(plan_file.plan, "a-1", "skipped", "flag already off", "sam", at=at(1))
        item(plan_file.plan, "b-4").irreversible = True
        store.save(plan_file)
        text = example_plan.read_text()
        block = text[text.index('id = "a-1"') : text.index('id = "a-2"')]
        assert 'outcome = "skipped"' in block and 'reason = "flag already off"' in block
        assert "done = " not in block and 'done_by = "sam"' in block
        assert text.count("irreversible = true") == 1
        assert "irreversible = false" not in text
        again = store.load(example_plan).plan
        assert item(again, "a-1").state == "skipped"
        assert item(again, "b-4").irreversible

    def test_a_plan_written_before_outcomes_opens_renders_and_ticks_the_same(
        self, tmp_path: Path
    ) -> None:
        """The previous release's example: same Markdown, schema 1, no unknown keys, and a
        tick writes only the tick's keys and event."""
        path = old_plan(tmp_path)
        plan_file = store.load(path)
        assert plan_file.unknown_keys == [] and plan_file.plan.schema_version == 1
        assert [i.state for _, _, i in plan_file.plan.checklist()] == ["open"] * 36
        same_text(render_markdown(plan_file.plan), OLD_MARKDOWN.read_text(), str(OLD_MARKDOWN))
        set_done(plan_file.plan, "a-1", True, "sam", at=T0)
        store.save(plan_file)
        before, after = OLD_PLAN.read_text().splitlines(), path.read_text().splitlines()
        added = [line for line in difflib.ndiff(before, after) if line.startswith(("+", "-"))]
        assert added == [
            "+ done = true",
            "+ done_at = 2026-11-20T14:00:00Z",
            '+ done_by = "sam"',
            "+ ",
            "+ [[timeline]]",
            "+ at = 2026-11-20T14:00:00Z",
            '+ by = "sam"',
            '+ event = "tick"',
            '+ item = "a-1"',
        ]

    def test_old_cadence_text_runs_the_clock(self, tmp_path: Path) -> None:
        """A plan without update_interval takes the minutes from "Every 30 minutes"."""
        plan = store.load(old_plan(tmp_path)).plan
        assert plan.communications.update_interval is None
        assert update_interval(plan) == 30


class TestMarkdown:
    """Every outcome is visible in the Markdown, which stays valid GFM."""

    def test_golden_markdown_with_every_outcome(self) -> None:
        """Done, skipped (struck through), failed, irreversible; progress counted apart."""
        plan = every_outcome(store.load(OLD_PLAN).plan)
        same_text(render_markdown(plan), GOLDEN.read_text(encoding="utf-8"), str(GOLDEN))

    def test_the_lines_of_each_outcome(self) -> None:
        """The lines a reader sees: why, by whom and when."""
        markdown = render_markdown(every_outcome(store.load(OLD_PLAN).plan))
        assert (
            "2. [ ] ~~Verify flag change propagated~~ — **skipped** by sam at "
            "2026-11-20 14:02 UTC: flag already off"
        ) in markdown
        assert (
            "3. [ ] Confirm feature is deactivated — **failed** by lee at 2026-11-20 "
            "14:03 UTC: dashboard \\| timed out `500` \\*twice\\*"
        ) in markdown
        assert (
            "4. [x] Run database rollback migration **irreversible** _(done 2026-11-20 "
            "14:04 UTC by dana)_"
        ) in markdown
        assert "5. [ ] Verify all health checks passing **irreversible**\n" in markdown
        assert "- **Progress:** 2/36 done, 1 skipped, 1 failed" in markdown
        assert (
            "| Skipped `a-2` Option A: Verify flag change propagated: flag already off |"
            in markdown
        )
        assert "| Status update sent: internal update |" in markdown
        assert "irreversible step confirmed |" in markdown

    def test_plain_text_shows_outcomes(self) -> None:
        """render --format text says SKIPPED and FAILED with the reason."""
        text = render_text(every_outcome(store.load(OLD_PLAN).plan))
        assert "— SKIPPED by sam at 2026-11-20 14:02 UTC: flag already off" in text
        assert "— FAILED by lee at 2026-11-20 14:03 UTC: dashboard | timed out" in text
        assert "Run database rollback migration (irreversible)" in text
        assert "Update Interval: every" not in text  # the old plan has none
        plan = store.load(OLD_PLAN).plan
        plan.communications.update_interval = 20
        assert "Update Interval: every 20 minutes\n" in render_text(plan)


class TestImport:
    """`import` reads the outcomes and irreversible marks back from the Markdown."""

    def test_render_then_import_gives_back_every_outcome(self) -> None:
        """Done, skipped, failed with their reasons, who and when; irreversible; the
        timeline's skip, fail and update-sent events; the update interval."""
        plan = every_outcome(store.load(OLD_PLAN).plan)
        item(plan, "a-2").reason = "flag *already* off — see `#incidents`"
        set_outcome(plan, "a-4", "skipped", "later", "sam", at=at(6.5))
        plan.communications.update_interval = 20
        imported, unplaced = parse_markdown(render_markdown(plan))
        assert unplaced == []
        for item_id in ("a-1", "a-2", "a-3", "a-4", "b-4", "b-5"):
            got, want = item(imported, item_id), item(plan, item_id)
            assert (got.state, got.reason, got.done_by, got.irreversible, got.text) == (
                want.state,
                want.reason,
                want.done_by,
                want.irreversible,
                want.text,
            )
        assert item(imported, "a-3").done_at == at(3)
        assert item(imported, "a-4").done_at == at(6.5)  # to the second, from the timeline
        assert [(e.event, e.item, e.text) for e in imported.timeline] == [
            (e.event, e.item, e.text) for e in plan.timeline
        ]
        assert imported.communications.update_interval == 20

    def test_typed_stars_are_not_a_mark(self) -> None:
        """A step whose text says **irreversible** or — **skipped** is read as text."""
        plan = store.load(OLD_PLAN).plan
        item(plan, "a-4").text = "Check **irreversible** — **skipped** by x"
        imported, _ = parse_markdown(render_markdown(plan))
        a4 = item(imported, "a-4")
        assert (a4.text, a4.state, a4.irreversible) == (item(plan, "a-4").text, "open", False)


class TestMerge:
    """Merging by item id keeps outcomes from both sides, as it keeps ticks."""

    def test_outcomes_from_both_sides_are_kept(self, example_plan: Path) -> None:
        """Skipped here, failed there, ticked both sides: all four end in the merge."""
        local, disk = store.load(example_plan).plan, store.load(example_plan).plan
        set_outcome(local, "a-1", "skipped", "flag off", "sam", at=at(1))
        set_done(local, "a-2", True, "sam", at=at(2))
        set_outcome(disk, "b-1", "failed", "helm timed out", "lee", at=at(1))
        set_done(disk, "b-2", True, "lee", at=at(3))
        assert ticks_only(local, disk)  # outcomes alone: mergeable without a question
        merged = merge(local, disk)
        states = {
            i: (item(merged, i).state, item(merged, i).reason, item(merged, i).done_by)
            for i in ("a-1", "a-2", "b-1", "b-2")
        }
        assert states == {
            "a-1": ("skipped", "flag off", "sam"),
            "a-2": ("done", None, "sam"),
            "b-1": ("failed", "helm timed out", "lee"),
            "b-2": ("done", None, "lee"),
        }
        assert [e.event for e in merged.timeline] == ["fail", "tick", "skip", "tick"]

    def test_the_latest_outcome_of_one_item_wins(self, example_plan: Path) -> None:
        """Failed there at :01, skipped here at :02: skipped; the other way round: failed."""
        local, disk = store.load(example_plan).plan, store.load(example_plan).plan
        set_outcome(disk, "a-1", "failed", "500", "lee", at=at(1))
        set_outcome(local, "a-1", "skipped", "not needed", "sam", at=at(2))
        assert item(merge(local, disk), "a-1").state == "skipped"
        local, disk = store.load(example_plan).plan, store.load(example_plan).plan
        set_outcome(disk, "a-1", "failed", "500", "lee", at=at(3))
        set_outcome(local, "a-1", "skipped", "not needed", "sam", at=at(2))
        merged = merge(local, disk)
        assert (item(merged, "a-1").state, item(merged, "a-1").reason) == ("failed", "500")

    def test_undo_here_of_a_skip_made_there(self, example_plan: Path) -> None:
        """A skip on disk taken back later here leaves the step open after the merge."""
        plan_file = store.load(example_plan)
        set_outcome(plan_file.plan, "a-1", "skipped", "flag off", "lee", at=at(1))
        store.save(plan_file)
        local = store.load(example_plan)
        set_done(local.plan, "a-1", False, "sam", at=at(2))
        disk = store.load(example_plan).plan
        set_done(disk, "b-1", True, "lee", at=at(3))
        merged = merge(local.plan, disk)
        assert item(merged, "a-1").state == "open" and item(merged, "a-1").reason is None

    def test_save_merging_writes_both_sides(self, example_plan: Path) -> None:
        """Another writer's skip and this side's failure both reach the file."""
        mine = store.load(example_plan)
        other = store.load(example_plan)
        set_outcome(other.plan, "b-1", "skipped", "not needed", "lee", at=at(1))
        store.save(other)
        set_outcome(mine.plan, "a-1", "failed", "500", "sam", at=at(2))
        sync.save_merging(mine)
        final = store.load(example_plan).plan
        assert item(final, "b-1").state == "skipped" and item(final, "a-1").state == "failed"


class TestIrreversible:
    """Database down-migrations are irreversible by default; check wants an owner."""

    def test_database_step_is_irreversible_by_default(self) -> None:
        """new_plan with database impact marks the migration step, and only it."""
        plan = new_plan(title="x", db_impact=True, deployment_type=DeploymentType.ROLLING)
        marked = [i.text for _, _, i in plan.checklist() if i.irreversible]
        assert marked == ["Run database rollback migration"]

    def test_check_warns_of_an_irreversible_step_without_owner(self, example_plan: Path) -> None:
        """A warning at the step's owner; none once an owner is named."""
        plan = store.load(example_plan).plan
        item(plan, "b-4").owner = None
        findings = [f for f in lint(plan) if f.where == "procedure.option_b[3].owner"]
        assert [(f.severity, f.message) for f in findings] == [
            ("warning", "step b-4 cannot be undone and has no owner to confirm it")
        ]
        item(plan, "b-4").owner = "Dana Kim"
        assert not [f for f in lint(plan) if f.where == "procedure.option_b[3].owner"]


class TestClock:
    """The next status update: due from the incident start or the last update sent."""

    def test_not_running_before_the_start(self, example_plan: Path) -> None:
        """No incident start, no clock."""
        assert update_clock(store.load(example_plan).plan, T0) is None

    def test_due_then_overdue_then_reset(self, example_plan: Path) -> None:
        """30 minutes from the start; an update sent restarts it."""
        plan = store.load(example_plan).plan
        plan.communications.update_interval = 30
        record(plan, "incident-start", "sam", at=T0)
        clock = update_clock(plan, at(18))
        assert clock is not None and not clock.overdue
        assert clock.describe() == "next update due at 14:30 UTC, in 12 min"
        due = update_clock(plan, at(30.5))
        assert due is not None and due.overdue
        assert due.describe() == "next update due at 14:30 UTC, due now"
        late = update_clock(plan, at(33.5))
        assert late is not None and late.overdue
        assert late.describe() == "next update due at 14:30 UTC, overdue by 3 min"
        record(plan, "update-sent", "sam", text="internal update", at=at(34))
        again = update_clock(plan, at(34))
        assert again is not None and again.describe() == "next update due at 15:04 UTC, in 30 min"

    def test_interval_number_wins_over_the_text(self, example_plan: Path) -> None:
        """update_interval = 15 with "Every 30 minutes" in the text: 15."""
        plan = store.load(example_plan).plan
        plan.communications.update_interval = 15
        assert update_interval(plan) == 15
        plan.communications.update_interval = None
        plan.communications.cadence = "hourly"
        assert update_interval(plan) is None


class TestCommandLine:
    """tick --skip/--failed, and status with outcomes and the clock."""

    def run(self, *args: str) -> tuple[int, str]:
        result = CliRunner().invoke(main, list(args))
        return result.exit_code, result.output

    def test_tick_skip_and_failed_with_reasons(self, example_plan: Path) -> None:
        """Each is saved with the reason, and the timeline records it."""
        code, out = self.run("tick", str(example_plan), "a-1", "--skip", "flag off", "--by", "sam")
        assert (code, out) == (0, "Skipped a-1\n")
        code, out = self.run("tick", str(example_plan), "a-2", "--failed", "500s", "--by", "lee")
        assert (code, out) == (0, "Marked failed a-2\n")
        plan = store.load(example_plan).plan
        assert (item(plan, "a-1").state, item(plan, "a-1").reason) == ("skipped", "flag off")
        assert (item(plan, "a-2").state, item(plan, "a-2").done_by) == ("failed", "lee")
        assert [(e.event, e.text) for e in plan.timeline] == [
            ("skip", "flag off"),
            ("fail", "500s"),
        ]
        code, out = self.run("tick", str(example_plan), "a-1", "--undo")
        assert (code, out) == (0, "Unticked a-1\n")
        assert item(store.load(example_plan).plan, "a-1").state == "open"

    @pytest.mark.parametrize(
        "args", [["--skip", "x", "--failed", "y"], ["--skip", " "], ["--undo", "--failed", "y"]]
    )
    def test_bad_combinations_are_refused(self, example_plan: Path, args: list[str]) -> None:
        """One clear line, exit 2, the file untouched."""
        before = example_plan.read_bytes()
        result = CliRunner().invoke(main, ["tick", str(example_plan), "a-1", *args])
        assert result.exit_code == 2 and "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1
        assert example_plan.read_bytes() == before

    def test_status_json_has_the_outcome(self, example_plan: Path) -> None:
        """state, outcome, reason and irreversible for each item."""
        self.run("tick", str(example_plan), "a-1", "--skip", "flag off", "--by", "sam")
        code, out = self.run("status", str(example_plan), "--json")
        rows = {row["id"]: row for row in json.loads(out)}
        assert code == 0
        assert {k: rows["a-1"][k] for k in ("done", "state", "outcome", "reason")} == {
            "done": False,
            "state": "skipped",
            "outcome": "skipped",
            "reason": "flag off",
        }
        assert rows["a-2"]["state"] == "open" and rows["a-2"]["irreversible"] is False

    def test_status_text_shows_outcomes_and_the_clock(
        self, example_plan: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """[s] and [f] marks with the reason; the counts; when the next update is due."""
        plan_file = store.load(example_plan)
        every_outcome(plan_file.plan)
        store.save(plan_file)
        monkeypatch.setattr("rollback_tui.cli.ticks.utc_now", lambda: at(17))
        code, out = self.run("status", str(example_plan))
        assert code == 0
        lines = {line.split()[1]: line for line in out.splitlines() if line.startswith("[")}
        assert lines["a-2"].startswith("[s] a-2 ")
        assert lines["a-2"].endswith(
            "Option A: Verify flag change propagated  (skipped "
            "2026-11-20T14:02:00+00:00 by sam: flag already off)"
        )
        assert lines["a-3"].startswith("[f] a-3 ") and lines["b-4"].startswith("[x] b-4 ")
        assert out.endswith(
            "2/44 done, 1 skipped, 1 failed\nnext update due at 14:35 UTC, in 18 min\n"
        )
        monkeypatch.setattr("rollback_tui.cli.ticks.utc_now", lambda: at(38))
        assert self.run("status", str(example_plan))[1].endswith(
            "next update due at 14:35 UTC, overdue by 3 min\n"
        )
