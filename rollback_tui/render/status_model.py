"""The status of a run, as the status page publishes it: `status.json`, and what
`index.html` is drawn from (render/status_html.py). One model, so that the page and the
file never disagree; its JSON Schema is `rollback-tui schema --status`. Pure.

Two parts are filled in by features that run beside the checklist, and are empty or null
without them: each trigger's last state (`TriggerState`, from the trigger watcher) and
each step's last command run (`CommandRun`, from the step's command runner). Both arrive
as plain data (`measured`, `commands` of `status_of`), never by reading their files here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict

from rollback_tui.plan.model import EventKind, ItemState, Plan
from rollback_tui.plan.trigger_states import last_states
from rollback_tui.plan.update_clock import update_clock

STATUS_FORMAT = 1
"""The version of status.json's format: raised when a field changes meaning or goes."""


class _Status(BaseModel):
    # The fields' docstrings are the schema's descriptions (`schema --status`).
    model_config = ConfigDict(use_attribute_docstrings=True, frozen=True)


class Counts(_Status):
    """How many steps are done, skipped, failed and open."""

    done: int = 0
    skipped: int = 0
    failed: int = 0
    open: int = 0
    total: int = 0
    """All the steps counted: done + skipped + failed + open."""


class Section(_Status):
    """A group of steps as the plan has it (an option, a component, the follow-up)."""

    name: str
    counts: Counts


class CommandRun(_Status):
    """The last run of a step's command (from the step command runner; null without it)."""

    exit_code: int | None
    """The command's exit code; null when it did not end by itself (a timeout)."""
    started_at: dt.datetime
    seconds: float
    """How long it ran."""
    log: str | None = None
    """The log of its output, relative to the run's folder, where one was kept."""


class Item(_Status):
    """One step of the checklist."""

    id: str
    section: str
    text: str
    state: ItemState
    """open, done, skipped or failed."""
    by: str | None
    """Who recorded the outcome."""
    at: dt.datetime | None
    """When the outcome was recorded, in UTC."""
    reason: str | None
    """Why a step was skipped, or what went wrong."""
    irreversible: bool = False
    command_run: CommandRun | None = None
    """The last run of the step's command, where one was run from rollback-tui."""


class TriggerState(_Status):
    """A rollback trigger and, where it is measured (the trigger watcher), its last state."""

    trigger: str
    threshold: str = ""
    source: str = ""
    state: Literal["firing", "quiet", "unknown"] | None = None
    """firing, quiet, unknown (the metrics source did not answer); null: not measured."""
    value: str | None = None
    """The last value measured, as text."""
    at: dt.datetime | None = None
    """When it was last measured."""


def timeline_measured(
    plan: Plan, told: Mapping[str, TriggerState] | None = None
) -> dict[str, TriggerState]:
    """Each measured trigger's last state: as *plan*'s timeline recorded it (the trigger
    watcher writes every change there, at the time Prometheus measured it), where *told*
    (the watcher's events heard since) has nothing later."""
    states = last_states(plan)
    out: dict[str, TriggerState] = {}
    for t in plan.triggers:
        last = states.get(t.trigger) if t.trigger else None
        if last is not None:
            _, _, value = last.text.partition(" firing: ")
            out[t.trigger] = TriggerState(
                trigger=t.trigger,
                threshold=t.threshold,
                source=t.source,
                state=last.state,
                value=value.split(" (", 1)[0] or None if last.state == "firing" else None,
                at=last.at,
            )
    for name, state in (told or {}).items():
        known = out.get(name)
        if known is None or known.at is None or (state.at is not None and state.at > known.at):
            out[name] = state
    return out


_COMMAND_ROW = re.compile(
    r"^(?P<verb>Ran|Dry run) `(?P<command>.*)`: "
    r"(?:exit (?P<code>-?\d+) in (?P<seconds>\d+(?:\.\d+)?) s|(?P<stopped>.+))$",
    re.S,
)


@dataclass(frozen=True)
class CommandRow:
    """A step's command run, as its timeline row records it (the step command runner
    writes "Ran `helm rollback shop 41`: exit 0 in 12.4 s", with the log's path)."""

    item_id: str
    command: str
    exit_code: int | None
    """None when it did not end by itself (timed out, interrupted)."""
    ended_at: dt.datetime
    seconds: float
    log: str | None
    dry_run: bool


def command_rows(plan: Plan) -> list[CommandRow]:
    """Every command run *plan*'s timeline records, in order."""
    rows = []
    for event in plan.timeline:
        found = _COMMAND_ROW.match(event.text or "") if event.event == "command" else None
        if found is None or not event.item:
            continue
        code = found.group("code")
        rows.append(
            CommandRow(
                item_id=event.item,
                command=found.group("command"),
                exit_code=int(code) if code is not None else None,
                ended_at=event.at,
                seconds=float(found.group("seconds") or 0),
                log=event.log,
                dry_run=found.group("verb") == "Dry run",
            )
        )
    return rows


def timeline_commands(
    plan: Plan, told: Mapping[str, CommandRun] | None = None
) -> dict[str, CommandRun]:
    """Each step's last command run (dry runs aside), from *plan*'s timeline, where *told*
    (the runner's events heard since) has nothing later."""
    out: dict[str, CommandRun] = {}
    for row in command_rows(plan):
        if not row.dry_run:
            started = row.ended_at - dt.timedelta(seconds=row.seconds)
            out[row.item_id] = CommandRun(
                exit_code=row.exit_code, started_at=started, seconds=row.seconds, log=row.log
            )
    for item_id, run in (told or {}).items():
        known = out.get(item_id)
        if known is None or run.started_at > known.started_at:
            out[item_id] = run
    return out


def measured_state(trigger: str, firing: bool, at: dt.datetime) -> TriggerState:
    """A trigger's state as the trigger watcher tells it (run/events.py TriggerChanged)."""
    return TriggerState(trigger=trigger, state="firing" if firing else "quiet", at=at)


class Update(_Status):
    """A status update sent."""

    at: dt.datetime
    by: str
    text: str


class Event(_Status):
    """One entry of the run's timeline."""

    at: dt.datetime
    by: str
    event: EventKind
    item: str | None = None
    """The step's id, for an outcome."""
    text: str | None = None
    """A note's text, a reason, an update's text."""


class Status(_Status):
    """The status of a rollback run: what `status.json` holds."""

    format: int = STATUS_FORMAT
    """The version of this format."""
    updated_at: dt.datetime
    """When this status was written, in UTC."""
    title: str
    incident: str
    incident_link: str
    version: str
    """The version being rolled back."""
    target_version: str
    """The version rolled back to."""
    kind: Literal["incident", "drill"]
    """incident (a real run) or drill (a rehearsal)."""
    label: str = ""
    """The run's label (a drill's name)."""
    run_by: list[str]
    """Who is running it: the publisher first, then everyone who recorded an outcome."""
    incident_started_at: dt.datetime | None
    counts: Counts
    sections: list[Section]
    items: list[Item]
    triggers: list[TriggerState]
    last_update: Update | None
    """The last status update sent, if any."""
    next_update_due: dt.datetime | None
    """When the next status update is due (null before the incident start, or without an
    update interval)."""
    timeline: list[Event]
    """Every event of the run, oldest first."""


def _counts(states: list[ItemState]) -> Counts:
    return Counts(
        done=states.count("done"),
        skipped=states.count("skipped"),
        failed=states.count("failed"),
        open=states.count("open"),
        total=len(states),
    )


def _sections(plan: Plan) -> list[Section]:
    """The groups of steps in plan order (two groups of one name stay two, as listed)."""
    groups: list[tuple[str, list[ItemState]]] = []
    for section, _, item in plan.checklist(active=True):
        if not groups or groups[-1][0] != section:
            groups.append((section, []))
        groups[-1][1].append(item.state)
    return [Section(name=name, counts=_counts(states)) for name, states in groups]


def _last_update(plan: Plan) -> Update | None:
    sent = [e for e in plan.timeline if e.event == "update-sent"]
    if not sent:
        return None
    last = sent[-1]
    return Update(at=last.at, by=last.by, text=last.text or "")


def status_of(
    plan: Plan,
    now: dt.datetime,
    *,
    by: str = "",
    measured: Mapping[str, TriggerState] | None = None,
    commands: Mapping[str, CommandRun] | None = None,
) -> Status:
    """The status of *plan*'s run at *now*, published by *by*.

    *measured*: each trigger's last state by its name (the trigger watcher's); *commands*:
    each step's last command run by its id (the command runner's). Both may be empty.
    """
    measured = timeline_measured(plan, measured)
    commands = timeline_commands(plan, commands)
    rows = plan.checklist(active=True)
    items = [
        Item(
            id=item.id,
            section=section,
            text=item.text,
            state=item.state,
            by=item.done_by if item.state != "open" else None,
            at=item.done_at if item.state != "open" else None,
            reason=item.reason,
            irreversible=item.irreversible,
            command_run=commands.get(item.id),
        )
        for section, _, item in rows
    ]
    triggers = [
        measured.get(t.trigger)
        or TriggerState(trigger=t.trigger, threshold=t.threshold, source=t.source)
        for t in plan.triggers
        if t.trigger.strip()
    ]
    who = [by] if by else []
    for item in items:
        if item.by and item.by not in who:
            who.append(item.by)
    clock = update_clock(plan, now)
    info = plan.run
    return Status(
        updated_at=now,
        title=plan.title,
        incident=plan.incident,
        incident_link=plan.incident_link,
        version=plan.version,
        target_version=plan.target_version,
        kind=info.kind if info is not None else "incident",
        label=info.label if info is not None else "",
        run_by=who,
        incident_started_at=plan.incident_started_at or (info.started if info else None),
        counts=_counts([item.state for item in items]),
        sections=_sections(plan),
        items=items,
        triggers=triggers,
        last_update=_last_update(plan),
        next_update_due=clock.due if clock is not None else None,
        timeline=[
            Event(at=e.at, by=e.by, event=e.event, item=e.item, text=e.text) for e in plan.timeline
        ],
    )


def status_json(status: Status) -> str:
    """status.json's text: indented JSON, times in UTC with a Z, ending with a newline."""
    return status.model_dump_json(indent=2) + "\n"


def status_schema() -> dict[str, object]:
    """The JSON Schema (draft 2020-12) of status.json."""
    schema = Status.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
        "title": "rollback-tui status",
    }
