"""A drill: the checklist run as a rehearsal, on a run file of its own.

`start` writes the drill's run file (the plan's steps all open, the clock started); the
session then ticks the run file, never the plan's live run. When every step has an
outcome, or when asked, `finish` records the end in the run file and, in the plan, the
day and the measured time of each finished option.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rollback_tui import store
from rollback_tui.plan import run_times
from rollback_tui.plan.model import Plan
from rollback_tui.store import runs


class Drill:
    """A drill in progress: the plan it rehearses, and whether it has ended."""

    def __init__(self, plan_path: Path) -> None:
        self.plan_path = plan_path
        self.finished = False

    @staticmethod
    def start(plan_path: Path, now: dt.datetime, by: str, label: str = "") -> store.PlanFile:
        """The drill's run file, written at once. Raises PlanFileError if it cannot be."""
        return runs.start_drill(plan_path, now, by, label)

    def over(self, run: Plan) -> bool:
        """Whether every step of *run* has an outcome (the drill ends with its last)."""
        return not self.finished and run_times.counts(run)["open"] == 0

    def finish(self, run_file: store.PlanFile, now: dt.datetime) -> None:
        """Record the end (once): in the run file, and the drill's times in the plan.
        Raises PlanFileError if the plan cannot be written; the run file keeps every step."""
        if not self.finished:
            runs.finish_drill(run_file, self.plan_path, now)
            self.finished = True
