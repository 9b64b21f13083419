"""Plain mode's wizard end to end: `rollback-tui edit --plain new.toml` through a pipe,
read as a whole transcript; its unsaved edits kept on EOF and on a hang-up, and offered
back at the next edit."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from plain_terminal import PtySession, assert_plain, environment, piped, readable

from rollback_tui import store

# An answer of Enter alone is written "(Enter)" here: the transcript has a space there.
EDIT_TRANSCRIPT = """\
rollback-tui, plain mode: lines of text only (--no-plain for the full screen).
Wizard: new.toml. Type :help for help; Enter keeps a value.
Step 1 of 10: Basics. The change being rolled back and the incident's inputs.
Title: the feature or change rolled back.
  Now: empty
Title: Checkout v2
Created: the day the plan was written, YYYY-MM-DD.
  Now: DAY
Created: 22/11/2026
Not set: a date is written YYYY-MM-DD, for example 2026-11-22. Try again, or
  Enter to keep it.
Created: (Enter)
Deployment type: how the change was shipped; it decides the default commands.
  Now: 3) Rolling
  Choices: 1) Feature Flag 2) Blue-Green 3) Rolling 4) Canary
Deployment type: 9
Not a choice: type a number from 1 to 4, or Enter.
Deployment type: 2
Deployment type Blue-Green: Option B, Immediate containment, the restore steps
  updated.
Incident: the incident or change ticket, in a few words.
  Now: empty
Incident: :frobnicate
Unknown command :frobnicate; :help lists them.
Incident: :save
Saved new.toml and new.md.
Incident: :quit
"""


@pytest.fixture
def sessions() -> Iterator[list[PtySession]]:
    opened: list[PtySession] = []
    try:
        yield opened
    finally:
        for session in opened:
            session.close()


class TestWizardThroughAPipe:
    def test_whole_transcript(self, tmp_path: Path) -> None:
        """Each field asked with its help and its value now; bad answers get one line and
        the question again; :save writes the plan and its Markdown."""
        answers = ["Checkout v2", "22/11/2026", "", "9", "2", ":frobnicate", ":save", ":quit"]
        done = piped(["edit", "--plain", "new.toml"], answers, environment(), cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert_plain(done.stdout)
        day = store.load(tmp_path / "new.toml").plan.created.isoformat()
        expected = EDIT_TRANSCRIPT.replace(" (Enter)\n", " \n")
        assert readable(done.stdout, (day, "DAY")) == expected
        plan = store.load(tmp_path / "new.toml").plan
        assert (plan.title, plan.deployment_type.value) == ("Checkout v2", "blue-green")
        assert (tmp_path / "new.md").read_text().startswith("# Rollback Plan: Checkout v2")

    def test_end_of_input_keeps_the_edits_for_the_next_edit(self, tmp_path: Path) -> None:
        """Input ends before :save: nothing written, exit 1, and the next edit offers the
        edits back; restored, then saved."""
        plan = tmp_path / "new.toml"
        done = piped(["edit", plan], ["Checkout v2"], environment(TERM="dumb"))
        assert done.returncode == 1
        assert done.stdout.decode().endswith(
            "Input ended: the edits are not saved; the next edit offers them back.\n"
        )
        assert not plan.exists()
        again = piped(["edit", plan], ["yes", ":save", ":quit"], environment(TERM="dumb"))
        assert again.returncode == 0, again.stderr
        assert "Restore them? yes or no: yes\nRestored the unsaved edits" in again.stdout.decode()
        assert store.load(plan).plan.title == "Checkout v2"


class TestWizardInATerminal:
    @pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM])
    def test_a_hang_up_keeps_the_edit(
        self, tmp_path: Path, sessions: list[PtySession], signum: int
    ) -> None:
        """A hang-up (the terminal closed) or SIGTERM mid-question: the process ends at
        once, the plan untouched, the edit in the recovery file the next edit offers."""
        plan = tmp_path / "plan.toml"
        term = PtySession(["edit", plan], environment(TERM=""))
        sessions.append(term)
        term.read_until("Title: ")
        term.answer("Checkout v2", then="Created: ")
        if signum == signal.SIGHUP:
            term.hang_up()
            assert term.process.wait(10) == 128 + signum
        else:
            term.process.send_signal(signum)
            assert term.wait() == 128 + signum
            assert_plain(term.transcript)
        assert not plan.exists()
        offered = piped(["edit", plan], ["no", ":quit"], environment(TERM="dumb"))
        assert "Restore them? yes or no: no\nNot restored" in offered.stdout.decode()
