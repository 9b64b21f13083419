"""Drill mode in the app: the keeper's plan file is swapped for the drill's run file before
the checklist is shown, so every tick, note and save of the checklist goes there and the
plan's live run is never touched. The drill itself is the run's (run/drill.py): the
session ends it with its last open step, and the checklist shows the summary."""

from __future__ import annotations

from rollback_tui import store
from rollback_tui.run.drill import Drill
from rollback_tui.ui.keeper import PlanKeeper


def start(keeper: PlanKeeper, label: str) -> Drill | None:
    """Start a drill of the keeper's plan: its run file written, the clock running, and
    the keeper on it. None, and the app told to exit with the reason, if it cannot be."""
    plan_path = keeper.plan_file.path
    try:
        keeper.plan_file = Drill.start(plan_path, keeper.now(), keeper.by, label)
    except store.PlanFileError as exc:
        from rich.text import Text

        from rollback_tui.plan.text import visible

        keeper.app.call_later(keeper.app.exit, 2, 2, Text(visible(f"rollback-tui: {exc}")))
        return None
    return Drill(plan_path)
