"""Plain mode end to end: the checklist and the wizard through a pipe and through a real
pseudo-terminal, read as whole transcripts (no escape sequence, no box drawing, lines
within 80 columns), with what they saved read back from disk."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from plain_terminal import SCRIPT, PtySession, assert_plain, environment, piped, readable

from rollback_tui import store

SMALL_PLAN = """\
schema_version = 1
title = "Checkout v2 \\u001b]0;pwned\\u0007"
deployment_type = "rolling"
version = "1.4.2"
target_version = "1.4.1"

[procedure]
choice = "b"

[[procedure.option_b]]
id = "b-1"
text = "Identify the last good version"
command = "helm history checkout --max 10"

[[procedure.option_b]]
id = "b-2"
text = "Roll back to $TARGET_VERSION"
command = "helm rollback checkout $TARGET_VERSION --wait"

[[procedure.option_b]]
id = "b-3"
text = "Run the down-migration"
command = "migrate down 1"
irreversible = true

[[procedure.option_b]]
id = "b-4"
text = "Verify that the health checks pass on every instance of the service, in each region"
"""


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    path = tmp_path / "plan.toml"
    path.write_text(SMALL_PLAN)
    return path


@pytest.fixture
def sessions() -> Iterator[list[PtySession]]:
    """The terminal sessions a test opens, each ended and closed after it."""
    opened: list[PtySession] = []
    try:
        yield opened
    finally:
        for session in opened:
            session.close()


def states(path: Path) -> dict[str, str]:
    return {item.id: item.state for _, _, item in store.load(path).plan.checklist()}


CHECKLIST_TRANSCRIPT = """\
rollback-tui, plain mode: lines of text only (--no-plain for the full screen).
Checklist: Checkout v2 ]0;pwned.
Plan file: plan.toml
Ticking as sam. Each change is saved at once.
Option B: 0 of 4 done
  [ ] b-1 Identify the last good version
  [ ] b-2 Roll back to 1.4.1
  [ ] b-3 Run the down-migration (irreversible)
  [ ] b-4 Verify that the health checks pass on every instance of the service,
    in each region
Type help for the commands, quit to leave.
> next
Next: [ ] b-1 Identify the last good version
  $ helm history checkout --max 10
> d b-1
b-1 done at HH:MM UTC.
> copy b-2
helm rollback checkout 1.4.1 --wait
> d b-3
b-3 cannot be undone (Run the down-migration): not marked done. To confirm it,
  write: done b-3 irreversible
> d b-3 irreversible
b-3 done at HH:MM UTC.
> skip b-4
skip needs a reason: skip b-4 REASON
> s b-4 checked by hand
b-4 skipped at HH:MM UTC: checked by hand.
> f b-9 nope
No step 'b-9': list shows the ids.
> frobnicate
Unknown command 'frobnicate': type help for the commands.
> start
Incident start marked at HH:MM UTC.
> note paged the database team
Note added at HH:MM UTC.
> u b-4
b-4 is open again.
> list open
Option B: 2 of 4 done
  [ ] b-2 Roll back to 1.4.1
  [ ] b-4 Verify that the health checks pass on every instance of the service,
    in each region
> l
Option B: 2 of 4 done
  [x] b-1 Identify the last good version (done HH:MM UTC by sam)
  [ ] b-2 Roll back to 1.4.1
  [x] b-3 Run the down-migration (irreversible) (done HH:MM UTC by sam)
  [ ] b-4 Verify that the health checks pass on every instance of the service,
    in each region
> timeline
HH:MM UTC sam: Done b-1 (Option B: Identify the last good version)
HH:MM UTC sam: Done b-3 (Option B: Run the down-migration): irreversible step
  confirmed
HH:MM UTC sam: Skipped b-4 (Option B: Verify that the health checks pass on
  every instance of the service, in each region): checked by hand
HH:MM UTC sam: Incident started
HH:MM UTC sam: Note: paged the database team
HH:MM UTC sam: Undone b-4 (Option B: Verify that the health checks pass on every
  instance of the service, in each region)
> q
"""


class TestChecklistThroughAPipe:
    """`TERM=dumb rollback-tui run plan.toml` with commands on a pipe."""

    def test_whole_transcript(self, plan: Path) -> None:
        """Every command answered in one line, in order; the transcript is plain text and
        the outcomes are on disk."""
        commands = [
            "next",
            "d b-1",
            "copy b-2",
            "d b-3",
            "d b-3 irreversible",
            "skip b-4",
            "s b-4 checked by hand",
            "f b-9 nope",
            "frobnicate",
            "start",
            "note paged the database team",
            "u b-4",
            "list open",
            "l",
            "timeline",
            "q",
        ]
        env = environment(TERM="dumb", ROLLBACK_TUI_PLAIN="", ACCESSIBLE="")
        done = piped(["run", "plan.toml", "--by", "sam"], commands, env, cwd=plan.parent)
        assert done.returncode == 0, done.stderr
        assert_plain(done.stdout)
        assert readable(done.stdout) == CHECKLIST_TRANSCRIPT
        assert states(plan) == {"b-1": "done", "b-2": "open", "b-3": "done", "b-4": "open"}
        markdown = plan.with_suffix(".md").read_text()
        assert "1. [x] Identify the last good version" in markdown

    def test_end_of_input_ends_it_saved(self, plan: Path) -> None:
        """No quit: the end of the input ends it, exit 0, the tick saved."""
        done = piped(["run", plan, "--by", "sam"], ["d b-1"], environment(TERM=""))
        assert done.returncode == 0, done.stderr
        assert states(plan)["b-1"] == "done"
        assert readable(done.stdout).endswith("> d b-1\nb-1 done at HH:MM UTC.\n> \n")

    def test_publish_writes_the_status_page_of_each_tick(self, plan: Path) -> None:
        """run --publish in plain mode: the page and status.json follow the ticks, as in
        the full-screen checklist."""
        site = plan.parent / "site"
        done = piped(
            ["run", plan, "--by", "sam", "--publish", site], ["d b-1"], environment(TERM="")
        )
        assert done.returncode == 0, done.stderr
        status = json.loads((site / "status.json").read_text())
        states_shown = {item["id"]: item["state"] for item in status["items"]}
        assert states_shown["b-1"] == "done"
        assert states_shown["b-2"] == "open"
        assert "<script" not in (site / "index.html").read_text()

    def test_a_bad_plan_is_one_line_and_exit_2(self, tmp_path: Path) -> None:
        """A plan that cannot be read: one line on standard error, exit 2, no traceback."""
        bad = tmp_path / "bad.toml"
        bad.write_text("title = [\n")
        done = piped(["run", bad], ["q"], environment(TERM="dumb"))
        assert done.returncode == 2
        assert done.stderr.decode().count("\n") == 1 and b"Traceback" not in done.stderr
        assert bad.read_text() == "title = [\n"


class TestChecklistInATerminal:
    """The checklist on a real pseudo-terminal (ACCESSIBLE=1: a screen reader's user)."""

    def open(self, sessions: list[PtySession], plan: Path, **env: str) -> PtySession:
        term = PtySession(["run", plan, "--by", "sam"], environment(ACCESSIBLE="1", **env))
        sessions.append(term)
        term.read_until("> ")
        return term

    def test_each_tick_on_disk_at_once(self, plan: Path, sessions: list[PtySession]) -> None:
        """A tick is on disk when its line is shown, before anything else is typed; the
        irreversible step asks for the word, and a wrong word leaves it open."""
        term = self.open(sessions, plan)
        assert "b-1 done at" in term.answer("d b-1")
        assert states(plan)["b-1"] == "done"
        assert "Type irreversible to mark it done" in term.answer("d b-3", then="enter cancels: ")
        assert "Not confirmed: b-3 is still open." in term.answer("yes")
        assert states(plan)["b-3"] == "open"
        term.answer("d b-3", then="enter cancels: ")
        assert "b-3 done at" in term.answer("irreversible")
        assert states(plan)["b-3"] == "done"
        term.type("quit\n")
        assert term.wait() == 0
        assert_plain(term.transcript)

    def test_keys_typed_ahead_never_confirm(self, plan: Path, sessions: list[PtySession]) -> None:
        """The word typed before the question was shown is dropped, not taken as the
        answer."""
        term = self.open(sessions, plan)
        term.type("d b-3\nirreversible\n")
        term.read_until("Type irreversible to mark it done")
        assert "Not confirmed: b-3 is still open." in term.answer("")
        assert states(plan)["b-3"] == "open"
        term.type("q\n")
        assert term.wait() == 0

    def test_ticks_made_elsewhere_are_told(self, plan: Path, sessions: list[PtySession]) -> None:
        """A `tick` from another terminal is merged and told on a line of its own, without
        a key pressed here; the next tick here keeps both."""
        term = self.open(sessions, plan)
        other = subprocess.run(
            [str(SCRIPT), "tick", str(plan), "b-2", "--by", "alex"],
            capture_output=True,
            timeout=30,
            env=environment(),
        )
        assert other.returncode == 0, other.stderr
        told = term.read_until("alex: Done b-2 (Option B: Roll back to 1.4.1)\r\n")
        assert "plan.toml changed on disk: merged 1 timeline event from there." in told
        term.answer("d b-1", then="b-1 done at")
        assert states(plan) == {"b-1": "done", "b-2": "done", "b-3": "open", "b-4": "open"}
        term.type("q\n")
        assert term.wait() == 0

    @pytest.mark.parametrize("how", ["SIGTERM", "hang-up"])
    def test_ends_cleanly_with_everything_saved(
        self, plan: Path, sessions: list[PtySession], how: str
    ) -> None:
        """SIGTERM, or the terminal going away: the process ends at once (128 + the
        signal), the ticks on disk, no journal left over."""
        term = self.open(sessions, plan)
        term.answer("d b-1")
        if how == "SIGTERM":
            os.kill(term.process.pid, signal.SIGTERM)
            assert term.wait() == 128 + signal.SIGTERM
        else:
            term.hang_up()
            assert term.process.wait(10) == 128 + signal.SIGHUP
        assert states(plan)["b-1"] == "done"
        assert not list(plan.parent.glob("*.journal"))


class TestDrillThroughAPipe:
    def test_a_drill_ends_with_its_last_step(self, plan: Path) -> None:
        """`drill --plain`: the steps ticked in the drill's run file (the plan's own run
        untouched), and the drill's end told when the last step has an outcome."""
        commands = ["d b-1", "d b-2", "d b-3 irreversible", "s b-4 not in a drill", "q"]
        done = piped(["drill", "--plain", plan, "--by", "sam"], commands, environment())
        assert done.returncode == 0, done.stderr
        assert_plain(done.stdout)
        text = readable(done.stdout)
        assert text.startswith(
            "rollback-tui, plain mode: lines of text only (--no-plain for the full screen).\n"
            "Drill: Checkout v2 ]0;pwned.\n"
        )
        assert "b-4 skipped at HH:MM UTC: not in a drill.\nDrill finished:" in text
        assert set(states(plan).values()) == {"open"}
        assert store.load(plan).plan.last_drilled is not None


class TestNewPlanFromTheMainCommand:
    def test_plain_before_the_command_asks_where_to_save(self, tmp_path: Path) -> None:
        """`rollback-tui --plain`: the wizard on a new plan; :save asks for its path."""
        answers = ["Checkout v2", ":save", "mine.toml", ":quit"]
        env = environment(TERM="xterm-256color")
        done = piped(["--plain"], answers, env, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert "Wizard: a new plan, not saved yet." in done.stdout.decode()
        assert "Save as (the path of a .toml file): mine.toml\nSaved mine.toml and mine.md." in (
            done.stdout.decode()
        )
        assert store.load(tmp_path / "mine.toml").plan.title == "Checkout v2"


class TestStatusUpdateReminder:
    def test_the_reminder_is_a_line_when_due(self, plan: Path) -> None:
        """An incident started long ago with updates every 30 minutes: the reminder is said
        once before the prompt; `sent` records the update and restarts the clock."""
        plan.write_text(
            SMALL_PLAN
            + "\n[communications]\nupdate_interval = 30\n\n[[timeline]]\n"
            + 'at = 2026-01-05T09:00:00Z\nby = "alex"\nevent = "incident-start"\n'
        )
        done = piped(["run", plan, "--by", "sam"], ["status", "sent", "q"], environment(TERM=""))
        assert done.returncode == 0, done.stderr
        text = readable(done.stdout)
        assert (
            "Type help for the commands, quit to leave.\n"
            "Status update due: next update due at HH:MM UTC, overdue by"
        ) in text
        assert text.count("Status update due:") == 1
        assert (
            "> sent\nStatus update sent at HH:MM UTC. "
            "Next: next update due at HH:MM UTC, in 30 min.\n"
        ) in text
        assert store.load(plan).plan.timeline[-1].event == "update-sent"
