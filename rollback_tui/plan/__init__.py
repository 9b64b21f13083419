"""The rollback plan's domain: models, defaults, lint rules and the timeline (no UI).

The names below are imported from their modules when first asked for, so that a command
that only reads a plan (`status`, `check`) does not load the wizard's defaults or the lint
rules it never uses. (The lint rules are `rollback_tui.plan.lint.lint`: a name
the package gave to a function of its own submodule would be hidden by that submodule.)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rollback_tui.plan.choices import new_plan
    from rollback_tui.plan.defaults import new_component
    from rollback_tui.plan.findings import Finding
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

_WHERE = {
    "new_plan": "choices",
    "new_component": "defaults",
    "Finding": "findings",
    **dict.fromkeys(
        (
            "SCHEMA_VERSION",
            "ActionGroup",
            "ChecklistItem",
            "Component",
            "Contact",
            "DeploymentType",
            "Plan",
            "ProcedureChoice",
            "TimelineEvent",
            "Trigger",
        ),
        "model",
    ),
}

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
    "new_component",
    "new_plan",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"rollback_tui.plan.{_WHERE[name]}"), name)
