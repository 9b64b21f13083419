"""The rollback plan: every field of the plan template and the strategy brief."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    ValidationInfo,
    model_validator,
)

from rollback_tui.plan.text import clean_text, slug

SCHEMA_VERSION = 1

CleanStr = Annotated[str, AfterValidator(clean_text)]
"""Text with terminal control characters removed; used for every user string."""

# Empty means "not yet assigned". One pattern rather than a union with Literal[""], so
# that a bad id is reported at `...id`, not at a union member's internal name.
ItemId = Annotated[str, Field(pattern=r"^(?:[A-Za-z0-9][A-Za-z0-9._-]{0,63})?$")]


def utc_now() -> dt.datetime:
    """The current time in UTC, to the second (what the plan records)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _as_utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        # A hand-written local datetime: the plan's times are UTC.
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


# Plan files are read strictly: TOML has its own booleans, integers, dates and times, and a
# value written as text ("no", "30", "2026-11-20") is a mistake to report, never a value
# to guess at ("no" would read as false, "yes" as an irreversible step). Enums and
# literals stay as they are: TOML writes them as strings, and only their exact values pass.
UtcDateTime = Annotated[dt.datetime, Strict(), AfterValidator(_as_utc)]
"""A TOML datetime (with an offset, or local: taken as UTC), normalised to UTC."""
Flag = Annotated[bool, Strict()]
"""true or false."""
WholeNumber = Annotated[int, Strict()]
"""A TOML integer (not 30.0, not "30", not true)."""
Day = Annotated[dt.date, Strict()]
"""A TOML local date (2026-11-20), not a datetime or a string."""


class _Model(BaseModel):
    # Attribute docstrings become the fields' descriptions in `rollback-tui schema`, which
    # reads them itself (plan_schema.py): pydantic's use_attribute_docstrings would read this
    # file's source for every model at every start (~20 ms of the wizard's first frame).
    model_config = ConfigDict(
        validate_assignment=True,
        extra="ignore",
        use_enum_values=False,
        defer_build=True,
    )


class DeploymentType(StrEnum):
    """How the change was shipped, which decides the default rollback commands."""

    FEATURE_FLAG = "feature-flag"
    BLUE_GREEN = "blue-green"
    ROLLING = "rolling"
    CANARY = "canary"

    @property
    def label(self) -> str:
        return {
            "feature-flag": "Feature Flag",
            "blue-green": "Blue-Green",
            "rolling": "Rolling",
            "canary": "Canary",
        }[self.value]


class ProcedureChoice(StrEnum):
    """Which rollback options the plan carries."""

    A = "a"
    B = "b"
    BOTH = "both"

    @property
    def label(self) -> str:
        return {"a": "Option A only", "b": "Option B only", "both": "Options A and B"}[self.value]


ItemState = Literal["open", "done", "skipped", "failed"]
"""Where a checklist item stands."""


DEFAULT_TIMEOUT = 900
"""Seconds a step's command may run when neither the step nor the plan says."""
MAX_TIMEOUT = 86400
"""The longest timeout a plan may give: a day."""


class ChecklistItem(_Model):
    """One step to tick: a procedure, component, communication or follow-up action."""

    id: ItemId = ""
    """Stable and unique in the plan; assigned when missing."""
    text: CleanStr = ""
    """What to do, in a line."""
    command: CleanStr | None = None
    """An exact, copy-pasteable command; may use $VERSION and the other variables."""
    owner: CleanStr | None = None
    """Who does this step."""
    done: Flag = False
    """Ticked: the step is done."""
    done_at: UtcDateTime | None = None
    """When it was ticked, in UTC."""
    done_by: CleanStr | None = None
    """Who ticked it (or, for a skipped or failed step, who recorded that)."""
    outcome: Literal["skipped", "failed"] | None = None
    """Not done on purpose (skipped) or tried and failed; absent when done or open."""
    reason: CleanStr | None = None
    """Why the step was skipped or failed."""
    irreversible: Flag = False
    """The step cannot be undone: ticking it in checklist mode asks for a confirmation."""
    dry_run: CleanStr | None = None
    """A command that shows what `command` would do without doing it (`--dry-run`,
    `--sql`): run on its own, recorded as a dry run, never changing the step's outcome."""
    timeout: WholeNumber | None = Field(default=None, ge=1, le=MAX_TIMEOUT)
    """Seconds the command may run before its process group is ended (the plan's
    `command_timeout` when unset, else 900)."""
    directory: CleanStr | None = None
    """The folder the command runs in, relative to the plan's folder (the plan's folder
    when unset)."""
    verify: list[CleanStr] = Field(default_factory=list)
    """Names of triggers this step verifies: ticking it while one still fires asks first."""

    @property
    def state(self) -> ItemState:
        """open, done, skipped or failed (done wins if both are somehow set)."""
        if self.done:
            return "done"
        return self.outcome or "open"


class Trigger(_Model):
    """A condition that starts the rollback."""

    trigger: CleanStr = ""
    """The condition: error rate spike, latency regression, ..."""
    threshold: CleanStr = ""
    """The level at which the condition starts the rollback."""
    source: CleanStr = ""
    """Where the signal is seen: a dashboard, an alert, a report."""
    query: CleanStr = ""
    """A PromQL expression that fires when it returns at least one sample, as an alerting
    rule's expr does; without one the trigger is not measured."""


class Metrics(_Model):
    """Where the triggers' queries are measured."""

    prometheus_url: CleanStr = ""
    """The Prometheus server (ROLLBACK_TUI_PROMETHEUS_URL overrides it)."""
    interval: WholeNumber | None = Field(default=None, ge=5, le=3600)
    """Seconds between two measurements in checklist mode (30 when unset)."""

    @property
    def interval_seconds(self) -> int:
        return self.interval or DEFAULT_METRICS_INTERVAL


DEFAULT_METRICS_INTERVAL = 30
"""Seconds between two measurements of the triggers when the plan does not say."""


class Assumptions(_Model):
    """Assumptions and data safety: what the rollback can rely on."""

    data_mutations: CleanStr = ""
    """What the release writes or changes in stored data."""
    backups: CleanStr = ""
    """The backups that exist, and whether restoring them is tested."""
    migrations: CleanStr = ""
    """Whether the schema migrations are reversible, and how."""
    sla: CleanStr = ""
    """The SLAs that bound the rollback."""
    user_impact: CleanStr = ""
    """The user impact tolerated while rolling back."""


class DecisionCriteria(_Model):
    """How the team decides to roll back rather than fix forward."""

    severity: CleanStr = ""
    """Severity assessment: data loss, security breach, service outage."""
    impact_scope: CleanStr = ""
    """Users affected, revenue impact, SLA violations."""
    time_to_resolution: CleanStr = ""
    """The time to resolution that decides for a rollback."""
    rollback_vs_hotfix: CleanStr = ""
    """When to roll back rather than ship a hotfix."""


class Procedure(_Model):
    """Immediate containment, Option A (feature flag, ~1 minute), Option B (deployment,
    ~15-30 minutes), and the services restored after Option B."""

    choice: ProcedureChoice = ProcedureChoice.BOTH
    """Which options the plan carries: a, b or both."""
    option_a_estimate: CleanStr = "~1 minute"
    """How long Option A takes."""
    option_b_estimate: CleanStr = "~15-30 minutes"
    """How long Option B takes."""
    option_a_drilled: WholeNumber | None = Field(default=None, ge=0)
    """Seconds Option A took in the last drill (set by `rollback-tui drill`)."""
    option_b_drilled: WholeNumber | None = Field(default=None, ge=0)
    """Seconds Option B took in the last drill (set by `rollback-tui drill`)."""
    containment: list[ChecklistItem] = Field(default_factory=list)
    """Immediate containment, before either option: throttle (rate-limit, shed load, pause a
    queue consumer) and route traffic away (abort a canary, switch a colour back, a
    maintenance page). Each step is optional."""
    option_a: list[ChecklistItem] = Field(default_factory=list)
    """Option A's steps: turn the feature flag off."""
    option_b: list[ChecklistItem] = Field(default_factory=list)
    """Option B's steps: deploy the previous version."""
    restore: list[ChecklistItem] = Field(default_factory=list)
    """After Option B, as required: config reverted, services restarted (in this order) and
    caches (CDN, application, query) invalidated. Used with Option B only."""

    @property
    def uses_a(self) -> bool:
        return self.choice in (ProcedureChoice.A, ProcedureChoice.BOTH)

    @property
    def uses_b(self) -> bool:
        return self.choice in (ProcedureChoice.B, ProcedureChoice.BOTH)


class Component(_Model):
    """An affected component and its own rollback steps."""

    name: CleanStr = ""
    """The component's name ($COMPONENT in its steps' commands)."""
    steps: list[ChecklistItem] = Field(default_factory=list)
    """The component's rollback steps to tick."""


class Communications(_Model):
    """Who is told what, where and how often."""

    stakeholders: CleanStr = ""
    """Who is told: team, management, users."""
    channels: CleanStr = ""
    """Where status updates are posted."""
    cadence: CleanStr = ""
    """How often updates are sent, in words."""
    update_interval: WholeNumber | None = Field(default=None, ge=1, le=1440)
    """Minutes between status updates once the incident has started (the update clock);
    $UPDATE_INTERVAL in the templates and the cadence."""
    internal_template: CleanStr = ""
    """The internal update to send (may use $VERSION and the others)."""
    status_page_template: CleanStr = ""
    """The status page update."""
    user_template: CleanStr = ""
    """The message to users."""
    post_rollback_update: CleanStr = ""
    """The status update once the rollback is done."""
    actions: list[ChecklistItem] = Field(default_factory=list)
    """Communication steps to tick."""


class ActionGroup(_Model):
    """A numbered group of post-rollback actions (incident report, communication, ...)."""

    name: CleanStr = ""
    """The group's name: incident report, communication, fix forward."""
    items: list[ChecklistItem] = Field(default_factory=list)
    """The group's actions to tick."""


class FollowUp(_Model):
    """Post-incident follow-up: root cause, prevention, monitoring, retrospective."""

    rca_owner: CleanStr = ""
    """Who owns the root cause analysis."""
    rca_due: Day | None = None
    """When the root cause analysis is due."""
    prevention: CleanStr = ""
    """Prevention measures and permanent fixes."""
    monitoring: CleanStr = ""
    """Monitoring, alerting, dashboard and runbook changes."""
    retrospective: CleanStr = ""
    """The team retrospective: when, and where its notes go."""
    items: list[ChecklistItem] = Field(default_factory=list)
    """Follow-up actions to tick."""


class Contact(_Model):
    """Someone to reach during the rollback."""

    role: CleanStr = ""
    """Their role in the rollback: engineering lead, on-call."""
    name: CleanStr = ""
    """Their name."""
    contact: CleanStr = ""
    """How to reach them: Slack, phone, pager."""


EventKind = Literal[
    "incident-start",
    "tick",
    "untick",
    "note",
    "skip",
    "fail",
    "update-sent",
    "command",
    "trigger",
]
RunKind = Literal["incident", "drill"]
DEFAULT_REVIEW_EVERY = 90
"""Days between reviews when the plan does not say."""


class TimelineEvent(_Model):
    """One entry of the append-only timeline."""

    at: UtcDateTime
    """When it happened, in UTC."""
    by: CleanStr = ""
    """Who did it."""
    event: EventKind
    """What happened: incident-start, tick, untick, skip, fail, note, update-sent or
    command (a step's command was run) or trigger (a measured trigger started or
    stopped firing)."""
    item: CleanStr | None = None
    """The checklist item's id, for a tick, an untick, a skip or a fail."""
    text: CleanStr | None = None
    """A note's text, or why a step was skipped or failed (for a command: what ran and
    how it ended)."""
    log: CleanStr | None = None
    """A command's log file, relative to the plan's folder."""


class RunInfo(_Model):
    """What a run file records about its run (absent from a plan itself)."""

    kind: RunKind = "incident"
    """incident (a real run, archived by `reset`) or drill (a rehearsal)."""
    label: CleanStr = ""
    """A name for the run: the incident's ticket, "game day", ..."""
    started: UtcDateTime | None = None
    """When the run started: the incident start, else its first event."""
    ended: UtcDateTime | None = None
    """When it ended: its last event or outcome (or the drill's end)."""
    plan: CleanStr = ""
    """The file name of the plan the run was made from."""


class Plan(_Model):
    """A complete rollback plan."""

    schema_version: WholeNumber = SCHEMA_VERSION
    """The plan file's format version; a newer one is refused, an older one migrated."""
    title: CleanStr = ""
    """The feature or change the plan rolls back."""
    created: Day = Field(default_factory=lambda: utc_now().date())
    """The day the plan was written."""
    deployment_type: DeploymentType = DeploymentType.ROLLING
    """How the change was shipped."""
    incident: CleanStr = ""
    """The incident summary ($INCIDENT)."""
    incident_link: CleanStr = ""
    """A link to the incident or change ticket."""
    version: CleanStr = ""
    """The live version being rolled back ($VERSION)."""
    target_version: CleanStr = ""
    """The last known good version ($TARGET_VERSION)."""
    db_impact: Flag = False
    """Whether the change touches the database."""
    feature_flag: CleanStr = ""
    """The feature flag that gates the change ($FEATURE_FLAG)."""
    assumptions: Assumptions = Field(default_factory=Assumptions)
    triggers: list[Trigger] = Field(default_factory=list)
    decision: DecisionCriteria = Field(default_factory=DecisionCriteria)
    procedure: Procedure = Field(default_factory=Procedure)
    components: list[Component] = Field(default_factory=list)
    communications: Communications = Field(default_factory=Communications)
    post_rollback: list[ActionGroup] = Field(default_factory=list)
    followup: FollowUp = Field(default_factory=FollowUp)
    contacts: list[Contact] = Field(default_factory=list)
    metrics: Metrics | None = None
    """Where the triggers' queries are measured (absent: the environment says, or nowhere)."""
    timeline: list[TimelineEvent] = Field(default_factory=list)
    """Ticks, unticks and notes, appended in order."""
    last_reviewed: Day | None = None
    """The day the plan was last reviewed (the wizard's Review step marks it)."""
    review_every: WholeNumber | None = Field(default=None, ge=1)
    """Days between reviews (90 when unset); `check` warns once a review is overdue."""
    command_timeout: WholeNumber | None = Field(default=None, ge=1, le=MAX_TIMEOUT)
    """Seconds a step's command may run when the step gives no timeout (900 when
    unset)."""
    last_drilled: Day | None = None
    """The day of the last drill (`rollback-tui drill` sets it)."""
    run: RunInfo | None = None
    """Set in a run file only: the archived run's kind, label and times."""
    run_id: CleanStr = ""
    """Which run the outcomes and the timeline belong to: a new one at every reset and
    drill. A tick made in one run is never merged into another."""

    @model_validator(mode="after")
    def _ids_unique_and_assigned(self, info: ValidationInfo) -> Plan:
        if info.field_name is not None and info.field_name not in _HOLDS_ITEMS:
            return self  # assigning a plain field (a keystroke in the title) adds no item
        ids = [item.id for _, items in self._item_lists() for item in items]
        seen = set(ids)
        if len(seen) < len(ids):  # a repeated id, or more than one not yet assigned
            seen = set()
            for item_id in ids:
                if item_id and item_id in seen:
                    raise ValueError(f"checklist id {item_id!r} is used twice; ids must be unique")
                seen.add(item_id)
        if "" not in seen:
            return self  # every item has its id (a plan read from a file, usually)
        first_free: dict[str, int] = {}  # per prefix: ids are only added, never freed
        for _section, prefix, item in self.checklist():
            if not item.id:
                item.id = next_id(prefix, seen, first_free.get(prefix, 1))
                seen.add(item.id)
                first_free[prefix] = int(item.id.rpartition("-")[2]) + 1
        return self

    # -- queries -----------------------------------------------------------------------

    def checklist(self, *, active: bool = False) -> list[tuple[str, str, ChecklistItem]]:
        """Every checklist item as (section label, id prefix, item), in plan order.

        With *active*, the steps of an option the plan does not use are left out.
        """
        return [
            (section, prefix, item)
            for section, prefix, items in self.groups(active=active)
            for item in items
        ]

    def groups(
        self, *, active: bool = False, prefixes: bool = True
    ) -> Iterator[tuple[str, str, list[ChecklistItem]]]:
        """checklist()'s items a group at a time, (section label, id prefix, items): a
        look-up on a long plan need not make a row for each of its 72,000 steps. Without
        *prefixes*, the components' id prefixes are left empty (not worked out)."""
        proc = self.procedure
        yield "Containment", "contain", proc.containment
        if proc.uses_a or not active:
            yield "Option A", "a", proc.option_a
        if proc.uses_b or not active:
            yield "Option B", "b", proc.option_b
            yield "Restore services", "restore", proc.restore
        for component in self.components:
            prefix = slug(component.name, "component") if prefixes else ""
            yield component.name or "Component", prefix, component.steps
        yield "Communication", "comm", self.communications.actions
        for group in self.post_rollback:
            yield group.name or "Post-rollback", "post", group.items
        yield "Follow-up", "fu", self.followup.items

    def all_items(self, *, active: bool = False) -> Iterator[ChecklistItem]:
        """Every checklist item (with *active*, as checklist's), in checklist()'s order,
        without its section or prefix (a look-up on a long plan need not name 24,000
        components' sections)."""
        for _, items in self._item_lists(active=active):
            yield from items

    def item(self, item_id: str) -> ChecklistItem | None:
        """The checklist item with *item_id*, if any."""
        for item in self.all_items():
            if item.id == item_id:
                return item
        return None

    def items_held(self, item_ids: Iterable[str]) -> dict[str, tuple[ChecklistItem, _Model]]:
        """The checklist items with *item_ids* (item()'s, the first of each id in order),
        each with the top-level table of the plan that holds it (its procedure, its
        component, ...), by id; the ids of no item are left out. One walk for them all,
        ending once each is found: on a long plan each walk is 20 ms (72,000 steps, few
        of them in the processor's cache), and a tick asked for each item three times."""
        wanted = set(item_ids)
        found: dict[str, tuple[ChecklistItem, _Model]] = {}
        if not wanted:
            return found
        for holder, items in self._item_lists():
            for item in items:
                if item.id in wanted and item.id not in found:
                    found[item.id] = (item, holder)
                    if len(found) == len(wanted):
                        return found
        return found

    def _item_lists(self, *, active: bool = False) -> Iterator[tuple[_Model, list[ChecklistItem]]]:
        """all_items()'s lists, in order, each with the top-level table that holds it."""
        proc = self.procedure
        yield proc, proc.containment
        if proc.uses_a or not active:
            yield proc, proc.option_a
        if proc.uses_b or not active:
            yield proc, proc.option_b
            yield proc, proc.restore
        for component in self.components:
            yield component, component.steps
        yield self.communications, self.communications.actions
        for group in self.post_rollback:
            yield group, group.items
        yield self.followup, self.followup.items

    def used_ids(self) -> set[str]:
        return {item.id for item in self.all_items()}

    def new_item(self, prefix: str, text: str = "", command: str | None = None) -> ChecklistItem:
        """A checklist item with an id not yet used in this plan."""
        return ChecklistItem(id=next_id(prefix, self.used_ids()), text=text, command=command)

    @property
    def incident_started_at(self) -> dt.datetime | None:
        for event in self.timeline:
            if event.event == "incident-start":
                return event.at
        return None

    @property
    def review_days(self) -> int:
        return self.review_every or DEFAULT_REVIEW_EVERY

    def variables(self, component: str | None = None) -> dict[str, str]:
        """The values substituted into commands and templates (unset ones are absent);
        $UPDATE_INTERVAL is the update interval in words ("30 minutes")."""
        values = {
            "VERSION": self.version,
            "TARGET_VERSION": self.target_version,
            "FEATURE_FLAG": self.feature_flag,
            "INCIDENT": self.incident,
            "UPDATE_INTERVAL": interval_text(self.communications.update_interval),
        }
        values = {key: value for key, value in values.items() if value}
        return values if component is None else with_component(values, component)


_HOLDS_ITEMS = frozenset({"procedure", "components", "communications", "post_rollback", "followup"})
"""The plan's fields under which checklist items live."""


def with_component(values: dict[str, str], component: str) -> dict[str, str]:
    """*values* (``Plan.variables()``) with $COMPONENT, a component's name, as
    ``Plan.variables(component)`` gives them: for each of many components, from the
    plan's values worked out once."""
    return {**values, "COMPONENT": component} if component else dict(values)


def interval_text(minutes: int | None) -> str:
    """An update interval as a template says it: ``30 minutes``, ``1 minute``; unset: ""."""
    if minutes is None:
        return ""
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def next_id(prefix: str, used: set[str], start: int = 1) -> str:
    """The first ``prefix-N`` not in *used*, N from *start* on."""
    n = start
    while f"{prefix}-{n}" in used:
        n += 1
    return f"{prefix}-{n}"


_FIELD_NAMES: dict[type[BaseModel], tuple[str, ...]] = {}


def field_names(model: BaseModel) -> tuple[str, ...]:
    """The names of *model*'s fields (kept by class: walks of a large plan ask for them
    once per object)."""
    cls = type(model)
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(cls.model_fields)
    return names
