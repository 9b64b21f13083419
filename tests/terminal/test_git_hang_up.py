"""A hang-up while `run --git` is pulling: the terminal goes away (the tmux server killed)
in the middle of the rebase, while git runs the plan's merge driver. The app and every git
process it started are gone within the hang-up's time, the repository is not left
mid-rebase, no temporary file of git's or the driver's is left, and the tick is kept."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from tmux_session import BIN, Tmux, app_pid, ended, load_factor

from rollback_tui import store
from rollback_tui.plan import new_plan
from rollback_tui.plan.timeline import set_done

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(
        shutil.which("tmux") is None,
        reason="tmux is not installed (`make test` installs it with scripts/ensure-tmux)",
    ),
]

GONE_WITHIN = 1.5
"""Seconds from the hang-up to the end of the app and of every git process it started."""

SLOW_DRIVER = """#!/bin/sh
# The plan's merge driver, started after {wait} s: the hang-up comes while git waits.
echo $$ >> "{started}"
sleep {wait}
exec "{python}" -m rollback_tui merge-driver "$@"
"""


def git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(repo), *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
    )


def clone(remote: Path, name: str) -> Path:
    path = remote.parent / name
    git(remote.parent, "clone", "-q", str(remote), name)
    git(path, "config", "user.name", name)
    git(path, "config", "user.email", f"{name}@example.com")
    subprocess.run([str(BIN), "git-setup", "-C", str(path)], check=True, capture_output=True)
    return path


def tick(repo: Path, item_id: str, who: str) -> None:
    plan_file = store.load(repo / "plan.toml")
    set_done(plan_file.plan, item_id, True, who)
    store.save(plan_file)


def command_line(pid: int) -> bytes:
    """*pid*'s command line, or b"" once it has ended."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def processes_with(marker: str) -> list[int]:
    """The processes whose environment holds *marker* (the app's children inherit it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if marker.encode() in environ and not ended(int(entry.name)):
            found.append(int(entry.name))
    return found


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    seed = tmp_path / "seed"
    seed.mkdir()
    git(seed, "init", "-q", "-b", "main")
    git(seed, "config", "user.name", "seed")
    git(seed, "config", "user.email", "seed@example.com")
    store.save(store.new_file(seed / "plan.toml", new_plan(title="T", components=["api"])))
    subprocess.run(
        [str(BIN), "git-setup", "-C", str(seed), str(seed / "plan.toml")],
        check=True,
        capture_output=True,
    )
    git(seed, "add", "plan.toml", "plan.md", ".gitattributes")
    git(seed, "commit", "-qm", "The plan")
    bare = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(seed), str(bare))
    return bare


@pytest.mark.parametrize("wait", [10, 0], ids=["driver-waiting", "driver-merging"])
def test_hang_up_during_the_pull(remote: Path, tmp_path: Path, wait: int) -> None:
    """lee pushed a tick; sam's checklist opens, commits sam's tick and rebases onto lee's:
    the terminal goes away while git waits for the merge driver, or while it merges.
    Within the hang-up's time nothing of the app is left; the repository is not
    mid-rebase, holds sam's commit, and no .merge_file_* (or its temporary file) is left
    in it."""
    sam, lee = clone(remote, "sam"), clone(remote, "lee")
    tick(lee, "b-1", "lee")
    git(lee, "commit", "-qam", "lee: ticked b-1")
    git(lee, "push", "-q")
    started = tmp_path / "driver-started"
    driver = tmp_path / "slow-driver"
    driver.write_text(SLOW_DRIVER.format(started=started, python=sys.executable, wait=wait))
    driver.chmod(0o755)
    git(sam, "config", "merge.rollback-plan.driver", f"{driver} %O %A %B %P")
    tick(sam, "a-1", "sam")  # before the checklist opens: its first round commits it
    marker = f"ROLLBACK_TUI_GIT_HANG_UP={uuid.uuid4().hex}"
    name, _, value = marker.partition("=")
    term = Tmux()
    try:
        term.start(
            str(BIN),
            "run",
            "--git",
            "plan.toml",
            cwd=sam,
            env={
                name: value,
                "ROLLBACK_TUI_STATE_DIR": os.environ["ROLLBACK_TUI_STATE_DIR"],
                "ROLLBACK_TUI_CONFIG_DIR": os.environ["ROLLBACK_TUI_CONFIG_DIR"],
            },
        )
        pid = app_pid(term)
        deadline = time.monotonic() + 30
        while not started.exists():
            assert time.monotonic() < deadline, f"the merge driver never ran:\n{term.screen()}"
            time.sleep(0.05)
        assert (sam / ".git" / "rebase-merge").exists()  # the hang-up comes mid-rebase
        term.kill()
        within = GONE_WITHIN * load_factor()
        deadline = time.monotonic() + within
        while not ended(pid) or processes_with(marker):
            if time.monotonic() >= deadline:  # what is left, read once, as it may end now
                left = [command_line(p) for p in processes_with(marker)]
                raise AssertionError(f"{within:.1f} s after the hang-up: {left}")
            time.sleep(0.05)
    finally:
        term.kill()
    status = git(sam, "status", "--porcelain=v2", "--branch").stdout
    assert not (sam / ".git" / "rebase-merge").exists(), status
    assert not (sam / ".git" / "rebase-apply").exists(), status
    assert sorted(p.name for p in sam.iterdir() if "merge_file" in p.name) == []
    subjects = git(sam, "log", "--format=%s").stdout.splitlines()
    assert "Changes made before the checklist opened" in subjects[:2], subjects
    item = store.load(sam / "plan.toml").plan.item("a-1")
    assert item is not None and item.done_by == "sam"
    assert git(sam, "status", "--porcelain", "--", "plan.toml").stdout == ""
