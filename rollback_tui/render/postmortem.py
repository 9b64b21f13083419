"""The postmortem of a run or a drill, from its record: summary (incident, versions, who,
start, end, time to mitigate), detection (the triggers, and their values where they were
measured), the timeline with the time between events, each step's time against its
option's estimate, the failed and skipped steps with their reasons, the commands run
(where the step command runner kept them), the status updates sent, and the follow-up as
action items with owners. A drill is compared with the plan's last real run. Written as
Markdown or HTML (render/report_format.py). Pure: the run files are read by the caller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from rollback_tui.plan import run_times
from rollback_tui.plan.model import ChecklistItem, Plan
from rollback_tui.plan.timeline import EVENT_LABELS, item_labels
from rollback_tui.render.report_format import (
    Bullets,
    Cell,
    Code,
    Document,
    Paragraph,
    Part,
    Table,
    Tasks,
)
from rollback_tui.render.run_record import duration
from rollback_tui.render.status_model import TriggerState, command_rows, timeline_measured

PROCEDURE = ("Containment", "Option A", "Option B", "Restore services")
"""The sections whose steps mitigate: the time to mitigate ends with the last of them."""


@dataclass(frozen=True)
class CommandRecord:
    """A step's command run, as the step command runner keeps it (none without it)."""

    item_id: str
    command: str
    exit_code: int | None
    started_at: dt.datetime
    seconds: float
    log: str | None = None
    """The log's path or address, as the report links it."""


def _when(value: dt.datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M:%S} UTC" if value is not None else "-"


def mitigated_at(run: Plan) -> dt.datetime | None:
    """When the last procedure step got its outcome, once none is open (else None)."""
    steps = [item for section, _, item in run.checklist(active=True) if section in PROCEDURE]
    if not steps or any(item.state == "open" for item in steps):
        return None
    times = [item.done_at for item in steps if item.done_at is not None]
    return max(times, default=None)


def _time_to_mitigate(run: Plan) -> str:
    start, end = run_times.run_start(run), mitigated_at(run)
    if start is None or end is None:
        open_steps = sum(
            item.state == "open"
            for section, _, item in run.checklist(active=True)
            if section in PROCEDURE
        )
        return f"not mitigated in this run ({open_steps} procedure steps open)"
    return duration(int((end - start).total_seconds()))


def _who(run: Plan) -> str:
    names: list[str] = []
    for event in run.timeline:
        if event.by and event.by not in names:
            names.append(event.by)
    return ", ".join(names) or "-"


def _summary(run: Plan) -> Part:
    start, end = run_times.run_start(run), run_times.run_end(run)
    c = run_times.counts(run)
    kind = "Drill" if run.run is not None and run.run.kind == "drill" else "Incident"
    rows: list[list[Cell]] = [["Kind", kind]]
    if run.run is not None and run.run.label.strip():
        rows.append(["Label", run.run.label])
    rows += [
        ["Incident", run.incident or "-"],
        ["Link", run.incident_link or "-"],
        ["Versions", f"{run.version or '?'} rolled back to {run.target_version or '?'}"],
        ["Who", _who(run)],
        ["Start", _when(start)],
        ["End", _when(end)],
        [
            "Duration",
            duration(int((end - start).total_seconds())) if start and end else "-",
        ],
        ["Time to mitigate", _time_to_mitigate(run)],
        [
            "Outcomes",
            f"{c['done']} done, {c['skipped']} skipped, {c['failed']} failed, {c['open']} open",
        ],
    ]
    return Part("Summary", [Table(["Field", "Value"], rows)])


def _detection(run: Plan, measured: Mapping[str, TriggerState]) -> Part:
    rows: list[list[Cell]] = []
    for t in run.triggers:
        if not t.trigger.strip():
            continue
        m = measured.get(t.trigger)
        if m is None or m.state is None:
            seen = "not measured"
        else:
            seen = (
                m.state
                + (f", {m.value}" if m.value else "")
                + (f" at {_when(m.at)}" if m.at else "")
            )
        rows.append([t.trigger, t.threshold or "-", t.source or "-", seen])
    if not rows:
        return Part("Detection", [Paragraph("The plan names no rollback trigger.")])
    return Part("Detection", [Table(["Trigger", "Threshold", "Source", "Measured"], rows)])


def _timeline(run: Plan) -> Part:
    if not run.timeline:
        return Part("Timeline", [Paragraph("The run recorded no event.")])
    labels = item_labels(run)
    rows: list[list[Cell]] = []
    previous: dt.datetime | None = None
    for event in sorted(run.timeline, key=lambda e: e.at):
        gap = (
            "-" if previous is None else f"+{duration(int((event.at - previous).total_seconds()))}"
        )
        previous = event.at
        what = EVENT_LABELS.get(event.event, event.event)
        if event.item:
            what += f": {labels.get(event.item, event.item)}"
        if event.event == "update-sent" and event.text:
            first = event.text.strip().split("\n")[0]
            what += f": {first}" + (" …" if "\n" in event.text.strip() else "")
        elif event.text:
            what += f" ({event.text})" if event.item else f": {event.text}"
        rows.append([f"{event.at:%H:%M:%S}", gap, event.by or "-", what])
    return Part("Timeline", [Table(["Time (UTC)", "After", "Who", "What"], rows)])


def _steps(run: Plan) -> Part:
    took = {id(t.item): t.seconds for t in run_times.step_times(run)}
    rows: list[list[Cell]] = []
    for section, _, item in run.checklist(active=True):
        seconds = took.get(id(item))
        rows.append(
            [
                section,
                item.text or item.id,
                item.state,
                item.done_by or "-",
                duration(seconds) if seconds is not None else "-",
            ]
        )
    blocks: list[Table | Paragraph] = [Table(["Section", "Step", "Outcome", "Who", "Took"], rows)]
    options = run_times.option_times(run)
    if options:
        blocks.append(
            Table(
                ["Option", "Measured", "Estimate", "Every step has an outcome"],
                [
                    [o.label, duration(o.seconds), o.estimate or "-", "yes" if o.complete else "no"]
                    for o in options
                ],
            )
        )
    return Part("Steps", [*blocks])


def _not_done(run: Plan) -> Part:
    items: list[Cell] = []
    for section, _, item in run.checklist(active=True):
        if item.state in ("failed", "skipped"):
            items.append(
                f"{item.state.capitalize()}: {section}: {item.text or item.id}"
                f" ({item.reason or 'no reason given'})"
            )
    if not items:
        return Part("Failed and Skipped Steps", [Paragraph("None.")])
    return Part("Failed and Skipped Steps", [Bullets(items)])


def _commands(commands: Sequence[CommandRecord]) -> Part:
    rows: list[list[Cell]] = []
    for c in commands:
        code = "none (did not end)" if c.exit_code is None else str(c.exit_code)
        rows.append(
            [
                c.item_id,
                Code(c.command),
                code,
                _when(c.started_at),
                f"{c.seconds:.0f} s",
                c.log or "-",
            ]
        )
    return Part(
        "Commands Run", [Table(["Step", "Command", "Exit code", "Started", "Took", "Log"], rows)]
    )


def _updates(run: Plan) -> Part:
    sent = [e for e in run.timeline if e.event == "update-sent"]
    if not sent:
        return Part("Status Updates Sent", [Paragraph("No status update was sent.")])
    return Part(
        "Status Updates Sent",
        [Bullets([f"{e.at:%H:%M:%S} UTC, {e.by or '-'}: {e.text or '-'}" for e in sent])],
    )


def _task(item: ChecklistItem) -> tuple[bool, Cell]:
    owner = item.owner.strip() if item.owner and item.owner.strip() else "[owner]"
    return item.state == "done", f"{item.text or item.id} (owner: {owner})"


def _actions(run: Plan) -> Part:
    tasks = [_task(item) for group in run.post_rollback for item in group.items]
    tasks += [_task(item) for item in run.followup.items]
    fu = run.followup
    owner = fu.rca_owner.strip() or "[owner]"
    due = f", due {fu.rca_due.isoformat()}" if fu.rca_due is not None else ""
    tasks.insert(0, (False, f"Root cause analysis (owner: {owner}{due})"))
    return Part("Action Items", [Tasks(tasks)])


def _compare(drill: Plan, real: Plan) -> Part:
    def row(label: str, read: Callable[[Plan], str]) -> list[Cell]:
        return [label, read(drill), read(real)]

    def took(run: Plan) -> str:
        start, end = run_times.run_start(run), run_times.run_end(run)
        return duration(int((end - start).total_seconds())) if start and end else "-"

    def outcomes(run: Plan) -> str:
        c = run_times.counts(run)
        return f"{c['done']} done, {c['skipped']} skipped, {c['failed']} failed"

    rows = [
        row("Duration", took),
        row("Time to mitigate", _time_to_mitigate),
        row("Outcomes", outcomes),
    ]
    drill_options = {o.label: o for o in run_times.option_times(drill)}
    for o in run_times.option_times(real):
        mine = drill_options.get(o.label)
        rows.append([o.label, duration(mine.seconds) if mine else "-", duration(o.seconds)])
    label = real.run.label if real.run is not None and real.run.label.strip() else "last real run"
    started = run_times.run_start(real)
    when = f" ({started:%Y-%m-%d})" if started is not None else ""
    return Part(
        "Drill Against the Last Real Run",
        [Table(["Measure", "This drill", f"{label}{when}"], rows)],
    )


def postmortem(
    run: Plan,
    *,
    last_real_run: Plan | None = None,
    measured: Mapping[str, TriggerState] | None = None,
    commands: Sequence[CommandRecord] = (),
) -> Document:
    """The postmortem of *run* (a run file, or a plan's current run). A drill is compared
    with *last_real_run* where there is one; *measured* holds each trigger's last state
    (the trigger watcher's) and *commands* the steps' commands run (the command runner's).
    """
    title = run.title.strip() or "Untitled plan"
    kind = "Drill report" if run.run is not None and run.run.kind == "drill" else "Postmortem"
    parts = [
        _summary(run),
        _detection(run, timeline_measured(run, measured)),
        _timeline(run),
        _steps(run),
        _not_done(run),
    ]
    commands = commands or [
        CommandRecord(
            row.item_id,
            row.command,
            row.exit_code,
            row.ended_at - dt.timedelta(seconds=row.seconds),
            row.seconds,
            row.log,
        )
        for row in command_rows(run)
        if not row.dry_run
    ]
    if commands:
        parts.append(_commands(commands))
    parts += [_updates(run), _actions(run)]
    is_drill = run.run is not None and run.run.kind == "drill"
    if is_drill and last_real_run is not None:
        parts.append(_compare(run, last_real_run))
    return Document(f"{kind}: {title}", parts)
