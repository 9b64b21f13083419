"""The status update drafted from the timeline: what happened since the last update (steps
done, skipped and failed), the triggers now where they are measured, what comes next, and
when the next update is. Plain text, as a chat message reads; the person sending it edits
it first. Pure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from rollback_tui.plan.model import Plan
from rollback_tui.plan.timeline import Progress
from rollback_tui.plan.update_clock import last_update, update_interval
from rollback_tui.render.status_model import TriggerState, timeline_measured

MAX_LISTED = 5
"""Steps named per kind of outcome; more are counted."""


def _since(plan: Plan) -> dt.datetime | None:
    """The last update sent (or the incident start): what the draft tells is after it."""
    return last_update(plan)


def _named(plan: Plan, ids: list[str]) -> str:
    texts = []
    for item_id in ids[:MAX_LISTED]:
        item = plan.item(item_id)
        texts.append(item.text.strip() if item is not None and item.text.strip() else item_id)
    more = len(ids) - MAX_LISTED
    return "; ".join(texts) + (f"; and {more} more" if more > 0 else "")


def _outcomes_since(plan: Plan, since: dt.datetime | None) -> list[str]:
    """A line per outcome kind recorded since *since*, steps still in that state only."""
    kinds = {"tick": ("done", "Done"), "skip": ("skipped", "Skipped"), "fail": ("failed", "Failed")}
    found: dict[str, list[str]] = {"tick": [], "skip": [], "fail": []}
    for event in plan.timeline:
        if event.event not in kinds or event.item is None:
            continue
        if since is not None and event.at < since:
            continue
        item = plan.item(event.item)
        state, _ = kinds[event.event]
        if item is not None and item.state == state and event.item not in found[event.event]:
            found[event.event].append(event.item)
    lines = []
    for kind, ids in found.items():
        if not ids:
            continue
        label = kinds[kind][1]
        if kind == "tick":
            lines.append(f"{label} ({len(ids)}): {_named(plan, ids)}")
            continue
        reasons = []
        for item_id in ids[:MAX_LISTED]:
            item = plan.item(item_id)
            text = item.text.strip() if item is not None else item_id
            why = item.reason if item is not None and item.reason else "no reason given"
            reasons.append(f"{text or item_id} ({why})")
        more = f"; and {len(ids) - MAX_LISTED} more" if len(ids) > MAX_LISTED else ""
        lines.append(f"{label} ({len(ids)}): {'; '.join(reasons)}{more}")
    return lines


def _triggers(measured: Mapping[str, TriggerState]) -> str | None:
    states = [t for t in measured.values() if t.state is not None]
    if not states:
        return None
    parts = [f"{t.trigger}: {t.state}" + (f" ({t.value})" if t.value else "") for t in states]
    return "Triggers now: " + "; ".join(parts)


def _next_step(plan: Plan) -> str | None:
    for section, _, item in plan.checklist(active=True):
        if item.state == "open":
            return f"Next: {section}: {item.text.strip() or item.id}"
    return None


def draft_update(
    plan: Plan, now: dt.datetime, measured: Mapping[str, TriggerState] | None = None
) -> str:
    """The status update to send at *now*: a few lines of plain text."""
    title = plan.title.strip() or "Rollback"
    head = f"Status update: {title}"
    if plan.incident.strip():
        head += f" ({plan.incident.strip()})"
    kind = "Drill" if plan.run is not None and plan.run.kind == "drill" else ""
    lines = [f"[{kind}] {head}" if kind else head]
    since = _since(plan)
    outcomes = _outcomes_since(plan, since)
    when = f" since {since:%H:%M} UTC" if since is not None else ""
    if outcomes:
        lines.append(f"What happened{when}:")
        lines += [f"- {line}" for line in outcomes]
    else:
        lines.append(f"No step changed{when}.")
    progress = Progress.of(plan.all_items(active=True))
    lines.append(f"Progress: {progress.counts()}.")
    triggers = _triggers(timeline_measured(plan, measured))
    if triggers:
        lines.append(triggers)
    step = _next_step(plan)
    lines.append(step if step is not None else "Every step has an outcome.")
    interval = update_interval(plan)
    if interval is not None and plan.incident_started_at is not None:
        due = now + dt.timedelta(minutes=interval)
        lines.append(f"Next update at {due:%H:%M} UTC.")
    return "\n".join(lines)
