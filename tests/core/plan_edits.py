"""Random edits of the example plan, for the tests of saving patched and whole documents."""

from __future__ import annotations

import datetime as dt
import random
import tomllib
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel

from rollback_tui.plan import DeploymentType, Plan, ProcedureChoice
from rollback_tui.plan.model import Component, Contact, RunInfo, Trigger
from rollback_tui.plan.run_times import clear_run
from rollback_tui.plan.timeline import record, set_done

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plan.toml"


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


def edit(plan: Plan, rng: random.Random) -> str:
    """One random change to *plan*, of the kinds the wizard, the checklist and a merge make;
    returns what it did, for the failure message."""
    kind = rng.choice(KINDS)
    EDITS[kind](plan, rng)
    return kind


KINDS = [
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
    "reset",
    "drill",
]


def _tick(plan: Plan, rng: random.Random) -> None:
    items = [item for _, _, item in plan.checklist()]
    if items:
        item = rng.choice(items)
        set_done(plan, item.id, not item.done, "sam", at=AT)


def _text(plan: Plan, rng: random.Random) -> None:
    model = rng.choice(models(plan))
    names = [
        n
        for n, f in type(model).model_fields.items()
        if f.annotation in (str, str | None) and n != "id"
    ]
    if names:
        setattr(model, rng.choice(names), rng.choice(TEXTS))


def _add(plan: Plan, rng: random.Random) -> None:
    which = rng.choice(["components", "triggers", "contacts"])
    new: BaseModel
    if which == "components":
        new = Component(name="new", steps=[plan.new_item("n", "go")])
    elif which == "triggers":
        new = Trigger(trigger="t", threshold="1", source="s")
    else:
        new = Contact(role="r", name="n", contact="c")
    rows = getattr(plan, which)
    rows.insert(rng.randint(0, len(rows)), new)
    setattr(plan, which, rows)


def _remove(plan: Plan, rng: random.Random) -> None:
    rows = getattr(plan, rng.choice(["components", "triggers", "contacts"]))
    if rows:
        rows.pop(rng.randrange(len(rows)))


def _move(plan: Plan, rng: random.Random) -> None:
    if len(plan.components) > 1:
        i = rng.randrange(len(plan.components) - 1)
        plan.components[i], plan.components[i + 1] = plan.components[i + 1], plan.components[i]


def _step(plan: Plan, rng: random.Random) -> None:
    target = rng.choice(
        [plan.procedure.option_a, plan.procedure.option_b, *(c.steps for c in plan.components)]
    )
    target.append(plan.new_item("x", rng.choice(TEXTS) or "step"))


def _enum(plan: Plan, rng: random.Random) -> None:
    plan.deployment_type = rng.choice(list(DeploymentType))
    plan.procedure.choice = rng.choice(list(ProcedureChoice))


def _note(plan: Plan, rng: random.Random) -> None:
    record(plan, "note", "sam", text=rng.choice(TEXTS) or "note", at=AT)


def _date(plan: Plan, rng: random.Random) -> None:
    plan.followup.rca_due = rng.choice([None, dt.date(2026, 12, 1)])


def _clear(plan: Plan, rng: random.Random) -> None:
    setattr(plan, rng.choice(["triggers", "contacts", "timeline"]), [])


def _start(plan: Plan, rng: random.Random) -> None:
    record(plan, "incident-start", "sam", at=AT)


def _reset(plan: Plan, rng: random.Random) -> None:
    clear_run(plan)  # every outcome, the timeline, a new run id


def _drill(plan: Plan, rng: random.Random) -> None:
    """What a drill's run file is made of: the run cleared, started, and its [run] table."""
    clear_run(plan)
    record(plan, "incident-start", "sam", text="drill started", at=AT)
    plan.run = RunInfo(kind="drill", label=rng.choice(TEXTS), started=AT, plan="plan.toml")


EDITS: dict[str, Callable[[Plan, random.Random], None]] = {
    "tick": _tick,
    "text": _text,
    "note": _note,
    "add": _add,
    "remove": _remove,
    "move": _move,
    "step": _step,
    "enum": _enum,
    "date": _date,
    "clear": _clear,
    "start": _start,
    "reset": _reset,
    "drill": _drill,
}
"""Each kind of edit, by name."""


def loaded(text: str) -> Plan:
    return Plan.model_validate(tomllib.loads(text))


def models(plan: Plan) -> list[BaseModel]:
    found: list[BaseModel] = [
        plan,
        plan.assumptions,
        plan.decision,
        plan.procedure,
        plan.communications,
        plan.followup,
    ]
    found += [*plan.triggers, *plan.components, *plan.contacts, *plan.post_rollback]
    found += [item for _, _, item in plan.checklist()]
    return found
