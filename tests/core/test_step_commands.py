"""Running a step's command (commands/, `exec`): real bash, real child processes, real files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import run
from command_helpers import logs, processes_with, step, token, wait_for, write_plan

from rollback_tui import store
from rollback_tui.commands import NotRunnable, StepRun, prepare
from rollback_tui.commands.captured import MAX_KEPT
from rollback_tui.run.session import RunSession


class TestExec:
    def test_a_command_that_writes_a_file(self, tmp_path: Path) -> None:
        """exec runs the step in the plan's folder, marks it done, keeps a log and a row."""
        path = write_plan(tmp_path, step("shop-1", "echo rolled-back > marker.txt; echo ok"))
        result = run("exec", path, "shop-1", "--yes", "--by", "ana")
        assert result.exit_code == 0, result.output
        assert (tmp_path / "marker.txt").read_text() == "rolled-back\n"
        plan = store.load(path).plan
        item = plan.item("shop-1")
        assert item is not None and item.state == "done" and item.done_by == "ana"
        rows = [e for e in plan.timeline if e.event == "command"]
        assert len(rows) == 1 and rows[0].text is not None
        assert rows[0].text.startswith("Ran `echo rolled-back > marker.txt; echo ok`: exit 0 in ")
        [log] = logs(path)
        assert rows[0].log == str(log.relative_to(tmp_path))
        text = log.read_text()
        assert "by:       ana" in text and "outcome:  exit 0" in text and text.endswith("ok\n")
        markdown = (tmp_path / "plan.md").read_text()
        assert f"([log]({rows[0].log}))" in markdown

    def test_exit_7_marks_failed_with_the_last_stderr_line(self, tmp_path: Path) -> None:
        """Any other exit marks the step failed: `exit 7: <last line of stderr>`, exit 1."""
        path = write_plan(
            tmp_path, step("shop-1", "echo out; echo first >&2; echo 'no pods' >&2; exit 7")
        )
        result = run("exec", path, "shop-1", "--yes")
        assert result.exit_code == 1
        item = store.load(path).plan.item("shop-1")
        assert item is not None and item.state == "failed" and item.reason == "exit 7: no pods"

    def test_the_values_are_put_in_as_the_markdown_shows(self, tmp_path: Path) -> None:
        """The text run is the Markdown's: a value that is not a plain name is assigned."""
        path = write_plan(
            tmp_path, step("shop-1", 'printf "%s|%s|%s\\n" $VERSION "$INCIDENT" $COMPONENT')
        )
        result = run("exec", path, "shop-1", "--yes")
        assert result.exit_code == 0, result.output
        assert 'v2.4.0|checkout 5xx; "paid" orders lost|shop' in result.output
        prepared = prepare(store.load(path).plan, path, "shop-1")
        shown = "\n".join(f"  {line}" for line in prepared.command.splitlines())
        assert (
            prepared.command.startswith("INCIDENT=") and shown in (tmp_path / "plan.md").read_text()
        )
        assert logs(path)[0].read_text().count(prepared.command) == 1

    def test_escape_sequences_and_secrets_never_reach_screen_log_or_timeline(
        self, tmp_path: Path
    ) -> None:
        """Output is cleaned of escape sequences; secret variables' values become ****."""
        secret = "s3cr3t-" + token()
        command = (
            r"printf '\033]0;owned\007\033[31mred\033[0m\n'; echo key=$DB_PASSWORD >&2; "
            "echo $DB_PASSWORD; exit 3"
        )
        path = write_plan(tmp_path, step("shop-1", command))
        result = run("exec", path, "shop-1", "--yes", env={"DB_PASSWORD": secret})
        assert result.exit_code == 1
        assert secret not in result.output and "\x1b" not in result.output
        assert "red" in result.output and "key=****" in result.output
        for file in [path, tmp_path / "plan.md", *logs(path)]:
            text = file.read_text()
            assert secret not in text and "\x1b" not in text and "\x07" not in text
        item = store.load(path).plan.item("shop-1")
        assert item is not None and item.reason == "exit 3: key=****"

    def test_ten_megabytes_of_output_keep_the_last_mebibyte(self, tmp_path: Path) -> None:
        """A log keeps the last MiB of what was printed, with a note of what was cut."""
        command = "head -c 10485760 /dev/zero | tr '\\0' 'x' | fold -w 99; echo; echo THE-END"
        path = write_plan(tmp_path, step("shop-1", command))
        result = subprocess.run(
            [sys.executable, "-m", "rollback_tui", "exec", str(path), "shop-1", "--yes"],
            capture_output=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        [log] = logs(path)
        text = log.read_text()
        assert "[output cut: the first " in text and text.rstrip().endswith("THE-END")
        assert MAX_KEPT < len(text.encode()) < MAX_KEPT + 4096

    def test_a_timeout_ends_the_whole_group(self, tmp_path: Path) -> None:
        """A backgrounded sleep and the shell waiting on it are all gone after a timeout."""
        mark = token()
        command = f"sleep {mark} & sleep {mark} & echo started; wait"
        path = write_plan(tmp_path, step("shop-1", command, timeout=1))
        result = run("exec", path, "shop-1", "--yes")
        assert result.exit_code == 1
        assert processes_with(mark) == []
        item = store.load(path).plan.item("shop-1")
        assert item is not None and item.state == "failed"
        assert item.reason == "timed out after 1 s"

    def test_a_term_ignoring_child_is_killed(self, tmp_path: Path) -> None:
        """A child that ignores SIGTERM gets SIGKILL after the grace period."""
        mark = token()
        command = f"trap '' TERM; sleep {mark} & wait"
        path = write_plan(tmp_path, step("shop-1", command))
        session = RunSession.open(path, by="ana")
        run_ = StepRun(session, prepare(session.plan, path, "shop-1", timeout=1), kill_after=0.5)
        run_.start()
        finished = run_.wait()
        assert finished.ended.stopped == "timed out after 1 s" and processes_with(mark) == []

    def test_a_leftover_background_child_is_ended_after_the_exit(self, tmp_path: Path) -> None:
        """A command that exits 0 leaves nothing behind, not even what it backgrounded."""
        mark = token()
        path = write_plan(tmp_path, step("shop-1", f"sleep {mark} >/dev/null 2>&1 & echo done"))
        assert run("exec", path, "shop-1", "--yes").exit_code == 0
        assert processes_with(mark) == []

    def test_an_interrupt_ends_the_group_and_leaves_the_step_open(self, tmp_path: Path) -> None:
        """Interrupted (ctrl+c), the group is gone, the step open, the run recorded."""
        mark = token()
        path = write_plan(tmp_path, step("shop-1", f"sleep {mark} & wait"))
        session = RunSession.open(path, by="ana")
        run_ = StepRun(session, prepare(session.plan, path, "shop-1"))
        run_.start()
        assert wait_for(lambda: processes_with(mark))
        run_.interrupt()
        finished = run_.wait()
        assert finished.ended.exit_code is None and finished.summary == "interrupted"
        assert processes_with(mark) == []
        plan = store.load(path).plan
        assert plan.item("shop-1") is not None and plan.item("shop-1").state == "open"  # type: ignore[union-attr]
        assert [e.text for e in plan.timeline][-1] == f"Ran `sleep {mark} & wait`: interrupted"

    def test_a_hang_up_of_exec_records_it_and_leaves_nothing(self, tmp_path: Path) -> None:
        """SIGHUP to exec: the group is ended, "interrupted by hang-up", the step open."""
        mark = token()
        path = write_plan(tmp_path, step("shop-1", f"sleep {mark} & wait"))
        proc = subprocess.Popen(
            [sys.executable, "-m", "rollback_tui", "exec", str(path), "shop-1", "--yes"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            assert wait_for(lambda: processes_with(mark))
            proc.send_signal(signal.SIGHUP)
            assert proc.wait(timeout=15) == 130
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        assert processes_with(mark) == []
        plan = store.load(path).plan
        item = plan.item("shop-1")
        assert item is not None and item.state == "open"
        assert plan.timeline[-1].text == f"Ran `sleep {mark} & wait`: interrupted by hang-up"

    def test_a_dry_run_never_changes_the_step(self, tmp_path: Path) -> None:
        """--dry-run runs dry_run, records it as a dry run, and leaves the outcome alone."""
        path = write_plan(
            tmp_path, step("shop-1", "touch real.txt", dry_run="echo would touch real.txt; exit 4")
        )
        result = run("exec", path, "shop-1", "--yes", "--dry-run")
        assert result.exit_code == 1 and "would touch real.txt" in result.output
        assert not (tmp_path / "real.txt").exists()
        plan = store.load(path).plan
        assert plan.item("shop-1") is not None and plan.item("shop-1").state == "open"  # type: ignore[union-attr]
        assert plan.timeline[-1].text is not None
        assert plan.timeline[-1].text.startswith("Dry run `echo would touch real.txt; exit 4`")
        assert logs(path)[0].name.endswith("-shop-1-dry-run.log")


class TestRefusals:
    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["shop-1"], "stdin is not a terminal"),
            (["nope", "--yes"], "no checklist item with id nope"),
            (["shop-2", "--yes"], "shop-2 has no command to run"),
            (["shop-3", "--yes"], "cannot be undone; add --irreversible"),
            (["shop-1", "--yes", "--dry-run"], "shop-1 has no dry run to run"),
            (["shop-4", "--yes"], "$TARGET_VERSION, which the plan gives no value"),
        ],
    )
    def test_refused_with_exit_2_and_nothing_run(
        self, tmp_path: Path, args: list[str], message: str
    ) -> None:
        """Refusals: one line, exit 2, nothing run, the plan untouched."""
        path = write_plan(
            tmp_path,
            step("shop-1", "touch ran"),
            '\n[[components.steps]]\nid = "shop-2"\ntext = "No command"\n',
            step("shop-3", "touch ran", irreversible=True),
            step("shop-4", "touch ran-$TARGET_VERSION"),
        )
        before = path.read_bytes()
        result = run("exec", path, *args, env={})
        assert result.exit_code == 2 and message in result.output
        assert len(result.output.strip().splitlines()) == 1
        assert path.read_bytes() == before and not list(tmp_path.glob("ran*"))

    def test_an_unusable_plan(self, tmp_path: Path) -> None:
        """A plan that cannot be read: exit 2, one line."""
        path = tmp_path / "plan.toml"
        path.write_text("title = [\n")
        result = run("exec", path, "shop-1", "--yes")
        assert result.exit_code == 2 and "plan.toml" in result.output

    def test_irreversible_runs_with_the_flag(self, tmp_path: Path) -> None:
        """--irreversible confirms an irreversible step: run, and ticked as confirmed."""
        path = write_plan(tmp_path, step("shop-3", "true", irreversible=True))
        assert run("exec", path, "shop-3", "--yes", "--irreversible").exit_code == 0
        plan = store.load(path).plan
        assert [e.text for e in plan.timeline if e.event == "tick"] == [
            "irreversible step confirmed"
        ]

    def test_logs_are_never_written_through_a_symlink(self, tmp_path: Path) -> None:
        """A link planted at PLAN.runs/logs is not followed: the log is not written there."""
        path = write_plan(tmp_path, step("shop-1", "echo hi"))
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        (tmp_path / "plan.runs").mkdir()
        os.symlink(elsewhere, tmp_path / "plan.runs" / "logs")
        result = run("exec", path, "shop-1", "--yes")
        assert "is not a folder" in result.output
        assert list(elsewhere.iterdir()) == []

    def test_a_missing_folder_is_refused(self, tmp_path: Path) -> None:
        """A step's directory that does not exist: nothing runs (NotRunnable)."""
        path = write_plan(tmp_path, step("shop-1", "true", directory="nowhere"))
        session = RunSession.open(path, by="ana")
        with pytest.raises(NotRunnable, match="no folder"):
            StepRun(session, prepare(session.plan, path, "shop-1")).start()


class TestRecord:
    def test_run_git_commits_the_log_with_the_tick(self, tmp_path: Path) -> None:
        """The git workflow of `run --git` commits the command's log with the plan."""
        from rollback_tui.git.workflow import GitSync

        path = write_plan(tmp_path, step("shop-1", "echo committed"))
        git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t"]
        subprocess.run([*git, "init", "-q"], check=True)
        subprocess.run([*git, "add", "plan.toml"], check=True)
        subprocess.run([*git, "commit", "-qm", "plan"], check=True)
        assert run("exec", path, "shop-1", "--yes").exit_code == 0
        env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t"}
        env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
        old = os.environ.copy()
        os.environ.update(env)
        try:
            assert GitSync(path).commit("ran shop-1")
        finally:
            os.environ.clear()
            os.environ.update(old)
        files = subprocess.run(
            [*git, "ls-files"], check=True, capture_output=True, text=True
        ).stdout.split()
        [log] = logs(path)
        assert str(log.relative_to(tmp_path)) in files

    def test_a_drill_keeps_its_logs_under_its_own_run(self, tmp_path: Path) -> None:
        """A drill's session writes logs under the drill's run id, linked from its run
        file's Markdown relative to the runs folder."""
        from rollback_tui.plan.model import utc_now
        from rollback_tui.run.drill import Drill
        from rollback_tui.run.holder import FileHolder

        path = write_plan(tmp_path, step("shop-1", "echo drill"))
        run_file = Drill.start(path, utc_now(), "ana")
        holder = FileHolder(run_file, by="ana")
        session = RunSession(holder, drill=Drill(path))
        holder.finished = session.saved
        step_run = StepRun(session, prepare(session.plan, run_file.path, "shop-1"))
        step_run.start()
        finished = step_run.wait()
        assert finished.log is not None
        assert finished.log.parent == tmp_path / "plan.runs" / "logs" / run_file.plan.run_id
        assert finished.log.read_text().endswith("drill\n")
        assert store.load(path).plan.timeline == []  # the plan's own run is untouched
        markdown = store.markdown_path(run_file.path).read_text()
        assert f"([log](logs/{run_file.plan.run_id}/{finished.log.name}))" in markdown


class TestAskingOnATerminal:
    @pytest.mark.parametrize(("answer", "code"), [("y", 0), ("n", 2)])
    def test_exec_asks_on_a_terminal(self, tmp_path: Path, answer: str, code: int) -> None:
        """Without --yes, on a terminal: the command is shown, then asked; y runs it, n
        refuses (exit 2, nothing run)."""
        import pty
        import select

        path = write_plan(tmp_path, step("shop-1", "touch ran-$VERSION"))
        leader, follower = pty.openpty()
        proc = subprocess.Popen(
            [sys.executable, "-m", "rollback_tui", "exec", str(path), "shop-1"],
            stdin=follower,
            stdout=follower,
            stderr=follower,
            close_fds=True,
        )
        os.close(follower)
        seen = b""
        try:
            while b"Run it?" not in seen:
                ready, _, _ = select.select([leader], [], [], 15)
                assert ready, f"never asked: {seen!r}"
                seen += os.read(leader, 4096)
            assert b"touch ran-v2.4.0" in seen
            os.write(leader, answer.encode() + b"\n")
            assert proc.wait(timeout=30) == code
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            os.close(leader)
        assert (tmp_path / "ran-v2.4.0").exists() is (answer == "y")


class TestTheRecordReadBack:
    """What exec recorded shows on the status page and in the postmortem, read back from
    the plan's timeline (publish and report run long after the command)."""

    def test_page_and_report_show_the_commands_run(self, tmp_path: Path) -> None:
        path = write_plan(
            tmp_path,
            step("shop-1", "echo ok"),
            step("shop-2", "echo failing >&2; exit 7"),
        )
        assert run("exec", path, "shop-1", "--yes").exit_code == 0
        assert run("exec", path, "shop-2", "--yes").exit_code == 1
        site = tmp_path / "site"
        assert run("publish", path, site).exit_code == 0
        status = json.loads((site / "status.json").read_text())
        runs = {i["id"]: i["command_run"] for i in status["items"] if i["command_run"]}
        assert runs["shop-1"]["exit_code"] == 0 and runs["shop-2"]["exit_code"] == 7
        [log_one] = [p for p in logs(path) if "shop-1" in p.name]
        assert runs["shop-1"]["log"] == str(log_one.relative_to(tmp_path))
        report = run("report", path)
        assert report.exit_code == 0, report.output
        assert "echo ok" in report.output and "exit 7" in report.output
        assert str(log_one.relative_to(tmp_path)) in report.output
