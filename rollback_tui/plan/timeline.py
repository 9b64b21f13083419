"""The append-only timeline: ticks, unticks, skips, failures, notes, updates sent and the
start of the incident; and the outcomes they record on the items."""

from __future__ import annotations

import datetime as dt
from collections.abc import Container, Iterable, Sized
from dataclasses import dataclass
from typing import Literal

from rollback_tui.plan.model import ChecklistItem, EventKind, Plan, TimelineEvent, utc_now

Outcome = Literal["skipped", "failed"]

EVENT_LABELS: dict[EventKind, str] = {
    "incident-start": "Incident started",
    "tick": "Done",
    "untick": "Undone",
    "skip": "Skipped",
    "fail": "Failed",
    "note": "Note",
    "update-sent": "Status update sent",
    "command": "Command",
    "trigger": "Trigger",
}
"""How each kind of timeline event reads, in the Markdown and on screen."""

IRREVERSIBLE_CONFIRMED = "irreversible step confirmed"
"""The text of the tick event of an irreversible step, confirmed in the checklist (the
word typed) or on the command line (`tick --irreversible`): who confirmed is its `by`."""


def record(
    plan: Plan,
    event: EventKind,
    by: str,
    *,
    item: str | None = None,
    text: str | None = None,
    at: dt.datetime | None = None,
    log: str | None = None,
) -> TimelineEvent:
    """Append an event to the plan's timeline and return it (*log*: a command's log)."""
    entry = TimelineEvent(at=at or utc_now(), by=by, event=event, item=item, text=text, log=log)
    plan.timeline.append(entry)
    return entry


def item_labels(plan: Plan, ids: Container[str] | None = None) -> dict[str, str]:
    """Each checklist item's id and what a timeline row says of it: its section (the
    component, the option, the action group) and its text, as in "checkout-api: Revert to
    previous state". With *ids*, only those items' (a timeline names a few of thousands)."""
    labels: dict[str, str] = {}
    wanted = len(ids) if isinstance(ids, Sized) else None
    for section, _, items in plan.groups(prefixes=False):
        for item in items:
            if ids is not None and item.id not in ids:
                continue
            text = item.text.strip()
            labels.setdefault(
                item.id, f"{section.strip() or 'Item'}: {text}" if text else section.strip()
            )
        if wanted is not None and len(labels) >= wanted:
            break  # every item asked for is found (ids are unique): the rest need no look
    return labels


def set_done(
    plan: Plan,
    item_id: str,
    done: bool,
    by: str,
    at: dt.datetime | None = None,
    *,
    text: str | None = None,
) -> bool:
    """Tick an item, or take back its outcome (done, skipped or failed), recording who and
    when; False if it was already so. *text* goes with the timeline event (an irreversible
    step's confirmation)."""
    item = plan.item(item_id)
    if item is None:
        raise KeyError(item_id)
    return tick_item(plan, item, done, by, at, text=text)


def tick_item(
    plan: Plan,
    item: ChecklistItem,
    done: bool,
    by: str,
    at: dt.datetime | None = None,
    *,
    text: str | None = None,
) -> bool:
    """set_done for an item of *plan* already found."""
    if (item.state == "done") if done else (item.state == "open"):
        return False
    at = at or utc_now()
    item.outcome, item.reason = None, None
    if done:
        item.done, item.done_at, item.done_by = True, at, by
    else:
        item.done, item.done_at, item.done_by = False, None, None
    record(plan, "tick" if done else "untick", by, item=item.id, at=at, text=text)
    return True


def unconfirmed(items: Iterable[ChecklistItem]) -> list[ChecklistItem]:
    """The *items* that ticking done would change and that are irreversible: they need a
    person's explicit confirmation first. Only done asks for it: skipping or failing a
    step, or taking an outcome back, records what happened and runs nothing."""
    return [i for i in items if i.irreversible and i.state != "done"]


def set_outcome(
    plan: Plan, item_id: str, outcome: Outcome, reason: str, by: str, at: dt.datetime | None = None
) -> bool:
    """Mark an item skipped or failed, with why, who and when; False if it already was,
    for the same reason."""
    item = plan.item(item_id)
    if item is None:
        raise KeyError(item_id)
    return mark_item(plan, item, outcome, reason, by, at)


def mark_item(
    plan: Plan,
    item: ChecklistItem,
    outcome: Outcome,
    reason: str,
    by: str,
    at: dt.datetime | None = None,
) -> bool:
    """set_outcome for an item of *plan* already found."""
    reason = reason.strip()
    if item.state == outcome and (item.reason or "") == reason:
        return False
    at = at or utc_now()
    item.done, item.outcome, item.reason = False, outcome, reason or None
    item.done_at, item.done_by = at, by
    record(
        plan,
        "skip" if outcome == "skipped" else "fail",
        by,
        item=item.id,
        at=at,
        text=reason or None,
    )
    return True


@dataclass(frozen=True)
class Progress:
    """How far a group of checklist items has got."""

    done: int
    total: int
    skipped: int = 0
    failed: int = 0

    @classmethod
    def of(cls, items: Iterable[ChecklistItem]) -> Progress:
        states = [item.state for item in items]
        return cls(
            states.count("done"), len(states), states.count("skipped"), states.count("failed")
        )

    @property
    def settled(self) -> int:
        """Items with an outcome: done, skipped or failed."""
        return self.done + self.skipped + self.failed

    @property
    def complete(self) -> bool:
        """Every item done or skipped on purpose (a failed step is not complete)."""
        return self.total > 0 and self.done + self.skipped == self.total

    def counts(self) -> str:
        """``3/8 done``, then ``, 1 skipped, 1 failed`` when there are any."""
        text = f"{self.done}/{self.total} done"
        if self.skipped:
            text += f", {self.skipped} skipped"
        if self.failed:
            text += f", {self.failed} failed"
        return text


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
