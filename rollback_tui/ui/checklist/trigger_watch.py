"""Checklist mode watches the triggers: a one-line summary under the progress, refreshed
every `metrics.interval` seconds by the watcher's thread (metrics/watcher.py), and each
change recorded in the timeline by the run's trigger log (run/trigger_log.py).

Only a plan with a query and a Prometheus to ask is watched. Requests run on the
watcher's thread: a slow or dead Prometheus never holds up a key, a tick or a save.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.app import App
from textual.content import Content
from textual.widgets import Static

from rollback_tui.metrics.triggers import Result, source
from rollback_tui.metrics.watcher import TriggerWatcher
from rollback_tui.plan.text import visible
from rollback_tui.plan.trigger_states import value_text
from rollback_tui.run.session import RunSession
from rollback_tui.run.trigger_log import TriggerLog


def line_text(results: Sequence[Result]) -> str:
    """``Triggers: 1 firing: Error rate spike 0.074 · 2 quiet · 1 not measured``."""
    if not results:
        return "Triggers: measuring…"
    firing = [r for r in results if r.state == "firing"]
    parts = []
    if firing:
        named = ", ".join(
            f"{r.trigger} {value_text(r.value)}".strip() if r.value is not None else r.trigger
            for r in firing
        )
        parts.append(f"{len(firing)} firing: {named}")
    for state in ("quiet", "unknown", "not measured"):
        count = sum(r.state == state for r in results)
        if count:
            reason = next((r.reason for r in results if r.state == state), "")
            said = f"{count} {state}"
            parts.append(f"{said} ({reason})" if state == "unknown" and reason else said)
    return "Triggers: " + " · ".join(parts)


class TriggersLine(Static):
    """The triggers' states in one line (shown only while they are watched)."""

    DEFAULT_CSS = """
    TriggersLine { display: none; height: 1; padding: 0 1; text-wrap: nowrap;
                   text-overflow: ellipsis; background: $boost; }
    TriggersLine.-watched { display: block; }
    TriggersLine.-firing { background: $error 40%; text-style: bold; }
    """

    def show_results(self, results: Sequence[Result]) -> None:
        self.add_class("-watched")
        self.set_class(any(r.state == "firing" for r in results), "-firing")
        self.update(Content(visible(line_text(results), lines=False)))

    def show_problem(self, text: str) -> None:
        self.add_class("-watched")
        self.update(Content(visible(f"Triggers not measured: {text}", lines=False)))


class TriggerWatch:
    """The watcher of *session*'s triggers for a checklist screen of *app*."""

    def __init__(
        self,
        app: App[object],
        session: RunSession,
        line: TriggersLine,
        paused: Callable[[], bool] = lambda: False,
    ) -> None:
        self.app = app
        self.session = session
        self.line = line
        self.paused = paused
        """True while nothing may be recorded: the wizard is open over the checklist, and
        its draft must not be saved with a trigger's change (recorded once it closes)."""
        self.log = TriggerLog(session)
        self.watcher: TriggerWatcher | None = None

    def start(self) -> bool:
        """Start watching, if the plan has a query and a Prometheus to ask."""
        plan = self.session.plan
        if not any(t.query.strip() for t in plan.triggers):
            return False
        try:
            where = source(plan)
        except ValueError as exc:
            self.line.show_problem(str(exc))
            return False
        if where is None:
            self.line.show_problem("no Prometheus address ([metrics] prometheus_url)")
            return False
        interval = plan.metrics.interval_seconds if plan.metrics else 30
        self.line.show_results([])
        self.watcher = TriggerWatcher(
            lambda: self.session.plan, where, interval, self.heard, self.app.call_from_thread
        )
        self.watcher.start()
        return True

    def heard(self, results: list[Result]) -> None:
        """A round of measurements (on the app's thread): shown, changes recorded."""
        if self.watcher is None:
            return  # stopped meanwhile
        self.line.show_results(results)
        if not self.paused():
            self.log.heard(results)

    def drill_ended(self) -> None:
        self.log.drill_ended()

    def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher = None
