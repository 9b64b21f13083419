"""The wizard's check of the plan after a pause in typing, made in a thread.

Linting a 1,000-component plan takes ~20 ms (more on a busy machine): on the UI thread, a
key typed just as it starts would wait for it. In a thread, the key waits for the
interpreter's switch interval at most (5 ms). The findings are shown back on the UI thread,
unless the plan was edited or checked again since: the newer check's findings win.

Reading the plan while the UI thread edits it cannot break it: a check only reads, and an
edit replaces a value or moves a row in a list. A check that overlapped an edit may see
some of both; the edit starts a new check, whose findings replace its findings within the
same 0.3 s as they always did (and a check that fails on the moving plan shows nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.widget import Widget

from rollback_tui.plan.findings import Finding
from rollback_tui.plan.lint import lint
from rollback_tui.plan.model import Plan


class BackgroundLint:
    """Checks a plan in a worker thread of *owner*; gives the findings to *show*."""

    def __init__(self, owner: Widget, show: Callable[[list[Finding]], None]) -> None:
        self._owner = owner
        self._show = show
        self._round = 0
        """Counts checks and edits: a check's findings are shown only if it is the last."""

    def start(self, plan: Plan, unknown_keys: list[str]) -> None:
        """Check *plan* in a thread; called on the UI thread."""
        self._round += 1
        self._owner.run_worker(
            partial(self._check, plan, list(unknown_keys), self._round),
            thread=True,
            group="lint",
            exit_on_error=False,
        )

    def cancel(self) -> None:
        """Whatever check is under way is stale: the plan was edited, or checked here."""
        self._round += 1

    def _check(self, plan: Plan, unknown_keys: list[str], round_: int) -> None:
        try:
            findings = lint(plan, unknown_keys)
        except Exception:  # the plan changed under the check: the edit's own check follows
            return
        self._owner.app.call_from_thread(self._done, findings, round_)

    def _done(self, findings: list[Finding], round_: int) -> None:
        if round_ == self._round and self._owner.is_attached:
            self._show(findings)
