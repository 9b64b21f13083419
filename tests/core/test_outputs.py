"""Writes through what is not a plain file: an output named by the user is written as a
stream or replaced, never written through a link; files of ours beside the plan (the runs
folder, run files, the recovery file) are never written through a link planted there;
run records get the plan's group and mode."""

from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from cli_helpers import run
from click.testing import Result

from rollback_tui import store
from rollback_tui.render import render_markdown
from rollback_tui.store import recovery, run_files, runs

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NOW = dt.datetime(2026, 12, 7, 3, 0, tzinfo=dt.UTC)


def refused(result: Result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


@pytest.fixture
def markdown(example_plan: Path) -> str:
    """The example's Markdown, also written beside it (what `import` reads)."""
    text = render_markdown(store.load(example_plan).plan)
    example_plan.with_suffix(".md").write_text(text)
    return text


class TestOutputs:
    """`render -o` and `import -o`."""

    @pytest.mark.skipif(os.geteuid() != 0, reason="making a device needs root")
    @pytest.mark.parametrize("command", ["render", "import"])
    def test_a_device_is_written_never_replaced(
        self, tmp_path: Path, example_plan: Path, markdown: str, command: str
    ) -> None:
        """A null device of our own named with -o stays a device (as root, `-o
        /dev/null` once replaced the machine's /dev/null with a file)."""
        device = tmp_path / "null"
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        source = example_plan.with_suffix(".md") if command == "import" else example_plan
        result = run(command, source, "-o", device)
        assert result.exit_code in (0, 1), result.output
        assert stat.S_ISCHR(os.lstat(device).st_mode)

    @pytest.mark.parametrize("command", ["render", "import"])
    def test_a_fifo_is_written_as_a_stream(
        self, tmp_path: Path, example_plan: Path, markdown: str, command: str
    ) -> None:
        """A FIFO gets the text, and stays a FIFO."""
        fifo = tmp_path / "pipe"
        os.mkfifo(fifo)
        got: list[bytes] = []
        reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
        reader.start()
        source = example_plan.with_suffix(".md") if command == "import" else example_plan
        result = run(command, source, "-o", fifo)
        reader.join(10)
        assert result.exit_code in (0, 1), result.output
        assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
        if command == "render":
            assert got == [markdown.encode()]
        else:
            assert b"schema_version" in got[0]

    @pytest.mark.parametrize("command", ["render", "import"])
    def test_a_symlink_is_refused(
        self, tmp_path: Path, example_plan: Path, markdown: str, command: str
    ) -> None:
        """-o naming a link: one line naming its target, the target untouched."""
        victim = tmp_path / "victim"
        victim.write_text("precious\n")
        link = tmp_path / "out"
        link.symlink_to(victim)
        source = example_plan.with_suffix(".md") if command == "import" else example_plan
        args: list[str | Path] = [command, source, "-o", link]
        args += ["--force"] if command == "import" else []
        refused(run(*args), "symlink", str(victim))
        assert victim.read_text() == "precious\n" and link.is_symlink()

    def test_dev_stdout_is_standard_output(self, example_plan: Path, markdown: str) -> None:
        """`-o /dev/stdout` writes to standard output, whatever it is (here a pipe)."""
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "rollback_tui",
                "render",
                str(example_plan),
                "-o",
                "/dev/stdout",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout == markdown

    def test_a_regular_file_is_replaced_keeping_its_mode(
        self, tmp_path: Path, example_plan: Path, markdown: str
    ) -> None:
        out = tmp_path / "out.md"
        out.write_text("old\n")
        os.chmod(out, 0o640)
        assert run("render", example_plan, "-o", out).exit_code == 0
        assert out.read_text() == markdown
        assert stat.S_IMODE(out.stat().st_mode) == 0o640


class TestFilesOfOurs:
    """The runs folder, run files and the recovery file."""

    def test_a_linked_runs_folder_is_refused(self, tmp_path: Path, example_plan: Path) -> None:
        """PLAN.runs planted as a link to another folder: reset refuses, writes nothing."""
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        run_files.runs_dir(example_plan).symlink_to(elsewhere)
        assert run("tick", example_plan, "a-1").exit_code == 0
        before = example_plan.read_bytes()
        refused(run("reset", example_plan), "symlink")
        assert list(elsewhere.iterdir()) == []
        assert example_plan.read_bytes() == before

    def test_a_link_at_a_run_files_name_is_replaced(
        self, tmp_path: Path, example_plan: Path
    ) -> None:
        """A link planted where a run file (or its Markdown) is written is replaced."""
        victim = tmp_path / "victim"
        victim.write_text("precious\n")
        folder = run_files.runs_dir(example_plan)
        folder.mkdir()
        target = folder / "x.toml"
        for name in ("x.toml", "x.md"):
            (folder / name).symlink_to(victim)
        plan_file = store.load(example_plan)
        runs.write_run(target, example_plan, plan_file.plan, plan_file)
        assert victim.read_text() == "precious\n"
        assert not target.is_symlink() and store.load(target)

    def test_a_link_planted_as_the_recovery_file_is_replaced(self, tmp_path: Path) -> None:
        """The recovery file is written beside, then renamed: a link in its place is
        replaced by a 0600 file, and the file it pointed at keeps its text and mode."""
        victim = tmp_path / "victim"
        victim.write_text("precious\n")
        os.chmod(victim, 0o644)
        kept = recovery.RecoveryFile.for_plan(tmp_path / "plan.toml")
        kept.path.parent.mkdir(parents=True, exist_ok=True)
        kept.path.symlink_to(victim)
        kept.write("title = 'x'\n", NOW)
        assert victim.read_text() == "precious\n"
        assert stat.S_IMODE(victim.stat().st_mode) == 0o644
        assert not kept.path.is_symlink()
        assert stat.S_IMODE(kept.path.stat().st_mode) == 0o600


class TestRunRecords:
    """reset's archive: the plan's mode, finished after a fault, temp files cleaned."""

    def test_the_archive_and_its_folder_follow_the_plans_mode(self, example_plan: Path) -> None:
        os.chmod(example_plan, 0o600)
        old = os.umask(0o022)
        try:
            assert run("tick", example_plan, "a-1").exit_code == 0
            assert run("reset", example_plan).exit_code == 0
        finally:
            os.umask(old)
        folder = run_files.runs_dir(example_plan)
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        for path in folder.iterdir():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name

    def test_a_read_only_plan_is_refused_before_the_archive(self, example_plan: Path) -> None:
        """reset on a 0444 plan: refused, and no archive written."""
        assert run("tick", example_plan, "a-1").exit_code == 0
        os.chmod(example_plan, 0o444)
        refused(run("reset", example_plan), "read-only")
        assert run_files.run_files(example_plan) == []

    def test_a_reset_cut_short_writes_the_archives_markdown(self, example_plan: Path) -> None:
        """The archive's TOML was written, then the process was killed: the next reset
        finds it, writes its Markdown and clears the plan; a stale temp file goes."""
        assert run("tick", example_plan, "a-1").exit_code == 0
        plan_file = store.load(example_plan)
        archive = runs.new_run_path(example_plan, NOW, "", "incident")
        runs.write_run(
            archive,
            example_plan,
            runs.snapshot(plan_file.plan, kind="incident", label="", ended=NOW, plan_name="plan"),
            plan_file,
        )
        store.markdown_path(archive).unlink()
        stale = archive.parent / ".x.toml.999999.abcdefgh.tmp"
        stale.write_text("half")
        assert run("reset", example_plan).exit_code == 0
        assert store.markdown_path(archive).exists()
        assert not stale.exists()
        assert [p.name for p in run_files.run_files(example_plan)] == [archive.name]

    def test_the_markdown_follows_the_plans_mode(self, example_plan: Path, markdown: str) -> None:
        """`chmod 0660 plan.toml`, then a save: plan.md is 0660 too."""
        os.chmod(example_plan.with_suffix(".md"), 0o644)
        os.chmod(example_plan, 0o660)
        assert run("tick", example_plan, "a-1").exit_code == 0
        assert stat.S_IMODE(example_plan.with_suffix(".md").stat().st_mode) == 0o660
