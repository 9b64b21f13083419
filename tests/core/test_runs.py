"""The record of every run: reset (and a reset cut short), runs, render of a run file,
review dates judged by `check --as-of`, and the golden Markdown of runs and a drilled plan."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from cli_helpers import run
from click.testing import CliRunner
from pydantic import BaseModel

from rollback_tui import store
from rollback_tui.cli import main
from rollback_tui.plan.model import Plan
from rollback_tui.plan.run_times import clear_run
from rollback_tui.plan.timeline import record, set_done
from rollback_tui.render import render_markdown
from rollback_tui.store import runs

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "plan.toml"
GOLDEN = ROOT / "snapshots" / "golden"
T0 = dt.datetime(2026, 11, 22, 14, 3, tzinfo=dt.UTC)


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def incident(plan: Plan, late: float = 0) -> Plan:
    """*plan* with a run in it: the incident start, two steps done, one skipped, a note
    (all *late* minutes later than T0)."""
    record(plan, "incident-start", "kim", at=at(late))
    set_done(plan, "a-1", True, "kim", at=at(late + 1))
    set_done(plan, "a-2", True, "sam", at=at(late + 3))
    skipped = plan.item("b-4")
    assert skipped is not None
    skipped.outcome, skipped.reason = "skipped", "no migration in this release"
    skipped.done_at, skipped.done_by = at(late + 4), "sam"
    record(plan, "note", "kim", text="error rate back to baseline", at=at(late + 9))
    return plan


@pytest.fixture
def ran(tmp_path: Path) -> Path:
    """The example plan in a folder of its own, with an incident's run in it."""
    path = tmp_path / "plan.toml"
    plan_file = store.load(EXAMPLE)
    plan_file.path = path
    incident(plan_file.plan)
    store.save(plan_file, force=True)
    return path


def states(plan: Plan) -> set[str]:
    return {item.state for _, _, item in plan.checklist()}


class TestReset:
    def test_archives_the_run_then_clears_the_plan(self, ran: Path) -> None:
        """The run file holds every outcome, the timeline and the label, and renders; the
        plan is left with no outcome and no timeline, its steps unchanged."""
        before, _ = store.read_plan(ran)
        result = run("reset", ran, "--label", "INC-4821")
        assert result.exit_code == 0, result.output
        archive = ran.parent / "plan.runs" / "2026-11-22T1403Z-inc-4821.toml"
        assert f"Archived the run in {archive}" in result.stdout
        run_plan, unknown = store.read_plan(archive)
        assert unknown == []
        assert run_plan.run is not None
        assert (run_plan.run.kind, run_plan.run.label, run_plan.run.plan) == (
            "incident",
            "INC-4821",
            "plan.toml",
        )
        assert (run_plan.run.started, run_plan.run.ended) == (T0, at(9))
        assert run_plan.timeline == before.timeline
        assert run_plan.item("b-4").state == "skipped"  # type: ignore[union-attr]
        assert run_plan.item("b-4").reason == "no migration in this release"  # type: ignore[union-attr]
        assert run_plan.item("a-2").done_by == "sam"  # type: ignore[union-attr]
        assert archive.with_suffix(".md").read_text() == render_markdown(run_plan)
        after, _ = store.read_plan(ran)
        assert after.timeline == [] and states(after) == {"open"}
        assert [i.text for _, _, i in after.checklist()] == [
            i.text for _, _, i in before.checklist()
        ]
        assert (ran.parent / "plan.md").read_text() == render_markdown(after)

    def test_cut_short_between_archive_and_clear_then_finished(
        self, ran: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The plan's write fails after the archive was written: the plan keeps its run and
        the archive is complete; a second reset clears it, with no second archive."""
        original = store.save

        def failing_save(*args: object, **kwargs: object) -> None:
            raise store.PlanFileError(f"{ran}: cannot write: No space left on device")

        monkeypatch.setattr(store, "save", failing_save)
        result = run("reset", ran, "--label", "INC-4821")
        assert result.exit_code == 2 and "No space left" in result.stderr
        archives = list((ran.parent / "plan.runs").glob("*.toml"))
        assert len(archives) == 1
        still, _ = store.read_plan(ran)
        assert still.timeline and "done" in states(still)
        assert store.read_plan(archives[0])[0].timeline == still.timeline

        monkeypatch.setattr(store, "save", original)
        result = run("reset", ran, "--label", "INC-4821")
        assert result.exit_code == 0, result.output
        assert "found from an earlier reset" in result.stdout
        assert list((ran.parent / "plan.runs").glob("*.toml")) == archives
        after, _ = store.read_plan(ran)
        assert after.timeline == [] and states(after) == {"open"}

    def test_a_reset_writes_only_what_changes(
        self, ran: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """`reset` writes the archive and the cleared plan into the plan's text (on a
        9 MB plan, writing both out whole took half a minute), comparing with the text
        only the tables that hold an outcome: the same bytes as a reset comparing them
        all (the checklist's, on a plan that may hold unsaved ticks)."""
        from rollback_tui.plan import run_times
        from rollback_tui.store import document as plan_document

        monkeypatch.setattr(run_times, "new_run_id", lambda: "0123456789ab")
        other = tmp_path / "other" / "plan.toml"
        other.parent.mkdir()
        other.write_bytes(ran.read_bytes())
        runs.reset_loaded(store.load(other), "INC-4821", at(60))  # every table compared
        whole, in_sync = plan_document.dumps, plan_document.in_sync
        compared: list[object] = []

        def comparing(raw: object, model: BaseModel) -> bool:
            compared.append(model)
            return in_sync(raw, model)

        monkeypatch.setattr(plan_document, "dumps", lambda *a, **k: pytest.fail("written whole"))
        monkeypatch.setattr(plan_document, "in_sync", comparing)
        result = runs.reset(ran, "INC-4821", at(60))
        monkeypatch.setattr(plan_document, "dumps", whole)
        assert result.archive is not None
        assert ran.read_bytes() == other.read_bytes()
        archive = other.parent / "plan.runs" / result.archive.name
        assert result.archive.read_bytes() == archive.read_bytes()
        assert (
            result.archive.with_suffix(".md").read_bytes()
            == archive.with_suffix(".md").read_bytes()
        )
        assert (ran.parent / "plan.md").read_bytes() == (other.parent / "plan.md").read_bytes()
        # Compared: the procedure (a-1, a-2 and b-4 had outcomes), not the components.
        kinds = {type(m).__name__ for m in compared}
        assert "Procedure" in kinds and not kinds & {"Component", "Contact", "Trigger"}
        # The archive keeps the plan's text (its comments), with the run written in.
        text = result.archive.read_text()
        assert text.startswith(EXAMPLE.read_text().splitlines()[0])
        assert "\n[run]\n" in text

    def test_a_reset_cut_short_reads_only_the_archive_of_its_run(
        self, ran: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The earlier runs' archives (each as long as the plan) are not read to find the
        one a reset cut short wrote: only the file that names the run's id."""
        for late in (30, 60):  # two runs archived
            assert run("reset", ran).exit_code == 0
            plan_file = store.load(ran)
            incident(plan_file.plan, late=late)
            store.save(plan_file)
        saving, reading = store.save, store.read_plan
        monkeypatch.setattr(store, "save", lambda *a, **k: pytest.fail("cut short"))
        with pytest.raises(pytest.fail.Exception):
            runs.reset(ran, "", at(90))  # the third archived, the plan not cleared
        monkeypatch.setattr(store, "save", saving)
        read: list[Path] = []

        def reading_one(path: Path) -> tuple[Plan, list[str]]:
            read.append(path)
            return reading(path)

        monkeypatch.setattr(store, "read_plan", reading_one)
        result = runs.reset(ran, "", at(90))
        assert result.resumed and result.archive is not None
        assert set(read) == {result.archive}  # (and read again to finish its Markdown)
        assert len(list((ran.parent / "plan.runs").glob("*.toml"))) == 3

    def test_a_reset_cut_short_finds_an_id_written_by_hand(
        self, ran: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A run id that its file holds escaped (one set by hand, with quotes) is looked
        for in every run file, as before run files were filtered by their ids."""
        plan_file = store.load(ran)
        plan_file.plan.run_id = 'drill "A"'
        store.save(plan_file)
        saving = store.save
        monkeypatch.setattr(store, "save", lambda *a, **k: pytest.fail("cut short"))
        with pytest.raises(pytest.fail.Exception):
            runs.reset(ran, "", at(90))
        monkeypatch.setattr(store, "save", saving)
        result = runs.reset(ran, "", at(90))
        assert result.resumed
        assert len(list((ran.parent / "plan.runs").glob("*.toml"))) == 1

    def test_nothing_to_archive_changes_nothing(self, tmp_path: Path) -> None:
        """A plan with no outcome and no timeline: nothing written, the plan untouched."""
        path = tmp_path / "plan.toml"
        path.write_bytes(EXAMPLE.read_bytes())
        result = run("reset", path)
        assert result.exit_code == 0
        assert "no run to archive" in result.stdout
        assert path.read_bytes() == EXAMPLE.read_bytes()
        assert not (tmp_path / "plan.runs").exists()

    def test_two_runs_started_in_one_minute_get_two_files(self, ran: Path) -> None:
        """Two different runs started in the same minute: the second file gets -2."""
        assert run("reset", ran).exit_code == 0
        plan_file = store.load(ran)
        incident(plan_file.plan, late=0.5)
        store.save(plan_file)
        assert run("reset", ran).exit_code == 0
        names = sorted(p.name for p in (ran.parent / "plan.runs").glob("*.toml"))
        assert names == ["2026-11-22T1403Z-incident-2.toml", "2026-11-22T1403Z-incident.toml"]

    def test_a_plan_that_is_not_there_is_one_line(self, tmp_path: Path) -> None:
        """A missing plan: one line on stderr, exit 2."""
        result = run("reset", tmp_path / "missing.toml")
        assert result.exit_code == 2
        assert result.stderr.count("\n") == 1 and "no such file" in result.stderr


@pytest.mark.parametrize("between_runs", [True, False])
def test_a_drill_is_written_into_the_plans_text(
    ran: Path, monkeypatch: pytest.MonkeyPatch, between_runs: bool
) -> None:
    """A drill's run file is the plan's text (its comments kept) with the drill written
    in, as a whole-document save of the drill into that text writes it; between runs
    (no outcome, no timeline), without comparing the plan's tables (a 9 MB plan's drill
    took 12 s to start, written out whole)."""
    from rollback_tui.store import document as plan_document

    if between_runs:
        assert run("reset", ran).exit_code == 0
    text = ran.read_text()
    compared: list[object] = []

    def comparing(*args: object) -> bool:
        compared.append(args)
        return False

    if between_runs:
        monkeypatch.setattr(plan_document, "in_sync", comparing)
    drill = runs.start_drill(ran, at(60 * 24), "kim", "game day")
    monkeypatch.undo()
    assert compared == []
    written = drill.path.read_text()
    read, _ = store.read_plan(drill.path)
    assert written == plan_document.dumps(plan_document.parse(text), read, fresh=False)[1]
    assert written.startswith(EXAMPLE.read_text().splitlines()[0])
    assert {item.state for _, _, item in read.checklist()} == {"open"}
    assert [e.text for e in read.timeline] == ["drill started"]
    assert ran.read_text() == text  # the plan itself only read


def test_a_drill_clears_what_an_open_step_still_holds(tmp_path: Path) -> None:
    """An open step with a stamp left on it (unticked by hand, or imported so): the
    drill's run file holds the step cleared, as the drill sees it."""
    path = tmp_path / "plan.toml"
    path.write_text(
        EXAMPLE.read_text().replace(
            'id = "a-1"\n', 'id = "a-1"\ndone_by = "old"\nreason = "stale"\n', 1
        )
    )
    step = store.read_plan(path)[0].item("a-1")
    assert step is not None and step.state == "open" and step.done_by == "old"
    drill = runs.start_drill(path, at(60), "kim")
    step = store.read_plan(drill.path)[0].item("a-1")
    assert step is not None and (step.done_by, step.reason) == (None, None)
    assert 'done_by = "old"' not in drill.path.read_text()


class TestRunsListing:
    def test_lists_each_run_with_its_outcomes(self, ran: Path) -> None:
        """Kind, start, duration, done/skipped/failed and label, oldest first."""
        assert run("reset", ran, "--label", "INC-4821").exit_code == 0
        drill = runs.start_drill(ran, at(60 * 24), "kim", "game day")
        set_done(drill.plan, "a-1", True, "kim", at=at(60 * 24 + 2))
        failed = drill.plan.item("a-2")
        assert failed is not None
        failed.outcome, failed.done_at = "failed", at(60 * 24 + 5)
        store.save(drill)
        result = run("runs", ran)
        assert result.exit_code == 0, result.output
        lines = result.stdout.splitlines()
        assert len(lines) == 2
        assert lines[0].split()[:3] == ["incident", "2026-11-22", "14:03Z"]
        assert "9 min  2 done, 1 skipped, 0 failed of 44" in lines[0]
        assert "INC-4821" in lines[0] and "2026-11-22T1403Z-inc-4821.toml" in lines[0]
        assert lines[1].split()[:3] == ["drill", "2026-11-23", "14:03Z"]
        assert "5 min" in lines[1] and "1 done, 0 skipped, 1 failed of 44" in lines[1]
        assert "game day" in lines[1]

    def test_no_runs_yet(self, tmp_path: Path) -> None:
        """A plan never reset nor drilled: `runs` says so, exit 0."""
        path = tmp_path / "plan.toml"
        path.write_bytes(EXAMPLE.read_bytes())
        result = run("runs", path)
        assert result.exit_code == 0 and "No runs yet" in result.stdout

    def test_render_of_a_run_file_works_like_any_plan(self, ran: Path) -> None:
        """`render` of a run file prints its Markdown, with its Run section."""
        assert run("reset", ran, "--label", "INC-4821").exit_code == 0
        archive = ran.parent / "plan.runs" / "2026-11-22T1403Z-inc-4821.toml"
        result = run("render", archive)
        assert result.exit_code == 0
        assert result.stdout == archive.with_suffix(".md").read_text()
        assert "## Run" in result.stdout and "**Label:** INC-4821" in result.stdout


class TestSideFiles:
    """A run file is locked with its plan's lock and keeps no .bak: PLAN.runs/ holds runs."""

    def test_tick_on_a_run_file_adds_nothing_beside_it(self, ran: Path) -> None:
        """`tick` on an archived run: its TOML and Markdown change, no lock or .bak appears."""
        archive = runs.reset(ran, "inc", at(30)).archive
        assert archive is not None
        assert run("tick", archive, "b-1", "--by", "kim").exit_code == 0
        assert sorted(p.name for p in archive.parent.iterdir()) == sorted(
            [archive.name, archive.with_suffix(".md").name]
        )
        assert store.read_plan(archive)[0].item("b-1").done  # type: ignore[union-attr]

    def test_its_writers_wait_for_the_plans_lock(
        self, ran: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The plan's lock held elsewhere: a tick on its run file waits, then refuses."""
        from lock_helpers import hold_lock

        from rollback_tui.store import lock

        archive = runs.reset(ran, "inc", at(30)).archive
        assert archive is not None and lock.lock_path(archive) == lock.lock_path(ran)
        monkeypatch.setattr(lock, "CLI_LOCK_TIMEOUT", 0.3)
        before = archive.read_bytes()
        holder = hold_lock(ran)
        try:
            result = run("tick", archive, "b-1")
        finally:
            holder.kill()
            holder.wait()
        assert result.exit_code == 2 and "another rollback-tui is saving" in result.stderr
        assert archive.read_bytes() == before


class TestReviewDates:
    @pytest.fixture
    def plan_path(self, tmp_path: Path) -> Path:
        path = tmp_path / "plan.toml"
        path.write_bytes(EXAMPLE.read_bytes())  # created 2026-11-20, never reviewed/drilled
        return path

    def dates(self, path: Path, **values: object) -> Path:
        plan_file = store.load(path)
        for key, value in values.items():
            setattr(plan_file.plan, key, value)
        store.save(plan_file)
        return path

    def test_fresh_plan_has_no_warning(self, plan_path: Path) -> None:
        """On the 90th day after it was written, a plan is still fresh."""
        result = run("check", plan_path, "--as-of", "2027-02-18")
        assert result.exit_code == 0 and "no findings" in result.stdout

    def test_never_reviewed_nor_drilled_after_the_period(self, plan_path: Path) -> None:
        """90 days after it was written: both warnings, with their dates."""
        result = run("check", plan_path, "--as-of", "2027-02-19")
        assert result.exit_code == 1
        assert (
            "warning: last_reviewed: review overdue since 2027-02-18 (never reviewed "
            "since it was written on 2026-11-20, review every 90 days)"
        ) in result.stdout
        assert "warning: last_drilled: never drilled (written on 2026-11-20)" in result.stdout

    def test_reviewed_and_drilled_recently(self, plan_path: Path) -> None:
        """Reviewed and drilled within the period: no warning."""
        self.dates(plan_path, last_reviewed=dt.date(2027, 3, 1), last_drilled=dt.date(2027, 3, 2))
        assert run("check", plan_path, "--as-of", "2027-05-30").exit_code == 0

    def test_review_overdue_by_its_own_period(self, plan_path: Path) -> None:
        """review_every = 30: overdue after 30 days, with the dates in the warning."""
        self.dates(
            plan_path,
            last_reviewed=dt.date(2027, 3, 1),
            review_every=30,
            last_drilled=dt.date(2027, 3, 2),
        )
        result = run("check", plan_path, "--as-of", "2027-04-01")
        assert result.exit_code == 1
        assert (
            "review overdue since 2027-03-31 (last reviewed 2027-03-01, review every 30 days)"
        ) in result.stdout
        assert "last_drilled" not in result.stdout

    def test_last_drill_too_old(self, plan_path: Path) -> None:
        """A drill more than one period ago: a warning with its date."""
        self.dates(plan_path, last_reviewed=dt.date(2027, 6, 1), last_drilled=dt.date(2027, 1, 5))
        result = run("check", plan_path, "--as-of", "2027-06-02")
        assert result.exit_code == 1
        assert "last_reviewed" not in result.stdout
        assert "last_drilled: last drilled 2027-01-05, more than 90 days ago" in result.stdout

    def test_a_run_file_is_a_record_not_a_plan_to_review(self, ran: Path) -> None:
        """A run file gets no review warnings, however old."""
        assert run("reset", ran).exit_code == 0
        archive = next((ran.parent / "plan.runs").glob("*.toml"))
        assert run("check", archive, "--as-of", "2030-01-01").exit_code == 0

    def test_bad_date_is_refused(self, plan_path: Path) -> None:
        """An --as-of that is not a date: exit 2, naming the option."""
        result = run("check", plan_path, "--as-of", "next week")
        assert result.exit_code == 2 and "--as-of" in result.stderr


def golden(name: str, text: str) -> None:
    expected = (GOLDEN / name).read_text(encoding="utf-8")
    assert text == expected, f"differs from snapshots/golden/{name}"


class TestGoldenMarkdown:
    def test_incident_run_file(self) -> None:
        """An archived incident: the header, the Run section, the outcomes and timeline."""
        plan = incident(store.read_plan(EXAMPLE)[0])
        archived = runs.snapshot(
            plan, kind="incident", label="INC-4821", ended=at(12), plan_name="plan.toml"
        )
        golden("run-incident.md", render_markdown(archived))

    def test_drill_run_file(self) -> None:
        """A drill: measured time per option against its estimate, each step's time, the slowest."""
        plan = store.read_plan(EXAMPLE)[0]
        clear_run(plan)
        record(plan, "incident-start", "kim", at=at(0))
        for item_id, minutes in [
            ("a-1", 0.5),
            ("a-2", 1),
            ("a-3", 1.25),
            ("a-4", 3),
            ("b-1", 5),
            ("b-2", 14),
            ("b-3", 20),
            ("b-4", 22),
        ]:
            set_done(plan, item_id, True, "kim", at=at(minutes))
        failed = plan.item("b-5")
        assert failed is not None
        failed.outcome, failed.reason, failed.done_at = "failed", "health check red", at(27)
        drill = runs.snapshot(
            plan, kind="drill", label="game day", ended=at(27), plan_name="plan.toml"
        )
        golden("run-drill.md", render_markdown(drill))

    def test_drilled_and_reviewed_plan(self) -> None:
        """The header shows the dates; each option heading keeps its estimate and adds the
        last drill's time."""
        plan = store.read_plan(EXAMPLE)[0]
        plan.last_reviewed, plan.last_drilled = dt.date(2026, 11, 21), dt.date(2026, 11, 22)
        plan.procedure.option_a_drilled, plan.procedure.option_b_drilled = 180, 22 * 60
        text = render_markdown(plan)
        assert "### Option B: Deployment Rollback (\\~15-30 minutes; last drill 22 min)" in text
        golden("plan-drilled.md", text)


class TestMarkReviewed:
    async def test_review_step_marks_the_plan_reviewed_today(self, tmp_path: Path) -> None:
        """The Review step's "Mark reviewed today" sets last_reviewed from the app's clock;
        the save writes it, and the Markdown header shows it."""
        from textual.widgets import Button, Static

        from rollback_tui.ui.factory import make_app
        from rollback_tui.ui.wizard.wizard_screen import WizardScreen

        path = tmp_path / "plan.toml"
        path.write_bytes(EXAMPLE.read_bytes())
        app = make_app(path, cursor_blink=False)
        app.keeper.clock = lambda: T0
        async with app.run_test(size=(80, 24)) as pilot:
            screen = app.screen
            assert isinstance(screen, WizardScreen)
            await screen.show_step("review")
            await pilot.pause()
            dates = screen.query_one("#review-dates", Static)
            assert "Reviewed: never · every 90 days · drilled: never" in str(dates.render())
            button = screen.query_one("#review-reviewed", Button)
            button.focus()
            await pilot.press("enter")
            await pilot.pause()
            assert app.plan.last_reviewed == T0.date() and app.keeper.dirty
            assert "Reviewed: 2026-11-22" in str(dates.render())
            await pilot.press("ctrl+s")
            await pilot.pause()
        saved, _ = store.read_plan(path)
        assert saved.last_reviewed == T0.date()
        assert (
            "**Last Reviewed:** 2026-11-22 (review every 90 days)"
            in path.with_suffix(".md").read_text()
        )


class TestNewRunInTheChecklist:
    async def test_start_a_new_run_asks_then_archives_and_clears(self, ran: Path) -> None:
        """The palette's "Start a new run": Cancel changes nothing; "Archive and clear"
        archives the run (with a tick made in this checklist) and clears the checklist."""
        from textual.widgets import Button

        from rollback_tui.ui.dialogs.choice import Choice
        from rollback_tui.ui.factory import make_app

        app = make_app(ran, mode="run", by="kim", cursor_blink=False)
        app.keeper.clock = lambda: at(20)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("space")  # ticks the first open step, contain-1
            await pilot.pause()
            commands = {c.title: c for c in app.get_system_commands(app.screen)}
            for answer in ("cancel", "reset"):
                commands["Start a new run"].callback()
                await pilot.pause()
                assert isinstance(app.screen, Choice)
                app.screen.query_one(f"#answer-{answer}", Button).press()
                await pilot.pause()
                await pilot.pause()
                if answer == "cancel":
                    assert not (ran.parent / "plan.runs").exists()
            assert not app.plan.timeline and states(app.plan) == {"open"}
        archives = list((ran.parent / "plan.runs").glob("*.toml"))
        assert [p.name for p in archives] == ["2026-11-22T1403Z-incident.toml"]
        archived = store.read_plan(archives[0])[0]
        assert archived.item("contain-1").state == "done"  # type: ignore[union-attr]
        assert archived.item("b-4").state == "skipped"  # type: ignore[union-attr]
        after = store.read_plan(ran)[0]
        assert not after.timeline and states(after) == {"open"}


class TestImportOfDates:
    def test_dates_and_estimates_of_a_drilled_plan_are_read_back(self) -> None:
        """import of a drilled plan's Markdown: the dates come back, the estimates without
        the drill's time beside them."""
        from rollback_tui.importing.reader import parse_markdown

        plan, unplaced = parse_markdown((GOLDEN / "plan-drilled.md").read_text())
        assert unplaced == []
        assert (plan.last_reviewed, plan.review_every, plan.last_drilled) == (
            dt.date(2026, 11, 21),
            90,
            dt.date(2026, 11, 22),
        )
        assert (plan.procedure.option_a_estimate, plan.procedure.option_b_estimate) == (
            "~1 minute",
            "~15-30 minutes",
        )

    def test_a_date_that_is_not_one_is_kept_as_unplaced(self) -> None:
        """A header date that is not a date is kept as unplaced text, not guessed."""
        from rollback_tui.importing.reader import parse_markdown

        text = (
            (GOLDEN / "plan-drilled.md")
            .read_text()
            .replace("**Last Drilled:** 2026-11-22", "**Last Drilled:** last spring")
        )
        plan, unplaced = parse_markdown(text)
        assert plan.last_drilled is None
        assert [u.text for u in unplaced] == ["Last Drilled: last spring"]


def test_as_of_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ROLLBACK_TUI_AS_OF stands for --as-of (the test suite pins it); --as-of wins."""
    path = tmp_path / "plan.toml"
    path.write_bytes(EXAMPLE.read_bytes())
    monkeypatch.setenv("ROLLBACK_TUI_AS_OF", "2030-01-01")
    assert "review overdue" in run("check", path).stdout
    assert run("check", path, "--as-of", "2026-12-01").exit_code == 0


def test_plain_text_of_a_run_file_and_a_drilled_plan() -> None:
    """render --format text carries the run, the dates and the last drill's times too."""
    from rollback_tui.render.plain_text import render_text

    plan = incident(store.read_plan(EXAMPLE)[0])
    text = render_text(
        runs.snapshot(plan, kind="incident", label="INC-4821", ended=at(9), plan_name="plan.toml")
    )
    assert "Run\n---\n\nKind: Incident\nLabel: INC-4821\nPlan: plan.toml\n" in text
    assert "Duration: 9 min\nOutcomes: 2 done, 1 skipped, 0 failed, 41 open\n" in text
    plan.last_drilled, plan.procedure.option_b_drilled = dt.date(2026, 11, 22), 22 * 60
    text = render_text(plan)
    assert "Last Drilled: 2026-11-22\n" in text
    assert "Option B: Deployment Rollback (~15-30 minutes; last drill 22 min)" in text


def test_a_hostile_label_is_a_plain_name_and_plain_text(ran: Path) -> None:
    """A label full of escapes and markup: the file name is a slug, `runs` prints no
    control character, the Markdown escapes it."""
    label = "\x1b[31m[bold]INC|4821`</x>"
    assert run("reset", ran, "--label", label).exit_code == 0
    (archive,) = (ran.parent / "plan.runs").glob("*.toml")
    assert archive.name == "2026-11-22T1403Z-31m-bold-inc-4821-x.toml"
    listed = run("runs", ran).stdout
    assert "\x1b" not in listed and "[bold]INC|4821`</x>" in listed
    markdown = archive.with_suffix(".md").read_text()
    assert "\x1b" not in markdown
    assert "**Label:** \\[31m\\[bold\\]INC\\|4821\\`\\</x>\\\n" in markdown


def test_a_hostile_folder_name_is_shown_visibly(tmp_path: Path) -> None:
    """reset and runs print the paths with their control characters visible, never raw."""
    folder = tmp_path / "dir\x1b]0;PWNED\x07"
    folder.mkdir()
    path = folder / "plan.toml"
    plan_file = store.load(EXAMPLE)
    plan_file.path = path
    incident(plan_file.plan)
    store.save(plan_file, force=True)
    for args in (("reset", path), ("runs", path), ("runs", folder / "gone.toml")):
        result = CliRunner().invoke(main, [str(a) for a in args])
        out = result.stdout + result.stderr
        assert "\x1b" not in out and "\x07" not in out, (args, out)
        if args[0] == "reset" or args[1].name == "gone.toml":
            assert "\\x1b]0;PWNED\\x07" in out, (args, out)
