"""`run --git` with Pilot[Any]: each tick committed and pushed to a local bare remote in a thread;
a rejected push shown and retried; another clone's ticks pulled in; no tick ever lost."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from textual.pilot import Pilot

from rollback_tui import store
from rollback_tui.cli import main
from rollback_tui.plan import new_plan
from rollback_tui.plan.timeline import set_done
from rollback_tui.ui.app import RollbackApp
from rollback_tui.ui.checklist.checklist_rows import ChecklistRow
from rollback_tui.ui.checklist.checklist_screen import ChecklistScreen
from rollback_tui.ui.factory import make_app

T0 = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)
HOOK = """#!/bin/sh
if [ -e "{marker}" ]; then echo "refusing pushes for now" >&2; exit 1; fi
while [ -e "{hold}" ]; do sleep 0.05; done
"""


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(repo), *args],
        capture_output=True,
        text=True,
        check=check,
        env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
    )


def clone(remote: Path, name: str) -> Path:
    path = remote.parent / name
    git(remote.parent, "clone", "-q", str(remote), name)
    git(path, "config", "user.name", name)
    git(path, "config", "user.email", f"{name}@example.com")
    result = CliRunner().invoke(main, ["git-setup", "-C", str(path)])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    """A bare remote with a plan; its pre-receive hook refuses pushes while `refuse` exists
    and holds them while `hold` does (a slow network)."""
    seed = tmp_path / "seed"
    seed.mkdir()
    git(seed, "init", "-q", "-b", "main")
    git(seed, "config", "user.name", "seed")
    git(seed, "config", "user.email", "seed@example.com")
    store.save(
        store.new_file(seed / "plan.toml", new_plan(title="Checkout v2", components=["api"])),
        force=True,
    )
    CliRunner().invoke(main, ["git-setup", "-C", str(seed), str(seed / "plan.toml")])
    git(seed, "add", "plan.toml", "plan.md", ".gitattributes")
    git(seed, "commit", "-qm", "The plan")
    bare = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(seed), str(bare))
    hook = bare / "hooks" / "pre-receive"
    hook.write_text(HOOK.format(marker=tmp_path / "refuse", hold=tmp_path / "hold"))
    hook.chmod(0o755)
    return bare


def git_app(path: Path) -> RollbackApp:
    app = make_app(path, mode="run", by="sam", cursor_blink=False, git=True)
    app.keeper.clock = lambda: T0
    assert app.git is not None
    app.git.retry_seconds = 0.2
    app.git.pull_seconds = 3600  # the first round at start-up only
    return app


async def wait_for(pilot: Pilot[Any], condition: Callable[[], bool], what: str) -> None:
    """Let the app run until *condition* holds (git works in a thread); 30 s at most."""
    for _ in range(600):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"timed out waiting for {what}")


async def _no_check(self: ChecklistScreen) -> None:
    return None


async def tick(pilot: Pilot[Any], item_id: str) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, ChecklistScreen)
    screen.focus_row(screen.row(item_id))
    await pilot.pause()
    await pilot.press("space")


def notifications(app: RollbackApp) -> str:
    return "\n".join(f"{n.title}: {n.message}" for n in app._notifications)


def children_with(marker: str) -> list[str]:
    """The command lines of the processes, but this one, whose environment holds
    *marker* (what the app started inherits it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                stat = (entry / "stat").read_text().rpartition(")")[2].split()
                if stat[0] != "Z":
                    found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except OSError:
            continue
    return found


def subject(repo: Path, ref: str = "HEAD") -> str:
    return git(repo, "log", "-1", "--format=%s", ref).stdout.strip()


class TestRunGit:
    """Each saved tick is a commit, pushed when the clone has a remote."""

    async def test_a_tick_is_committed_and_pushed(self, remote: Path) -> None:
        """One commit saying who ticked what, on the remote too."""
        sam = clone(remote, "sam")
        app = git_app(sam / "plan.toml")
        async with app.run_test(size=(80, 24)) as pilot:
            await tick(pilot, "b-1")
            await wait_for(
                pilot, lambda: subject(remote, "main").startswith("sam: ticked"), "the push"
            )
        assert subject(sam) == "sam: ticked b-1 (Identify last known good version)"
        assert subject(remote, "main") == subject(sam)
        shown = git(remote, "show", "main:plan.toml").stdout
        assert 'done_by = "sam"' in shown
        assert git(sam, "status", "--porcelain", "--", "plan.toml", "plan.md").stdout == ""

    async def test_a_rejected_push_is_shown_and_retried(self, remote: Path) -> None:
        """The remote refuses: the tick stays saved and committed, the failure is shown, and
        the push goes through on a later try once the remote accepts again."""
        sam = clone(remote, "sam")
        refuse = remote.parent / "refuse"
        refuse.touch()
        app = git_app(sam / "plan.toml")
        async with app.run_test(size=(80, 24)) as pilot:
            await tick(pilot, "b-1")
            worker = app.git
            assert worker is not None
            await wait_for(
                pilot, lambda: "git: not pushed" in notifications(app), "the failed push shown"
            )
            assert worker.failures >= 1
            assert "refusing pushes for now" in notifications(app)
            assert subject(sam) == "sam: ticked b-1 (Identify last known good version)"
            assert subject(remote, "main") == "The plan"
            item = store.load(sam / "plan.toml").plan.item("b-1")
            assert item is not None and item.done  # the tick is never lost
            await wait_for(pilot, lambda: worker.failures >= 2, "a retry")
            refuse.unlink()
            await wait_for(pilot, lambda: worker.failures == 0, "the push to go through")
            await wait_for(
                pilot, lambda: "Pushed to origin/main after" in notifications(app), "the push shown"
            )  # app.notify posts a message: shown a turn later
        assert subject(remote, "main") == subject(sam)

    async def test_no_round_while_the_plan_is_unsaved(
        self, remote: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """While a save is pending (the keeper's plan unsaved) a round waits: it would hold
        the plan's lock against the save. It runs once the plan is saved."""
        # The checklist's check of the file (every second) would save the plan, and so
        # end the unsaved state this test holds, at any moment of it.
        monkeypatch.setattr(ChecklistScreen, "check_disk", _no_check)
        sam = clone(remote, "sam")
        app = git_app(sam / "plan.toml")
        async with app.run_test(size=(80, 24)) as pilot:
            worker = app.git
            assert worker is not None
            await wait_for(pilot, lambda: worker.rounds == 1, "the first round")
            app.keeper.dirty = True
            worker._start()
            await pilot.pause(0.5)  # two retry periods
            assert worker.rounds == 1
            app.keeper.dirty = False
            await wait_for(pilot, lambda: worker.rounds == 2, "the round after the save")

    async def test_ticks_pushed_from_another_clone_are_pulled_in(self, remote: Path) -> None:
        """lee pushed b-2: the checklist pulls it when it opens and shows it; sam's tick is
        then rebased onto it (merged by item id) and pushed."""
        sam, lee = clone(remote, "sam"), clone(remote, "lee")
        plan_file = store.load(lee / "plan.toml")
        set_done(plan_file.plan, "b-2", True, "lee", at=T0)
        store.save(plan_file)
        git(lee, "commit", "-qam", "lee: ticked b-2")
        git(lee, "push", "-q")
        app = git_app(sam / "plan.toml")
        async with app.run_test(size=(80, 24)) as pilot:
            screen = app.screen
            assert isinstance(screen, ChecklistScreen)
            await wait_for(pilot, lambda: screen.row("b-2").done, "lee's tick on screen")
            assert isinstance(screen.row("b-2"), ChecklistRow)
            plan_file = store.load(lee / "plan.toml")  # more from lee meanwhile
            set_done(plan_file.plan, "b-3", True, "lee", at=T0)
            store.save(plan_file)
            git(lee, "commit", "-qam", "lee: ticked b-3")
            git(lee, "push", "-q")
            await tick(pilot, "b-1")  # rebased onto lee's b-3 by the merge driver
            await wait_for(pilot, lambda: "Re-render" in subject(remote, "main"), "sam's push")
        git(lee, "pull", "-q", "--rebase")
        pushed = store.load(lee / "plan.toml")
        assert [(e.item, e.by) for e in pushed.plan.timeline] == [
            ("b-2", "lee"),
            ("b-3", "lee"),
            ("b-1", "sam"),
        ]
        log = git(remote, "log", "--format=%s", "main").stdout.splitlines()
        assert log[:2] == [
            "Re-render plan.md after merging",
            "sam: ticked b-1 (Identify last known good version)",
        ]
        assert git(sam, "status", "--porcelain", "--", "plan.toml", "plan.md").stdout == ""

    async def test_the_checklist_never_waits_for_git(self, remote: Path) -> None:
        """While a push hangs, ticks go on being saved at once; they are committed and
        pushed in the next round, once the push comes back."""
        sam = clone(remote, "sam")
        hold = remote.parent / "hold"
        hold.touch()
        app = git_app(sam / "plan.toml")
        async with app.run_test(size=(80, 24)) as pilot:
            worker = app.git
            assert worker is not None
            await wait_for(pilot, lambda: worker.rounds == 1, "the round at start-up")
            await tick(pilot, "b-1")
            await wait_for(
                pilot,
                lambda: "b-1" in git(sam, "log", "-1", "--format=%s").stdout,
                "the first commit",
            )
            await tick(pilot, "b-2")  # the push of b-1 is hanging meanwhile

            def b2_saved() -> bool:
                item = store.load(sam / "plan.toml").plan.item("b-2")
                return item is not None and item.done

            await wait_for(pilot, b2_saved, "b-2 saved")
            assert worker.rounds == 1  # the round of b-1 is still hanging
            hold.unlink()
            await wait_for(pilot, lambda: worker.rounds >= 3, "both rounds")
        assert subject(remote, "main") == "sam: ticked b-2 (Trigger deployment of previous version)"

    async def test_a_pull_that_conflicts_is_undone_and_shown(self, remote: Path) -> None:
        """Both clones retitled the plan: the rebase stops, is aborted, the conflict is
        shown, and the local commits (with the tick) stay."""
        sam, lee = clone(remote, "sam"), clone(remote, "lee")
        for repo, title in ((lee, "Checkout v2.1"), (sam, "Checkout v2 (payments)")):
            plan_file = store.load(repo / "plan.toml")
            plan_file.plan.title = title
            store.save(plan_file)
            git(repo, "commit", "-qam", f"Retitled {title}")
        git(lee, "push", "-q")
        app = git_app(sam / "plan.toml")
        async with app.run_test(size=(80, 24)) as pilot:
            await tick(pilot, "b-1")
            worker = app.git
            assert worker is not None
            await wait_for(pilot, lambda: "ticked" in subject(sam), "the tick's commit")
            await wait_for(pilot, lambda: worker.failures >= 2, "the failed pulls")
            await wait_for(pilot, lambda: "stopped" in notifications(app), "the failure shown")
            shown = notifications(app)
            assert "pull --rebase from origin/main stopped" in shown
            assert "CONFLICT" in shown and "merge them by hand" in shown
            assert "Merged" not in shown  # the rebase's passing states were not read
        assert not (sam / ".git" / "rebase-merge").exists()  # no rebase left half done
        assert subject(sam) == "sam: ticked b-1 (Identify last known good version)"
        assert store.load(sam / "plan.toml").plan.title == "Checkout v2 (payments)"

    async def test_quitting_during_a_push_leaves_no_git_behind(
        self, remote: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The remote holds the push (its hook waits): quitting ends the push and
        everything it started (git, the remote's hook) with the app; the tick stays
        committed here, for the next run to push."""
        marker = f"ROLLBACK_TUI_GIT_CHILD={uuid.uuid4().hex}"
        monkeypatch.setenv(*marker.split("="))
        sam = clone(remote, "sam")
        hold = remote.parent / "hold"
        app = git_app(sam / "plan.toml")
        try:
            async with app.run_test(size=(80, 24)) as pilot:
                worker = app.git
                assert worker is not None
                await wait_for(pilot, lambda: worker.rounds == 1, "the round at start-up")
                hold.touch()
                await tick(pilot, "b-1")
                await wait_for(
                    pilot,
                    lambda: "pre-receive" in " ".join(children_with(marker)),
                    "the push held by the remote's hook",
                )
                app.exit()
            # A process killed is gone once the kernel has torn it down, a moment later.
            deadline = time.monotonic() + 5
            while children_with(marker) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert children_with(marker) == []
        finally:
            hold.unlink(missing_ok=True)  # whatever happened, nothing waits on it
        assert subject(sam) == "sam: ticked b-1 (Identify last known good version)"
        assert subject(remote, "main") == "The plan"

    def test_outside_a_repository_is_refused(self, tmp_path: Path) -> None:
        """--git on a plan outside any git repository: one clear error, nothing opened."""
        path = tmp_path / "plan.toml"
        store.save(store.new_file(path, new_plan(title="T")), force=True)
        with pytest.raises(store.PlanFileError, match=r"--git: .* not in a git repository"):
            make_app(path, mode="run", by="sam", git=True)
