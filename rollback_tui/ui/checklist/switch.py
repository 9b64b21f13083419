"""The checklist and the wizard take turns on top of whichever opened first: Edit plan
shows the wizard on the checklist's plan (and Run checklist, from_wizard.py, the
checklist again)."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.screen import Screen

from rollback_tui.plan.model import Plan
from rollback_tui.ui.keeper import PlanKeeper
from rollback_tui.ui.wizard.wizard_screen import WizardScreen


def under_the_wizard(app: App[Any], screen: Screen[Any]) -> bool:
    """True while the wizard (opened by Edit plan) is above *screen*."""
    stack = app.screen_stack
    if screen not in stack:
        return False
    return any(isinstance(shown, WizardScreen) for shown in stack[stack.index(screen) + 1 :])


async def edit_plan(app: App[Any], keeper: PlanKeeper, plan: Plan) -> None:
    """Leave the checklist for the wizard on the same plan."""
    stack = app.screen_stack
    below = stack[-2] if len(stack) > 1 else None
    if isinstance(below, WizardScreen):
        if below.plan is not plan:  # replaced by a merge since
            unknown_keys = keeper.plan_file.unknown_keys
            await below.show_plan(plan, unknown_keys=unknown_keys, loaded=True)
        app.pop_screen()
    else:
        app.push_screen(WizardScreen(keeper, loaded=True))
    # Wizard edits kept aside, held while the checklist was shown: offered there.
    app.call_after_refresh(keeper.aside.offer)
