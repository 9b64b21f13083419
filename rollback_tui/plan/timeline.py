"""The append-only timeline: ticks, unticks, notes and the start of the incident."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rollback_tui.plan.model import EventKind, Plan, TimelineEvent, utc_now


def record(plan: Plan, event: EventKind, by: str, *, item: str | None = None,
           text: str | None = None, at: dt.datetime | None = None) -> TimelineEvent:
    """Append an event to the plan's timeline and return it."""
    entry = TimelineEvent(at=at or utc_now(), by=by, event=event, item=item, text=text)
    plan.timeline.append(entry)
    return entry


def item_labels(plan: Plan) -> dict[str, str]:
    """Each checklist item's id and what a timeline row says of it: its section (the
    component, the option, the action group) and its text, as in "checkout-api: Revert to
    previous state"."""
    labels: dict[str, str] = {}
    for section, _, item in plan.checklist():
        text = item.text.strip()
        labels.setdefault(item.id, f"{section.strip() or 'Item'}: {text}" if text else
                          section.strip())
    return labels


def set_done(plan: Plan, item_id: str, done: bool, by: str,
             at: dt.datetime | None = None) -> bool:
    """Tick or untick an item, recording who and when; False if it was already so."""
    item = plan.item(item_id)
    if item is None:
        raise KeyError(item_id)
    if item.done == done:
        return False
    at = at or utc_now()
    if done:
        item.done, item.done_at, item.done_by = True, at, by
    else:
        item.done, item.done_at, item.done_by = False, None, None
    record(plan, "tick" if done else "untick", by, item=item_id, at=at)
    return True


@dataclass(frozen=True)
class Progress:
    """How far a group of checklist items has got."""

    done: int
    total: int

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done == self.total


def elapsed(start: dt.datetime, end: dt.datetime) -> str:
    """A duration as people say it: ``45 s``, ``12 min``, ``1 h 05 min``."""
    seconds = max(0, int((end - start).total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def option_milestones(plan: Plan) -> list[tuple[str, str]]:
    """Time from incident start to the first and last tick of each option in use."""
    start = plan.incident_started_at
    if start is None:
        return []
    rows = []
    options = []
    if plan.procedure.uses_a:
        options.append(("Option A", plan.procedure.option_a))
    if plan.procedure.uses_b:
        options.append(("Option B", plan.procedure.option_b))
    for label, items in options:
        times = sorted(item.done_at for item in items if item.done and item.done_at)
        if not times:
            continue
        rows.append((f"Start to first step of {label}", elapsed(start, times[0])))
        if len(times) == len(items):
            rows.append((f"Start to last step of {label}", elapsed(start, times[-1])))
    return rows
