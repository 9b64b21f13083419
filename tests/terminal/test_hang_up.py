"""Hang-ups at random moments, in a real terminal: the tmux server killed (as a dropped SSH
connection does) while the wizard or the checklist is open, idle, typing, saving, right
after a tick, a dialog open. Every time the process is gone within a second, the edit
seen on screen is in the recovery file (or saved), and every tick seen on screen is on
disk. Each hang-up has its own tmux server; the seed is in the test's name."""

from __future__ import annotations

import os
import random
import shutil
import time
from pathlib import Path

import pytest
from tmux_session import (
    BIN,
    EXAMPLE,
    Tmux,
    app_pid,
    ended,
    kept_text,
    load_factor,
    poll,
    wait_for_wizard,
)

from rollback_tui import store
from rollback_tui.ui.keeper.hang_up import HARD_STOP

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(
        shutil.which("tmux") is None,
        reason="tmux is not installed (`make test` installs it with scripts/ensure-tmux)",
    ),
]

GONE_WITHIN = 1.0
"""Seconds from the hang-up to the end of the process, as the README promises: the hard
stop (HARD_STOP after the signal), and the signal's way from a killed tmux server."""

EDIT_MOMENTS = ["idle", "typing", "dialog", "saving"] * 2
RUN_MOMENTS = ["after-tick", "ticks", "idle", "dialog", "unseen-tick"] + ["after-tick"] * 3


def fresh_plan(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    plan = folder / "plan.toml"
    plan.write_bytes(EXAMPLE.read_bytes())
    return plan


def start(term: Tmux, mode: str, plan: Path, n: int) -> None:
    """Start the app; every other run at 160×48 rather than 80×24."""
    term.start(
        str(BIN),
        mode,
        str(plan),
        env={
            "ROLLBACK_TUI_STATE_DIR": os.environ["ROLLBACK_TUI_STATE_DIR"],
            "ROLLBACK_TUI_CONFIG_DIR": os.environ["ROLLBACK_TUI_CONFIG_DIR"],
        },
    )
    if n % 2:
        term.tmux("resize-window", "-t", "test", "-x", "160", "-y", "48")


def hang_up(term: Tmux, pid: int) -> None:
    """Kill the tmux server (the terminal goes away); the app must end within a second."""
    within = GONE_WITHIN * load_factor()
    deadline = time.monotonic() + within
    term.kill()
    while not ended(pid):
        if time.monotonic() > deadline:
            stat = Path(f"/proc/{pid}/stat").read_text(errors="replace")
            raise AssertionError(
                f"the app (pid {pid}) is still running {within:.1f} s after the hang-up: {stat}"
            )
        time.sleep(0.05)


def test_the_readme_promises_what_the_hard_stop_does() -> None:
    """README's "within a second" is what these tests hold the app to, and the hard stop
    comes before it."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    promise = " ".join(readme.split("**A hang-up never leaves a process behind.**")[1].split())
    assert promise.startswith("When the terminal goes away (SSH dropped, tmux killed) or")
    assert "within a second:" in promise.split(".")[0]
    assert HARD_STOP < GONE_WITHIN == 1.0


def done_on_disk(plan: Path) -> int:
    return sum(item.done for _, _, item in store.load(plan).plan.checklist())


@pytest.mark.parametrize("n", range(len(EDIT_MOMENTS)))
def test_wizard_hang_up(tmp_path: Path, n: int) -> None:
    """The wizard: the title typed and seen on screen survives the hang-up."""
    moment = EDIT_MOMENTS[n]
    chance = random.Random(f"edit-{n}")
    plan = fresh_plan(tmp_path, f"edit-{n}")
    title = f"Hung up {n} {chance.randrange(1000)}"
    term = Tmux()
    try:
        start(term, "edit", plan, n)
        wait_for_wizard(term)
        pid = app_pid(term)
        term.keys("End", "C-u")
        term.wait_for("the plan has no title")
        term.type(title)
        term.wait_for(title)
        if moment == "idle":
            time.sleep(chance.uniform(0, 2.5))  # before or after the recovery timer
        elif moment == "typing":
            term.type(" and more")
            time.sleep(chance.uniform(0, 0.2))
        elif moment == "dialog":
            term.keys("C-q")
            term.wait_for("unsaved changes")
        elif moment == "saving":
            term.keys("C-s")
            time.sleep(chance.uniform(0, 0.15))
        hang_up(term, pid)
    finally:
        term.kill()
    on_disk = store.load(plan).plan.title
    kept = kept_text(plan)
    assert f'title = "{title}' in kept or on_disk.startswith(title), (moment, on_disk, kept)


@pytest.mark.parametrize("n", range(len(RUN_MOMENTS)))
def test_checklist_hang_up(tmp_path: Path, n: int) -> None:
    """The checklist: every tick seen on screen is on disk after the hang-up."""
    moment = RUN_MOMENTS[n]
    chance = random.Random(f"run-{n}")
    plan = fresh_plan(tmp_path, f"run-{n}")
    before = done_on_disk(plan)
    term = Tmux()
    try:
        start(term, "run", plan, n)
        term.wait_for(lambda s: "Option A" in s and "[ ]" in s)
        pid = app_pid(term)
        seen = 0
        if moment == "after-tick":
            term.keys("Space")
            term.wait_for("[x]")
            time.sleep(chance.uniform(0, 0.1))
            seen = 1
        elif moment == "ticks":
            term.keys("Space", "Space", "Space")
            term.wait_for(lambda s: s.count("[x]") >= 3)
            seen = 3
        elif moment == "idle":
            term.keys("Space")
            term.wait_for("[x]")
            time.sleep(chance.uniform(0.5, 2.0))
            seen = 1
        elif moment == "dialog":
            term.keys("Space")
            term.wait_for("[x]")
            term.keys("n")
            term.wait_for("note")
            term.type("a note never sent")
            seen = 1
        elif moment == "unseen-tick":
            term.keys("Space")
            time.sleep(chance.uniform(0, 0.2))
        hang_up(term, pid)
    finally:
        term.kill()
    assert done_on_disk(plan) >= before + seen, moment


@pytest.fixture(scope="module")
def large_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plan of 2,000 components, just reset (no timeline): its save takes longer than a
    hang-up may take to end the process."""
    import datetime as dt

    from rollback_tui.plan import new_plan
    from rollback_tui.store import runs

    plan = tmp_path_factory.mktemp("large") / "plan.toml"
    components = [f"svc-{n}" for n in range(2000)]
    plan_file = store.new_file(plan, new_plan(components=components, feature_flag="f"))
    for _, _, item in plan_file.plan.checklist()[:40]:
        item.done, item.done_by = True, "earlier"
    store.save(plan_file)
    runs.reset(plan, "earlier", dt.datetime.now(dt.UTC))
    return plan


# The app, with every save of plan.toml held for 3 s before it is put in place: a save in
# flight that takes longer than a hang-up may wait (a big plan on a slow or busy disk).
SLOW_SAVES = """
import os, sys, time
replace = os.replace
def slow_replace(src, dst, *args, **kwargs):
    if str(dst).endswith("plan.toml"):
        time.sleep(3)
    return replace(src, dst, *args, **kwargs)
os.replace = slow_replace
sys.argv[0] = "rollback-tui"
from rollback_tui.launch import main
main()
"""


@pytest.mark.parametrize("n", range(2))
def test_checklist_hang_up_on_a_large_plan(tmp_path: Path, large_plan: Path, n: int) -> None:
    """2,000 components, every save slower than a hang-up may wait: a tick seen on
    screen, then the terminal gone. The process ends in time, and the tick is kept (the
    journal, replayed by the next command)."""
    import subprocess
    import sys

    chance = random.Random(f"large-{n}")
    folder = tmp_path / f"large-{n}"
    folder.mkdir()
    plan = folder / "plan.toml"
    plan.write_bytes(large_plan.read_bytes())
    term = Tmux()
    try:
        term.start(
            sys.executable,
            "-c",
            SLOW_SAVES,
            "run",
            str(plan),
            env={
                "ROLLBACK_TUI_STATE_DIR": os.environ["ROLLBACK_TUI_STATE_DIR"],
                "ROLLBACK_TUI_CONFIG_DIR": os.environ["ROLLBACK_TUI_CONFIG_DIR"],
            },
        )
        term.wait_for(lambda s: "Option A" in s and "[ ]" in s)
        pid = app_pid(term)
        term.keys("Space")
        term.wait_for("[x]")
        time.sleep(chance.uniform(0, 0.5))
        hang_up(term, pid)
    finally:
        term.kill()
    status = subprocess.run(
        [str(BIN), "status", str(plan)], capture_output=True, text=True, timeout=120
    )
    assert status.returncode == 0, status.stderr
    assert done_on_disk(plan) == 1


# The app, the terminal's restoring held for 3 s: longer than SIGTERM may take to end the
# process (as a driver resumed by SIGCONT can be, on a busy machine).
SLOW_EXIT = """
import sys, time
from textual.drivers.linux_driver import LinuxDriver
stop = LinuxDriver.stop_application_mode
def slow_stop(self):
    time.sleep(3)
    return stop(self)
LinuxDriver.stop_application_mode = slow_stop
sys.argv[0] = "rollback-tui"
from rollback_tui.launch import main
main()
"""


@pytest.mark.parametrize("n", range(3))
def test_sigterm_after_stop_and_continue_gives_the_terminal_back(tmp_path: Path, n: int) -> None:
    """Stopped, continued, then SIGTERM while Textual's own shutdown is slow: the process
    ends in time and the terminal is left as it was (out of the app's screen)."""
    import signal
    import sys

    plan = fresh_plan(tmp_path, f"term-{n}")
    term = Tmux()
    try:
        term.start(sys.executable, "-c", SLOW_EXIT, "edit", str(plan))
        wait_for_wizard(term)
        pid = app_pid(term)
        assert term.format("alternate_on") == "1"
        os.kill(pid, signal.SIGSTOP)
        time.sleep(0.3)
        os.kill(pid, signal.SIGCONT)
        time.sleep(0.1 * n)
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + GONE_WITHIN * load_factor()
        while not ended(pid):
            assert time.monotonic() < deadline, "still running after SIGTERM"
            time.sleep(0.05)
        # tmux reads what the app wrote last (out of its screen) a moment later.
        poll(lambda: term.format("alternate_on") == "0", 5, "the terminal given back")
        assert term.format("alternate_on") == "0", term.screen()
    finally:
        term.kill()


def test_hang_up_of_an_app_run_by_make(tmp_path: Path) -> None:
    """`make run` (the README's quick start): make leads the terminal's session, takes the
    SIGHUP and does not pass it on. The app notices the terminal gone by itself, keeps
    the edit seen on screen and ends within the second (it stayed, hung, for good)."""
    plan = fresh_plan(tmp_path, "make")
    makefile = tmp_path / "Makefile"
    env = " ".join(
        f"{name}={os.environ[name]}"
        for name in ("ROLLBACK_TUI_STATE_DIR", "ROLLBACK_TUI_CONFIG_DIR")
    )
    makefile.write_text(f"run:\n\t{env} {BIN} edit {plan}\n")
    term = Tmux()
    try:
        term.start("make", "-s", "-f", str(makefile), "run")
        wait_for_wizard(term)
        pid = app_pid(term)
        term.keys("End", "C-u")
        term.wait_for("the plan has no title")
        term.type("Hung up under make")
        term.wait_for("Hung up under make")
        hang_up(term, pid)
    finally:
        term.kill()
    assert 'title = "Hung up under make' in kept_text(plan)
