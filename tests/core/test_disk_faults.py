"""Faults of the disk and of odd files: a full disk half-way through a save, a save killed
mid-way, a read-only plan, files that are not plans (FIFOs, devices, huge or too deeply
nested ones). Each says one clear line and leaves the plan as it was, or finishes later."""

from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_helpers import cli, run

from rollback_tui import store
from rollback_tui.render import render_markdown

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def one_line(code: int, stderr: str, *fragments: str) -> str:
    assert code == 2, (code, stderr)
    lines = stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


@pytest.fixture
def plan_path(tmp_path: Path) -> Path:
    for name in ("plan.toml", "plan.md"):
        (tmp_path / name).write_bytes((EXAMPLES / name).read_bytes())
    return tmp_path / "plan.toml"


def markdown_of(path: Path) -> str:
    return render_markdown(store.load(path).plan)


def full_disk_on(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Writing *name* fails as on a full disk (its temporary file is never put in place)."""
    replace = os.replace

    def failing(src: str, dst: str | Path, *args: object, **kwargs: object) -> None:
        if Path(dst).name == name:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))
        replace(src, dst, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", failing)


class TestHalfASave:
    def test_a_full_disk_at_the_markdown_says_what_was_saved(
        self, plan_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """plan.toml took the tick, plan.md did not: the tick is reported, and the one
        error line names plan.md and says plan.toml is safe."""
        full_disk_on("plan.md", monkeypatch)
        result = run("tick", plan_path, "a-1")
        assert result.stdout == "Ticked a-1\n"
        line = one_line(result.exit_code, result.stderr, "plan.md", "No space left on device")
        assert "plan.toml was saved" in line and "safe" in line
        assert store.load(plan_path).plan.item("a-1").done  # type: ignore[union-attr]

    def test_the_store_says_which_file_was_written(
        self, plan_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """save() raises PartialSaveError listing plan.toml as written, plan.md as not."""
        plan_file = store.load(plan_path)
        plan_file.plan.item("a-1").done = True  # type: ignore[union-attr]
        full_disk_on("plan.md", monkeypatch)
        with pytest.raises(store.PartialSaveError) as caught:
            store.save(plan_file)
        assert caught.value.written == (plan_path,)
        assert caught.value.failed == plan_path.with_suffix(".md")

    @pytest.mark.parametrize("finish", [("tick", "a-1"), ("tick", "b-1"), ("render",)])
    def test_the_next_command_finishes_it(
        self, plan_path: Path, monkeypatch: pytest.MonkeyPatch, finish: tuple[str, ...]
    ) -> None:
        """Once there is room again, the same tick ("already ticked"), another tick or
        `render` brings plan.md up to date."""
        with monkeypatch.context() as patch:
            full_disk_on("plan.md", patch)
            assert run("tick", plan_path, "a-1").exit_code == 2
        assert plan_path.with_suffix(".md").read_bytes() == (EXAMPLES / "plan.md").read_bytes()
        result = run(finish[0], plan_path, *finish[1:])
        assert result.exit_code == 0, result.stderr
        assert plan_path.with_suffix(".md").read_text() == markdown_of(plan_path)

    def test_a_full_disk_at_the_plan_says_nothing_was_saved(
        self, plan_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """plan.toml itself could not be written: the one line says it is as it was."""
        before = plan_path.read_bytes()
        full_disk_on("plan.toml", monkeypatch)
        result = run("tick", plan_path, "a-1")
        one_line(result.exit_code, result.stderr, "plan.toml", "not saved", "as it was")
        assert plan_path.read_bytes() == before


@pytest.fixture
def tiny_disk() -> Iterator[Path]:
    """A 512 KiB tmpfs of its own (we are root)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    folder = Path(tempfile.mkdtemp(prefix="rollback-tiny-"))
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        folder.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)
        folder.rmdir()


class TestRealFullDisk:
    def test_a_really_full_disk(self, tiny_disk: Path) -> None:
        """On a tmpfs filled so that plan.toml fits but plan.md does not: the tick is
        kept and reported, plan.md named; after room is made, the same tick (already
        ticked) writes plan.md."""
        plan = tiny_disk / "plan.toml"
        plan.write_bytes((EXAMPLES / "plan.toml").read_bytes())
        # Commands that repeat a long incident name: the Markdown is much longer than
        # the plan, so there is a fill that leaves room for one and not the other.
        plan_file = store.load(plan)
        plan_file.plan.incident = "INC-" + "x" * 1500
        for _, _, item in plan_file.plan.checklist():
            item.command = "echo " + " ".join(["$INCIDENT"] * 2)
        store.save(plan_file)
        page = os.statvfs(tiny_disk).f_frsize
        needed = -(-len(plan.read_bytes()) // page) + 1
        markdown_pages = -(-len(plan.with_suffix(".md").read_bytes()) // page)
        assert markdown_pages > needed + 1
        free = os.statvfs(tiny_disk).f_bavail
        filler = tiny_disk / "filler"
        filler.write_bytes(b"\0" * (free - needed) * page)
        result = cli("tick", plan, "a-1")
        assert result.stdout == "Ticked a-1\n"
        one_line(
            result.returncode,
            result.stderr,
            "plan.md",
            "No space left on device",
            "plan.toml was saved",
        )
        assert store.load(plan).plan.item("a-1").done  # type: ignore[union-attr]
        assert not list(tiny_disk.glob(".*.tmp"))
        filler.unlink()
        again = cli("tick", plan, "a-1")
        assert (again.returncode, again.stdout) == (0, "a-1 was already ticked\n"), again.stderr
        assert plan.with_suffix(".md").read_text() == markdown_of(plan)


# Kills its own process just before the temporary file of argv[1] is put in place.
KILLED = """
import os, signal, sys
name = sys.argv[1]
replace = os.replace
def killed(src, dst, *args, **kwargs):
    if os.path.basename(dst) == name:
        os.kill(os.getpid(), signal.SIGKILL)
    return replace(src, dst, *args, **kwargs)
os.replace = killed
from rollback_tui.cli import main
main(sys.argv[2:], prog_name="rollback-tui")
"""


class TestKilledSave:
    def test_temporary_files_of_a_killed_save_are_removed_by_the_next(
        self, plan_path: Path
    ) -> None:
        """kill -9 while the backup, then the Markdown, was being written leaves a
        temporary file each time; the next save removes it, and nothing else."""
        folder = plan_path.parent
        left = []
        for name, step in (("plan.toml.bak", "a-1"), ("plan.md", "a-2")):
            killed = subprocess.run(
                [sys.executable, "-c", KILLED, name, "tick", plan_path, step],
                capture_output=True,
                timeout=60,
            )
            assert killed.returncode == -signal.SIGKILL
            # Each killed save left its own; the second one removed the first one's.
            left = [p.name for p in folder.glob(".*.tmp")]
            assert len(left) == 1 and left[0].startswith(f".{name}."), left
        others = [folder / ".notes.abcdefgh.tmp", folder / f".plan.md.{os.getpid()}.live0000.tmp"]
        for other in others:
            other.write_text("not a leftover")
        assert run("tick", plan_path, "a-3").exit_code == 0
        assert sorted(p.name for p in folder.glob(".*.tmp")) == sorted(o.name for o in others)

    def test_old_temporary_files_of_ours_are_removed(self, plan_path: Path) -> None:
        """A temporary file named like ours and older than a few minutes (from another
        host or an older version) is removed; a fresh one is left alone."""
        folder = plan_path.parent
        old, fresh = folder / ".plan.md.abcdefgh.tmp", folder / ".plan.md.ijklmnop.tmp"
        for path in (old, fresh):
            path.write_text("partial")
        an_hour_ago = time.time() - 3600
        os.utime(old, (an_hour_ago, an_hour_ago))
        assert run("tick", plan_path, "a-1").exit_code == 0
        assert not old.exists() and fresh.exists()


class TestKilledAtRandomMoments:
    """kill -9 at random moments of each command that writes a plan, on a plan large
    enough that a save takes a while: every file it writes is the old one or the new one,
    whole, never torn."""

    @staticmethod
    def big(folder: Path) -> Path:
        from rollback_tui.plan import new_plan

        plan = folder / "plan.toml"
        components = [f"svc-{n}" for n in range(500)]
        store.save(store.new_file(plan, new_plan(components=components)))
        return plan

    @pytest.mark.parametrize("command", ["tick", "reset", "render", "import", "new"])
    def test_every_save_path(self, tmp_path: Path, command: str) -> None:
        import random

        plan = self.big(tmp_path)
        markdown = tmp_path / "in.md"
        markdown.write_text(plan.with_suffix(".md").read_text())
        out = tmp_path / "out.toml" if command == "import" else tmp_path / "out.md"

        def argv(n: int) -> list[str | Path]:
            by_command: dict[str, list[str | Path]] = {
                "tick": ["tick", plan, f"svc-{n}-1"],
                "reset": ["reset", plan, "--label", f"r{n}"],
                "render": ["render", plan, "-o", out],
                "import": ["import", markdown, "-o", out, "--force"],
                "new": ["new", plan, "--force", "--component", f"n{n}"],
            }
            return by_command[command]

        def readable() -> None:
            store.load(plan)
            if out.exists() and command == "import":
                store.load(out)
            elif out.exists():
                assert out.read_text().endswith("\n")

        started = time.monotonic()
        assert cli(*argv(0), timeout=120).returncode in (0, 1)
        took = time.monotonic() - started
        chance = random.Random(command)
        for n in range(1, 5):
            if command == "reset":
                assert run("tick", plan, "svc-0-1").exit_code == 0
            proc = subprocess.Popen(
                [sys.executable, "-m", "rollback_tui", *map(str, argv(n))],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(chance.uniform(0.3, 1.0) * took)
            proc.kill()
            proc.wait(timeout=30)
            readable()
            for run_file in (tmp_path / "plan.toml.runs").glob("*.toml"):
                store.load(run_file)


class TestReadOnlyPlan:
    def test_a_read_only_plan_is_refused(self, plan_path: Path) -> None:
        """A plan its owner made 0444 is not replaced: one line, exit 2, untouched."""
        os.chmod(plan_path, 0o444)
        before = plan_path.read_bytes()
        result = run("tick", plan_path, "a-1")
        one_line(result.exit_code, result.stderr, "plan.toml", "read-only", "--force")
        assert plan_path.read_bytes() == before

    def test_force_replaces_it_and_keeps_it_read_only(self, plan_path: Path) -> None:
        """tick --force saves it anyway, and it stays 0444."""
        os.chmod(plan_path, 0o444)
        result = run("tick", "--force", plan_path, "a-1")
        assert result.exit_code == 0, result.stderr
        assert store.load(plan_path).plan.item("a-1").done  # type: ignore[union-attr]
        assert stat.S_IMODE(plan_path.stat().st_mode) == 0o444

    def test_the_store_refuses_unless_told(self, plan_path: Path) -> None:
        """store.save refuses a read-only plan; replace_read_only=True saves it."""
        os.chmod(plan_path, 0o444)
        plan_file = store.load(plan_path)
        plan_file.plan.title = "Changed"
        with pytest.raises(store.PlanFileError, match="read-only"):
            store.save(plan_file)
        store.save(plan_file, replace_read_only=True)
        assert store.load(plan_path).plan.title == "Changed"


class TestSideFileModes:
    def test_new_side_files_get_the_plans_mode(self, tmp_path: Path) -> None:
        """Beside a 0600 plan, a new plan.md, backup and lock are 0600 too (umask 022)."""
        plan = tmp_path / "plan.toml"
        plan.write_bytes((EXAMPLES / "plan.toml").read_bytes())
        os.chmod(plan, 0o600)
        old = os.umask(0o022)
        try:
            assert run("tick", plan, "a-1").exit_code == 0
        finally:
            os.umask(old)
        for name in ("plan.md", "plan.toml.bak", ".plan.toml.lock"):
            assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name

    def test_the_backup_follows_the_plans_mode(self, plan_path: Path) -> None:
        """A plan tightened to 0600: its existing 0644 backup gets 0600 with the copy."""
        backup = plan_path.with_name("plan.toml.bak")
        backup.write_text("old")
        os.chmod(backup, 0o644)
        os.chmod(plan_path, 0o600)
        assert run("tick", plan_path, "a-1").exit_code == 0
        assert stat.S_IMODE(backup.stat().st_mode) == 0o600


class TestNotPlans:
    @pytest.mark.parametrize("command", ["check", "status", "render", "tick"])
    def test_a_fifo_is_refused_without_waiting(self, tmp_path: Path, command: str) -> None:
        """A FIFO is not opened for reading at all: one line, exit 2, at once."""
        fifo = tmp_path / "plan.toml"
        os.mkfifo(fifo)
        args: list[str | Path] = [command, fifo]
        args += ["a-1"] if command == "tick" else []
        result = cli(*args, timeout=20)
        one_line(result.returncode, result.stderr, "not a regular file")

    def test_a_device_is_refused_before_reading(self) -> None:
        """`check /dev/zero` says it is not a plan file instead of reading forever."""
        result = cli("check", "/dev/zero", timeout=20, memory=1 << 30)
        one_line(result.returncode, result.stderr, "/dev/zero", "not a regular file")

    @pytest.mark.parametrize("command", ["check", "tick"])
    def test_a_plan_above_the_size_cap_is_refused(self, tmp_path: Path, command: str) -> None:
        """A plan over 10 MB is refused on open, whatever the command."""
        plan = tmp_path / "plan.toml"
        text = (EXAMPLES / "plan.toml").read_bytes()
        plan.write_bytes(text + b"# padding\n" * (1_100_000))
        assert plan.stat().st_size > 10 * 1024 * 1024
        result = run(command, plan, *(["a-1"] if command == "tick" else []))
        one_line(result.exit_code, result.stderr, "plan.toml", "MB", "larger than")

    def test_a_plan_under_the_cap_opens(self, tmp_path: Path) -> None:
        """Just under 10 MB of comments is still a plan."""
        plan = tmp_path / "plan.toml"
        text = (EXAMPLES / "plan.toml").read_bytes()
        plan.write_bytes(text + b"# padding\n" * 1_000_000)
        assert run("check", plan).exit_code == 0

    @pytest.mark.parametrize("command", ["check", "tick"])
    def test_nesting_too_deep(self, tmp_path: Path, command: str) -> None:
        """Arrays nested 5000 deep: one line, exit 2, no RecursionError traceback."""
        plan = tmp_path / "plan.toml"
        plan.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")
        result = run(command, plan, *(["a-1"] if command == "tick" else []))
        one_line(result.exit_code, result.stderr, "plan.toml", "nested too deeply")
