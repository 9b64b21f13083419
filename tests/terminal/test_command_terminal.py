"""`x` in a real terminal: tmux at 80×24, a step's command run, its output live, the step
marked done; a hang-up (the tmux server killed) while a command runs leaves no process."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from command_helpers import logs, processes_with, step, token, write_plan
from tmux_session import BIN, Tmux, app_pid, ended, load_factor, poll

from rollback_tui import store

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(
        shutil.which("tmux") is None,
        reason="tmux is not installed (`make test` installs it with scripts/ensure-tmux)",
    ),
]


def run(term: Tmux, plan: Path, **env: str) -> None:
    term.start(
        str(BIN),
        "run",
        "--by",
        "sam",
        str(plan),
        env={
            "ROLLBACK_TUI_STATE_DIR": os.environ["ROLLBACK_TUI_STATE_DIR"],
            "ROLLBACK_TUI_CONFIG_DIR": os.environ["ROLLBACK_TUI_CONFIG_DIR"],
            **env,
        },
    )
    term.wait_for(lambda s: "Overall" in s and "space Done" in s)


class TestRunInTheTerminal:
    def test_x_enter_runs_shows_and_marks_done(self, term: Tmux, tmp_path: Path) -> None:
        """x, Enter: the output shows live (a secret masked), Enter marks the step done;
        the log and the timeline row are on disk without the secret."""
        secret = "hunter2-" + token()
        command = "echo deploying $VERSION; echo token is $DEPLOY_TOKEN; sleep 1; echo finished"
        plan = write_plan(tmp_path, step("shop-1", command))
        run(term, plan, DEPLOY_TOKEN=secret)
        term.keys("x")
        screen = term.wait_for("enter runs it")
        assert "echo deploying v2.4.0;" in screen
        time.sleep(0.2)
        term.keys("Enter")
        screen = term.wait_for("token is ****")
        assert "Running shop-1" in screen and secret not in screen
        screen = term.wait_for("enter marks it done")
        time.sleep(0.3)  # a person reads the question first (a key typed ahead is ignored)
        term.keys("Enter")
        poll(lambda: store.load(plan).plan.item("shop-1").state == "done", what="done")  # type: ignore[union-attr]
        assert secret not in term.screen()
        [log] = logs(plan)
        text = log.read_text()
        assert "token is ****" in text and "finished" in text and secret not in text
        for file in (plan, plan.with_suffix(".md")):
            assert secret not in file.read_text()
        rows = [e for e in store.load(plan).plan.timeline if e.event == "command"]
        assert rows and rows[0].text is not None and "exit 0 in" in rows[0].text

    def test_a_hang_up_while_a_command_runs(self, term: Tmux, tmp_path: Path) -> None:
        """tmux killed mid-command: the app and every process of the command are gone,
        the run is recorded "interrupted by hang-up", the step left open."""
        mark = token()
        plan = write_plan(tmp_path, step("shop-1", f"echo started; sleep {mark} & wait"))
        run(term, plan)
        pid = app_pid(term)
        term.keys("x")
        term.wait_for("enter runs it")
        time.sleep(0.2)
        term.keys("Enter")
        term.wait_for(lambda s: "Running shop-1" in s and "\n started" in s)
        poll(lambda: processes_with(mark), what="the command runs")
        term.kill()
        deadline = time.monotonic() + 2.0 * load_factor()
        while not ended(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ended(pid), "the app outlived the hang-up"
        assert processes_with(mark) == []
        found = store.load(plan).plan
        assert found.item("shop-1") is not None and found.item("shop-1").state == "open"  # type: ignore[union-attr]
        assert (
            found.timeline[-1].text
            == f"Ran `echo started; sleep {mark} & wait`: interrupted by hang-up"
        )
        assert len(logs(plan)) == 1
