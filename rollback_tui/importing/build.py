"""The plan made from what importer read: values checked, variables written back.

Separate from the Markdown walk so that each stays short. Values that do not fit their
field (a date that is not a date, an unknown deployment type) are not guessed: they are
reported as not placed, and the field keeps a new plan's default.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from rollback_tui.importing.pieces import ReadItem, ReadPieces
from rollback_tui.importing.unplaced import Unplaced
from rollback_tui.importing.unrender import unsubstitute
from rollback_tui.plan.model import Plan, interval_text
from rollback_tui.plan.timeline import item_labels

_TYPES = {
    "featureflag": "feature-flag",
    "bluegreen": "blue-green",
    "rolling": "rolling",
    "canary": "canary",
}
_RCA = re.compile(r"^(.*?)(?:, due (\d{4}-\d\d-\d\d)|, no due date yet)?$", re.DOTALL)
_NO_OWNER = "owner not yet named"


def _unplaced(reader: ReadPieces, key: str, text: str) -> None:
    """A header field's value that its field cannot hold, kept with its line."""
    reader.unplaced.append(Unplaced("header", reader.header_at.get(key, 0), text))


_EVERY = re.compile(r"\(review every (\d{1,5}) days\)")


def _review_dates(reader: ReadPieces, data: dict[str, Any]) -> None:
    """``Last Reviewed: 2026-11-21 (review every 90 days)``, ``Last Drilled: 2026-11-22``
    and ``Review Every: 30 days``, as render writes them."""
    h = reader.header
    for key, label in (
        ("last_reviewed", "Last Reviewed"),
        ("last_drilled", "Last Drilled"),
        ("review_every", "Review Every"),
    ):
        if key not in h:
            continue
        value = h[key].strip()
        if key == "review_every":
            every = re.fullmatch(r"(\d{1,5}) days", value)
            if every is None:
                _unplaced(reader, key, f"{label}: {h[key]}")
            else:
                data[key] = int(every.group(1))
            continue
        day, _, rest = value.partition(" ")
        every = _EVERY.fullmatch(rest.strip()) if key == "last_reviewed" else None
        try:
            data[key] = dt.date.fromisoformat(day)
        except ValueError:
            every = None
        if key not in data or (rest.strip() and every is None):
            data.pop(key, None)
            _unplaced(reader, key, f"{label}: {h[key]}")
        elif every is not None:
            data["review_every"] = int(every.group(1))


_LONE_URL = re.compile(r"<?(https?://[^\s<>]+)>?")


def _header(reader: ReadPieces, data: dict[str, Any]) -> None:
    h = reader.header
    for key in ("incident", "incident_link", "version", "target_version", "feature_flag"):
        if key in h:
            data[key] = h[key]
    lone_url = _LONE_URL.fullmatch(data.get("incident", "").strip())
    if lone_url and not data.get("incident_link"):  # a link, not a summary
        data["incident_link"], data["incident"] = lone_url.group(1), ""
    if "created" in h:
        try:
            data["created"] = dt.date.fromisoformat(h["created"].strip())
        except ValueError:
            _unplaced(reader, "created", f"Created: {h['created']}")
    _review_dates(reader, data)
    if "deployment_type" in h:
        kind = _TYPES.get(re.sub(r"[^a-z]", "", h["deployment_type"].lower()))
        if kind is None:
            _unplaced(reader, "deployment_type", f"Deployment Type: {h['deployment_type']}")
        else:
            data["deployment_type"] = kind
    if "db_impact" in h:
        answer = h["db_impact"].strip().lower()
        if answer in ("yes", "no", "true", "false", "y", "n"):
            data["db_impact"] = answer in ("yes", "true", "y")
        else:
            _unplaced(reader, "db_impact", f"Database Impact: {h['db_impact']}")
    names = [n.strip() for n in h.get("components", "").split(",")]
    names = [n for n in names if n and n != "—"]
    if not reader.components:
        reader.components = [(name, []) for name in names]
    else:
        sections = {name for name, _ in reader.components}
        for name in names:
            if name not in sections:
                _unplaced(reader, "components", f"Components: {name} (no section of its own)")


def _items(items: list[ReadItem], variables: dict[str, str]) -> list[dict[str, Any]]:
    return [item.data(variables) for item in items]


def build(reader: ReadPieces) -> Plan:
    """The Plan of everything *reader* placed."""
    data: dict[str, Any] = {}
    title = (reader.title or "").strip()
    data["title"] = "" if title == "Untitled" else title
    _header(reader, data)
    variables = {
        name: value
        for name, value in (
            ("VERSION", data.get("version", "")),
            ("TARGET_VERSION", data.get("target_version", "")),
            ("FEATURE_FLAG", data.get("feature_flag", "")),
            ("INCIDENT", data.get("incident", "")),
        )
        if value
    }

    def fields(section: str) -> dict[str, str]:
        return {
            name: unsubstitute(value, variables)
            for name, value in reader.fields.get(section, {}).items()
        }

    data["assumptions"] = fields("assumptions")
    data["decision"] = fields("decision")
    data["triggers"] = reader.triggers
    data["contacts"] = reader.contacts

    procedure: dict[str, Any] = {}
    options = reader.options
    chosen = [key for key in ("option_a", "option_b") if key in options]
    if chosen:
        procedure["choice"] = "both" if len(chosen) == 2 else chosen[0][-1]
    for key in ("containment", "restore"):
        procedure[key] = _items(options.get(key, []), variables)
    for key in ("option_a", "option_b"):
        procedure[key] = _items(options.get(key, []), variables)
        if key in reader.estimates:
            # The last drill's time beside the estimate is the drill's, not the plan's.
            procedure[f"{key}_estimate"] = re.sub(
                r";\s*last drill [^;]*$", "", reader.estimates[key]
            ).strip()
    data["procedure"] = procedure

    data["components"] = [
        {"name": name, "steps": _items(steps, {**variables, "COMPONENT": name})}
        for name, steps in reader.components
    ]

    comms: dict[str, Any] = dict(reader.fields.get("communications", {}))
    if "update_interval" in comms:  # "every 30 minutes"
        minutes = re.search(r"\d{1,4}", comms.pop("update_interval"))
        if minutes and 1 <= int(minutes.group()) <= 1440:
            comms["update_interval"] = int(minutes.group())
    # "30 minutes" is $UPDATE_INTERVAL in the communication plan alone: elsewhere (a
    # decision's "longer than 30 minutes") it is not the interval.
    interval = interval_text(comms.get("update_interval"))
    spoken = {**variables, "UPDATE_INTERVAL": interval} if interval else variables
    comms = {k: unsubstitute(v, spoken) if isinstance(v, str) else v for k, v in comms.items()}
    comms.update({name: unsubstitute(body, spoken) for name, body in reader.templates.items()})
    comms["actions"] = _items(reader.actions, variables)
    data["communications"] = comms

    data["post_rollback"] = [
        {"name": name, "items": _items(items, variables)} for name, items in reader.groups
    ]

    followup: dict[str, Any] = fields("followup")
    rca = reader.fields.get("followup", {}).get("rca")
    followup.pop("rca", None)
    if rca is not None:
        match = _RCA.match(rca.strip())
        owner = match.group(1).strip() if match else rca
        followup["rca_owner"] = "" if owner == _NO_OWNER else owner
        if match and match.group(2):
            try:
                followup["rca_due"] = dt.date.fromisoformat(match.group(2))
            except ValueError:
                followup["rca_owner"] = rca.strip()  # not a real date: kept as written
    followup["items"] = _items(reader.followup_items, variables)
    data["followup"] = followup

    plan = Plan.model_validate(data)
    labels = item_labels(plan)
    plan.timeline = [_event(plan, event, labels) for event in reader.timeline]
    _seconds_from_timeline(plan)
    return plan


def _event(plan: Plan, event: dict[str, Any], labels: dict[str, str]) -> Any:
    from rollback_tui.plan.model import TimelineEvent

    rest: str = event["rest"]
    item = plan.item(event["item"]) if event["item"] else None
    # The item as render names it ("checkout-api: Revert to previous state"), or, in
    # Markdown written before the section was named, its text alone.
    label = labels.get(event["item"] or "", "")
    if label and rest.startswith(f" {label}"):
        rest = rest[len(label) + 1 :]
    elif item is not None and item.text and rest.startswith(f" {item.text}"):
        rest = rest[len(item.text) + 1 :]
    text = rest[2:] if rest.startswith(": ") else (rest.strip() or None)
    return TimelineEvent(
        at=event["at"], by=event["by"], event=event["event"], item=event["item"], text=text
    )


def _seconds_from_timeline(plan: Plan) -> None:
    """A step's outcome time to the second, from its tick, skip or fail in the timeline
    (the checklist shows minutes)."""
    states = {"tick": "done", "skip": "skipped", "fail": "failed"}
    latest = {e.item: e for e in plan.timeline if e.event in states and e.item}
    for item in plan.all_items():
        event = latest.get(item.id)
        if (
            item.done_at
            and event is not None
            and states[event.event] == item.state
            and event.at.replace(second=0) == item.done_at
            and (event.by or None) == item.done_by
        ):
            item.done_at = event.at


# -- what was not placed, kept in the TOML ------------------------------------------------

_TABLE_OF = {key: "procedure" for key in ("containment", "option_a", "option_b", "restore")}


def _comment(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.split("\n")]
    return [f"#   {line}" if line else "#" for line in lines]


def with_notes(toml_text: str, unplaced: list[Any], source: str) -> str:
    """*toml_text* with a comment before the table of each section that had text not
    placed in the plan (the comments survive every later save)."""
    from rollback_tui.store.key_lines import key_lines

    lines = toml_text.split("\n")
    keys = key_lines(toml_text)
    inserts: dict[int, list[str]] = {}
    for note in unplaced:
        table = _TABLE_OF.get(note.section, note.section)
        at = keys.get(table, 1) - 1 if note.section != "header" else 0
        where = f"{source} line {note.line}" if note.line else source
        inserts.setdefault(at, []).append(f"# Not placed on import ({where}):")
        inserts[at] += _comment(note.text)
    out: list[str] = [f"# Imported from {source} by rollback-tui import."]
    for number, line in enumerate(lines):
        out += inserts.get(number, [])
        out.append(line)
    return "\n".join(out)


def printable(text: str) -> str:
    """*text* on one line, without control characters (for stderr and comments)."""
    from rollback_tui.plan.text import clean_text

    return " ".join(clean_text(text).split("\n"))


def note_line(path: Any, note: Any) -> str:
    """The stderr line for one piece not placed."""
    where = f"{path}:{note.line}" if note.line else f"{path}"
    text = printable(note.text)
    if len(text) > 100:
        text = text[:99] + "…"
    return (
        f"rollback-tui: {printable(where)}: not placed ({note.section}), kept as a comment: {text}"
    )
