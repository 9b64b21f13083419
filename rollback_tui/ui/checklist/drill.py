"""Drill mode: the checklist as a rehearsal, saved to the drill's own run file.

The keeper's plan file is swapped for the drill's run file before the checklist is shown, so
every tick, note and save of the checklist goes there and the plan's live run is never
touched. When every step has an outcome (or on "Finish drill"), the plan records the day
and the measured times, and the summary is shown.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from rollback_tui import store
from rollback_tui.plan import run_times
from rollback_tui.store import runs

if TYPE_CHECKING:
    from rollback_tui.ui.keeper import PlanKeeper


class Drill:
    """A drill in progress: where its plan is, and whether it has ended."""

    def __init__(self, keeper: PlanKeeper, plan_path: Path) -> None:
        self.keeper = keeper
        self.plan_path = plan_path
        self.finished = False

    def now(self) -> dt.datetime:
        return self.keeper.now()

    def step_saved(self) -> None:
        """After each save of the checklist: the drill ends with its last open step."""
        if self.finished or self.keeper.saves.busy:
            return  # a save follows (the one that ends it calls again): never beside it
        if run_times.counts(self.keeper.plan)["open"] == 0:
            self.finish()

    def finish(self) -> None:
        """End the drill: record it in the plan, then show the summary."""
        from rollback_tui.ui.checklist.drill_summary import DrillSummary

        keeper = self.keeper
        if not self.finished:
            try:
                runs.finish_drill(keeper.plan_file, self.plan_path, self.now())
            except store.PlanFileError as exc:
                keeper.notify(
                    f"{exc}\nThe drill's run file keeps every step.",
                    title="Drill not recorded in the plan",
                    severity="error",
                )
                return
            self.finished = True
        keeper.app.push_screen(DrillSummary(keeper.plan, keeper.plan_file.path, self.plan_path))


def start(keeper: PlanKeeper, label: str) -> Drill | None:
    """Start a drill of the keeper's plan: its run file written, the clock running, and
    the keeper on it. None, and the app told to exit with the reason, if it cannot be."""
    plan_path = keeper.plan_file.path
    drill = Drill(keeper, plan_path)
    try:
        keeper.plan_file = runs.start_drill(plan_path, drill.now(), keeper.by, label)
    except store.PlanFileError as exc:
        from rich.text import Text

        from rollback_tui.plan.text import visible

        keeper.app.call_later(keeper.app.exit, 2, 2, Text(visible(f"rollback-tui: {exc}")))
        return None
    return drill
