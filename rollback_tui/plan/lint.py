"""What `check` reports: the gaps that would hurt during an incident."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from rollback_tui.plan.brief_hints import hints
from rollback_tui.plan.model import ChecklistItem, Plan
from rollback_tui.plan.shell_words import (
    INVISIBLE,
    evaluates_values,
    is_plain_name,
    strip_invisible,
)

Severity = Literal["error", "warning", "hint"]
"""An error or a warning fails `check` (exit 1); a hint is noted, and fails nothing."""

# Where each top-level field is edited in the wizard.
STEP_OF_FIELD = {
    "assumptions": "assumptions",
    "triggers": "triggers",
    "decision": "decision",
    "procedure": "procedure",
    "components": "components",
    "communications": "communications",
    "contacts": "contacts",
    "post_rollback": "followup",
    "followup": "followup",
    "timeline": "review",
}

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


@dataclass(frozen=True)
class Finding:
    """One thing `check` reports, with the field it is about."""

    severity: Severity
    where: str
    message: str

    @property
    def fails(self) -> bool:
        """An error or a warning: it makes `check` exit 1 (a hint does not)."""
        return self.severity != "hint"

    @property
    def step(self) -> str:
        """The wizard step where the field is edited."""
        head = re.split(r"[.\[]", self.where, maxsplit=1)[0]
        return STEP_OF_FIELD.get(head, "basics")


_LIST_NOUNS = {
    "containment": "containment step",
    "restore": "restore step",
    "option_a": "Option A step",
    "option_b": "Option B step",
    "steps": "step",
    "contacts": "contact",
    "triggers": "trigger",
    "items": "action",
    "actions": "action",
}
_PART = re.compile(r"([A-Za-z_]\w*)(?:\[(\d+)\])?")


def place(where: str, plan: Plan | None = None) -> str:
    """A finding's path as a person names it: ``procedure.option_b[0].command`` is "Option B
    step 1 command", ``components[1].steps[2].text`` "payments-worker step 3 text"."""
    words: list[str] = []
    node: object = plan
    for match in _PART.finditer(where):
        name, index = match.group(1), match.group(2)
        node = getattr(node, name, None) if node is not None else None
        if index is None:
            if name not in ("procedure", "assumptions", "decision", "communications", "followup"):
                words.append(
                    {
                        "option_a": "Option A",
                        "option_b": "Option B",
                        "containment": "Immediate containment",
                        "restore": "restore steps",
                    }.get(name, name.replace("_", " "))
                )
            continue
        n = int(index)
        item = node[n] if isinstance(node, list) and n < len(node) else None
        label = getattr(item, "name", "") if name in ("components", "post_rollback") else ""
        if isinstance(label, str) and label.strip():
            words.append(label.strip())
        else:
            noun = {"components": "component", "post_rollback": "post-rollback group"}
            words.append(f"{noun.get(name) or _LIST_NOUNS.get(name, name)} {n + 1}")
        node = item
    return " ".join(words) or where


_FIELD_NAMES: dict[type[BaseModel], tuple[str, ...]] = {}


def _field_names(model: BaseModel) -> tuple[str, ...]:
    cls = type(model)
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(cls.model_fields)
    return names


def _strings(model: BaseModel, prefix: str = "") -> list[tuple[str, str]]:
    """Every string in *model*, with where it is ("components[2].steps[0].text")."""
    found: list[tuple[str, str]] = []
    _collect_strings(model, f"{prefix}." if prefix else "", found)
    return found


def _collect_strings(model: BaseModel, dotted: str, found: list[tuple[str, str]]) -> None:
    # One walk, appending to one list: the plan is walked after each pause in typing, and
    # a 1,000-component plan holds some 20,000 strings.
    values = model.__dict__
    for name in _field_names(model):
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
    """Every finding for *plan*, in the order of the wizard's steps."""
    out: list[Finding] = []

    def add(severity: Severity, where: str, message: str) -> None:
        out.append(Finding(severity, where, message))

    if not plan.title.strip():
        add("error", "title", "the plan has no title (the feature or change it rolls back)")

    unused = [
        f"procedure.{part}["
        for part, used in (
            ("option_a", plan.procedure.uses_a),
            ("option_b", plan.procedure.uses_b),
            ("restore", plan.procedure.uses_b),  # the steps after Option B go with it
        )
        if not used
    ]
    every_string = _strings(plan)
    skipped = ("timeline", *unused)
    # Every skipped path starts with t or p: most strings (the components') are kept at the
    # cost of one character comparison.
    strings = [
        (where, value)
        for where, value in every_string
        if where[0] not in "tp" or not where.startswith(skipped)
    ]
    unset = _unset_variables(plan, strings)
    for field, message in unset.items():
        add("error", field, message)
    if plan.feature_flag == "" and plan.procedure.uses_a and "feature_flag" not in unset:
        add("warning", "feature_flag", "Option A disables a feature flag, but none is named")
    if plan.procedure.uses_b and not plan.target_version.strip() and "target_version" not in unset:
        add("warning", "target_version", "the last known good version is not named")

    if _any_match(_TEMPLATE_PLACEHOLDER, strings) or _any_match(_ANGLE_PLACEHOLDER, strings):
        for where, value in strings:
            for opening, pattern in (("[", _TEMPLATE_PLACEHOLDER), ("<", _ANGLE_PLACEHOLDER)):
                if opening not in value:
                    continue
                # Once each: a command may use the same placeholder twice.
                for found in dict.fromkeys(pattern.findall(value)):
                    add("error", where, f"placeholder {found} is still to be filled in")

    for name in ("data_mutations", "backups", "migrations", "sla", "user_impact"):
        if not getattr(plan.assumptions, name).strip():
            add("warning", f"assumptions.{name}", "not yet written")

    if not plan.triggers:
        add("error", "triggers", "no rollback triggers")
    for i, trigger in enumerate(plan.triggers):
        label = trigger.trigger.strip() or f"trigger {i + 1}"
        if not trigger.trigger.strip():
            add("error", f"triggers[{i}].trigger", f"{label} has no condition")
        if not trigger.threshold.strip():
            add("error", f"triggers[{i}].threshold", f"trigger {label!r} has no threshold")
        if not trigger.source.strip():
            add("error", f"triggers[{i}].source", f"trigger {label!r} has no monitoring source")

    for name in ("severity", "impact_scope", "time_to_resolution", "rollback_vs_hotfix"):
        if not getattr(plan.decision, name).strip():
            add("warning", f"decision.{name}", "not yet written")

    proc = plan.procedure
    if not proc.containment and not (proc.uses_a and plan.feature_flag.strip()):
        add(
            "warning",
            "procedure.containment",
            "no immediate containment step and no feature flag to turn off: nothing "
            "throttles or routes traffic away while Option B runs",
        )
    if proc.uses_a and not proc.option_a:
        add("error", "procedure.option_a", "Option A is chosen but has no steps")
    if proc.uses_b and not proc.option_b:
        add("error", "procedure.option_b", "Option B is chosen but has no steps")
    for option, used, estimate in (
        ("a", proc.uses_a, proc.option_a_estimate),
        ("b", proc.uses_b, proc.option_b_estimate),
    ):
        if used and not estimate.strip():
            add(
                "warning",
                f"procedure.option_{option}_estimate",
                f"Option {option.upper()} has no time estimate",
            )
    for where, item in _items_with_paths(plan):
        if not item.text.strip():
            add("error", f"{where}.text", f"step {item.id} has no text")
        if item.irreversible and not (item.owner or "").strip():
            add(
                "warning",
                f"{where}.owner",
                f"step {item.id} cannot be undone and has no owner to confirm it",
            )

    if plan.db_impact:
        steps = [item for _, item in _items_with_paths(plan)]
        if not any(_DATABASE.search(f"{s.text} {s.command or ''}") for s in steps):
            add(
                "error",
                "procedure.option_b",
                "database impact is yes, but no step rolls the database back",
            )
        for name in ("data_mutations", "migrations"):
            said = _NO_DATA_CHANGE.search(getattr(plan.assumptions, name))
            if said:
                add(
                    "warning",
                    f"assumptions.{name}",
                    f"database impact is yes, but this says {said.group().strip()!r}",
                )

    if not plan.components:
        add("warning", "components", "no components are listed")
    for c, component in enumerate(plan.components):
        name = component.name.strip() or f"component {c + 1}"
        if not component.name.strip():
            add("error", f"components[{c}].name", "a component has no name")
        if not component.steps:
            add("error", f"components[{c}].steps", f"component {name!r} has no steps")
        elif not any(_VERIFY.search(step.text) for step in component.steps):
            add(
                "warning",
                f"components[{c}].steps",
                f"component {name!r} has no step that verifies it",
            )

    comms = plan.communications
    for name in ("stakeholders", "channels", "cadence"):
        if not getattr(comms, name).strip():
            add("warning", f"communications.{name}", "not yet written")

    if not plan.followup.rca_owner.strip():
        add("warning", "followup.rca_owner", "no owner for the root cause analysis")
    if plan.followup.rca_due is None:
        add("warning", "followup.rca_due", "no due date for the root cause analysis")

    if not plan.contacts:
        add("error", "contacts", "no emergency contacts")
    for i, contact in enumerate(plan.contacts):
        role = contact.role.strip() or f"contact {i + 1}"
        if not contact.name.strip():
            add("error", f"contacts[{i}].name", f"{role} has no name")
        if not contact.contact.strip():
            add("error", f"contacts[{i}].contact", f"{role} has no way to be reached")

    out += _names_for_commands(plan)
    out += _invisible_characters(every_string)
    for key in unknown_keys or []:
        add("warning", key, "unknown key (kept as is, but rollback-tui does not use it)")
    for where, message in hints(plan):
        add("hint", where, message)
    return out


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
