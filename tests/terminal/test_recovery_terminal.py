"""In a real terminal (tmux): a hang-up, a kill -9, the next open, a change on disk and a
held lock never cost an edit. Each test runs its own tmux server and kills it."""

from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path

import pytest
from lock_helpers import hold_lock
from tmux_session import (
    BIN,
    Tmux,
    app_pid,
    ended,
    kept_text,
    load_factor,
    poll,
    wait_for_wizard,
)

from rollback_tui import store
from rollback_tui.store import recovery

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(
        shutil.which("tmux") is None,
        reason="tmux is not installed (`make test` installs it with scripts/ensure-tmux)",
    ),
]


def start(term: Tmux, plan: Path) -> None:
    term.start(
        str(BIN),
        "edit",
        str(plan),
        env={
            "ROLLBACK_TUI_STATE_DIR": os.environ["ROLLBACK_TUI_STATE_DIR"],
            "ROLLBACK_TUI_CONFIG_DIR": os.environ["ROLLBACK_TUI_CONFIG_DIR"],
        },
    )
    wait_for_wizard(term)


def retitle(term: Tmux, title: str) -> None:
    """Replace the title (the field with the cursor at start) by typing *title*."""
    term.keys("End", "C-u")  # delete to the start of the field
    term.wait_for("the plan has no title")
    term.type(title)
    term.wait_for(title)


class TestHangUp:
    """Signals that end the app keep the edit."""

    def test_sighup_writes_the_recovery_file_and_exits(
        self, term: Tmux, example_plan: Path
    ) -> None:
        """An edit, then at once SIGHUP (the SSH link dropped): the edit is kept aside."""
        start(term, example_plan)
        retitle(term, "Checkout v2 hup")
        pid = app_pid(term)
        os.kill(pid, signal.SIGHUP)
        poll(
            lambda: 'title = "Checkout v2 hup"' in kept_text(example_plan),
            3,
            "the edit in the recovery file",
        )
        poll(lambda: term.format("pane_dead") == "1", 5, "the app exited")
        assert store.load(example_plan).plan.title == "Checkout v2"

    def test_closed_terminal(self, term: Tmux, example_plan: Path) -> None:
        """The terminal itself goes away (the session is killed): the edit is kept, the
        app ends."""
        start(term, example_plan)
        retitle(term, "Checkout v2 gone")
        pid = app_pid(term)
        term.tmux("kill-session", "-t", "test")
        poll(
            lambda: 'title = "Checkout v2 gone"' in kept_text(example_plan),
            3,
            "the edit in the recovery file",
        )
        poll(lambda: ended(pid), 5, "the app ended")

    def test_sigterm_too(self, term: Tmux, example_plan: Path) -> None:
        """SIGTERM (a plain kill) keeps the edit the same way."""
        start(term, example_plan)
        retitle(term, "Checkout v2 term")
        os.kill(app_pid(term), signal.SIGTERM)
        poll(
            lambda: 'title = "Checkout v2 term"' in kept_text(example_plan),
            3,
            "the edit in the recovery file",
        )
        poll(lambda: term.format("pane_dead") == "1", 5, "the app exited")

    def test_kill_9_loses_at_most_the_last_two_seconds(
        self, term: Tmux, example_plan: Path
    ) -> None:
        """No handler runs on kill -9: an edit three seconds old is in the recovery file."""
        start(term, example_plan)
        pid = app_pid(term)
        retitle(term, "Checkout v2 nine")
        # Three seconds: the two the edit may wait, and one to spare, stretched on a loaded
        # machine as the suite's other time limits are (load_factor).
        deadline = time.monotonic() + 3 * load_factor()
        time.sleep(3)
        while 'title = "Checkout v2 nine"' not in kept_text(example_plan):
            if time.monotonic() > deadline:
                break  # killed all the same: the assertion below says what was lost
            time.sleep(0.1)
        os.kill(pid, signal.SIGKILL)
        poll(lambda: term.format("pane_dead") == "1", 5, "the app died")
        assert 'title = "Checkout v2 nine"' in kept_text(example_plan)


class TestNextOpen:
    """The next open of the plan offers what was kept."""

    def test_offers_and_restores_the_recovered_edit(self, term: Tmux, example_plan: Path) -> None:
        """The dialog shows; Restore puts the kept title in the form, unsaved."""
        text = example_plan.read_text().replace(
            'title = "Checkout v2"', 'title = "Recovered [bold]title"'
        )
        recovery.RecoveryFile.for_plan(example_plan).write(text)
        old = time.time() - 60
        os.utime(example_plan, (old, old))
        term.start(
            str(BIN),
            "edit",
            str(example_plan),
            env={"ROLLBACK_TUI_STATE_DIR": os.environ["ROLLBACK_TUI_STATE_DIR"]},
        )
        screen = term.wait_for("Unsaved edits of")
        assert "Restore them" in screen and "Show differences" in screen
        term.keys("Enter")  # Restore has the focus
        term.wait_for("Recovered [bold]title")
        term.wait_for("unsaved")
        term.keys("C-s")
        poll(
            lambda: store.load(example_plan).plan.title == "Recovered [bold]title",
            5,
            "the restored title saved",
        )
        # The plan and plan.md are written before the recovery file goes.
        poll(lambda: kept_text(example_plan) == "", 5, "the recovery file deleted after the save")


class TestTwoWriters:
    """Another writer's change survives; a held lock stops a save."""

    def test_change_on_disk_survives_the_apps_save(self, term: Tmux, example_plan: Path) -> None:
        """Retitled on disk while open: the save asks; Reload keeps the file's version."""
        start(term, example_plan)
        retitle(term, "Checkout v2 mine")
        other = store.load(example_plan)
        other.plan.title = "Changed elsewhere"
        store.save(other)
        term.keys("C-s")
        screen = term.wait_for("changed on disk since it was opened")
        assert "Merge (by item id) is offered only" in screen, screen
        assert "Reload" in screen and "Overwrite" in screen and "Cancel" in screen, screen
        assert store.load(example_plan).plan.title == "Changed elsewhere"
        term.keys("Enter")  # Reload has the focus
        term.wait_for(lambda s: "Changed elsewhere" in s and "changed on disk" not in s)
        assert store.load(example_plan).plan.title == "Changed elsewhere"

    def test_a_held_lock_refuses_the_save_then_it_goes_through(
        self, term: Tmux, example_plan: Path
    ) -> None:
        """Another process holds the lock: the save says so and writes nothing; later, it saves."""
        holder = hold_lock(example_plan)
        try:
            before = example_plan.read_bytes()
            start(term, example_plan)
            retitle(term, "Checkout v2 locked")
            term.keys("C-s")
            # The toast's title: its text names the plan's path, long enough in a test's
            # folder to wrap "another rollback-tui is saving" across two lines.
            screen = term.wait_for("Not saved")
            toast = " ".join(
                line.split("▌", 1)[1].strip() for line in screen.splitlines() if "▌" in line
            )
            assert "another rollback-tui is saving this plan" in toast
            assert example_plan.read_bytes() == before
        finally:
            holder.kill()
            holder.wait()
        term.keys("C-s")
        poll(
            lambda: store.load(example_plan).plan.title == "Checkout v2 locked",
            5,
            "saved once the lock was free",
        )
