"""The wizard's steps, in order: one pane per part of the plan."""

from __future__ import annotations

from rollback_tui.ui.steps.base import StepPane
from rollback_tui.ui.steps.basics import AssumptionsStep, BasicsStep, DecisionStep
from rollback_tui.ui.steps.communications import CommunicationsStep
from rollback_tui.ui.steps.components import ComponentsStep
from rollback_tui.ui.steps.followup import FollowUpStep
from rollback_tui.ui.steps.lists import ContactsStep, TriggersStep
from rollback_tui.ui.steps.procedure import ProcedureStep
from rollback_tui.ui.steps.review import ReviewStep

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
