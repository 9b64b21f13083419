"""What `check` and the wizard report: a finding, its severity, and where it points.

The rules that make findings are in lint.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from rollback_tui.plan.model import Plan

Severity = Literal["error", "warning", "hint"]
"""An error or a warning fails `check` (exit 1); a hint is noted, and fails nothing."""

# Where each top-level field is edited in the wizard.
STEP_OF_FIELD = {
    "assumptions": "assumptions",
    "triggers": "triggers",
    "decision": "decision",
    "procedure": "procedure",
    "components": "components",
    "communications": "communications",
    "contacts": "contacts",
    "post_rollback": "followup",
    "followup": "followup",
    "timeline": "review",
}


@dataclass(frozen=True)
class Finding:
    """One thing `check` reports, with the field it is about."""

    severity: Severity
    where: str
    message: str

    @property
    def fails(self) -> bool:
        """An error or a warning: it makes `check` exit 1 (a hint does not)."""
        return self.severity != "hint"

    @property
    def step(self) -> str:
        """The wizard step where the field is edited."""
        head = re.split(r"[.\[]", self.where, maxsplit=1)[0]
        return STEP_OF_FIELD.get(head, "basics")


_LIST_NOUNS = {
    "containment": "containment step",
    "restore": "restore step",
    "option_a": "Option A step",
    "option_b": "Option B step",
    "steps": "step",
    "contacts": "contact",
    "triggers": "trigger",
    "items": "action",
    "actions": "action",
}
_PART = re.compile(r"([A-Za-z_]\w*)(?:\[(\d+)\])?")


def place(where: str, plan: Plan | None = None) -> str:
    """A finding's path as a person names it: ``procedure.option_b[0].command`` is "Option B
    step 1 command", ``components[1].steps[2].text`` "payments-worker step 3 text"."""
    words: list[str] = []
    node: object = plan
    for match in _PART.finditer(where):
        name, index = match.group(1), match.group(2)
        node = getattr(node, name, None) if node is not None else None
        if index is None:
            if name not in ("procedure", "assumptions", "decision", "communications", "followup"):
                words.append(
                    {
                        "option_a": "Option A",
                        "option_b": "Option B",
                        "containment": "Immediate containment",
                        "restore": "restore steps",
                    }.get(name, name.replace("_", " "))
                )
            continue
        n = int(index)
        item = node[n] if isinstance(node, list) and n < len(node) else None
        label = getattr(item, "name", "") if name in ("components", "post_rollback") else ""
        if isinstance(label, str) and label.strip():
            words.append(label.strip())
        else:
            noun = {"components": "component", "post_rollback": "post-rollback group"}
            words.append(f"{noun.get(name) or _LIST_NOUNS.get(name, name)} {n + 1}")
        node = item
    return " ".join(words) or where
