"""A run of the checklist as times and counts: when it started and ended, what is done, skipped
and failed, each step's time from the previous outcome, each option's time, the slowest
steps. Pure: the run files are the store's (store/runs.py)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from rollback_tui.plan.model import ChecklistItem, Plan


def _outcome_times(plan: Plan) -> list[dt.datetime]:
    return [
        item.done_at
        for item in plan.all_items()
        if item.state != "open" and item.done_at is not None
    ]


def has_run(plan: Plan) -> bool:
    """Whether the plan holds anything of a run: an outcome or a timeline event."""
    return bool(plan.timeline) or any(item.state != "open" for item in plan.all_items())


def run_start(plan: Plan) -> dt.datetime | None:
    """When the run started: its incident start, else its first event or outcome."""
    if plan.run is not None and plan.run.started is not None:
        return plan.run.started
    if plan.incident_started_at is not None:
        return plan.incident_started_at
    times = [e.at for e in plan.timeline] + _outcome_times(plan)
    return min(times, default=None)


def run_end(plan: Plan) -> dt.datetime | None:
    """When the run ended: as recorded, else its last event or outcome."""
    if plan.run is not None and plan.run.ended is not None:
        return plan.run.ended
    times = [e.at for e in plan.timeline] + _outcome_times(plan)
    return max(times, default=None)


def clear_item(item: ChecklistItem) -> bool:
    """Take the item's outcome off (its state, stamp and reason); whether it held any. An
    item holding none is left as it is: each assignment is validated (0.3 s over a long
    plan's 72,000 items)."""
    held = (item.done_at, item.done_by, item.outcome, item.reason)
    if not item.done and all(value is None for value in held):
        return False
    item.done, item.done_at, item.done_by = False, None, None
    item.outcome, item.reason = None, None
    return True


def clear_run(plan: Plan) -> list[str]:
    """Clear every outcome and the timeline, and give the plan a new run id: the plan is
    ready for its next run (and a checklist still open on the last one can tell). The
    ids of the items it changed."""
    cleared = [item.id for item in plan.all_items() if clear_item(item)]
    plan.timeline = []
    plan.run_id = new_run_id()
    return cleared


def new_run_id() -> str:
    """A run's id: random, short, unique enough among a plan's runs."""
    return uuid.uuid4().hex[:12]


def counts(plan: Plan) -> dict[str, int]:
    """How many active steps are done, skipped, failed and open."""
    out = {"done": 0, "skipped": 0, "failed": 0, "open": 0}
    for item in plan.all_items(active=True):
        out[item.state] += 1
    return out


@dataclass(frozen=True)
class StepTime:
    section: str
    item: ChecklistItem
    seconds: int


def step_times(run: Plan) -> list[StepTime]:
    """Each step with an outcome, in the order they came, with the time it took: from the
    previous outcome (the run's start for the first)."""
    rows = [
        (item.done_at, section, item)
        for section, _, item in run.checklist(active=True)
        if item.state != "open" and item.done_at is not None
    ]
    rows.sort(key=lambda row: row[0])
    previous = run_start(run)
    out = []
    for at, section, item in rows:
        seconds = max(0, int((at - (previous or at)).total_seconds()))
        out.append(StepTime(section, item, seconds))
        previous = at
    return out


@dataclass(frozen=True)
class OptionTime:
    label: str
    estimate: str
    seconds: int
    complete: bool
    """Every step of the option has an outcome."""


def option_times(run: Plan) -> list[OptionTime]:
    """Measured time of each option in use (the sum of its steps' times) and its estimate."""
    times = {id(t.item): t.seconds for t in step_times(run)}
    proc = run.procedure
    options = []
    if proc.uses_a:
        options.append(("Option A", proc.option_a_estimate, proc.option_a))
    if proc.uses_b:
        options.append(("Option B", proc.option_b_estimate, proc.option_b))
    out = []
    for label, estimate, items in options:
        measured = [times[id(item)] for item in items if id(item) in times]
        out.append(
            OptionTime(label, estimate, sum(measured), bool(items) and len(measured) == len(items))
        )
    return out


def slowest(run: Plan, n: int = 3) -> list[StepTime]:
    return sorted(step_times(run), key=lambda t: -t.seconds)[:n]
