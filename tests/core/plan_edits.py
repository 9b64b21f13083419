"""Random edits of the example plan, for the tests of saving patched and whole documents."""

from __future__ import annotations

import datetime as dt
import random
import tomllib
from pathlib import Path

from pydantic import BaseModel

from rollback_tui.plan import DeploymentType, Plan, ProcedureChoice
from rollback_tui.plan.model import Component, Contact, Trigger
from rollback_tui.plan.timeline import record, set_done

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plan.toml"


def edit(plan: Plan, rng: random.Random) -> str:
    """One random change to *plan*, of the kinds the wizard, the checklist and a merge make;
    returns what it did, for the failure message."""
    kind = rng.choice(
        [
            "tick",
            "tick",
            "text",
            "text",
            "note",
            "add",
            "remove",
            "move",
            "step",
            "enum",
            "date",
            "clear",
            "start",
        ]
    )
    items = [item for _, _, item in plan.checklist()]
    if kind == "tick" and items:
        item = rng.choice(items)
        set_done(plan, item.id, not item.done, "sam", at=AT)
    elif kind == "text":
        model = rng.choice(models(plan))
        names = [
            n
            for n, f in type(model).model_fields.items()
            if f.annotation in (str, str | None) and n != "id"
        ]
        if names:
            setattr(model, rng.choice(names), rng.choice(TEXTS))
    elif kind == "note":
        record(plan, "note", "sam", text=rng.choice(TEXTS) or "note", at=AT)
    elif kind == "add":
        which = rng.choice(["components", "triggers", "contacts"])
        new = {
            "components": lambda: Component(name="new", steps=[plan.new_item("n", "go")]),
            "triggers": lambda: Trigger(trigger="t", threshold="1", source="s"),
            "contacts": lambda: Contact(role="r", name="n", contact="c"),
        }[which]()
        rows = getattr(plan, which)
        rows.insert(rng.randint(0, len(rows)), new)
        setattr(plan, which, rows)
    elif kind == "remove":
        rows = getattr(plan, rng.choice(["components", "triggers", "contacts"]))
        if rows:
            rows.pop(rng.randrange(len(rows)))
    elif kind == "move" and len(plan.components) > 1:
        i = rng.randrange(len(plan.components) - 1)
        plan.components[i], plan.components[i + 1] = plan.components[i + 1], plan.components[i]
    elif kind == "step":
        target = rng.choice(
            [plan.procedure.option_a, plan.procedure.option_b, *(c.steps for c in plan.components)]
        )
        target.append(plan.new_item("x", rng.choice(TEXTS) or "step"))
    elif kind == "enum":
        plan.deployment_type = rng.choice(list(DeploymentType))
        plan.procedure.choice = rng.choice(list(ProcedureChoice))
    elif kind == "date":
        plan.followup.rca_due = rng.choice([None, dt.date(2026, 12, 1)])
    elif kind == "clear":
        setattr(plan, rng.choice(["triggers", "contacts", "timeline"]), [])
    elif kind == "start":
        record(plan, "incident-start", "sam", at=AT)
    return kind


def loaded(text: str) -> Plan:
    return Plan.model_validate(tomllib.loads(text))


AT = dt.datetime(2026, 11, 22, 3, 4, 5, tzinfo=dt.UTC)


TEXTS = [
    "",
    "x",
    "two\nlines",
    "[[components]]\nname = 'inside'",
    "q\"uo'te{}#",
    'ends with quotes""',
    "'''\n\"\"\"",
    "  spaced  ",
]


def models(plan: Plan) -> list[BaseModel]:
    found: list[BaseModel] = [
        plan,
        plan.assumptions,
        plan.decision,
        plan.procedure,
        plan.communications,
        plan.followup,
    ]
    found += plan.triggers + plan.components + plan.contacts + plan.post_rollback
    found += [item for _, _, item in plan.checklist()]
    return found
