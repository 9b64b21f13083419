"""What `check` reports: the gaps that would hurt during an incident."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pydantic import BaseModel

from rollback_tui.bulk_work import pace
from rollback_tui.plan.brief_hints import hints
from rollback_tui.plan.findings import Finding
from rollback_tui.plan.model import ChecklistItem, Plan, field_names
from rollback_tui.plan.shell_words import (
    INVISIBLE,
    evaluates_values,
    is_plain_name,
    strip_invisible,
)
from rollback_tui.plan.trigger_lint import trigger_findings

# [Name], [Slack/Phone], [Component 1]: the template's placeholders; and a new plan's
# [Confirm: …], a default that states a fact nobody has checked yet.
_TEMPLATE_PLACEHOLDER = re.compile(
    r"\[(?:[A-Z][A-Za-z /-]{0,30}(?: [0-9]{1,2})?|Confirm: [^\]\n]{1,200})\]"
)
_ANGLE_PLACEHOLDER = re.compile(r"<[a-z][a-z0-9 _-]{0,30}>")
_VERIFY = re.compile(r"verif|health|check|confirm|smoke|monitor|test", re.IGNORECASE)
_DATABASE = re.compile(r"databas|migrat|schema|\bdb\b|\bsql\b", re.IGNORECASE)
_NO_DATA_CHANGE = re.compile(
    r"\bno\b[^.;]*\bmigrations?\b|\bwithout\b[^.;]*\bmigrations?\b"
    r"|\b(does not|doesn't|won't|will not|never) (change|touch|write|alter)\b"
    r"[^.;]*\b(data|schema)\b"
    r"|\bno\b[^.;]*\b(data|schema) changes?\b",
    re.IGNORECASE,
)

VARIABLE_FIELDS = {
    "VERSION": "version",
    "TARGET_VERSION": "target_version",
    "FEATURE_FLAG": "feature_flag",
    "INCIDENT": "incident",
    "UPDATE_INTERVAL": "communications.update_interval",
}
"""Each plan variable and the field that gives it its value."""
_NAMES = "TARGET_VERSION|VERSION|FEATURE_FLAG|INCIDENT|COMPONENT|UPDATE_INTERVAL"
_VARIABLE_USE = re.compile(rf"\$(?:\{{({_NAMES})\}}|({_NAMES})\b)")


def _strings(model: BaseModel, prefix: str = "") -> list[tuple[str, str]]:
    """Every string in *model*, with where it is ("components[2].steps[0].text")."""
    found: list[tuple[str, str]] = []
    _collect_strings(model, f"{prefix}." if prefix else "", found)
    return found


def _collect_strings(model: BaseModel, dotted: str, found: list[tuple[str, str]]) -> None:
    # One walk, appending to one list: the plan is walked after each pause in typing, and
    # a 1,000-component plan holds some 20,000 strings. Checked in the background of the
    # wizard, the walk gives way to the keys typed meanwhile at each object.
    pace()
    values = model.__dict__
    for name in field_names(model):
        value = values[name]
        if isinstance(value, str):
            found.append((dotted + name, value))
        elif isinstance(value, BaseModel):
            _collect_strings(value, f"{dotted}{name}.", found)
        elif isinstance(value, list):
            for i, sub in enumerate(value):
                if isinstance(sub, BaseModel):
                    _collect_strings(sub, f"{dotted}{name}[{i}].", found)


def _any_match(pattern: re.Pattern[str], strings: list[tuple[str, str]]) -> bool:
    """Whether *pattern* matches in any of *strings* (it has no anchors: one search over
    them all, joined by a character no pattern takes, says so)."""
    return pattern.search("\0".join(value for _, value in strings)) is not None


def _items_with_paths(plan: Plan) -> Iterator[tuple[str, ChecklistItem]]:
    for name in ("containment", "option_a", "option_b", "restore"):
        for i, item in enumerate(getattr(plan.procedure, name)):
            yield f"procedure.{name}[{i}]", item
    for c, component in enumerate(plan.components):
        pace()
        for i, item in enumerate(component.steps):
            yield f"components[{c}].steps[{i}]", item


def _unset_variables(plan: Plan, strings: list[tuple[str, str]]) -> dict[str, str]:
    """A finding for each variable used with no value: on the field that would give it
    one, naming every place that uses it; $COMPONENT outside a component, where it is."""
    uses: dict[str, list[str]] = {}
    out: dict[str, str] = {}
    for where, value in strings:
        if "$" not in value:
            continue
        for match in _VARIABLE_USE.finditer(value):
            name = match.group(1) or match.group(2)
            if name == "COMPONENT":
                if not where.startswith("components["):
                    out[where] = (
                        "$COMPONENT has a value only in a component's steps; here it stays unset"
                    )
            elif where not in uses.setdefault(name, []):
                uses[name].append(where)
    values = plan.variables()
    for name, field in VARIABLE_FIELDS.items():
        places = uses.get(name)
        if places and not values.get(name, "").strip():
            out[field] = f"not set, but ${name} is used in {', '.join(places)}"
    return out


def lint(plan: Plan, unknown_keys: list[str] | None = None) -> list[Finding]:
    """Every finding for *plan*, in the order of the wizard's steps.

    Args:
        plan: the plan to check.
        unknown_keys: the keys its file has that no plan has, each reported.

    Returns:
        The errors, warnings and hints, step by step.
    """
    every_string = _strings(plan)
    strings = _checked_strings(plan, every_string)
    out = [
        *_basics(plan, strings),
        *_not_written(plan.assumptions, "assumptions", _ASSUMPTIONS),
        *_triggers(plan),
        *trigger_findings(plan, _items_with_paths(plan)),
        *_not_written(plan.decision, "decision", _DECISION),
        *_procedure(plan),
        *_database(plan),
        *_components(plan),
        *_not_written(plan.communications, "communications", _COMMUNICATIONS),
        *_followup_and_contacts(plan),
        *_names_for_commands(plan),
        *_invisible_characters(every_string),
    ]
    out += (
        Finding("warning", key, "unknown key (kept as is, but rollback-tui does not use it)")
        for key in unknown_keys or []
    )
    out += (Finding("hint", where, message) for where, message in hints(plan))
    return out


_ASSUMPTIONS = ("data_mutations", "backups", "migrations", "sla", "user_impact")
_DECISION = ("severity", "impact_scope", "time_to_resolution", "rollback_vs_hotfix")
_COMMUNICATIONS = ("stakeholders", "channels", "cadence")


def _checked_strings(plan: Plan, every_string: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The strings that are checked: not the timeline's, nor those of an option not used."""
    unused = [
        f"procedure.{part}["
        for part, used in (
            ("option_a", plan.procedure.uses_a),
            ("option_b", plan.procedure.uses_b),
            ("restore", plan.procedure.uses_b),  # the steps after Option B go with it
        )
        if not used
    ]
    skipped = ("timeline", *unused)
    # Every skipped path starts with t or p: most strings (the components') are kept at the
    # cost of one character comparison.
    return [
        (where, value)
        for where, value in every_string
        if where[0] not in "tp" or not where.startswith(skipped)
    ]


def _basics(plan: Plan, strings: list[tuple[str, str]]) -> Iterator[Finding]:
    """The title, the variables used without a value, the placeholders left."""
    if not plan.title.strip():
        yield Finding(
            "error", "title", "the plan has no title (the feature or change it rolls back)"
        )
    unset = _unset_variables(plan, strings)
    for field, message in unset.items():
        yield Finding("error", field, message)
    if plan.feature_flag == "" and plan.procedure.uses_a and "feature_flag" not in unset:
        yield Finding(
            "warning", "feature_flag", "Option A disables a feature flag, but none is named"
        )
    if plan.procedure.uses_b and not plan.target_version.strip() and "target_version" not in unset:
        yield Finding("warning", "target_version", "the last known good version is not named")
    yield from _placeholders(strings)


def _placeholders(strings: list[tuple[str, str]]) -> Iterator[Finding]:
    """Each template placeholder ([Name], <service>) still to be filled in."""
    if not (_any_match(_TEMPLATE_PLACEHOLDER, strings) or _any_match(_ANGLE_PLACEHOLDER, strings)):
        return
    for where, value in strings:
        for opening, pattern in (("[", _TEMPLATE_PLACEHOLDER), ("<", _ANGLE_PLACEHOLDER)):
            if opening not in value:
                continue
            # Once each: a command may use the same placeholder twice.
            for found in dict.fromkeys(pattern.findall(value)):
                yield Finding("error", where, f"placeholder {found} is still to be filled in")


def _not_written(section: BaseModel, prefix: str, names: tuple[str, ...]) -> Iterator[Finding]:
    """A warning for each of *section*'s text fields *names* left empty."""
    for name in names:
        if not getattr(section, name).strip():
            yield Finding("warning", f"{prefix}.{name}", "not yet written")


def _triggers(plan: Plan) -> Iterator[Finding]:
    """No trigger at all, or one without its condition, threshold or source."""
    if not plan.triggers:
        yield Finding("error", "triggers", "no rollback triggers")
    for i, trigger in enumerate(plan.triggers):
        label = trigger.trigger.strip() or f"trigger {i + 1}"
        if not trigger.trigger.strip():
            yield Finding("error", f"triggers[{i}].trigger", f"{label} has no condition")
        if not trigger.threshold.strip():
            yield Finding(
                "error", f"triggers[{i}].threshold", f"trigger {label!r} has no threshold"
            )
        if not trigger.source.strip():
            yield Finding(
                "error", f"triggers[{i}].source", f"trigger {label!r} has no monitoring source"
            )


def _procedure(plan: Plan) -> Iterator[Finding]:
    """Containment, the options chosen and their estimates, each step's text and owner."""
    proc = plan.procedure
    if not proc.containment and not (proc.uses_a and plan.feature_flag.strip()):
        yield Finding(
            "warning",
            "procedure.containment",
            "no immediate containment step and no feature flag to turn off: nothing "
            "throttles or routes traffic away while Option B runs",
        )
    if proc.uses_a and not proc.option_a:
        yield Finding("error", "procedure.option_a", "Option A is chosen but has no steps")
    if proc.uses_b and not proc.option_b:
        yield Finding("error", "procedure.option_b", "Option B is chosen but has no steps")
    for option, used, estimate in (
        ("a", proc.uses_a, proc.option_a_estimate),
        ("b", proc.uses_b, proc.option_b_estimate),
    ):
        if used and not estimate.strip():
            yield Finding(
                "warning",
                f"procedure.option_{option}_estimate",
                f"Option {option.upper()} has no time estimate",
            )
    for where, item in _items_with_paths(plan):
        if not item.text.strip():
            yield Finding("error", f"{where}.text", f"step {item.id} has no text")
        if item.irreversible and not (item.owner or "").strip():
            yield Finding(
                "warning",
                f"{where}.owner",
                f"step {item.id} cannot be undone and has no owner to confirm it",
            )


def _database(plan: Plan) -> Iterator[Finding]:
    """With a database impact: a step that rolls it back, assumptions that agree."""
    if not plan.db_impact:
        return
    # One search over every step's text and command (the pattern has no anchor; NUL
    # separates them as a space would).
    steps = "\0".join(f"{s.text} {s.command or ''}" for _, s in _items_with_paths(plan))
    if not _DATABASE.search(steps):
        yield Finding(
            "error",
            "procedure.option_b",
            "database impact is yes, but no step rolls the database back",
        )
    for name in ("data_mutations", "migrations"):
        said = _NO_DATA_CHANGE.search(getattr(plan.assumptions, name))
        if said:
            yield Finding(
                "warning",
                f"assumptions.{name}",
                f"database impact is yes, but this says {said.group().strip()!r}",
            )


def _components(plan: Plan) -> Iterator[Finding]:
    """No component, or one without a name, steps or a step that verifies it."""
    if not plan.components:
        yield Finding("warning", "components", "no components are listed")
    for c, component in enumerate(plan.components):
        name = component.name.strip() or f"component {c + 1}"
        if not component.name.strip():
            yield Finding("error", f"components[{c}].name", "a component has no name")
        if not component.steps:
            yield Finding("error", f"components[{c}].steps", f"component {name!r} has no steps")
        elif not any(_VERIFY.search(step.text) for step in component.steps):
            yield Finding(
                "warning",
                f"components[{c}].steps",
                f"component {name!r} has no step that verifies it",
            )


def _followup_and_contacts(plan: Plan) -> Iterator[Finding]:
    """The root cause analysis' owner and date; the contacts and how to reach them."""
    if not plan.followup.rca_owner.strip():
        yield Finding("warning", "followup.rca_owner", "no owner for the root cause analysis")
    if plan.followup.rca_due is None:
        yield Finding("warning", "followup.rca_due", "no due date for the root cause analysis")
    if not plan.contacts:
        yield Finding("error", "contacts", "no emergency contacts")
    for i, contact in enumerate(plan.contacts):
        role = contact.role.strip() or f"contact {i + 1}"
        if not contact.name.strip():
            yield Finding("error", f"contacts[{i}].name", f"{role} has no name")
        if not contact.contact.strip():
            yield Finding("error", f"contacts[{i}].contact", f"{role} has no way to be reached")


def _names_for_commands(plan: Plan) -> Iterator[Finding]:
    """Names substituted into commands that a shell would read as more than a name."""
    names = [
        (f"components[{c}].name", component.name) for c, component in enumerate(plan.components)
    ]
    names.append(("feature_flag", plan.feature_flag))
    for where, name in names:
        if strip_invisible(name).strip() and not is_plain_name(strip_invisible(name)):
            yield Finding(
                "warning",
                where,
                f"{name!r} is not a plain name (letters, digits, -._/:@); "
                "commands get it from a line that sets it first, but tools may not accept it",
            )
    for where, item in _items_with_paths(plan):
        command = item.command or ""
        if "$" not in command or not evaluates_values(command):
            continue
        component = None
        if where.startswith("components["):
            component = plan.components[int(where[11 : where.index("]")])].name
        values = plan.variables(component)
        left = sorted(
            {
                name
                for match in _VARIABLE_USE.finditer(command)
                if (name := match.group(1) or match.group(2)) in values
                and not is_plain_name(strip_invisible(values[name]))
            }
        )
        if left:
            yield Finding(
                "warning",
                f"{where}.command",
                f"may run a value as code (eval, sh -c, ssh, arithmetic...): "
                f"{', '.join('$' + name for name in left)} left unset here, as "
                f"{'its value is' if len(left) == 1 else 'their values are'} not a plain name",
            )


# Where an invisible character can hide in plain sight: in what is run or typed as a word.
_IDENTIFIER = re.compile(
    r"(^|\.)(id|command|feature_flag|version|target_version)$"
    r"|^components\[\d+\]\.name$"
)


def _invisible_characters(strings: list[tuple[str, str]]) -> Iterator[Finding]:
    """Bidirectional controls and zero-width characters, which make text read otherwise."""
    if not _any_match(INVISIBLE, strings):
        return
    for where, value in strings:
        found = sorted(set(INVISIBLE.findall(value)))
        if not found:
            continue
        names = ", ".join(f"U+{ord(char):04X}" for char in found)
        if _IDENTIFIER.search(where):
            what = "removed from commands and names"
        else:
            what = f"shown as {', '.join(f'<U+{ord(char):04X}>' for char in found)}"
        yield Finding(
            "warning", where, f"holds invisible or direction-changing characters ({names}); {what}"
        )
