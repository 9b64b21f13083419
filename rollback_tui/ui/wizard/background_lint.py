"""The wizard's check of the plan after a pause in typing, made in a thread.

Linting a 1,000-component plan takes ~20 ms (more on a busy machine): on the UI thread, a
key typed just as it starts would wait for it. In a thread, the key waits for the
interpreter's switch interval at most (5 ms), and the check gives way to the thread that
draws the screen every few milliseconds and ends as soon as an edit makes it stale
(`bulk_work.paced`): a key typed while it runs is handled as fast as without it. The
findings are shown back on the UI thread, unless the plan was edited or checked again
since: the newer check's findings win.

Reading the plan while the UI thread edits it cannot break it: a check only reads, and an
edit replaces a value or moves a row in a list. A check that overlapped an edit may see
some of both; the edit starts a new check, whose findings replace its findings within the
same 0.3 s as they always did (and a check that fails on the moving plan shows nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.app import App
from textual.widget import Widget

from rollback_tui.bulk_work import Stale, paced
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
        app = self._owner.app
        self._owner.run_worker(
            partial(self._check, plan, list(unknown_keys), self._round, app),
            thread=True,
            group="lint",
            exit_on_error=False,
        )

    def cancel(self) -> None:
        """Whatever check is under way is stale: the plan was edited, or checked here."""
        self._round += 1

    def _check(self, plan: Plan, unknown_keys: list[str], round_: int, app: App[Any]) -> None:
        try:
            # Stale once edited or checked again, or once the app has ended.
            with paced(stop=lambda: round_ != self._round or not app.is_running):
                findings = lint(plan, unknown_keys)
        except Stale:  # edited or checked again since: that check's findings will be shown
            return
        except Exception:  # the plan changed under the check: the edit's own check follows
            return
        app.call_from_thread(self._done, findings, round_)

    def _done(self, findings: list[Finding], round_: int) -> None:
        if round_ == self._round and self._owner.is_attached:
            self._show(findings)
