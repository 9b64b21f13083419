"""The wizard's steps as questions: each step's fields and tables, in the order the
full-screen wizard shows them, with a one-line help for each. Data only:
wizard_questions.py asks them, wizard_rows.py edits the tables."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from rollback_tui.plan.defaults import new_component
from rollback_tui.plan.field_values import parse_date, parse_minutes
from rollback_tui.plan.model import (
    ActionGroup,
    ChecklistItem,
    Contact,
    DeploymentType,
    Plan,
    ProcedureChoice,
    Trigger,
)
from rollback_tui.plan.text import slug


def always(plan: Plan) -> bool:
    """Asked in every plan."""
    return True


Kind = Literal["line", "text", "date", "minutes", "choice"]
"""line: one line; text: may have several; date, minutes: parsed; choice: numbered."""


@dataclass(frozen=True)
class Field:
    """One field: asked with its label, its value now and its help."""

    label: str
    help: str
    target: Callable[[Plan], Any]
    """The model that holds the field, in the plan."""
    attr: str
    kind: Kind = "line"
    choices: tuple[tuple[str, Any], ...] = ()
    """For a choice: (what it reads, the value), numbered from 1."""
    when: Callable[[Plan], bool] = always

    def parse(self, text: str) -> object:
        """The value typed as *text*. Raises ValueError saying what is expected."""
        if self.kind == "date":
            return parse_date(text)
        if self.kind == "minutes":
            return parse_minutes(text)
        return text


@dataclass(frozen=True)
class Rows:
    """A table (triggers, contacts, the steps of a list): its rows numbered, and `add`,
    `edit N`, `remove N`, `done`."""

    label: str
    items: Callable[[Plan], list[Any]]
    new: Callable[[Plan], Any]
    columns: tuple[tuple[str, str], ...]
    """(attribute, label) of each cell, in the order they are asked."""
    noun: str = "step"
    when: Callable[[Plan], bool] = always


@dataclass(frozen=True)
class Components:
    """The components: each a name and its steps."""

    when: Callable[[Plan], bool] = always


Part = Field | Rows | Components


@dataclass(frozen=True)
class Step:
    """One step of the wizard."""

    key: str
    title: str
    intro: str
    parts: Callable[[Plan], list[Part]] = field(default=lambda plan: [])


ITEM_COLUMNS = (
    ("text", "What to do"),
    ("command", "Command (optional; may use $VERSION, $TARGET_VERSION, $FEATURE_FLAG)"),
    ("owner", "Owner (optional)"),
    ("irreversible", "Cannot be undone (yes or no)"),
)


def items(label: str, get: Callable[[Plan], list[ChecklistItem]], prefix: str, **kw: Any) -> Rows:
    """A list of checklist steps whose new ids start with *prefix*."""
    return Rows(label, get, lambda plan: plan.new_item(prefix), ITEM_COLUMNS, **kw)


def component_steps(plan: Plan, index: int) -> Rows:
    """The steps of component *index* ($COMPONENT is its name)."""
    component = plan.components[index]
    prefix = slug(component.name, "component")
    name = component.name.strip() or f"component {index + 1}"
    return items(f"{name} steps", lambda p: component.steps, prefix)


def new_named_component(plan: Plan) -> Any:
    """A component with the template's steps, named as the full-screen wizard names it."""
    return new_component(plan, f"component-{len(plan.components) + 1}")


def _basics(plan: Plan) -> list[Part]:
    def p(plan: Plan) -> Any:
        return plan

    return [
        Field("Title", "the feature or change rolled back", p, "title"),
        Field("Created", "the day the plan was written, YYYY-MM-DD", p, "created", "date"),
        Field(
            "Deployment type",
            "how the change was shipped; it decides the default commands",
            p,
            "deployment_type",
            "choice",
            tuple((t.label, t) for t in DeploymentType),
        ),
        Field("Incident", "the incident or change ticket, in a few words", p, "incident", "text"),
        Field("Incident link", "a link to the incident or the change", p, "incident_link"),
        Field("Current version", "the version live now (empty: the live version)", p, "version"),
        Field(
            "Target version",
            "the version to roll back to (empty: the last known good one)",
            p,
            "target_version",
        ),
        Field(
            "Database impact",
            "whether the change touches the database (adds the migration step)",
            p,
            "db_impact",
            "choice",
            (("No", False), ("Yes", True)),
        ),
        Field("Feature flag", "the flag that gates the change (optional)", p, "feature_flag"),
    ]


def _texts(get: Callable[[Plan], Any], fields: list[tuple[str, str, str]]) -> list[Part]:
    return [Field(label, help, get, attr, "text") for label, attr, help in fields]


def _procedure(plan: Plan) -> list[Part]:
    def proc(plan: Plan) -> Any:
        return plan.procedure

    def uses_a(plan: Plan) -> bool:
        return plan.procedure.uses_a

    def uses_b(plan: Plan) -> bool:
        return plan.procedure.uses_b

    return [
        Field(
            "Options",
            "the rollback options the plan carries",
            proc,
            "choice",
            "choice",
            tuple((c.label, c) for c in ProcedureChoice),
        ),
        items("Immediate containment steps", lambda p: p.procedure.containment, "contain"),
        Field("Option A estimate", "how long the feature-flag rollback takes", proc,
              "option_a_estimate", when=uses_a),
        items("Option A steps", lambda p: p.procedure.option_a, "a", when=uses_a),
        Field("Option B estimate", "how long the deployment rollback takes", proc,
              "option_b_estimate", when=uses_b),
        items("Option B steps", lambda p: p.procedure.option_b, "b", when=uses_b),
        items("Restore steps after Option B", lambda p: p.procedure.restore, "restore",
              when=uses_b),
    ]  # fmt: skip


def _communications(plan: Plan) -> list[Part]:
    def comms(plan: Plan) -> Any:
        return plan.communications

    return [
        *_texts(
            comms,
            [
                ("Stakeholders", "stakeholders", "who is told: team, management, users"),
                ("Status update channels", "channels", "where updates go"),
                ("Update cadence", "cadence", "how often updates are sent"),
            ],
        ),
        Field(
            "Update interval",
            "minutes between status updates, 1 to 1440 (empty: read from the cadence)",
            comms,
            "update_interval",
            "minutes",
        ),
        items("Communication actions", lambda p: p.communications.actions, "comm", noun="action"),
        *_texts(
            comms,
            [
                ("Internal update", "internal_template", "the message to the team"),
                ("Status page update", "status_page_template", "the public status text"),
                ("User-facing message", "user_template", "what users are told"),
                ("Post-rollback update", "post_rollback_update", "the all-clear message"),
            ],
        ),
    ]


def _followup(plan: Plan) -> list[Part]:
    parts: list[Part] = []
    for n, group in enumerate(plan.post_rollback):
        parts += _group(n, group)

    def follow(plan: Plan) -> Any:
        return plan.followup

    parts += [
        Field("RCA owner", "who leads the root cause analysis", follow, "rca_owner"),
        Field("RCA due", "when the analysis is due, YYYY-MM-DD", follow, "rca_due", "date"),
        *_texts(
            follow,
            [
                ("Prevention", "prevention", "prevention and permanent fixes"),
                ("Monitoring", "monitoring", "monitoring, alerting, dashboards, runbooks"),
                ("Retrospective", "retrospective", "when and how the team looks back"),
            ],
        ),
        items("Follow-up action items", lambda p: p.followup.items, "fu", noun="action"),
    ]
    return parts


def _group(n: int, group: ActionGroup) -> list[Part]:
    return [
        Field(f"Post-rollback {n + 1}", "the name of this group of actions",
              lambda plan: group, "name"),
        items(f"Post-rollback {n + 1} actions", lambda p: group.items, "post", noun="action"),
    ]  # fmt: skip


STEPS: list[Step] = [
    Step("basics", "Basics", "The change being rolled back and the incident's inputs.", _basics),
    Step(
        "assumptions",
        "Assumptions & Data Safety",
        "What the rollback can rely on, and what it must not break.",
        lambda plan: _texts(
            lambda p: p.assumptions,
            [
                ("Data mutations", "data_mutations", "what the change writes"),
                ("Backups", "backups", "the backups a rollback can rely on"),
                ("Migration reversibility", "migrations", "whether migrations can be undone"),
                ("SLAs", "sla", "the service levels at stake"),
                ("User impact tolerance", "user_impact", "what users may notice"),
            ],
        ),
    ),
    Step(
        "triggers",
        "Rollback Triggers",
        "Initiate rollback immediately if ANY of these conditions are met.",
        lambda plan: [
            Rows(
                "Triggers",
                lambda p: p.triggers,
                lambda p: Trigger(),
                (("trigger", "Trigger"), ("threshold", "Threshold"), ("source", "Source")),
                noun="trigger",
            )
        ],
    ),
    Step(
        "decision",
        "Decision Criteria",
        "Severity, scope, time to resolution, rollback or hotfix.",
        lambda plan: _texts(
            lambda p: p.decision,
            [
                ("Severity", "severity", "how bad it must be to roll back"),
                ("Impact scope", "impact_scope", "how many users or systems"),
                ("Time to resolution", "time_to_resolution", "how long a fix may take"),
                ("Rollback vs. hotfix", "rollback_vs_hotfix", "when to fix forward instead"),
            ],
        ),
    ),
    Step(
        "procedure",
        "Rollback Procedure",
        "Containment first, then Option A (feature flag) or B (deployment), then restore.",
        _procedure,
    ),
    Step(
        "components",
        "Component Rollback Steps",
        "Each affected component with its own steps; $COMPONENT is its name.",
        lambda plan: [Components()],
    ),
    Step(
        "communications",
        "Communication Plan",
        "Templates may use $INCIDENT, $VERSION and $TARGET_VERSION.",
        _communications,
    ),
    Step(
        "contacts",
        "Emergency Contacts",
        "Role, name and how to reach them at 3 a.m.",
        lambda plan: [
            Rows(
                "Contacts",
                lambda p: p.contacts,
                lambda p: Contact(),
                (("role", "Role"), ("name", "Name"), ("contact", "Contact")),
                noun="contact",
            )
        ],
    ),
    Step("followup", "Post-Rollback & Follow-Up", "Once the service is back.", _followup),
    Step("review", "Review", "The plan's findings; save it, or go back to a step."),
]
