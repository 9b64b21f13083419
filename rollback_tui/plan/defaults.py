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
    # The strategy brief's detection signals that the template's six leave out.
    (
        "Database or infrastructure issues",
        "Replication lag >30 s, connections >90% of the pool, or a node down",
        "Infrastructure monitoring",
    ),
    (
        "Critical functionality failures",
        "Any failed run of a critical flow (sign-in, checkout, payment)",
        "Synthetic checks",
    ),
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

INGRESS = "kubectl annotate ingress <ingress> --overwrite nginx.ingress.kubernetes.io"
# Immediate containment: route traffic away from the release, then throttle what is left.
CONTAINMENT_ROUTE: dict[DeploymentType, Step] = {
    DeploymentType.ROLLING: (
        "Route traffic: pause the rollout so no more instances take the new version",
        "kubectl rollout pause deployment/<deployment>",
    ),
    DeploymentType.CANARY: (
        "Route traffic: abort the canary (its weight to 0, all traffic to the stable version)",
        "kubectl argo rollouts abort <rollout>",
    ),
    DeploymentType.BLUE_GREEN: (
        "Route traffic: point the service back at the previous colour",
        "kubectl patch service <service> -p "
        '\'{"spec":{"selector":{"color":"<previous-colour>"}}}\'',
    ),
}
CONTAINMENT_ROUTE[DeploymentType.FEATURE_FLAG] = CONTAINMENT_ROUTE[DeploymentType.ROLLING]
CONTAINMENT_ANY: list[Step] = [
    (
        "Throttle: rate-limit requests at the ingress",
        f"{INGRESS}/limit-rps=<requests-per-second>",
    ),
    (
        "Throttle: pause the queue consumers running the new version",
        "kubectl scale deployment/<consumer> --replicas=0",
    ),
    (
        "Route traffic: show the maintenance page (last resort)",
        "kubectl patch ingress <ingress> --type=json -p "
        '\'[{"op":"replace","path":"/spec/rules/0/http/paths/0/backend/service/name",'
        '"value":"<maintenance-service>"}]\'',
    ),
]

# After Option B, as required: config, restarts in order, caches.
RESTORE_CONFIG = "Revert the config to what the last good version ran with (as required)"
RESTORE_RESTART = "Restart services in order, each healthy before the next (as required)"
RESTORE_PLATFORM: dict[DeploymentType, list[Step]] = {
    DeploymentType.ROLLING: [
        (
            RESTORE_CONFIG,
            "git -C <config-repo> checkout $TARGET_VERSION -- <config-dir> && "
            "kubectl apply -f <config-repo>/<config-dir>",
        ),
        (
            RESTORE_RESTART,
            "kubectl rollout restart deployment/<deployment> && "
            "kubectl rollout status deployment/<deployment>",
        ),
    ],
    DeploymentType.CANARY: [
        (RESTORE_CONFIG, "argocd app sync <app> --revision $TARGET_VERSION"),
        (
            RESTORE_RESTART,
            "kubectl argo rollouts restart <rollout> && kubectl argo rollouts status <rollout>",
        ),
    ],
    DeploymentType.BLUE_GREEN: [
        (
            RESTORE_CONFIG,
            "git -C <config-repo> checkout $TARGET_VERSION -- <config-dir> && "
            "kubectl apply -f <config-repo>/<config-dir>",
        ),
        (
            RESTORE_RESTART,
            "kubectl rollout restart deployment/<deployment>-<previous-colour> && "
            "kubectl rollout status deployment/<deployment>-<previous-colour>",
        ),
    ],
}
RESTORE_PLATFORM[DeploymentType.FEATURE_FLAG] = RESTORE_PLATFORM[DeploymentType.ROLLING]
RESTORE_CACHES: list[Step] = [
    (
        "Purge the CDN cache (as required)",
        "aws cloudfront create-invalidation --distribution-id <distribution-id> --paths '/*'",
    ),
    (
        "Flush the application and query caches the new version wrote to (as required)",
        "redis-cli -u \"$REDIS_URL\" --scan --pattern '<key-prefix>*' "
        '| xargs -r redis-cli -u "$REDIS_URL" unlink',
    ),
]


def containment_steps(deployment_type: DeploymentType) -> list[Step]:
    """Immediate containment's default steps: the platform's way to route traffic away,
    then throttling and the maintenance page, which work the same on every platform."""
    return [CONTAINMENT_ROUTE[deployment_type], *CONTAINMENT_ANY]


def restore_steps(deployment_type: DeploymentType) -> list[Step]:
    """The default steps after Option B: config, restarts, then the caches."""
    return [*RESTORE_PLATFORM[deployment_type], *RESTORE_CACHES]


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


def step_item(item_id: str, step: Step) -> ChecklistItem:
    """A checklist item for a default *step*, as `new` writes it."""
    text, command = step
    # A database down-migration cannot be taken back once run: it is confirmed.
    return ChecklistItem(id=item_id, text=text, command=command, irreversible=step == DB_STEP)


def _items(steps: Iterable[Step], prefix: str, used: set[str]) -> list[ChecklistItem]:
    items = []
    for step in steps:
        item_id = next_id(prefix, used)
        used.add(item_id)
        items.append(step_item(item_id, step))
    return items


def option_b_steps(deployment_type: DeploymentType, db_impact: bool) -> list[Step]:
    """Option B's default steps; the database step comes before the health checks."""
    steps = list(OPTION_B[deployment_type])
    if db_impact:
        steps.insert(len(steps) - 1, DB_STEP)
    return steps


def default_part(plan: Plan, part: str) -> list[ChecklistItem]:
    """The default steps of *part* ("containment" or "restore") for *plan*'s deployment
    type, with ids free in *plan* (for a plan that has none: one written before them)."""
    if part == "containment":
        return _items(containment_steps(plan.deployment_type), "contain", plan.used_ids())
    return _items(restore_steps(plan.deployment_type), "restore", plan.used_ids())


def new_component(plan: Plan, name: str, used: set[str] | None = None) -> Component:
    """A component with the template's three steps and ids free in *plan*; *used*, when
    given, holds the plan's ids and gains the new ones (adding many components then costs
    one pass over the plan, not one per component)."""
    return Component(
        name=name,
        steps=_items(
            COMPONENT_STEPS[plan.deployment_type],
            slug(name, "component"),
            plan.used_ids() if used is None else used,
        ),
    )


def starting_plan(
    *, title: str = "", incident: str = "", version: str = "", target_version: str = ""
) -> Plan:
    """A complete plan with the spec's defaults, before any choice: a rolling deployment,
    no database impact, no feature flag. `choices.new_plan` makes the choices on it."""
    used: set[str] = set()
    return Plan(
        title=title,
        incident=incident,
        version=version,
        target_version=target_version,
        assumptions=default_assumptions(False),
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
            choice=ProcedureChoice.B,
            containment=_items(containment_steps(DeploymentType.ROLLING), "contain", used),
            option_a=_items(OPTION_A, "a", used),
            option_b=_items(option_b_steps(DeploymentType.ROLLING, False), "b", used),
            restore=_items(restore_steps(DeploymentType.ROLLING), "restore", used),
        ),
        communications=_communications(used),
        post_rollback=[
            ActionGroup(name=name, items=_items(((t, None) for t in texts), "post", used))
            for name, texts in POST_ROLLBACK
        ],
        followup=FollowUp(items=_items(((t, None) for t in FOLLOW_UP), "fu", used)),
        contacts=[Contact(role=role) for role in CONTACT_ROLES],
    )


def number_items(plan: Plan) -> None:
    """Number every checklist item of *plan* in plan order, as `new` does (``a-1``,
    ``a-2``, ``b-1``, ...; a component's steps by its name), for a plan not yet saved,
    whose ids nothing refers to yet. The timeline's events follow their items."""
    used: set[str] = set()
    renamed: dict[str, str] = {}
    for _, prefix, item in plan.checklist():
        item_id = next_id(prefix, used)
        used.add(item_id)
        if item.id != item_id:
            renamed[item.id] = item_id
            item.id = item_id
    for event in plan.timeline:
        if event.item in renamed:
            event.item = renamed[event.item]


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
