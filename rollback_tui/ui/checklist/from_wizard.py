"""Run checklist, from the wizard's palette: the plan saved (asking where, for a new one),
then its checklist shown, on top of the wizard or in its place (see switch.py)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.screen import Screen

from rollback_tui.ui.checklist.checklist_screen import ChecklistScreen
from rollback_tui.ui.flows.plan_flows import PlanFlows
from rollback_tui.ui.keeper import PlanKeeper

MakeChecklist = Callable[[], Screen[Any]]
"""Makes the checklist screen (the app's, with the keeper, a session and the key order)."""


def run_checklist(flows: PlanFlows, make: MakeChecklist) -> None:
    """Save the plan (asking where, for a new one), then show it as a checklist."""
    keeper = flows.keeper
    if keeper.untitled:
        flows.save_as(
            "Save the plan before running it (TOML; the Markdown goes beside it):",
            then=partial(_show_checklist, keeper, make),
        )
        return
    if keeper.dirty or keeper.plan_file.identity is None:
        # Shown once saved; a conflict question or an error is shown instead.
        keeper.save_in_background(then=partial(_show_checklist, keeper, make))
        return
    _show_checklist(keeper, make)


def _show_checklist(keeper: PlanKeeper, make: MakeChecklist) -> None:
    app = keeper.app
    below = app.screen_stack[-2] if len(app.screen_stack) > 1 else None
    if isinstance(below, ChecklistScreen):
        app.pop_screen()
    else:
        app.push_screen(make())
