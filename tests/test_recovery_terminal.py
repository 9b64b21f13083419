"""In a real terminal (tmux): a hang-up, a kill -9, the next open, a change on disk and a
held lock never cost an edit. Each test runs its own tmux server and kills it."""

from __future__ import annotations

import os
import shutil
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from test_recovery import hold_lock
from test_terminal import BIN, Tmux, wait_for_wizard

from rollback_tui import recovery, store

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed "
                       "(`make test` installs it with scripts/ensure-tmux)"),
]


@pytest.fixture
def term() -> Iterator[Tmux]:
    server = Tmux()
    try:
        yield server
    finally:
        server.kill()


def app_pid(term: Tmux, timeout: float = 5.0) -> int:
    """The pid of the rollback-tui process in the pane (the pane's shell may wrap it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        todo = [int(term.format("pane_pid"))]
        while todo:
            pid = todo.pop()
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
                children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            except OSError:
                continue
            if b"rollback-tui" in cmdline and b"python" in cmdline.split(b"\0")[0]:
                return pid
            todo += [int(c) for c in children]
        time.sleep(0.1)
    raise AssertionError("no rollback-tui process in the pane")


def poll(test: Callable[[], object], timeout: float = 5.0, what: str = "") -> object:
    deadline = time.monotonic() + timeout
    while not (result := test()):
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.1)
    return result


def ended(pid: int) -> bool:
    """Whether *pid* is gone or a zombie (tmux has not reaped it yet)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] == "Z"
    except OSError:
        return True


def kept_text(plan: Path) -> str:
    found = recovery.RecoveryFile.for_plan(plan).read()
    return found.text if found else ""


def start(term: Tmux, plan: Path) -> None:
    term.start(str(BIN), "edit", str(plan),
               env={"ROLLBACK_TUI_STATE_DIR": os.environ["ROLLBACK_TUI_STATE_DIR"],
                    "ROLLBACK_TUI_CONFIG_DIR": os.environ["ROLLBACK_TUI_CONFIG_DIR"]})
    wait_for_wizard(term)


def retitle(term: Tmux, title: str) -> None:
    """Replace the title (the field with the cursor at start) by typing *title*."""
    term.keys("End", "C-u")  # delete to the start of the field
    term.wait_for("the plan has no title")
    term.type(title)
    term.wait_for(title)


class TestHangUp:
    """Signals that end the app keep the edit."""

    def test_sighup_writes_the_recovery_file_and_exits(self, term: Tmux, example_plan: Path
                                                       ) -> None:
        """An edit, then at once SIGHUP (the SSH link dropped): the edit is kept aside."""
        start(term, example_plan)
        retitle(term, "Checkout v2 hup")
        pid = app_pid(term)
        os.kill(pid, signal.SIGHUP)
        poll(lambda: 'title = "Checkout v2 hup"' in kept_text(example_plan), 3,
             "the edit in the recovery file")
        poll(lambda: term.format("pane_dead") == "1", 5, "the app exited")
        assert store.load(example_plan).plan.title == "Checkout v2"

    def test_closed_terminal(self, term: Tmux, example_plan: Path) -> None:
        """The terminal itself goes away (the session is killed): the edit is kept, the
        app ends."""
        start(term, example_plan)
        retitle(term, "Checkout v2 gone")
        pid = app_pid(term)
        term.tmux("kill-session", "-t", "test")
        poll(lambda: 'title = "Checkout v2 gone"' in kept_text(example_plan), 3,
             "the edit in the recovery file")
        poll(lambda: ended(pid), 5, "the app ended")

    def test_sigterm_too(self, term: Tmux, example_plan: Path) -> None:
        """SIGTERM (a plain kill) keeps the edit the same way."""
        start(term, example_plan)
        retitle(term, "Checkout v2 term")
        os.kill(app_pid(term), signal.SIGTERM)
        poll(lambda: 'title = "Checkout v2 term"' in kept_text(example_plan), 3,
             "the edit in the recovery file")
        poll(lambda: term.format("pane_dead") == "1", 5, "the app exited")

    def test_kill_9_loses_at_most_the_last_two_seconds(self, term: Tmux, example_plan: Path
                                                       ) -> None:
        """No handler runs on kill -9: an edit three seconds old is in the recovery file."""
        start(term, example_plan)
        pid = app_pid(term)
        retitle(term, "Checkout v2 nine")
        time.sleep(3)
        os.kill(pid, signal.SIGKILL)
        poll(lambda: term.format("pane_dead") == "1", 5, "the app died")
        assert 'title = "Checkout v2 nine"' in kept_text(example_plan)


class TestNextOpen:
    """The next open of the plan offers what was kept."""

    def test_offers_and_restores_the_recovered_edit(self, term: Tmux, example_plan: Path
                                                    ) -> None:
        """The dialog shows; Restore puts the kept title in the form, unsaved."""
        text = example_plan.read_text().replace('title = "Checkout v2"',
                                                'title = "Recovered [bold]title"')
        recovery.RecoveryFile.for_plan(example_plan).write(text)
        old = time.time() - 60
        os.utime(example_plan, (old, old))
        term.start(str(BIN), "edit", str(example_plan),
                   env={"ROLLBACK_TUI_STATE_DIR": os.environ["ROLLBACK_TUI_STATE_DIR"]})
        screen = term.wait_for("Unsaved edits of")
        assert "Restore them" in screen and "Show differences" in screen
        term.keys("Enter")  # Restore has the focus
        term.wait_for("Recovered [bold]title")
        term.wait_for("unsaved")
        term.keys("C-s")
        poll(lambda: store.load(example_plan).plan.title == "Recovered [bold]title", 5,
             "the restored title saved")
        assert kept_text(example_plan) == ""


class TestTwoWriters:
    """Another writer's change survives; a held lock stops a save."""

    def test_change_on_disk_survives_the_apps_save(self, term: Tmux, example_plan: Path
                                                   ) -> None:
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

    def test_a_held_lock_refuses_the_save_then_it_goes_through(self, term: Tmux,
                                                               example_plan: Path) -> None:
        """Another process holds the lock: the save says so and writes nothing; later, it saves."""
        holder = hold_lock(example_plan)
        try:
            before = example_plan.read_bytes()
            start(term, example_plan)
            retitle(term, "Checkout v2 locked")
            term.keys("C-s")
            term.wait_for("another rollback-tui is saving")
            assert example_plan.read_bytes() == before
        finally:
            holder.kill()
            holder.wait()
        term.keys("C-s")
        poll(lambda: store.load(example_plan).plan.title == "Checkout v2 locked", 5,
             "saved once the lock was free")
