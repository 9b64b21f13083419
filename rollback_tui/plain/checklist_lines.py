"""The checklist as lines: each group with its progress, each step with its id and its
state in words (``[ ]``, ``[x]``, ``skipped``, ``FAILED``), the timeline and the status.
Pure: the plan in, lines out (cleaned when written, lines.py)."""

from __future__ import annotations

import datetime as dt

from rollback_tui.plain.lines import one_line
from rollback_tui.plan.model import ChecklistItem, Plan
from rollback_tui.plan.timeline import EVENT_LABELS, Progress, elapsed
from rollback_tui.plan.update_clock import update_clock
from rollback_tui.render import substitute, substitute_command

MARKS = {"open": "[ ]", "done": "[x]", "skipped": "skipped", "failed": "FAILED"}
"""Each state in words a screen reader says as they are."""


def counts(progress: Progress) -> str:
    """``2 of 4 done, 1 skipped``: read aloud as words ("2/4" is "two slash four")."""
    return progress.counts().replace(
        f"{progress.done}/{progress.total} ", f"{progress.done} of {progress.total} ", 1
    )


def clock_time(at: dt.datetime | None) -> str:
    """``14:05 UTC`` (empty for no time)."""
    return "" if at is None else f"{at.astimezone(dt.UTC):%H:%M} UTC"


def groups(plan: Plan) -> list[tuple[str, list[ChecklistItem]]]:
    """The steps of the options in use, by group, in plan order."""
    found: dict[str, list[ChecklistItem]] = {}
    for section, _, item in plan.checklist(active=True):
        found.setdefault(section or "Steps", []).append(item)
    return list(found.items())


def _variables(plan: Plan) -> dict[str, dict[str, str]]:
    """Each component step's id and the values its text and command use."""
    return {
        step.id: plan.variables(component.name)
        for component in plan.components
        for step in component.steps
    }


Values = dict[str, dict[str, str]]
"""Each component step's id and the values its text and command use (`_variables`)."""


def item_text(plan: Plan, item: ChecklistItem, values: Values | None = None) -> str:
    """The step's text on one line, with the plan's values filled in (*values*: made once
    for many steps)."""
    variables = (_variables(plan) if values is None else values).get(item.id)
    return one_line(substitute(item.text, variables or plan.variables())) or "(no text)"


def item_command(plan: Plan, item: ChecklistItem) -> str:
    """The step's command with the plan's values filled in, quoted for a shell ("" if
    it has none)."""
    if not item.command:
        return ""
    variables = _variables(plan).get(item.id) or plan.variables()
    return substitute_command(item.command, variables).strip()


def item_line(plan: Plan, item: ChecklistItem, values: Values | None = None) -> str:
    """``[x] b-1 Identify the last good version (done 14:05 UTC by sam)``."""
    line = f"{MARKS[item.state]} {item.id} {item_text(plan, item, values)}"
    if item.irreversible:
        line += " (irreversible)"
    if item.state != "open":
        when = clock_time(item.done_at)
        line += f" ({item.state} {when} by {item.done_by or 'someone'}"
        line += f": {one_line(item.reason)})" if item.reason else ")"
    return line


def checklist_lines(plan: Plan, *, open_only: bool = False) -> list[str]:
    """Every group (or only the open steps) with its progress, each step on its line."""
    lines: list[str] = []
    values = _variables(plan)
    for name, items in groups(plan):
        shown = [item for item in items if item.state == "open" or not open_only]
        if not shown:
            continue
        lines.append(f"{one_line(name)}: {counts(Progress.of(items))}")
        lines += ["  " + item_line(plan, item, values) for item in shown]
    return lines or (["No open steps."] if open_only else ["The plan has no steps."])


def next_open(plan: Plan) -> ChecklistItem | None:
    """The first open step, in plan order."""
    return next((i for _, items in groups(plan) for i in items if i.state == "open"), None)


def labels(plan: Plan) -> dict[str, str]:
    """Each step's id and how the timeline names it: its group and its text, with the
    plan's values filled in."""
    values = _variables(plan)
    return {
        item.id: f"{one_line(section) or 'Item'}: {item_text(plan, item, values)}"
        for section, _, item in plan.checklist()
    }


def timeline_lines(plan: Plan) -> list[str]:
    """Each timeline event of the run: when, who, what."""
    names = labels(plan)
    lines = []
    for event in plan.timeline:
        line = f"{clock_time(event.at)} {one_line(event.by) or 'someone'}: "
        line += EVENT_LABELS.get(event.event, event.event)
        if event.item:
            line += f" {event.item}"
            if event.item in names:
                line += f" ({names[event.item]})"
        if event.text:
            line += f": {one_line(event.text)}"
        lines.append(line)
    return lines or ["The timeline is empty."]


def status_lines(plan: Plan, now: dt.datetime) -> list[str]:
    """How far the run has got: steps, the incident's start, the next status update."""
    items = [item for _, items in groups(plan) for item in items]
    lines = [f"Steps: {counts(Progress.of(items))}."]
    start = plan.incident_started_at
    if start is None:
        lines.append("Incident start: not marked (type start to mark it now).")
    else:
        lines.append(f"Incident started at {clock_time(start)}, {elapsed(start, now)} ago.")
    clock = update_clock(plan, now)
    if clock is not None:
        lines.append(f"Status updates: {clock.describe()}.")
    return lines
