"""The rollback plan's domain: models, defaults, lint rules and the timeline (no UI)."""

from rollback_tui.plan.choices import new_plan
from rollback_tui.plan.defaults import new_component
from rollback_tui.plan.findings import Finding
from rollback_tui.plan.lint import lint
from rollback_tui.plan.model import (
    SCHEMA_VERSION,
    ActionGroup,
    ChecklistItem,
    Component,
    Contact,
    DeploymentType,
    Plan,
    ProcedureChoice,
    TimelineEvent,
    Trigger,
)

__all__ = [
    "SCHEMA_VERSION",
    "ActionGroup",
    "ChecklistItem",
    "Component",
    "Contact",
    "DeploymentType",
    "Finding",
    "Plan",
    "ProcedureChoice",
    "TimelineEvent",
    "Trigger",
    "lint",
    "new_component",
    "new_plan",
]
