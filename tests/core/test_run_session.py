"""A whole incident run by the session alone: no app, no Textual. Ticks, a skip, a
failure, an undo, a note, the incident start, an update sent, a tick made by `rollback-tui
tick` in another process merged in between, a reset from another process, and the saves."""

from __future__ import annotations

import ast
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from rollback_tui import store
from rollback_tui.plan.timeline import IRREVERSIBLE_CONFIRMED
from rollback_tui.run import events
from rollback_tui.run.saving import SaveOutcome
from rollback_tui.run.session import RunSession, Unconfirmed
from rollback_tui.store import run_files

ROOT = Path(__file__).resolve().parents[2]
T0 = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)


class Clock:
    """A clock that moves only when the test moves it."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


def other_terminal(*args: str) -> None:
    """The command line in a process of its own, as another responder runs it."""
    done = subprocess.run(
        [sys.executable, "-m", "rollback_tui", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr


def state(path: Path, item_id: str) -> tuple[str, str | None, str | None]:
    item = store.load(path).plan.item(item_id)
    assert item is not None
    return item.state, item.done_by, item.reason


@pytest.fixture
def heard() -> list[events.RunEvent]:
    return []


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def session(example_plan: Path, heard: list[events.RunEvent], clock: Clock) -> RunSession:
    opened = RunSession.open(example_plan, by="sam", clock=clock)
    opened.listen(heard.append)
    return opened


class TestAWholeIncident:
    """One run from the incident start to the reset, as the checklist would drive it."""

    def test_an_incident_start_to_finish(
        self,
        session: RunSession,
        example_plan: Path,
        heard: list[events.RunEvent],
        clock: Clock,
    ) -> None:
        """Every outcome, note and update is on disk with who and when; a tick from another
        terminal is merged in; a reset elsewhere is never undone by this run's ticks."""
        assert session.mark_incident_start()
        assert not session.mark_incident_start()  # once
        clock.advance(60)
        session.done("a-1")
        assert state(example_plan, "a-1") == ("done", "sam", None)
        assert session.pending == set()  # the save wrote it
        session.skip("a-2", "not needed")
        session.fail("a-3", "403 from the API")
        clock.advance(30)
        session.undo("a-3")
        session.note("the canary looks healthy")
        assert session.update_clock() is not None
        title, _ = session.templates()[0]
        session.update_sent(title)

        other_terminal("tick", str(example_plan), "b-1", "--by", "kim")
        assert session.poll()  # merged by item id: kim's tick comes in, ours stay
        assert session.plan.item("b-1") is not None
        assert state(example_plan, "b-1")[:2] == ("done", "kim")
        merged = [e for e in heard if isinstance(e, events.Merged)]
        assert merged and not merged[-1].summary.other_run
        assert not session.poll()  # nothing new on disk

        with pytest.raises(Unconfirmed):
            session.done("b-4")  # irreversible: a person confirms it first
        assert state(example_plan, "b-4")[0] == "open"
        session.done("b-4", confirmed=True)

        plan = store.load(example_plan).plan
        assert plan.incident_started_at == T0
        assert [(i, state(example_plan, i)) for i in ("a-1", "a-2", "a-3")] == [
            ("a-1", ("done", "sam", None)),
            ("a-2", ("skipped", "sam", "not needed")),
            ("a-3", ("open", None, None)),
        ]
        kinds = [(e.event, e.item, e.text) for e in plan.timeline]
        assert kinds == [
            ("incident-start", None, None),
            ("tick", "a-1", None),
            ("skip", "a-2", "not needed"),
            ("fail", "a-3", "403 from the API"),
            ("untick", "a-3", None),
            ("note", None, "the canary looks healthy"),
            ("update-sent", None, "internal update"),
            ("tick", "b-1", None),
            ("tick", "b-4", IRREVERSIBLE_CONFIRMED),
        ]
        assert {e.by for e in plan.timeline} == {"sam", "kim"}
        assert example_plan.with_suffix(".md").read_text().count("canary looks healthy") == 1

        other_terminal("reset", str(example_plan), "--label", "first")
        assert session.poll()
        reset = [e for e in heard if isinstance(e, events.Merged)][-1]
        assert reset.summary.other_run  # another run on disk now: ours is not merged in
        assert reset.summary.carried == 0  # its archive has all of it: everything was saved
        assert all(item.state == "open" for _, _, item in session.plan.checklist())
        session.done("b-2")
        ticked = {i.id for _, _, i in store.load(example_plan).plan.checklist() if i.done}
        assert len(ticked) == 1  # the new run holds only its own tick, not the last run's
        (archive,) = run_files.run_files(example_plan)
        archived = store.load(archive).plan
        assert {i.id for _, _, i in archived.checklist() if i.state != "open"} == {
            "a-1",
            "a-2",
            "b-1",
            "b-4",
        }

    def test_a_tick_of_the_last_run_goes_to_its_archive(
        self, session: RunSession, example_plan: Path, heard: list[events.RunEvent]
    ) -> None:
        """A tick made here while another process reset the plan is refused into the new
        run: it goes to the archive of the run it was made in."""
        session.done("a-1")
        other_terminal("reset", str(example_plan))
        session.done("a-2")  # the save finds the file changed: another run, not merged
        merged = [e for e in heard if isinstance(e, events.Merged)]
        assert merged and merged[-1].summary.other_run
        assert merged[-1].summary.carried == 1
        assert {i.id for _, _, i in store.load(example_plan).plan.checklist() if i.done} == set()
        (archive,) = run_files.run_files(example_plan)
        assert {i.id for _, _, i in store.load(archive).plan.checklist() if i.done} == {
            "a-1",
            "a-2",
        }


class TestWhatItTells:
    """The listeners hear each change, and each save's outcome."""

    def test_an_outcome_is_pending_until_saved(self, example_plan: Path, clock: Clock) -> None:
        """A holder whose save has not ended yet: the item stays pending, then the save's
        outcome clears it and tells Saved."""
        session = RunSession.open(example_plan, by="sam", clock=clock)
        outcomes: list[SaveOutcome] = []
        session.holder.finished = outcomes.append  # type: ignore[attr-defined]
        heard: list[events.RunEvent] = []
        session.listen(heard.append)
        session.done("a-1")
        assert session.pending == {"a-1"}
        assert heard == [events.OutcomeSet("a-1", "done")]
        session.saved(outcomes[0])
        assert session.pending == set()
        assert isinstance(heard[-1], events.Saved)

    def test_a_problem_is_told_once(
        self, session: RunSession, example_plan: Path, heard: list[events.RunEvent]
    ) -> None:
        """An unreadable file: NotSaved once, however often it is retried; the tick is
        kept, pending, and saved once the file can be used."""
        example_plan.chmod(0o000)
        try:
            session.done("a-1")
            session.poll()
            session.poll()
        finally:
            example_plan.chmod(0o644)
        problems = [e for e in heard if isinstance(e, events.NotSaved)]
        assert len(problems) == 1 and session.pending == {"a-1"}
        session.poll()  # the retry
        assert session.pending == set()
        assert state(example_plan, "a-1")[0] == "done"

    def test_the_hooks_of_the_features_beside_the_run(
        self, session: RunSession, heard: list[events.RunEvent], tmp_path: Path
    ) -> None:
        """A command run, a trigger change and a page published reach every listener."""
        session.command_ran("a-1", 0, T0, 1.5, text="Ran `true`: exit 0 in 1.5 s", log="x.log")
        session.trigger_changed("error rate", True)
        session.page_published(tmp_path / "index.html")
        row = session.plan.timeline[-1]
        assert (row.event, row.item, row.text, row.log) == (
            "command",
            "a-1",
            "Ran `true`: exit 0 in 1.5 s",
            "x.log",
        )
        assert [type(e) for e in heard if not isinstance(e, events.Saved)] == [
            events.TimelineAdded,
            events.CommandRan,
            events.TriggerChanged,
            events.PagePublished,
        ]


class TestWithoutTextual:
    """The session is the core's: it runs in a process that never loads Textual."""

    def test_no_textual_import_in_this_test(self) -> None:
        """This file imports nothing of Textual nor of the UI."""
        tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
        names = [
            alias.name for n in ast.walk(tree) if isinstance(n, ast.Import) for alias in n.names
        ] + [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not [n for n in names if n.startswith(("textual", "rollback_tui.ui"))]

    def test_a_run_loads_no_textual(self, example_plan: Path) -> None:
        """A tick, a note and a save in a fresh interpreter: 'textual' not in sys.modules."""
        code = (
            "import sys\n"
            "from pathlib import Path\n"
            "from rollback_tui.run.session import RunSession\n"
            f"session = RunSession.open(Path({str(example_plan)!r}), by='sam')\n"
            "session.done('a-1')\n"
            "session.note('ok')\n"
            "assert session.pending == set()\n"
            "assert 'textual' not in sys.modules, sorted(sys.modules)\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
        )
        assert done.returncode == 0, done.stderr
        assert state(example_plan, "a-1")[0] == "done"
