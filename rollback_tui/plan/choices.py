"""Basics choices (deployment type, database impact, feature flag) that the rest of the
plan follows, made the same way by `new` and by the wizard.

The choices decide the containment steps, Option B and the restore steps after it, the
components' steps, the data assumptions and the procedure choice. `choose` makes a choice
on a plan: what the user has not changed follows it, as `new` writes it for that choice;
what the user has edited is kept as it is, and named so that they can be told. `new_plan`
is the starting plan with its choices made.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from rollback_tui.plan.defaults import (
    COMPONENT_STEPS,
    Step,
    containment_steps,
    default_assumptions,
    new_component,
    number_items,
    option_b_steps,
    restore_steps,
    starting_plan,
    step_item,
)
from rollback_tui.plan.model import (
    ChecklistItem,
    DeploymentType,
    Plan,
    ProcedureChoice,
    next_id,
)
from rollback_tui.plan.text import slug


@dataclass(frozen=True)
class Choices:
    """The Basics choices the defaults depend on."""

    deployment_type: DeploymentType = DeploymentType.ROLLING
    db_impact: bool = False
    feature_flag: str = ""

    @classmethod
    def of(cls, plan: Plan) -> Choices:
        """*plan*'s choices as they stand."""
        return cls(plan.deployment_type, plan.db_impact, plan.feature_flag)

    @property
    def procedure(self) -> ProcedureChoice:
        """The options `new` writes: both where a feature flag gates the change."""
        if self.feature_flag or self.deployment_type is DeploymentType.FEATURE_FLAG:
            return ProcedureChoice.BOTH
        return ProcedureChoice.B


@dataclass
class Followed:
    """What a choice changed, and what it left alone because the user had edited it."""

    changed: list[str] = field(default_factory=list)
    """The parts that now follow the choice ("Option B", "checkout-api's steps")."""
    kept: list[str] = field(default_factory=list)
    """The edited parts left as written ("Option B step 1", "the migrations assumption")."""


def new_plan(
    *,
    title: str = "",
    incident: str = "",
    version: str = "",
    target_version: str = "",
    db_impact: bool = False,
    feature_flag: str = "",
    deployment_type: DeploymentType = DeploymentType.ROLLING,
    components: Iterable[str] = (),
) -> Plan:
    """A complete plan with the spec's defaults for these choices, its items numbered in
    order (the wizard's plan for the same choices is the same plan)."""
    plan = starting_plan(
        title=title, incident=incident, version=version, target_version=target_version
    )
    choose(plan, Choices(deployment_type, db_impact, feature_flag))
    used = plan.used_ids()
    for name in components:
        plan.components.append(new_component(plan, name, used))
    number_items(plan)
    return plan


def choose(plan: Plan, choices: Choices, *, before: Choices | None = None) -> Followed:
    """Make *choices* *plan*'s, and bring along what depends on them wherever the plan
    still holds the defaults of *before* (by default, the plan's choices until now);
    edited text is never overwritten."""
    old = Choices.of(plan) if before is None else before
    plan.deployment_type = choices.deployment_type
    plan.db_impact = choices.db_impact
    plan.feature_flag = choices.feature_flag
    out = Followed()
    if choices == old:
        return out
    used = plan.used_ids()
    proc = plan.procedure
    kept = _follow_steps(
        proc.option_b,
        option_b_steps(old.deployment_type, old.db_impact),
        option_b_steps(choices.deployment_type, choices.db_impact),
        "b",
        used,
    )
    if kept is not None:
        out.changed.append("Option B")
        out.kept += _steps("Option B", kept)
    if proc.choice == old.procedure and choices.procedure != old.procedure:
        proc.choice = choices.procedure
        out.changed.append(f"the options (now {proc.choice.label})")
    if choices.deployment_type != old.deployment_type:
        for label, items, steps, prefix in (
            ("Immediate containment", proc.containment, containment_steps, "contain"),
            ("the restore steps", proc.restore, restore_steps, "restore"),
        ):
            if not items:
                continue  # none (a plan from before them, or all removed): none are added
            kept = _follow_steps(
                items, steps(old.deployment_type), steps(choices.deployment_type), prefix, used
            )
            if kept is not None:
                out.changed.append(label)
                out.kept += _steps(label, kept)
        _follow_components(plan, old.deployment_type, choices.deployment_type, used, out)
    if choices.db_impact != old.db_impact:
        before_text, after = (
            default_assumptions(old.db_impact),
            default_assumptions(choices.db_impact),
        )
        for attr, label in (
            ("data_mutations", "data mutations"),
            ("migrations", "migration reversibility"),
        ):
            if getattr(plan.assumptions, attr) == getattr(before_text, attr):
                setattr(plan.assumptions, attr, getattr(after, attr))
                out.changed.append(f"the {label} assumption")
            elif getattr(plan.assumptions, attr) != getattr(after, attr):
                out.kept.append(f"the {label} assumption")
    return out


class Chooser:
    """The Basics choices made one at a time, as the wizard's fields change (the
    full-screen wizard and plain mode alike): each choice brings the defaults along from
    the choices they last followed, and says what it changed and kept."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.chosen = Choices.of(plan)
        """The choices the plan's defaults were last brought in line with."""

    def deployment_type(self, value: DeploymentType) -> tuple[Followed, str] | None:
        """Choose the deployment type (None: it was the plan's already)."""
        if value == self.plan.deployment_type:
            return None
        choices = replace(Choices.of(self.plan), deployment_type=value)
        return self._choose(choices), f"Deployment type {value.label}"

    def db_impact(self, value: bool) -> tuple[Followed, str] | None:
        """Choose whether the change touches the database (None: no change)."""
        if value == self.plan.db_impact:
            return None
        choices = replace(Choices.of(self.plan), db_impact=value)
        return self._choose(choices), f"Database impact {'Yes' if value else 'No'}"

    def feature_flag_set(self) -> tuple[Followed, str] | None:
        """The plan's feature flag was set (by its field): naming one, or clearing it,
        brings its options along; another name changes nothing else (None)."""
        flag = self.plan.feature_flag
        if bool(flag) == bool(self.chosen.feature_flag):
            self.chosen = replace(self.chosen, feature_flag=flag)
            return None
        choice = "Feature flag named" if flag else "Feature flag cleared"
        return self._choose(Choices.of(self.plan)), choice

    def _choose(self, choices: Choices) -> Followed:
        followed = choose(self.plan, choices, before=self.chosen)
        self.chosen = choices
        return followed


def told(followed: Followed, choice: str) -> str | None:
    """What to tell the user of *choice* (None: it changed nothing that follows it)."""
    changed = ", ".join(followed.changed)
    if followed.kept:
        return (
            f"{choice}: {changed or 'nothing'} updated. Kept as you wrote them "
            f"(check they still fit): {', '.join(followed.kept)}."
        )
    return f"{choice}: {changed} updated." if followed.changed else None


def _follow_components(
    plan: Plan, old: DeploymentType, new: DeploymentType, used: set[str], out: Followed
) -> None:
    changed = []
    for component in plan.components:
        name = component.name.strip() or "a component"
        kept = _follow_steps(
            component.steps,
            COMPONENT_STEPS[old],
            COMPONENT_STEPS[new],
            slug(component.name, "component"),
            used,
        )
        if kept is not None:
            changed.append(name)
            out.kept += _steps(name, kept)
    if len(changed) == 1:
        out.changed.append(f"{changed[0]}'s steps")
    elif changed:
        out.changed.append(f"the steps of {len(changed)} components")


def _steps(where: str, numbers: list[int]) -> list[str]:
    """ "Option B steps 1, 4" (nothing if no numbers)."""
    if not numbers:
        return []
    return [f"{where} step{'s' * (len(numbers) > 1)} {', '.join(map(str, numbers))}"]


def _untouched(item: ChecklistItem, defaults: Iterable[Step]) -> bool:
    """The item is one of *defaults* as `new` wrote it, and nothing was done with it."""
    return (item.text, item.command) in set(defaults) and not item.owner and not item.done


def _follow_steps(
    items: list[ChecklistItem], old: list[Step], new: list[Step], prefix: str, used: set[str]
) -> list[int] | None:
    """Make *items* (in place) the *new* defaults, keeping every step the user edited or
    added where it was. Returns the numbers (from 1) of the edited steps that were kept
    although the new defaults differ, or None if nothing had to change."""
    if [(i.text, i.command) for i in items] == new:
        return None
    placed: list[ChecklistItem] = []
    spare = [item for item in items if _untouched(item, old)]
    mine = [item for item in items if not _untouched(item, old)]
    mine_ids = {id(item) for item in mine}
    for text, command in new:
        exact = next((i for i in spare if (i.text, i.command) == (text, command)), None)
        if exact is not None:  # a step both platforms share: kept, with its id
            spare = [i for i in spare if i is not exact]
            placed.append(exact)
            continue
        edited = next((i for i in mine if i.text == text and all(i is not p for p in placed)), None)
        if edited is not None:  # the user's version of this step stands for it
            placed.append(edited)
            continue
        same = next((i for i in spare if i.text == text), None)
        if same is not None:  # the same step, the new platform's command: same id
            spare = [i for i in spare if i is not same]
            same.command = command
            placed.append(same)
            continue
        item_id = next_id(prefix, used)
        used.add(item_id)
        placed.append(step_item(item_id, (text, command)))
    # The user's own steps keep their place: their number, and after the steps that came
    # before them.
    result = list(placed)
    for index, item in enumerate(items):
        if id(item) not in mine_ids or any(item is r for r in result):
            continue
        earlier = {id(i) for i in items[:index]}
        after = max((n + 1 for n, r in enumerate(result) if id(r) in earlier), default=0)
        result.insert(max(after, min(index, len(result))), item)
    # Edited steps to look at again: those whose default changed with the choice (a step
    # the new platform does without, or does with another command).
    old_commands, new_commands = dict(old), dict(new)
    stale = {
        text
        for text, command in old_commands.items()
        if text not in new_commands or new_commands[text] != command
    }
    kept = [n for n, item in enumerate(result, 1) if id(item) in mine_ids and item.text in stale]
    items[:] = result
    return kept
