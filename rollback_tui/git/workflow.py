"""`run --git`: every saved tick committed, then pulled (rebased) and pushed when the
repository has a remote. Headless and blocking: the checklist runs it in a thread.

A round: commit plan.toml and plan.md if they changed (one line: who did what); with a
remote, fetch, rebase the local commits onto it (the plan merge driver merges plan files
by item id; see git_setup), commit plan.md if the merge re-rendered it, and push. The
local steps hold the plan's lock, so that a save from the checklist never lands in the
middle of a rebase; the network steps do not. A tick is committed before anything
touches the network: a failed pull or push loses nothing, and the next round retries.

git runs in a process group of its own, so that a hang-up of the terminal never kills it
halfway through a rebase; stop() ends it instead (the app calls it when it ends, and a
hang-up first): git is told to stop and cleans up after itself, a rebase it left is
aborted, and the temporary files of a merge cut short are removed. Nothing git started
outlives the app.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import stat
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from rollback_tui import toml_text
from rollback_tui.plan.model import Plan, TimelineEvent
from rollback_tui.store import toml_scan

NETWORK_TIMEOUT = 60.0
"""Seconds a fetch or a push may take before it counts as failed (and is retried)."""
PUSH_ATTEMPTS = 2
"""A push rejected because someone pushed first is pulled and pushed again, this often."""
LOCAL_TIMEOUT = 120.0
"""Seconds a local step (a rebase, which runs the merge driver) may take: then it is ended
and undone, and the next round tries again. The plan's lock is held meanwhile."""
TERM_GRACE = 0.3
"""Seconds that git, told to stop (SIGTERM: it removes its temporary files), has before it
is killed."""
_MERGE_TEMP = re.compile(r"\.merge_file_[A-Za-z0-9]{6}|\.\.merge_file_[A-Za-z0-9]{6}\..+\.tmp")
"""git's copies of the three versions it gives a merge driver (in the top folder of the
working tree), and the temporary file of the driver's write over one of them."""


class GitError(Exception):
    """The plan is not in a git repository, or git cannot run."""


@dataclass(frozen=True)
class SyncResult:
    """What one round did."""

    committed: bool
    """A commit was made for the plan's changes."""
    pushed: bool
    """Every local commit is on the remote now."""
    remote: str | None
    """The upstream (``origin/main``), or None without a remote: nothing to push."""
    problem: str | None = None
    """Why the pull or the push did not go through (the commit is kept locally)."""


def describe(events: list[TimelineEvent], plan: Plan) -> str:
    """A one-line commit message for these timeline events: who did what."""
    verbs = {
        "tick": "ticked",
        "untick": "unticked",
        "skip": "skipped",
        "fail": "failed",
        "note": "added a note",
        "incident-start": "marked the incident start",
        "update-sent": "sent a status update",
        "command": "ran the command of",
    }
    parts: list[str] = []
    people: list[str] = []
    for event in events:
        who = event.by or "someone"
        if who not in people:
            people.append(who)
        what = verbs.get(event.event, event.event)
        if event.item:
            item = plan.item(event.item)
            what += f" {event.item}" + (
                f" ({item.text})" if item is not None and item.text and len(events) == 1 else ""
            )
        parts.append(what)
    if not parts:
        return "Plan saved"
    line = f"{', '.join(people)}: {', '.join(dict.fromkeys(parts))}"
    line = " ".join(line.split())  # one line, whatever a note or a step says
    return line if len(line) <= 72 else line[:71] + "…"


def _why(output: str) -> str:
    """What git's output says went wrong, in a line: the remote's own words and the
    rejected ref if any, else git's (and ssh's) error lines, else the last line. A line
    redrawn with carriage returns (progress) counts as its last state."""
    lines = [
        shown.strip()
        for line in output.strip().split("\n")
        if (shown := line.rstrip("\r").split("\r")[-1]).strip()
    ]
    said = [
        line.removeprefix("remote:").strip()
        for line in lines
        if line.startswith("remote:") and line.removeprefix("remote:").strip()
    ]
    rejected = [line for line in lines if "rejected]" in line]
    found = said[-2:] + rejected[:1]
    if not found:
        # "fatal: Could not read from remote repository." is followed by advice ("Please
        # make sure you have the correct access rights / and the repository exists."):
        # the errors say what happened, the advice's last line does not.
        found = [line for line in lines if line.startswith(("fatal:", "error:", "ssh:"))][:2]
    return " · ".join(found) if found else (lines[-1] if lines else "failed")


class GitSync:
    """Commits, pulls and pushes one plan's files."""

    def __init__(self, plan_path: Path) -> None:
        self.plan_path = Path(os.path.realpath(plan_path))
        self.folder = self.plan_path.parent
        self._guard = threading.Lock()
        self.stopped = threading.Event()
        """Set by stop(): git is not started again."""
        self._running: subprocess.Popen[str] | subprocess.Popen[bytes] | None = None
        """The git running now (in its own process group), if any."""
        done = self._git("rev-parse", "--show-toplevel", check=False)
        if done.returncode != 0:
            raise GitError(f"{self.folder} is not in a git repository")
        self.top = Path(done.stdout.strip())
        self.rewriting = threading.Event()
        """Set while a rebase rewrites the plan's files: what they hold is not final."""
        git_dir = self._git("rev-parse", "--absolute-git-dir").stdout.strip()
        self._rebase_folders = (Path(git_dir, "rebase-merge"), Path(git_dir, "rebase-apply"))
        self._rebase_ours = False
        """A rebase this started is not finished or undone yet."""
        self._rebase_since: float | None = None
        """When the last rebase started (time.time()): the merge's temporary files that
        may be removed are no older."""

    def _git(
        self, *args: str, check: bool = True, timeout: float = LOCAL_TIMEOUT
    ) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_EDITOR": "true"}
        env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")  # never ask on the terminal
        with self._guard:
            if self.stopped.is_set():
                raise GitError(f"git {args[0]}: stopped (the app is ending)")
            try:
                process = subprocess.Popen(
                    ["git", "-C", str(self.folder), *args],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                    errors="replace",
                    env=env,
                    start_new_session=True,  # a hang-up of the terminal is not git's
                )
            except OSError as exc:
                raise GitError(f"cannot run git: {exc.strerror or exc}") from None
            self._running = process
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _end_group(process, TERM_GRACE)
            raise GitError(f"git {args[0]}: no answer within {timeout:.0f} s") from None
        finally:
            with self._guard:
                self._running = None
        done = subprocess.CompletedProcess(process.args, process.returncode, out, err)
        if self.stopped.is_set():
            raise GitError(f"git {args[0]}: stopped (the app is ending)")
        if check and done.returncode != 0:
            raise GitError(f"git {args[0]}: {_why(done.stderr or done.stdout)}")
        return done

    def stop(self, deadline: float) -> None:
        """End whatever git is doing, for good, by *deadline* (time.monotonic()): the git
        running is told to stop (and killed if it does not), a rebase it leaves half done
        is aborted (local commits kept, the working tree as before it), and the temporary
        files of a merge cut short are removed. Safe from any thread, and more than once;
        no git runs after it."""
        with self._guard:
            self.stopped.set()
            process = self._running
        if process is not None:
            _end_group(process, min(TERM_GRACE, max(0.05, deadline - time.monotonic())))
        if self._rebase_ours and self._rebasing():
            with contextlib.suppress(OSError, subprocess.SubprocessError):
                aborting: subprocess.Popen[bytes] = subprocess.Popen(
                    ["git", "-C", str(self.folder), "rebase", "--abort"],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                )
                with self._guard:
                    self._running = aborting
                try:
                    if aborting.wait(max(0.05, deadline - time.monotonic())) == 0:
                        self._rebase_ours = False
                except subprocess.TimeoutExpired:
                    _end_group(aborting, 0.05)
        self._remove_merge_temps()

    def kill_now(self) -> None:
        """The process ends now: kill the git running, if any (no waiting)."""
        self.stopped.set()
        process = self._running
        if process is not None and process.poll() is None:
            with contextlib.suppress(OSError):
                os.killpg(process.pid, signal.SIGKILL)

    def _undo_rebase(self) -> None:
        """git rebase --abort, for a rebase of ours that stopped (the local commits are
        kept), and the temporary files of a merge it cut short removed. If the app is
        ending, stop() does it."""
        try:
            if self._git("rebase", "--abort", check=False).returncode == 0:
                self._rebase_ours = False
        except GitError:
            return
        self._remove_merge_temps()

    def _rebasing(self) -> bool:
        """Whether a rebase is under way in the repository."""
        return any(folder.exists() for folder in self._rebase_folders)

    def _remove_merge_temps(self) -> None:
        """Remove what a merge cut short left: git's copies for the merge driver in the
        top folder (made since our rebase started), and the driver's temporary files there
        and beside the plan (their process gone)."""
        from rollback_tui.store import file_safety

        since = self._rebase_since
        if since is None:
            return  # no rebase of ours: nothing of it to remove
        with contextlib.suppress(OSError):
            for entry in os.scandir(self.top):
                if not _MERGE_TEMP.fullmatch(entry.name):
                    continue
                with contextlib.suppress(OSError):
                    st = entry.stat(follow_symlinks=False)
                    if stat.S_ISREG(st.st_mode) and st.st_mtime >= since:
                        os.unlink(entry.path)
        names = [self.plan_path.name, self.plan_path.with_suffix(".md").name]
        file_safety.clean_stale_temps(self.folder, names)

    def _files(self) -> list[str]:
        names = [self.plan_path.name]
        markdown = self.plan_path.with_suffix(".md")
        ignored = self._git("check-ignore", "-q", "--", markdown.name, check=False)
        if markdown.exists() and not markdown.is_symlink() and ignored.returncode != 0:
            names.append(markdown.name)  # unless the repository keeps the Markdown out
        logs = f"{self.plan_path.stem}.runs/logs"  # the commands' logs (commands/log_file.py)
        folder = self.folder / logs
        if folder.is_dir() and not folder.is_symlink() and not folder.parent.is_symlink():
            ignored = self._git("check-ignore", "-q", "--", logs, check=False)
            if ignored.returncode != 0:  # unless the repository keeps the logs out
                names.append(logs)
        return names

    def commit(self, message: str) -> bool:
        """Commit the plan's files if they changed; True if a commit was made.
        The caller holds the plan's lock."""
        files = self._files()
        self._git("add", "--", *files)
        if self._git("diff", "--cached", "--quiet", "--", *files, check=False).returncode == 0:
            return False
        # --no-verify: a tick is committed even if a hook (`check` on the plan) objects.
        self._git("commit", "-q", "--no-verify", "-m", message, "--", *files)
        return True

    def committed_plan(self) -> Plan | None:
        """The plan as the last commit holds it (None if it cannot be read)."""
        done = self._git("show", f"HEAD:./{self.plan_path.name}", check=False)
        if done.returncode != 0 or toml_scan.long_key(done.stdout) is not None:
            return None
        try:
            return Plan.model_validate(toml_text.loads(done.stdout))
        except (toml_text.TOMLDecodeError, ValueError, RecursionError):
            return None

    def upstream(self) -> str | None:
        done = self._git("rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}", check=False)
        return done.stdout.strip() if done.returncode == 0 else None

    def sync(self, message: str) -> SyncResult:
        """One round: commit, then pull and push if there is a remote. Never raises for a
        network or merge problem: it is in the result, and the commit stays local."""
        from rollback_tui.store.lock import CLI_LOCK_TIMEOUT, plan_lock

        with plan_lock(self.plan_path, CLI_LOCK_TIMEOUT):
            committed = self.commit(message)
        upstream = self.upstream()
        if upstream is None:
            remotes = self._git("remote", check=False).stdout.split()
            if not remotes:
                return SyncResult(committed, False, None)
            remote = "origin" if "origin" in remotes else remotes[0]
            try:
                upstream = self._track(remote)
                if upstream is None:  # a branch the remote does not have yet
                    self._git("push", "-q", "-u", remote, "HEAD", timeout=NETWORK_TIMEOUT)
                    return SyncResult(committed, True, self.upstream() or remote)
            except GitError as exc:
                return SyncResult(committed, False, remote, f"push to {remote}: {exc}")
        problem = None
        for _ in range(PUSH_ATTEMPTS):
            try:
                self._pull(upstream)
                if self._ahead(upstream):
                    self._git("push", "-q", timeout=NETWORK_TIMEOUT)
            except GitError as exc:
                problem = str(exc)
                continue
            return SyncResult(committed, True, upstream)
        return SyncResult(committed, False, upstream, problem)

    def _track(self, remote: str) -> str | None:
        """A branch with no upstream: if *remote* has a branch of its name, it becomes the
        upstream (its commits are pulled before ours are pushed, never pushed over);
        None if it has none."""
        branch = self._git("symbolic-ref", "-q", "--short", "HEAD", check=False).stdout.strip()
        if not branch:
            return None
        self._git("fetch", "-q", remote, timeout=NETWORK_TIMEOUT)
        ref = f"refs/remotes/{remote}/{branch}"
        if self._git("rev-parse", "-q", "--verify", ref, check=False).returncode != 0:
            return None
        self._git("branch", "-q", f"--set-upstream-to={remote}/{branch}")
        return f"{remote}/{branch}"

    def _ahead(self, upstream: str) -> int:
        done = self._git("rev-list", "--count", f"{upstream}..HEAD")
        return int(done.stdout.strip() or 0)

    def _pull(self, upstream: str) -> None:
        """git pull --rebase, in two steps: fetch without the lock, rebase with it."""
        from rollback_tui.store.lock import CLI_LOCK_TIMEOUT, plan_lock

        self._git("fetch", "-q", timeout=NETWORK_TIMEOUT)
        with plan_lock(self.plan_path, CLI_LOCK_TIMEOUT):
            self.rewriting.set()
            try:
                self._rebase(upstream)
            finally:
                self.rewriting.clear()

    def _rebase(self, upstream: str) -> None:
        self._rebase_ours = True  # until it is done or undone: stop() undoes it otherwise
        self._rebase_since = time.time() - 1.0  # file times are not finer everywhere
        try:
            rebased = self._git("rebase", "-q", "--autostash", upstream, check=False)
        except GitError:  # no answer in time (it was ended), or stopped
            self._undo_rebase()
            raise
        if rebased.returncode != 0:
            self._undo_rebase()
            lines = (rebased.stdout + rebased.stderr).strip().splitlines()
            conflict = next((line for line in lines if "CONFLICT" in line), None)
            raise GitError(
                f"pull --rebase from {upstream} stopped: "
                f"{conflict or (lines[-1] if lines else 'failed')}; "
                "your commits are kept here: merge them by hand"
            )
        self._rebase_ours = False
        # The merge driver re-renders plan.md beside the merged plan. A save that came in
        # during the fetch (autostashed over the rebase) is not this: the next round
        # commits it, plan.md with it, saying who did what.
        saved_since = self._git("diff", "--quiet", "HEAD", "--", self.plan_path.name, check=False)
        if saved_since.returncode == 0:
            self.commit(f"Re-render {self.plan_path.with_suffix('.md').name} after merging")


def _end_group(process: subprocess.Popen[str] | subprocess.Popen[bytes], grace: float) -> None:
    """End *process* and everything it started (its own process group): told to stop
    (SIGTERM, on which git removes its temporary files and locks), killed after *grace*
    seconds if it has not."""
    for signum, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, grace)):
        if process.poll() is not None:
            break
        try:
            os.killpg(process.pid, signum)
        except OSError:
            break
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(wait)
    with contextlib.suppress(OSError):
        os.killpg(process.pid, signal.SIGKILL)  # what it started, should any be left
