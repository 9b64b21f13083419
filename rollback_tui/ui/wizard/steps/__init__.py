"""The wizard's steps, in order: one pane per part of the plan."""

from __future__ import annotations

from rollback_tui.ui.wizard.steps.base import StepPane
from rollback_tui.ui.wizard.steps.basics import AssumptionsStep, BasicsStep, DecisionStep
from rollback_tui.ui.wizard.steps.communications import CommunicationsStep
from rollback_tui.ui.wizard.steps.components import ComponentsStep
from rollback_tui.ui.wizard.steps.followup import FollowUpStep
from rollback_tui.ui.wizard.steps.lists import ContactsStep, TriggersStep
from rollback_tui.ui.wizard.steps.procedure import ProcedureStep
from rollback_tui.ui.wizard.steps.review import ReviewStep

STEPS: list[type[StepPane]] = [
    BasicsStep,
    AssumptionsStep,
    TriggersStep,
    DecisionStep,
    ProcedureStep,
    ComponentsStep,
    CommunicationsStep,
    ContactsStep,
    FollowUpStep,
    ReviewStep,
]

__all__ = ["STEPS", "StepPane"]
