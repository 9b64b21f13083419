"""Which run a three-way merge of a plan keeps, when the two sides hold different runs.

Ticks belong to a run (run_id, new at every reset). A side whose run_id differs from the
base's reset the plan since: the merge keeps its new run, and the other side's events of
the old run since the base are handed back (OldRun) for its archive. Both sides reset, or
no base to tell which did: a conflict, and the side preferred is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rollback_tui.plan.merge import missing_events
from rollback_tui.plan.model import Plan, TimelineEvent

Side = Literal["ours", "base", "theirs"]
Versions = tuple[Plan | None, Plan, Plan]
"""The base (None: no common version), ours and theirs."""

SIDES: tuple[Side, Side, Side] = ("base", "ours", "theirs")
"""The order of Versions."""


@dataclass(frozen=True)
class OldRun:
    """One side reset the plan since the base; the other went on with the old run."""

    plan: Plan
    """The side that holds the old run, whole (its run_id is the old run's)."""
    events: list[TimelineEvent]
    """Its events that the base lacks: made in the old run since the two sides parted."""


def run_side(
    plans: Versions, prefer: Side, conflicts: list[str], reset_conflicts: bool
) -> tuple[Side | None, bool]:
    """Whose run the merge keeps, and whether that is a conflict (then described in
    *conflicts*): None when both sides hold the same run; the side that reset the plan
    since the base; the side preferred when both did, when there is no base to tell, or
    with *reset_conflicts*."""
    base, ours, theirs = plans
    if ours.run_id == theirs.run_id:
        return None, False
    if base is not None and not reset_conflicts:
        if ours.run_id == base.run_id:
            return "theirs", False
        if theirs.run_id == base.run_id:
            return "ours", False
    if base is not None and base.run_id in (ours.run_id, theirs.run_id):
        new, old = ("theirs", "ours") if ours.run_id == base.run_id else ("ours", "theirs")
        conflicts.append(f"the run ({new} reset the plan: a new run; {old} holds the old one)")
    elif base is not None:
        conflicts.append("the run (both sides reset the plan)")
    else:
        conflicts.append("the run (each side holds another, and no common version)")
    return prefer, True


def run_timeline(plans: Versions, run: Side) -> tuple[list[TimelineEvent], str]:
    """The timeline and the run_id of *run*'s side (none for a missing base)."""
    plan = plans[SIDES.index(run)]
    if plan is None:
        return [], ""
    return [event.model_copy() for event in plan.timeline], plan.run_id


def old_run(plans: Versions, run: Side | None) -> OldRun | None:
    """The old run's events since the base, when one side (*run*) reset the plan."""
    base, ours, theirs = plans
    if run not in ("ours", "theirs") or base is None:
        return None
    other = theirs if run == "ours" else ours
    events = missing_events(other, base)
    return OldRun(other, events) if events else None
