"""Responders in two clones: git merges plan files with `rollback-tui merge-driver`, set up by
`rollback-tui git-setup`. Real git repositories in tmp_path, a bare one as the remote."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from save_spies import components_compared

from rollback_tui import store
from rollback_tui.cli import main
from rollback_tui.git import configure as git_setup
from rollback_tui.git import driver
from rollback_tui.plan import new_plan
from rollback_tui.plan.timeline import record, set_done
from rollback_tui.render import render_markdown

T0 = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)
COMMENT = "# Kept by every merge: the team's own note.\n"


def at(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(repo.parent),
        "GIT_TERMINAL_PROMPT": "0",
    }
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=check, env=env
    )


def clone(remote: Path, name: str) -> Path:
    path = remote.parent / name
    git(remote.parent, "clone", "-q", str(remote), name)
    git(path, "config", "user.name", name)
    git(path, "config", "user.email", f"{name}@example.com")
    git(path, "config", "pull.rebase", "false")
    result = CliRunner().invoke(main, ["git-setup", "-C", str(path)])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    """A bare remote holding a plan (with a comment, set up for the driver)."""
    seed = tmp_path / "seed"
    seed.mkdir()
    git(seed, "init", "-q", "-b", "main")
    git(seed, "config", "user.name", "seed")
    git(seed, "config", "user.email", "seed@example.com")
    plan_file = store.new_file(
        seed / "plan.toml", new_plan(title="Checkout v2", components=["api"])
    )
    store.save(plan_file, force=True)
    (seed / "plan.toml").write_text(COMMENT + (seed / "plan.toml").read_text("utf-8"))
    store.save(store.load(seed / "plan.toml"), force=True)  # plan.md as a save writes it
    git(seed, "add", "plan.toml", "plan.md")
    git(seed, "commit", "-qm", "The plan")
    result = CliRunner().invoke(main, ["git-setup", "-C", str(seed)])
    assert result.exit_code == 0, result.output
    git(seed, "add", ".gitattributes")
    git(seed, "commit", "-qm", "Plans merged by item id")
    bare = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(seed), str(bare))
    return bare


def change(repo: Path, message: str, edit: Callable[[store.Plan], object]) -> None:
    """Load the clone's plan, edit it, save it (plan.md too) and commit both."""
    plan_file = store.load(repo / "plan.toml")
    edit(plan_file.plan)
    store.save(plan_file)
    git(repo, "commit", "-qam", message)


def subject(repo: Path) -> str:
    return git(repo, "log", "-1", "--format=%s").stdout.strip()


def loaded(repo: Path) -> store.Plan:
    return store.load(repo / "plan.toml").plan


class TestTwoClones:
    """Two responders tick in their own clones, then pull each other's work."""

    @pytest.mark.parametrize("rebase", [False, True], ids=["merge", "rebase"])
    def test_different_items_and_a_note_merge_cleanly(self, remote: Path, rebase: bool) -> None:
        """All ticks and notes are present once, in time order; plan.md re-rendered."""
        sam, lee = clone(remote, "sam"), clone(remote, "lee")
        change(
            sam,
            "sam ticks a-1",
            lambda p: (
                set_done(p, "a-1", True, "sam", at=at(1)),
                record(p, "note", "sam", text="paged the DBA", at=at(3)),
            ),
        )
        git(sam, "push", "-q")
        change(lee, "lee ticks b-1", lambda p: set_done(p, "b-1", True, "lee", at=at(2)))
        pulled = git(lee, "pull", "--rebase" if rebase else "--no-rebase", "--no-edit", check=False)
        assert pulled.returncode == 0, pulled.stderr
        assert "CONFLICT" not in pulled.stdout + pulled.stderr
        assert "merged by item id" in pulled.stderr
        plan = loaded(lee)
        a1, b1 = plan.item("a-1"), plan.item("b-1")
        assert a1 is not None and (a1.done, a1.done_at, a1.done_by) == (True, at(1), "sam")
        assert b1 is not None and (b1.done, b1.done_at, b1.done_by) == (True, at(2), "lee")
        assert [(e.event, e.item or e.text, e.by) for e in plan.timeline] == [
            ("tick", "a-1", "sam"),
            ("tick", "b-1", "lee"),
            ("note", "paged the DBA", "sam"),
        ]
        text = (lee / "plan.toml").read_text("utf-8")
        assert text.startswith(COMMENT)  # ours' comments and layout kept
        assert (lee / "plan.md").read_text("utf-8") == render_markdown(plan)

    def test_same_item_ticked_on_both_sides_is_merged_once(self, remote: Path) -> None:
        """Ticked in both clones: one tick, the earliest; both ticks in the timeline."""
        sam, lee = clone(remote, "sam"), clone(remote, "lee")
        change(sam, "sam ticks b-2", lambda p: set_done(p, "b-2", True, "sam", at=at(5)))
        git(sam, "push", "-q")
        change(lee, "lee ticks b-2", lambda p: set_done(p, "b-2", True, "lee", at=at(4)))
        pulled = git(lee, "pull", "--no-edit", check=False)
        assert pulled.returncode == 0, pulled.stderr
        plan = loaded(lee)
        item = plan.item("b-2")
        assert item is not None and (item.done_at, item.done_by) == (at(4), "lee")
        assert [(e.item, e.by) for e in plan.timeline] == [("b-2", "lee"), ("b-2", "sam")]
        text = (lee / "plan.toml").read_text("utf-8")
        assert text.count('id = "b-2"') == 1

    def test_title_changed_on_both_sides_is_a_conflict_git_shows(self, remote: Path) -> None:
        """Exit 1 from the driver: git reports the conflict, markers around the title only;
        the ticks of both sides are merged in the file all the same."""
        sam, lee = clone(remote, "sam"), clone(remote, "lee")

        def sam_edit(plan: store.Plan) -> None:
            plan.title = "Checkout v2 (payments)"
            set_done(plan, "a-1", True, "sam", at=at(1))

        change(sam, "sam retitles", sam_edit)
        git(sam, "push", "-q")

        def lee_edit(plan: store.Plan) -> None:
            plan.title = "Checkout v2.1"
            set_done(plan, "b-1", True, "lee", at=at(2))

        change(lee, "lee retitles", lee_edit)
        pulled = git(lee, "pull", "--no-edit", check=False)
        assert pulled.returncode != 0
        assert "CONFLICT (content): Merge conflict in plan.toml" in pulled.stdout
        assert "both sides changed title" in pulled.stderr
        assert git(lee, "status", "--porcelain").stdout.splitlines()[0] == "UU plan.toml"
        text = (lee / "plan.toml").read_text("utf-8")
        ours_at = text.index('<<<<<<< plan.toml (ours)\ntitle = "Checkout v2.1"\n')
        theirs_at = text.index('=======\ntitle = "Checkout v2 (payments)"\n>>>>>>> ')
        assert ours_at < theirs_at and text.count("<<<<<<<") == 1
        # Resolving the title by hand leaves a plan with both sides' ticks.
        lines = text.splitlines(keepends=True)
        start = next(i for i, line in enumerate(lines) if line.startswith("<<<<<<<"))
        end = next(i for i, line in enumerate(lines) if line.startswith(">>>>>>>"))
        lines[start : end + 1] = ['title = "Checkout v2.1"\n']
        (lee / "plan.toml").write_text("".join(lines), "utf-8")
        plan = loaded(lee)
        assert [e.item for e in plan.timeline] == ["a-1", "b-1"]


class TestNothingDroppedSilently:
    """A "clean" merge keeps everything both sides wrote: a tick on a step the other side
    removed is a conflict; the comments and keys rollback-tui does not know, from both
    sides, stay."""

    def test_a_tick_on_a_step_removed_there_is_a_conflict(self, remote: Path) -> None:
        """sam removed b-3, lee ticked it: CONFLICT, the tick shown between the markers."""

        def remove(plan: store.Plan) -> None:
            plan.procedure.option_b = [i for i in plan.procedure.option_b if i.id != "b-3"]

        sam, lee = clone(remote, "sam"), clone(remote, "lee")
        change(sam, "sam removes b-3", remove)
        git(sam, "push", "-q")
        change(lee, "lee ticks b-3", lambda p: set_done(p, "b-3", True, "lee", at=at(2)))
        pulled = git(lee, "pull", "--no-edit", check=False)
        assert pulled.returncode != 0
        assert "CONFLICT (content): Merge conflict in plan.toml" in pulled.stdout
        assert "item b-3" in pulled.stderr
        text = (lee / "plan.toml").read_text("utf-8")
        ours = text[text.index("<<<<<<< plan.toml (ours)") : text.index("=======")]
        assert 'id = "b-3"' in ours and 'done_by = "lee"' in ours, text

    @pytest.mark.parametrize("rebase", [False, True], ids=["merge", "rebase"])
    def test_comments_and_unknown_keys_of_both_sides_are_kept(
        self, remote: Path, rebase: bool
    ) -> None:
        """Each side adds a comment and keys rollback-tui does not know (at the top and in
        an item), and ticks: the merge holds all of them, and both ticks."""
        sam, lee = clone(remote, "sam"), clone(remote, "lee")

        def hand_edit(repo: Path, who: str, after: str, item: str) -> None:
            path = repo / "plan.toml"
            text = path.read_text("utf-8")
            text = text.replace(after, f"{after}# {who} was here\n{who}_key = 1\n", 1)
            at_item = text.index(f'id = "{item}"\n') + len(f'id = "{item}"\n')
            text = (
                f'{text[:at_item]}{who}_ticket = "OPS-{who}"  # {who} on {item}\n{text[at_item:]}'
            )
            path.write_text(text, "utf-8")

        hand_edit(sam, "sam", "schema_version = 1\n", "b-1")
        change(sam, "sam ticks a-1", lambda p: set_done(p, "a-1", True, "sam", at=at(1)))
        git(sam, "push", "-q")
        hand_edit(lee, "lee", "db_impact = false\n", "b-4")
        change(lee, "lee ticks b-2", lambda p: set_done(p, "b-2", True, "lee", at=at(2)))
        pulled = git(lee, "pull", "--rebase" if rebase else "--no-rebase", "--no-edit", check=False)
        assert pulled.returncode == 0, pulled.stdout + pulled.stderr
        text = (lee / "plan.toml").read_text("utf-8")
        for who, item in (("sam", "b-1"), ("lee", "b-4")):
            assert f"# {who} was here\n{who}_key = 1\n" in text, text
            assert f'id = "{item}"\n{who}_ticket = "OPS-{who}"  # {who} on {item}\n' in text
        assert text.startswith(COMMENT)
        plan_file = store.load(lee / "plan.toml")
        assert sorted(k.rsplit(".", 1)[-1] for k in plan_file.unknown_keys) == [
            "lee_key",
            "lee_ticket",
            "sam_key",
            "sam_ticket",
        ]
        assert [(e.item, e.by) for e in plan_file.plan.timeline] == [("a-1", "sam"), ("b-2", "lee")]


class TestResetOnOneSide:
    """One side reset the plan (a new run) while the other ticked the old run: the merge
    keeps the new run; the old run's ticks go to its archive here, or conflict."""

    def test_old_run_ticks_go_to_the_archive_here(self, remote: Path) -> None:
        """lee reset (the archive is in lee's plan.runs/); sam ticked the old run and
        pushed: lee's pull keeps the new, empty run and puts sam's tick in the archive."""
        from rollback_tui.store import runs

        sam, lee = clone(remote, "sam"), clone(remote, "lee")
        change(lee, "lee ticks b-1", lambda p: set_done(p, "b-1", True, "lee", at=at(1)))
        git(lee, "push", "-q")
        git(sam, "pull", "-q", "--no-edit")
        change(sam, "sam ticks a-1", lambda p: set_done(p, "a-1", True, "sam", at=at(2)))
        git(sam, "push", "-q")
        result = runs.reset(lee / "plan.toml", "INC-1", at(3))
        assert result.archive is not None
        git(lee, "commit", "-qam", "lee resets")
        new_run = loaded(lee).run_id
        pulled = git(lee, "pull", "--no-rebase", "--no-edit", check=False)
        assert pulled.returncode == 0, pulled.stdout + pulled.stderr
        assert "old run" in pulled.stderr and result.archive.name in pulled.stderr
        plan = loaded(lee)
        assert plan.run_id == new_run and plan.timeline == []
        assert not any(item.done for _, _, item in plan.checklist())
        archived = store.load(result.archive).plan
        assert [(e.item, e.by) for e in archived.timeline] == [("b-1", "lee"), ("a-1", "sam")]
        a1 = archived.item("a-1")
        assert a1 is not None and a1.done_by == "sam"

    def test_no_archive_here_is_a_conflict(self, remote: Path) -> None:
        """lee reset and pushed (the archive stays in lee's clone); sam ticked the old run:
        sam's pull conflicts, saying why, and sam's file is kept as it was (no mix of two
        runs); nothing is dropped."""
        from rollback_tui.store import runs

        sam, lee = clone(remote, "sam"), clone(remote, "lee")
        change(lee, "lee ticks b-1", lambda p: set_done(p, "b-1", True, "lee", at=at(1)))
        runs.reset(lee / "plan.toml", "INC-1", at(3))
        git(lee, "commit", "-qam", "lee resets")
        git(lee, "push", "-q")
        change(sam, "sam ticks a-1", lambda p: set_done(p, "a-1", True, "sam", at=at(2)))
        pulled = git(sam, "pull", "--no-rebase", "--no-edit", check=False)
        assert pulled.returncode != 0
        assert "CONFLICT (content): Merge conflict in plan.toml" in pulled.stdout
        assert "theirs reset the plan" in pulled.stderr and "ours holds the old" in pulled.stderr
        assert "no archive here in plan.runs/" in pulled.stderr
        plan = loaded(sam)
        assert plan.run_id == "" and [(e.item, e.by) for e in plan.timeline] == [("a-1", "sam")]
        assert git(sam, "merge", "--abort", check=False).returncode == 0
        assert subject(sam) == "sam ticks a-1"


class TestSyncWithoutUpstream:
    """run --git in a clone whose branch tracks nothing: the remote's branch of the same
    name is pulled first, then the tick pushed on top; never pushed over or refused."""

    def test_the_remote_branch_is_tracked_pulled_and_pushed_to(self, remote: Path) -> None:
        from rollback_tui.git.workflow import GitSync

        sam, lee = clone(remote, "sam"), clone(remote, "lee")
        change(lee, "lee ticks b-1", lambda p: set_done(p, "b-1", True, "lee", at=at(2)))
        git(lee, "push", "-q")
        git(sam, "branch", "--unset-upstream")
        plan_file = store.load(sam / "plan.toml")
        set_done(plan_file.plan, "a-1", True, "sam", at=at(1))
        store.save(plan_file)
        result = GitSync(sam / "plan.toml").sync("sam: ticked a-1")
        assert (result.committed, result.pushed, result.remote, result.problem) == (
            True,
            True,
            "origin/main",
            None,
        )
        shown = git(remote, "show", "main:plan.toml").stdout
        assert 'done_by = "lee"' in shown and 'done_by = "sam"' in shown

    def test_a_new_branch_is_pushed_and_tracked(self, remote: Path) -> None:
        from rollback_tui.git.workflow import GitSync

        sam = clone(remote, "sam")
        git(sam, "checkout", "-q", "-b", "incident-42")
        plan_file = store.load(sam / "plan.toml")
        set_done(plan_file.plan, "a-1", True, "sam", at=at(1))
        store.save(plan_file)
        result = GitSync(sam / "plan.toml").sync("sam: ticked a-1")
        assert (result.pushed, result.remote) == (True, "origin/incident-42")
        assert 'done_by = "sam"' in git(remote, "show", "incident-42:plan.toml").stdout


class TestUnreachableRemote:
    """run --git with a remote that cannot be reached: git's error said in a line that
    reads, not the last line of its advice."""

    def test_the_error_is_gits_own(self, remote: Path, tmp_path: Path) -> None:
        from rollback_tui.git.workflow import GitSync

        sam = clone(remote, "sam")
        gone = tmp_path / "gone.git"
        git(sam, "remote", "set-url", "origin", str(gone))
        plan_file = store.load(sam / "plan.toml")
        set_done(plan_file.plan, "a-1", True, "sam", at=at(1))
        store.save(plan_file)
        result = GitSync(sam / "plan.toml").sync("sam: ticked a-1")
        assert result.committed and not result.pushed
        assert result.problem is not None
        assert "does not appear to be a git repository" in result.problem, result.problem
        assert "and the repository exists" not in result.problem

    def test_progress_redrawn_with_carriage_returns_counts_as_its_last_state(self) -> None:
        from rollback_tui.git.workflow import _why

        output = "Counting objects:  50%\rCounting objects: 100%\r\nerror: failed to push\n"
        assert _why(output) == "error: failed to push"


class TestSyncRound:
    """One round of run --git: what it commits, and under which message."""

    def test_a_save_during_the_fetch_waits_for_its_own_commit(
        self, remote: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A tick saved while the round fetches (no lock is held then) is not committed
        as "Re-render plan.md after merging": it stays for the next round's commit, which
        says who ticked what."""
        from rollback_tui.git.workflow import GitSync

        sam = clone(remote, "sam")
        change(sam, "sam ticks a-1", lambda p: set_done(p, "a-1", True, "sam", at=at(1)))
        sync = GitSync(sam / "plan.toml")
        run_git = sync._git

        def tick_during_fetch(*args: str, **options: object) -> object:
            done = run_git(*args, **options)  # type: ignore[arg-type]
            if args[0] == "fetch":
                plan_file = store.load(sam / "plan.toml")
                set_done(plan_file.plan, "b-1", True, "sam", at=at(2))
                store.save(plan_file)
            return done

        monkeypatch.setattr(sync, "_git", tick_during_fetch)
        result = sync.sync("sam: ticked a-1")
        assert result.pushed and result.problem is None
        assert subject(sam) == "sam ticks a-1"
        assert git(sam, "status", "--porcelain", "--", "plan.toml").stdout.startswith(" M")
        assert sync.commit("sam: ticked b-1") and subject(sam) == "sam: ticked b-1"


class TestDriverAlone:
    """The driver called as git calls it, on three files."""

    def three(
        self,
        tmp_path: Path,
        ours_edit: Callable[[store.Plan], object],
        theirs_edit: Callable[[store.Plan], object],
    ) -> tuple[Path, ...]:
        base = store.new_file(tmp_path / "base.toml", new_plan(title="T", components=["api"]))
        store.save(base, force=True)
        paths = []
        for name, edit in (("ours", ours_edit), ("theirs", theirs_edit)):
            plan_file = store.load(base.path)
            edit(plan_file.plan)
            plan_file.path = tmp_path / f"{name}.toml"
            plan_file.identity = None
            store.save(plan_file, force=True)
            paths.append(plan_file.path)
        return base.path, *paths

    def driver(
        self, tmp_path: Path, base: Path, ours: Path, theirs: Path
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "rollback_tui",
                "merge-driver",
                str(base),
                str(ours),
                str(theirs),
                "plans/plan.toml",
            ],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            check=False,
        )

    def test_markdown_rerendered_next_to_the_path_in_the_worktree(self, tmp_path: Path) -> None:
        """%P names the plan in the working tree: its plan.md is written from the merge."""
        (tmp_path / "plans").mkdir()
        base, ours, theirs = self.three(
            tmp_path,
            lambda p: set_done(p, "a-1", True, "sam", at=at(1)),
            lambda p: record(p, "note", "lee", text="all clear", at=at(2)),
        )
        (tmp_path / "plans" / "plan.toml").write_bytes(ours.read_bytes())  # as git has it
        done = self.driver(tmp_path, base, ours, theirs)
        assert done.returncode == 0, done.stderr
        merged = store.load(ours).plan
        assert [e.event for e in merged.timeline] == ["tick", "note"]
        assert (tmp_path / "plans" / "plan.md").read_text("utf-8") == render_markdown(merged)

    def test_an_item_edited_here_and_ticked_there_keeps_both(self, tmp_path: Path) -> None:
        """Text is content, the tick is state: different fields of one item merge."""

        def ours(plan: store.Plan) -> None:
            item = plan.item("b-1")
            assert item is not None
            item.text = "Find the last good version in the deploy log"

        base, ours_path, theirs = self.three(
            tmp_path, ours, lambda p: set_done(p, "b-1", True, "lee", at=at(2))
        )
        assert self.driver(tmp_path, base, ours_path, theirs).returncode == 0
        item = store.load(ours_path).plan.item("b-1")
        assert item is not None and item.done and item.text.startswith("Find the last")

    def test_items_added_on_both_sides_are_all_kept(self, tmp_path: Path) -> None:
        """New follow-up items from each side, with their own ids, all end in the plan."""

        def add(text: str) -> Callable[[store.Plan], None]:
            def edit(plan: store.Plan) -> None:
                item = plan.new_item("fu", text)
                item.id = f"fu-{text}"
                plan.followup.items.append(item)

            return edit

        base, ours, theirs = self.three(tmp_path, add("ours"), add("theirs"))
        assert self.driver(tmp_path, base, ours, theirs).returncode == 0
        ids = [item.id for item in store.load(ours).plan.followup.items]
        assert ids[-2:] == ["fu-ours", "fu-theirs"]

    def test_removed_here_and_changed_there_is_a_conflict(self, tmp_path: Path) -> None:
        """An item deleted on one side and reworded on the other cannot be merged."""

        def remove(plan: store.Plan) -> None:
            plan.procedure.option_b = [i for i in plan.procedure.option_b if i.id != "b-3"]

        def reword(plan: store.Plan) -> None:
            item = plan.item("b-3")
            assert item is not None
            item.text = "Wait for every instance"

        base, ours, theirs = self.three(tmp_path, remove, reword)
        done = self.driver(tmp_path, base, ours, theirs)
        assert done.returncode == 1
        assert "item b-3" in done.stderr

    def test_a_file_that_is_not_a_plan_is_merged_as_text(self, tmp_path: Path) -> None:
        """pyproject.toml under a broad *.toml pattern: git's own text merge."""
        base, ours, theirs = (tmp_path / n for n in ("b.toml", "o.toml", "t.toml"))
        middle = "".join(f"k{i} = {i}\n" for i in range(4))
        base.write_text(f"[tool]\na = 1\n{middle}b = 2\n")
        ours.write_text(f"[tool]\na = 10\n{middle}b = 2\n")
        theirs.write_text(f"[tool]\na = 1\n{middle}b = 20\n")
        done = self.driver(tmp_path, base, ours, theirs)
        assert done.returncode == 0 and "not a plan file; merged as text" in done.stderr
        assert ours.read_text() == f"[tool]\na = 10\n{middle}b = 20\n"

    def test_a_plan_file_that_is_not_valid_is_merged_as_text(self, tmp_path: Path) -> None:
        """A plan (it has schema_version) whose values are not right on one side: merged as
        text, saying why; with the other side not a plan at all, that is said instead."""

        def retitle(plan: store.Plan) -> None:
            plan.title = "T2"

        base, ours, theirs = self.three(tmp_path, retitle, lambda plan: None)
        text = theirs.read_text()
        assert "\nschema_version = 1\n" in f"\n{text}"
        theirs.write_text(
            text.replace("schema_version = 1\n", "schema_version = 1\nreview_every = 0\n", 1)
        )
        done = self.driver(tmp_path, base, ours, theirs)
        assert "not a valid plan (" in done.stderr and "review_every" in done.stderr
        assert "merged as text" in done.stderr and "Traceback" not in done.stderr
        theirs.write_text("[tool]\na = 1\n")
        done = self.driver(tmp_path, base, ours, theirs)
        assert "not a plan file; merged as text" in done.stderr

    def test_each_version_is_parsed_once(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A clean merge reads each of the three versions once (each was parsed twice: once
        to see that it is a plan, once to load it), and the merged text once to check it."""
        from rollback_tui import toml_text

        def tick(plan: store.Plan) -> None:
            set_done(plan, "b-1", True, "alice", at=at(1))

        def note(plan: store.Plan) -> None:
            plan.title = "T2"

        base, ours, theirs = self.three(tmp_path, tick, note)
        parsed: list[int] = []
        real = toml_text.loads

        def counting(
            text: str, *, shallow: Callable[[str], bool] | None = None
        ) -> dict[str, object]:
            parsed.append(len(text))
            return real(text, shallow=shallow)

        monkeypatch.setattr(toml_text, "loads", counting)
        done = driver.merge_files(base, ours, theirs, "plan.toml")
        assert done.code == driver.CLEAN, done.message
        assert len(parsed) == 4
        merged = store.load(ours).plan
        assert merged.title == "T2" and merged.item("b-1").done  # type: ignore[union-attr]

    def test_a_missing_file_is_one_clear_line(self, tmp_path: Path) -> None:
        """Called by hand with a wrong path: exit 2, one line, no traceback."""
        plan = tmp_path / "plan.toml"
        store.save(store.new_file(plan, new_plan(title="T")), force=True)
        before = plan.read_bytes()
        done = self.driver(tmp_path, tmp_path / "gone.toml", plan, plan)
        assert done.returncode == 2
        assert done.stderr.count("\n") == 1 and "gone.toml: no such file" in done.stderr
        assert plan.read_bytes() == before


class TestGitSetup:
    """git-setup: the drivers in .git/config, the plans in .gitattributes, once."""

    def test_idempotent_and_says_what_changed(self, tmp_path: Path) -> None:
        """The first run lists its changes; the second changes nothing and says so."""
        repo = tmp_path / "repo"
        (repo / "ops").mkdir(parents=True)
        git(repo, "init", "-q")
        store.save(store.new_file(repo / "ops" / "my plan.toml", new_plan(title="T")), force=True)
        (repo / "pyproject.toml").write_text('[project]\nname = "x"\n')
        git(repo, "add", ".")
        first = CliRunner().invoke(main, ["git-setup", "-C", str(repo)])
        assert first.exit_code == 0, first.output
        assert 'Set .gitattributes: "/ops/my plan.toml" merge=rollback-plan' in first.output
        assert "pyproject" not in first.output
        assert "merge.rollback-plan.driver" in first.output
        assert "Set .git/info/exclude: *.toml.bak" in first.output
        attributes = (repo / ".gitattributes").read_text()
        second = CliRunner().invoke(main, ["git-setup", "-C", str(repo)])
        assert second.exit_code == 0
        assert second.output == "Already set up; nothing changed.\n"
        assert (repo / ".gitattributes").read_text() == attributes
        checked = git(
            repo,
            "check-attr",
            "merge",
            "--",
            "ops/my plan.toml",
            "ops/my plan.md",
            "pyproject.toml",
        ).stdout
        assert checked.splitlines() == [
            "ops/my plan.toml: merge: rollback-plan",
            "ops/my plan.md: merge: rollback-plan-markdown",
            "pyproject.toml: merge: unspecified",
        ]
        (repo / "ops" / "my plan.toml.bak").write_text("old")
        assert git(repo, "status", "--porcelain", "--ignored=no", "-uall").stdout.count(".bak") == 0
        driver = git(repo, "config", "merge.rollback-plan.driver").stdout
        assert driver.strip() == git_setup.driver_command()

    def test_outside_a_repository_is_one_clear_line(self, tmp_path: Path) -> None:
        """Not a git repository: exit 2, one line, nothing written."""
        result = CliRunner().invoke(main, ["git-setup", "-C", str(tmp_path)])
        assert result.exit_code == 2
        assert result.output.count("\n") == 1 and "rollback-tui: git" in result.output
        assert not (tmp_path / ".gitattributes").exists()


OSC = "\x1b]2;PWNED-TITLE\x07\x1b]52;c;cHduZWQK\x07"
"""Sets the terminal's title and clipboard, if printed raw."""
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\ud800-\udfff]")


def rollback_tui(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """rollback-tui as git or a user starts it: a child process; its raw output bytes."""
    return subprocess.run(
        [sys.executable, "-m", "rollback_tui", *args], capture_output=True, cwd=cwd, check=False
    )


class TestHostileNames:
    """File names holding escape sequences, or bytes that are not UTF-8: what git-setup and
    the merge driver print shows them (ESC as \\x1b), never sends them."""

    def test_git_setup_shows_the_names(self, tmp_path: Path) -> None:
        """Tracked plans named with OSC sequences and a non-UTF-8 byte: exit 0, each name
        written C-quoted in .gitattributes (git reads it back) and shown so; a plan outside
        the repository is one line naming it escaped (exit 2)."""
        repo = tmp_path / "repo"
        repo.mkdir()
        git(repo, "init", "-q")
        names = [f"p{OSC}.toml", os.fsdecode(b"plan\xff.toml")]
        for name in names:
            store.save(store.new_file(repo / name, new_plan(title="T")), force=True)
        git(repo, "add", ".")
        done = rollback_tui("git-setup", cwd=repo)
        out = done.stdout.decode("utf-8") + done.stderr.decode("utf-8")
        assert done.returncode == 0, out
        assert RAW.search(out) is None, out
        assert r'"/p\033]2;PWNED-TITLE\007' in out and r'"/plan\377.toml"' in out
        assert "\x1b" not in (repo / ".gitattributes").read_text("ascii")
        listed = subprocess.run(
            ["git", "-C", str(repo), "check-attr", "-z", "merge", "--", *names],
            capture_output=True,
            check=True,
        ).stdout.split(b"\0")
        assert listed[2::3] == [b"rollback-plan", b"rollback-plan"]
        outside = tmp_path / f"o{OSC}.toml"
        outside.write_text("")
        refused = rollback_tui("git-setup", str(outside), cwd=repo)
        said = refused.stdout.decode("utf-8") + refused.stderr.decode("utf-8")
        assert refused.returncode == 2 and said.count("\n") == 1, said
        assert RAW.search(said) is None and r"o\x1b]2;PWNED-TITLE\x07" in said, said

    def test_the_driver_shows_the_name(self, tmp_path: Path) -> None:
        """%P with OSC sequences: the driver's line on stderr shows it escaped."""
        base, ours, theirs = (tmp_path / n for n in ("base.toml", "ours.toml", "theirs.toml"))
        plan_file = store.new_file(base, new_plan(title="T"))
        store.save(plan_file, force=True)
        for path in (ours, theirs):
            path.write_bytes(base.read_bytes())
        done = rollback_tui(
            "merge-driver", str(base), str(ours), str(theirs), f"p{OSC}.toml", cwd=tmp_path
        )
        err = done.stderr.decode("utf-8")
        assert done.returncode == 0, err
        assert RAW.search(err) is None, err
        assert r"p\x1b]2;PWNED-TITLE\x07" in err


def test_a_merge_compares_with_the_text_only_the_components_that_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writing the merge into each side's text, a component the merge left as that side
    has it is not compared with the text: on a long plan those are nearly all of them."""
    plan = new_plan(title="T", components=[f"c{i}" for i in range(20)])
    paths = {}
    for side, item in (("base", None), ("ours", "c2-1"), ("theirs", "c7-1")):
        plan_file = store.new_file(tmp_path / f"{side}.toml", plan.model_copy(deep=True))
        if item is not None:
            set_done(plan_file.plan, item, True, "sam", at=at(1))
        store.save(plan_file, force=True)
        paths[side] = plan_file.path
    compared = components_compared(monkeypatch)
    outcome = driver.merge_files(paths["base"], paths["ours"], paths["theirs"], "plan.toml")
    assert outcome.code == driver.CLEAN, outcome.message
    merged = store.load(paths["ours"]).plan
    assert merged.item("c2-1").done and merged.item("c7-1").done  # type: ignore[union-attr]
    # Ours' text gets c7, theirs' c2: the other 19 are left unread. The two come out the
    # same, so the base's text is not written at all.
    assert sorted(compared) == ["c2", "c7"]
