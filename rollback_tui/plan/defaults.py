"""A new plan, pre-filled from the spec so that a user edits rather than types.

Commands are real commands for common platforms; the parts only the user can know are
written as ``<placeholders>``, which ``check`` reports until they are filled in. A default
that would state a fact about the team's systems (a tested restore, an SLA, a channel) is
a ``[Confirm: …]`` placeholder, listed by ``check`` too until someone writes what is true.
The communication templates say ``$UPDATE_INTERVAL``, the plan's update interval.
"""

from __future__ import annotations

from collections.abc import Iterable

from rollback_tui.plan.model import (
    ActionGroup,
    Assumptions,
    ChecklistItem,
    Communications,
    Component,
    Contact,
    DecisionCriteria,
    DeploymentType,
    FollowUp,
    Plan,
    Procedure,
    ProcedureChoice,
    Trigger,
    next_id,
)
from rollback_tui.plan.text import slug

Step = tuple[str, str | None]

DEFAULT_TRIGGERS: list[tuple[str, str, str]] = [
    ("Error rate spike", ">0.5% increase over baseline", "Error tracking"),
    ("Latency regression", ">50% increase in p95", "APM dashboard"),
    ("Data corruption", "Any instance detected", "Data integrity checks"),
    ("Security incident", "Any severity", "Security alerts"),
    ("Revenue impact", ">5% drop in conversion", "Business metrics"),
    ("User complaints", ">10x normal rate", "Support dashboard"),
]

UNLEASH = '"$UNLEASH_URL/api/admin/projects/default/features/$FEATURE_FLAG'
OPTION_A: list[Step] = [
    (
        "Disable feature flag in dashboard",
        f'curl -fsS -X POST -H "Authorization: $UNLEASH_TOKEN" '
        f'{UNLEASH}/environments/production/off"',
    ),
    (
        "Verify flag change propagated",
        f'curl -fsS -H "Authorization: $UNLEASH_TOKEN" {UNLEASH}"',
    ),
    ("Confirm feature is deactivated", None),
    ("Monitor error rates returning to baseline", None),
]

DB_STEP: Step = (
    "Run database rollback migration",
    'migrate -path db/migrations -database "$DATABASE_URL" down 1',
)

OPTION_B: dict[DeploymentType, list[Step]] = {
    DeploymentType.ROLLING: [
        ("Identify last known good version", "helm history <release> --max 10"),
        ("Trigger deployment of previous version", "helm rollback <release> <revision> --wait"),
        ("Wait for all instances to update", "kubectl rollout status deployment/<deployment>"),
        ("Verify all health checks passing", "curl -fsS https://<host>/healthz"),
    ],
    DeploymentType.CANARY: [
        (
            "Pause Argo CD auto-sync so it does not re-apply the release",
            "argocd app set <app> --sync-policy none",
        ),
        (
            "Abort the canary and shift traffic to the stable version",
            "kubectl argo rollouts abort <rollout>",
        ),
        ("Trigger deployment of previous version", "kubectl argo rollouts undo <rollout>"),
        ("Wait for all instances to update", "kubectl argo rollouts status <rollout>"),
        ("Verify all health checks passing", "curl -fsS https://<host>/healthz"),
    ],
    DeploymentType.BLUE_GREEN: [
        (
            "Identify last known good version (the idle colour)",
            "kubectl get service <service> -o jsonpath='{.spec.selector}'",
        ),
        (
            "Switch the router back to the previous colour",
            "kubectl patch service <service> -p "
            '\'{"spec":{"selector":{"color":"<previous-colour>"}}}\'',
        ),
        ("Wait for traffic to drain from the new colour", "kubectl get endpoints <service>"),
        ("Verify all health checks passing", "curl -fsS https://<host>/healthz"),
    ],
}
OPTION_B[DeploymentType.FEATURE_FLAG] = OPTION_B[DeploymentType.ROLLING]

COMPONENT_STEPS: dict[DeploymentType, list[Step]] = {
    DeploymentType.ROLLING: [
        ("Revert to previous state", "kubectl rollout undo deployment/$COMPONENT"),
        ("Verify health/connectivity", "kubectl rollout status deployment/$COMPONENT"),
        ("Check for data inconsistencies", None),
    ],
    DeploymentType.CANARY: [
        ("Revert to previous state", "kubectl argo rollouts undo $COMPONENT"),
        ("Verify health/connectivity", "kubectl argo rollouts status $COMPONENT"),
        ("Check for data inconsistencies", None),
    ],
    DeploymentType.BLUE_GREEN: [
        (
            "Revert to previous state",
            "kubectl patch service $COMPONENT -p "
            '\'{"spec":{"selector":{"color":"<previous-colour>"}}}\'',
        ),
        ("Verify health/connectivity", "kubectl get endpoints $COMPONENT"),
        ("Check for data inconsistencies", None),
    ],
}
COMPONENT_STEPS[DeploymentType.FEATURE_FLAG] = COMPONENT_STEPS[DeploymentType.ROLLING]

POST_ROLLBACK: list[tuple[str, list[str]]] = [
    ("Incident report", ["Document timeline of events", "Identify root cause", "Assess impact"]),
    (
        "Communication",
        ["Notify stakeholders", "Update status page if needed", "Schedule post-mortem"],
    ),
    ("Fix forward", ["Identify the fix", "Update test suite", "Plan re-deployment"]),
]

FOLLOW_UP = [
    "Complete the root cause analysis",
    "Write the incident report with evidence and action items",
    "Ship the permanent fix and prevention measures",
    "Update monitoring, alerting, dashboards and runbooks",
    "Hold the team retrospective and record lessons learned",
]

COMMUNICATION_ACTIONS = [
    "Tell the team and management that the rollback has started",
    "Post the first status page update",
    "Send updates at the agreed cadence",
    "Announce that the rollback is complete and the service is stable",
]

CONTACT_ROLES = ["Engineering Lead", "On-Call Engineer", "Product Manager"]


def _items(steps: Iterable[Step], prefix: str, used: set[str]) -> list[ChecklistItem]:
    items = []
    for text, command in steps:
        item_id = next_id(prefix, used)
        used.add(item_id)
        # A database down-migration cannot be taken back once run: it is confirmed.
        items.append(
            ChecklistItem(
                id=item_id, text=text, command=command, irreversible=(text, command) == DB_STEP
            )
        )
    return items


def option_b_steps(deployment_type: DeploymentType, db_impact: bool) -> list[Step]:
    """Option B's default steps; the database step comes before the health checks."""
    steps = list(OPTION_B[deployment_type])
    if db_impact:
        steps.insert(len(steps) - 1, DB_STEP)
    return steps


def new_component(plan: Plan, name: str) -> Component:
    """A component with the template's three steps and ids free in *plan*."""
    return Component(
        name=name,
        steps=_items(
            COMPONENT_STEPS[plan.deployment_type], slug(name, "component"), plan.used_ids()
        ),
    )


def new_plan(
    *,
    title: str = "",
    incident: str = "",
    version: str = "",
    target_version: str = "",
    db_impact: bool = False,
    feature_flag: str = "",
    deployment_type: DeploymentType = DeploymentType.ROLLING,
    components: Iterable[str] = (),
) -> Plan:
    """A complete plan with the spec's defaults."""
    used: set[str] = set()
    if feature_flag or deployment_type is DeploymentType.FEATURE_FLAG:
        choice = ProcedureChoice.BOTH
    else:
        choice = ProcedureChoice.B
    plan = Plan(
        title=title,
        incident=incident,
        version=version,
        target_version=target_version,
        db_impact=db_impact,
        feature_flag=feature_flag,
        deployment_type=deployment_type,
        assumptions=default_assumptions(db_impact),
        triggers=[Trigger(trigger=t, threshold=h, source=s) for t, h, s in DEFAULT_TRIGGERS],
        decision=DecisionCriteria(
            severity="Data loss or corruption, a security breach, or a full outage: roll back "
            "at once. Partial degradation: the incident lead decides within 15 minutes.",
            impact_scope="More than 5% of users affected, any revenue impact, or an SLA at risk.",
            time_to_resolution="Roll back if a fix forward would take longer than 30 minutes.",
            rollback_vs_hotfix="Prefer rollback unless the fix is small, reviewed and lower "
            "risk than the rollback, or the data changes cannot be reversed.",
        ),
        procedure=Procedure(
            choice=choice,
            option_a=_items(OPTION_A, "a", used),
            option_b=_items(option_b_steps(deployment_type, db_impact), "b", used),
        ),
        communications=_communications(used),
        post_rollback=[
            ActionGroup(name=name, items=_items(((t, None) for t in texts), "post", used))
            for name, texts in POST_ROLLBACK
        ],
        followup=FollowUp(items=_items(((t, None) for t in FOLLOW_UP), "fu", used)),
        contacts=[Contact(role=role) for role in CONTACT_ROLES],
    )
    for name in components:
        plan.components.append(new_component(plan, name))
    return plan


def default_assumptions(db_impact: bool) -> Assumptions:
    if db_impact:
        migrations = (
            "[Confirm: every migration in this release has a tested down step; data "
            "written by $VERSION stays readable by $TARGET_VERSION]"
        )
        mutations = "The release changes the schema and writes data in the new shape."
    else:
        migrations = "This release has no schema migrations."
        mutations = "The release does not change stored data."
    return Assumptions(
        data_mutations=mutations,
        backups="[Confirm: a database snapshot is taken before the deploy, and restoring it "
        "has been tested]",
        migrations=migrations,
        sla="[Confirm: the SLA, e.g. 99.9% availability; the rollback must finish within the "
        "error budget]",
        user_impact="[Confirm: how much degraded service is acceptable during the rollback, "
        "e.g. up to 15 minutes]",
    )


def _communications(used: set[str]) -> Communications:
    return Communications(
        stakeholders="The engineering team, engineering management, support, product, and "
        "the users affected.",
        channels="[Confirm: the team's incident channel, e.g. `#incidents`; the status page "
        "for users]",
        cadence="Every $UPDATE_INTERVAL until resolved, and at each change of state.",
        update_interval=30,
        internal_template="Rolling back $VERSION to $TARGET_VERSION because of: $INCIDENT.\n"
        "Incident lead: <name>. Next update in $UPDATE_INTERVAL.",
        status_page_template="We are investigating degraded service affecting some users. "
        "A fix is being applied; next update in $UPDATE_INTERVAL.",
        user_template="Some of you may have seen errors. We have reverted the change that "
        "caused them and are monitoring closely. We are sorry for the disruption.",
        post_rollback_update="The rollback to $TARGET_VERSION is complete and the service is "
        "stable. We will publish a summary once the root cause is understood.",
        actions=_items(((t, None) for t in COMMUNICATION_ACTIONS), "comm", used),
    )
