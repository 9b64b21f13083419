"""A plan shared by an on-call rotation in a group-writable folder: each user runs as a
uid of their own (setpriv), and no tick is lost, no file changes hands, no side file is
written through a link someone else planted."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from rollback_tui import store
from rollback_tui.render import render_markdown

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TEAM = 3000
ALICE = (2001, TEAM, [TEAM])
BOB = (2002, 2002, [2002, TEAM])
CAROL = (2003, 2003, [2003])  # not in the team
NOBODY = 65534

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="running as other users needs root and setpriv (util-linux)",
)

# Holds a tick just before it replaces plan.toml (after the lock is taken), until told to go.
HOLD = """
import time
from pathlib import Path
held, go = Path(sys.argv[1]), Path(sys.argv[2])
replace = os.replace
def slow_replace(src, dst, *args, **kwargs):
    if str(dst).endswith("plan.toml"):
        held.write_text("held")
        while not go.exists():
            time.sleep(0.01)
    return replace(src, dst, *args, **kwargs)
os.replace = slow_replace
from rollback_tui.cli import main
main(sys.argv[3:], prog_name="rollback-tui")
"""


CLI = "from rollback_tui.cli import main\nmain(sys.argv[1:], prog_name='rollback-tui')\n"

# Dies (SIGKILL) half-way through its Nth write to a file (argv[1]): half the bytes are
# written, then the process is gone, as when killed mid-write. Every way the store writes
# a file's bytes goes through os.pwrite, os.write or a file opened by os.fdopen.
DIES_MID_WRITE = """
import io, signal
nth, count = int(sys.argv[1]), [0]
def die_at_nth(write_half):
    count[0] += 1
    if count[0] == nth:
        write_half()
        os.kill(os.getpid(), signal.SIGKILL)
pwrite, write, fdopen = os.pwrite, os.write, os.fdopen
def half_pwrite(fd, data, offset):
    die_at_nth(lambda: pwrite(fd, bytes(data)[: len(data) // 2], offset))
    return pwrite(fd, data, offset)
def half_write(fd, data):
    die_at_nth(lambda: write(fd, bytes(data)[: len(data) // 2]))
    return write(fd, data)
class Dying(io.FileIO):
    def write(self, data):
        die_at_nth(lambda: (io.FileIO.write(self, bytes(data)[: len(data) // 2]), self.flush()))
        return io.FileIO.write(self, data)
def dying_fdopen(fd, mode="r", *args, **kwargs):
    if "w" in mode and "b" in mode:
        return Dying(fd, "wb", closefd=True)
    return fdopen(fd, mode, *args, **kwargs)
os.pwrite, os.write, os.fdopen = half_pwrite, half_write, dying_fdopen
from rollback_tui.cli import main
main(sys.argv[2:], prog_name="rollback-tui")
"""


def as_user(
    user: tuple[int, int, list[int]], *args: str | Path, umask: int = 0o022, code: str = CLI
) -> list[str]:
    """The argv running rollback-tui (or *code*) as *user* under *umask*."""
    uid, gid, groups = user
    return [
        "setpriv",
        f"--reuid={uid}",
        f"--regid={gid}",
        f"--groups={','.join(map(str, groups))}",
        "--",
        sys.executable,
        "-c",
        f"import os, sys\nos.umask({umask:#o})\n{code}",
        *[str(a) for a in args],
    ]


def run_as(
    user: tuple[int, int, list[int]], *args: str | Path, umask: int = 0o022
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "HOME": "/tmp"}
    return subprocess.run(
        as_user(user, *args, umask=umask), capture_output=True, text=True, timeout=60, env=env
    )


@pytest.fixture
def shared() -> Iterator[Path]:
    """A folder of the team's (root:3000, 0775) below a folder anyone may pass through."""
    base = Path(tempfile.mkdtemp(prefix="rollback-shared-"))
    try:
        os.chmod(base, 0o755)
        folder = base / "oncall"
        folder.mkdir()
        os.chown(folder, 0, TEAM)
        os.chmod(folder, 0o775)
        yield folder
    finally:
        shutil.rmtree(base)


def alices_plan(folder: Path, mode: int = 0o660) -> Path:
    """The example plan, and its Markdown, owned by alice and her team."""
    for name in ("plan.toml", "plan.md"):
        target = folder / name
        target.write_bytes((EXAMPLES / name).read_bytes())
        os.chown(target, ALICE[0], TEAM)
        os.chmod(target, mode)
    return folder / "plan.toml"


def owner(path: Path) -> tuple[int, int, int]:
    st = os.lstat(path)
    return st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)


def done(path: Path) -> set[str]:
    data = tomllib.loads(path.read_text())
    found = set()
    for key in ("option_a", "option_b"):
        found |= {step["id"] for step in data["procedure"].get(key, []) if step.get("done")}
    return found


def one_line(result: subprocess.CompletedProcess[str], *fragments: str) -> str:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


class TestLock:
    def test_first_tick_makes_a_lock_the_team_can_take(self, shared: Path) -> None:
        """Alice's first tick under umask 022 makes a lock with the plan's group and mode;
        bob's tick then takes it, and both ticks are on disk."""
        plan = alices_plan(shared)
        first = run_as(ALICE, "tick", plan, "a-1", "--by", "alice")
        assert first.returncode == 0, first.stderr
        assert owner(shared / ".plan.toml.lock")[1:] == (TEAM, 0o660)
        second = run_as(BOB, "tick", plan, "a-2", "--by", "bob")
        assert second.returncode == 0, second.stderr
        assert done(plan) == {"a-1", "a-2"}

    def test_a_lock_that_cannot_be_opened_is_never_skipped(self, shared: Path) -> None:
        """With alice's 0644 lock (an older save's) held mid-save, bob's tick waits, then
        fails with one line and exit 2, never ticks unlocked; once she is done it
        succeeds, and neither tick is lost."""
        plan = alices_plan(shared)
        lock = shared / ".plan.toml.lock"
        lock.touch()
        os.chown(lock, ALICE[0], TEAM)
        os.chmod(lock, 0o644)
        held, go = shared.parent / "held", shared.parent / "go"
        os.chmod(shared.parent, 0o777)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "HOME": "/tmp"}
        alice = subprocess.Popen(
            as_user(ALICE, held, go, "tick", plan, "a-1", "--by", "alice", code=HOLD),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        try:
            deadline = time.monotonic() + 30
            while not held.exists():
                assert alice.poll() is None, alice.communicate()
                assert time.monotonic() < deadline, "alice's tick never reached its save"
                time.sleep(0.02)
            bob = run_as(BOB, "tick", plan, "b-2", "--by", "bob")
            assert "Ticked b-2" not in bob.stdout
            one_line(bob, "plan.toml", "another rollback-tui is saving")
        finally:
            go.touch()
            _, err = alice.communicate(timeout=30)
        assert alice.returncode == 0, err
        assert done(plan) == {"a-1"}
        again = run_as(BOB, "tick", plan, "b-2", "--by", "bob")
        assert again.returncode == 0, again.stderr
        assert done(plan) == {"a-1", "b-2"}

    def test_a_lock_nobody_else_may_open_is_refused(self, shared: Path) -> None:
        """A lock only its owner may open: bob is told so (exit 2, one line), and the
        plan is untouched."""
        plan = alices_plan(shared)
        lock = shared / ".plan.toml.lock"
        lock.touch()
        os.chown(lock, ALICE[0], ALICE[1])
        os.chmod(lock, 0o600)
        before = plan.read_bytes()
        result = run_as(BOB, "tick", plan, "b-2", "--by", "bob")
        one_line(result, "cannot take the lock", ".plan.toml.lock", "not saved")
        assert plan.read_bytes() == before


class TestOwnership:
    def test_root_keeps_the_owner_of_every_file(self, shared: Path) -> None:
        """root ticking nobody's 0600 plan leaves it, and its new backup, Markdown and
        lock, nobody's, 0600: nobody can still read their plan."""
        tmp_path = shared
        plan = tmp_path / "plan.toml"
        plan.write_bytes((EXAMPLES / "plan.toml").read_bytes())
        os.chown(plan, NOBODY, NOBODY)
        os.chmod(plan, 0o600)
        result = subprocess.run(
            [sys.executable, "-m", "rollback_tui", "tick", str(plan), "a-1"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        for name in ("plan.toml", "plan.toml.bak", "plan.md", ".plan.toml.lock"):
            assert owner(tmp_path / name) == (NOBODY, NOBODY, 0o600), name
        status = run_as((NOBODY, NOBODY, [NOBODY]), "status", plan)
        assert status.returncode == 0, status.stderr

    def test_a_team_member_keeps_the_team_s_group_and_mode(self, shared: Path) -> None:
        """Bob ticking alice's 2001:3000 0660 plan replaces it (never rewrites it in
        place): the plan and its Markdown keep the team's group and mode, bob becomes
        their owner, as with git; alice can still tick it."""
        plan = alices_plan(shared)
        inode = os.stat(plan).st_ino
        result = run_as(BOB, "tick", plan, "a-1", "--by", "bob")
        assert result.returncode == 0, result.stderr
        assert os.stat(plan).st_ino != inode
        assert owner(plan) == (BOB[0], TEAM, 0o660)
        assert owner(shared / "plan.md") == (BOB[0], TEAM, 0o660)
        assert owner(shared / "plan.toml.bak")[1:] == (TEAM, 0o660)
        again = run_as(ALICE, "tick", plan, "a-2", "--by", "alice")
        assert again.returncode == 0, again.stderr
        assert done(plan) == {"a-1", "a-2"}

    def test_a_plan_the_saver_may_not_write_is_refused_up_front(self, shared: Path) -> None:
        """Alice's plan is read-only to the group: bob, who could replace it through the
        folder, is refused before anything is written."""
        plan = alices_plan(shared, mode=0o640)
        before = {p.name: p.read_bytes() for p in shared.iterdir()}
        result = run_as(BOB, "tick", plan, "a-1", "--by", "bob")
        one_line(result, "plan.toml", "belongs to", "not saved")
        assert owner(plan) == (ALICE[0], TEAM, 0o640)
        assert {
            p.name: p.read_bytes() for p in shared.iterdir() if not p.name.endswith(".lock")
        } == before

    def test_a_save_that_would_lose_the_group_is_refused_up_front(self, shared: Path) -> None:
        """Carol, outside the team, may write the plan but could not give the saved plan
        (or a new plan.md) the team's group: refused before writing, every file as it
        was."""
        os.chmod(shared, 0o777)
        plan = alices_plan(shared, mode=0o666)
        (shared / "plan.md").unlink()
        before = plan.read_bytes()
        result = run_as(CAROL, "tick", plan, "a-1", "--by", "carol")
        one_line(result, "plan.toml", "group", "not saved")
        assert plan.read_bytes() == before
        assert owner(plan) == (ALICE[0], TEAM, 0o666)
        assert not (shared / "plan.md").exists() and not (shared / "plan.toml.bak").exists()


class TestRunRecordsShared:
    def test_a_reset_under_a_strict_umask_leaves_runs_the_team_can_use(self, shared: Path) -> None:
        """Bob, umask 077, resets alice's 0660 plan: the runs folder and the archive get
        the team's group and the plan's mode, so alice can list, reset and drill again."""
        plan = alices_plan(shared)
        assert run_as(ALICE, "tick", plan, "a-1", "--by", "alice").returncode == 0
        reset = run_as(BOB, "reset", plan, umask=0o077)
        assert reset.returncode == 0, reset.stderr
        folder = shared / "plan.runs"
        assert owner(folder)[1:] == (TEAM, 0o770)
        for path in folder.iterdir():
            assert owner(path)[1:] == (TEAM, 0o660), path.name
        listed = run_as(ALICE, "runs", plan)
        assert listed.returncode == 0, listed.stderr
        assert run_as(ALICE, "tick", plan, "a-2", "--by", "alice").returncode == 0
        again = run_as(ALICE, "reset", plan)
        assert again.returncode == 0, again.stderr
        assert len(list(folder.glob("*.toml"))) == 2


class TestSideFileLinks:
    def test_links_planted_beside_the_plan_are_replaced_not_written_through(
        self, shared: Path, tmp_path: Path
    ) -> None:
        """plan.md, plan.toml.bak and the lock pointing at other files: root's tick leaves
        those files as they were and writes its own files instead."""
        plan = alices_plan(shared)
        victims = {}
        for name in ("plan.md", "plan.toml.bak", ".plan.toml.lock"):
            victim = tmp_path / f"victim-of-{name}"
            victim.write_text("precious\n")
            os.chmod(victim, 0o640)
            (shared / name).unlink(missing_ok=True)
            (shared / name).symlink_to(victim)
            victims[name] = victim
        result = subprocess.run(
            [sys.executable, "-m", "rollback_tui", "tick", str(plan), "a-1"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        for name, victim in victims.items():
            assert victim.read_text() == "precious\n", name
            assert stat.S_IMODE(victim.stat().st_mode) == 0o640, name
            assert not (shared / name).is_symlink(), name
        assert (shared / "plan.md").read_text() == render_markdown(store.load(plan).plan)
        assert owner(shared / "plan.md") == (ALICE[0], TEAM, 0o660)

    def test_a_link_only_its_planter_may_replace_is_refused_up_front(self, shared: Path) -> None:
        """In a sticky folder (like /tmp) carol's link as plan.md cannot be replaced by
        alice: her tick is refused before writing, and the file it points at (one of
        alice's) is untouched."""
        os.chmod(shared, 0o1777)
        plan = alices_plan(shared)
        home = shared.parent / "alice"
        home.mkdir()
        os.chown(home, ALICE[0], TEAM)
        victim = home / "notes"
        victim.write_text("precious\n")
        os.chown(victim, ALICE[0], TEAM)
        (shared / "plan.md").unlink()
        os.symlink(victim, shared / "plan.md")
        os.lchown(shared / "plan.md", CAROL[0], CAROL[1])
        before = plan.read_bytes()
        result = run_as(ALICE, "tick", plan, "a-1", "--by", "alice")
        one_line(result, "plan.md", "only they may replace it", "not saved")
        assert victim.read_text() == "precious\n"
        assert plan.read_bytes() == before

    def test_a_file_with_other_hard_links_is_replaced_not_written_through(
        self, shared: Path
    ) -> None:
        """Alice's plan.md with a second name elsewhere: bob's save replaces plan.md, and
        the other name keeps what it held."""
        plan = alices_plan(shared)
        other = shared.parent / "other-name"
        os.link(shared / "plan.md", other)
        before = other.read_bytes()
        result = run_as(BOB, "tick", plan, "a-1", "--by", "bob")
        assert result.returncode == 0, result.stderr
        assert other.read_bytes() == before
        assert (shared / "plan.md").read_text() == render_markdown(store.load(plan).plan)


def big_plan(folder: Path, components: int) -> Path:
    """A plan of *components* components, alice's and her team's, 0660."""
    from rollback_tui.plan import new_plan

    plan = folder / "plan.toml"
    plan_file = store.new_file(plan, new_plan(components=[f"svc-{n}" for n in range(components)]))
    store.save(plan_file)
    for name in ("plan.toml", "plan.md"):
        os.chown(folder / name, ALICE[0], TEAM)
        os.chmod(folder / name, 0o660)
    return plan


class TestKilledMidSave:
    """kill -9 during bob's saves of alice's plan: the plan always loads, with the tick
    or without it, never torn."""

    def test_killed_half_way_through_each_write(self, shared: Path) -> None:
        """Bob's tick dies half-way through its 1st, 2nd, ... write until one finishes:
        after every death alice's plan loads, and the tick is all there or not at all."""
        plan = alices_plan(shared)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "HOME": "/tmp"}
        for nth in range(1, 40):
            before = done(plan)
            item = f"b-{nth % 5 + 1}" if nth % 2 else f"a-{nth % 4 + 1}"
            tick = subprocess.run(
                as_user(
                    BOB,
                    str(nth),
                    "tick",
                    plan,
                    item,
                    "--undo" if item in before else "--by=bob",
                    "--irreversible",  # b-4, the database step, cannot be undone
                    code=DIES_MID_WRITE,
                ),
                capture_output=True,
                text=True,
                timeout=60,
                env=env,
            )
            store.load(plan)  # raises if torn
            assert done(plan) in (before, before ^ {item}), (nth, tick.stderr)
            assert owner(plan)[1:] == (TEAM, 0o660)
            if tick.returncode == 0:
                assert nth > 2, "the save wrote nothing"
                return
            assert tick.returncode == -9, (nth, tick.returncode, tick.stderr)
        raise AssertionError("every tick died: more writes than expected")

    def test_no_kill_leaves_a_plan_that_does_not_load(self, shared: Path) -> None:
        import random

        plan = big_plan(shared, 500)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "HOME": "/tmp"}
        started = time.monotonic()
        first = run_as(BOB, "tick", plan, "svc-0-1", "--by", "bob")
        assert first.returncode == 0, first.stderr
        took = time.monotonic() - started
        chance = random.Random(11)
        for n in range(1, 7):
            before = store.load(plan).plan
            ticked = {i.id for _, _, i in before.checklist() if i.done}
            bob = subprocess.Popen(
                as_user(BOB, "tick", plan, f"svc-{n}-1", "--by", "bob"),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=env,
            )
            time.sleep(chance.uniform(0.2, 1.0) * took)
            bob.kill()
            bob.wait(timeout=30)
            after = store.load(plan).plan  # raises if torn
            now = {i.id for _, _, i in after.checklist() if i.done}
            assert now in (ticked, ticked | {f"svc-{n}-1"}), n
            assert owner(plan)[1:] == (TEAM, 0o660)
