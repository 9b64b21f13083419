"""`run --git` in the app: each saved tick handed to git_sync in a thread, never blocking
the checklist; what went wrong shown in a notification, a failed push retried."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from textual.app import App
from textual.timer import Timer

from rollback_tui.git.workflow import GitError, GitSync, SyncResult, describe
from rollback_tui.plan.model import Plan, TimelineEvent
from rollback_tui.run import events
from rollback_tui.run.session import RunSession
from rollback_tui.ui.keeper import PlanKeeper

RETRY_SECONDS = 30.0
"""How long after a failed pull or push the next try is made."""
PULL_SECONDS = 30.0
"""How often the checklist pulls, between ticks, to show the ticks others pushed."""


def _key(event: TimelineEvent) -> str:
    return json.dumps(event.model_dump(mode="json"), sort_keys=True)


class GitWorker:
    """Commits (and pulls and pushes) the plan after each save, one round at a time."""

    def __init__(
        self,
        keeper: PlanKeeper,
        plan_path: Path,
        plan: Plan,
        *,
        retry_seconds: float = RETRY_SECONDS,
        pull_seconds: float = PULL_SECONDS,
    ) -> None:
        self.keeper = keeper
        self.app: App[Any] = keeper.app
        self.plan_path = plan_path
        self.sync = GitSync(plan_path)  # raises GitError outside a repository
        keeper.children.append(self.sync)  # stopped on a hang-up, and when the app ends
        self.retry_seconds = retry_seconds
        self.pull_seconds = pull_seconds
        self._pulling: Timer | None = None
        self._seen = {_key(e) for e in plan.timeline}
        """The timeline events already described in a commit message."""
        self._messages: list[str] = []
        self._busy = False
        self._retry: Timer | None = None
        self.failures = 0
        """Rounds in a row whose pull or push failed (0: all pushed)."""
        self.rounds = 0
        """Rounds finished, for the tests."""

    @property
    def rewriting(self) -> bool:
        """A rebase is rewriting the plan's files: do not read them now."""
        return self.sync.rewriting.is_set()

    def start(self, session: RunSession) -> None:
        """The checklist of *session* is on screen: a first round (pull what others pushed,
        commit what changed before), then a pull every pull_seconds between ticks; each
        save of the session is committed, and the session reads no file mid-rebase."""
        if self._pulling is not None:
            return
        session.listen(self.heard)
        session.reads_paused = lambda: self.rewriting
        self._messages.append("Changes made before the checklist opened")
        self._start()
        self._pulling = self.app.set_interval(self.pull_seconds, self._pull_now)

    def _pull_now(self) -> None:
        if not self._busy and self._retry is None:
            self._start()

    def heard(self, event: events.RunEvent) -> None:
        """The session saved: commit (and push) in the background."""
        if isinstance(event, events.Saved):
            self.plan_saved(event.plan)

    def plan_saved(self, plan: Plan) -> None:
        """The checklist saved *plan*: commit it, with who did what since the last save."""
        new = [e for e in plan.timeline if _key(e) not in self._seen]
        self._seen.update(_key(e) for e in new)
        self._messages.append(describe(new, plan))
        self._start()

    def _start(self) -> None:
        if self._busy:
            return  # the round under way is followed by another (see _finished)
        if self._retry is not None:
            self._retry.stop()
            self._retry = None
        if self.keeper.dirty:
            # A save is under way or being retried: its own round follows it, and a round
            # now would only hold the plan's lock against it.
            self._retry = self.app.set_timer(self.retry_seconds, self._start)
            return
        self._busy = True
        message = "; ".join(dict.fromkeys(self._messages)) or "Plan saved"
        message = message if len(message) <= 72 else message[:71] + "…"
        self._messages.clear()
        self.app.run_worker(
            lambda: self._round(message), name="git", group="git", thread=True, exit_on_error=False
        )

    def _round(self, message: str) -> None:
        try:
            result: SyncResult | str = self.sync.sync(message)
        except (GitError, OSError) as exc:  # the commit itself failed
            result = str(exc)
        # What the last commit holds was said already (here, or by whoever pushed it).
        try:
            plan = self.sync.committed_plan()
        except GitError:
            plan = None
        committed = {_key(e) for e in plan.timeline} if plan is not None else set()
        self.app.call_from_thread(self._finished, result, message, committed)

    def _finished(self, result: SyncResult | str, message: str, committed: set[str]) -> None:
        self._busy = False
        if not isinstance(result, str):
            self._seen |= committed
        if isinstance(result, str):
            self._messages.insert(0, message)  # not committed: the next round says it
        self.rounds += 1
        problem = result if isinstance(result, str) else result.problem
        if problem is None:
            if self.failures:
                where = result.remote if isinstance(result, SyncResult) else None
                self.app.notify(
                    f"Pushed to {where} after {self.failures} failed "
                    f"tr{'ies' if self.failures > 1 else 'y'}.",
                    title="git",
                    markup=False,
                )
            self.failures = 0
        else:
            self.failures += 1
            kept = (
                "committed here"
                if isinstance(result, SyncResult)
                else "saved in the file, not committed yet"
            )
            self.app.notify(
                f"{problem}\nThe tick is {kept}; trying again in "
                f"{self.retry_seconds:g} s (failed {self.failures}×).",
                title="git: not pushed",
                severity="warning",
                markup=False,
            )
            self._retry = self.app.set_timer(self.retry_seconds, self._start)
        if self._messages and self._retry is None:
            self._start()
