"""Drill mode: the checklist as a rehearsal, saved to the drill's own run file.

The app's plan file is swapped for the drill's run file before the checklist is shown, so
every tick, note and save of the checklist goes there and the plan's live run is never
touched. When every step has an outcome (or on "Finish drill"), the plan records the day
and the measured times, and the summary is shown.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from textual.screen import Screen

from rollback_tui import store
from rollback_tui.plan import run_times
from rollback_tui.store import runs

if TYPE_CHECKING:
    from rollback_tui.ui.app import RollbackApp


class Drill:
    """A drill in progress: where its plan is, and whether it has ended."""

    def __init__(self, app: RollbackApp, plan_path: Path) -> None:
        self.app = app
        self.plan_path = plan_path
        self.finished = False

    def now(self) -> dt.datetime:
        return self.app.clock().astimezone(dt.UTC).replace(microsecond=0)

    def step_saved(self) -> None:
        """After each save of the checklist: the drill ends with its last open step."""
        if self.finished:
            return
        if run_times.counts(self.app.plan)["open"] == 0:
            self.finish()

    def finish(self) -> None:
        """End the drill: record it in the plan, then show the summary."""
        from rollback_tui.ui.checklist.drill_summary import DrillSummary

        if not self.finished:
            try:
                runs.finish_drill(self.app.plan_file, self.plan_path, self.now())
            except store.PlanFileError as exc:
                self.app.notify(
                    f"{exc}\nThe drill's run file keeps every step.",
                    title="Drill not recorded in the plan",
                    severity="error",
                    markup=False,
                )
                return
            self.finished = True
        self.app.push_screen(DrillSummary(self.app.plan, self.app.plan_file.path, self.plan_path))


def start(app: RollbackApp) -> Screen[None]:
    """Start the drill on the app's plan (its run file written, the clock running) and
    return the checklist to show."""
    from rollback_tui.ui.checklist.checklist_screen import ChecklistScreen

    plan_path = app.plan_file.path
    drill = Drill(app, plan_path)
    try:
        app.plan_file = runs.start_drill(plan_path, drill.now(), app.by, app.drill_label)
    except store.PlanFileError as exc:
        from rich.text import Text

        from rollback_tui.plan.text import visible

        app.call_later(app.exit, 2, 2, Text(visible(f"rollback-tui: {exc}")))
        return Screen()
    app.drill = drill
    app.title = "rollback-tui DRILL"
    return ChecklistScreen()
