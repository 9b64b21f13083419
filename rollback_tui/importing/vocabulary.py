"""What the words of a hand-written plan mean: headings, labels, header fields, events.

The tables `import` reads a Markdown plan by; matched case-insensitively, at any heading
level, with a leading number ("2." or "a)") dropped.
"""

from __future__ import annotations

import re

NUMBER = re.compile(r"^\s*(?:\d{1,2}[.)]|[A-Za-z][.)])\s+")

# Section keys, found by the words of a heading (any level, numbering dropped).
SECTIONS: list[tuple[str, re.Pattern[str]]] = [
    # First: a heading that starts "Option A" is the option whatever its estimate says
    # ("Option A: Feature Flag Rollback (until the trigger clears)").
    ("option_a", re.compile(r"^option a\b", re.I)),
    ("option_b", re.compile(r"^option b\b", re.I)),
    ("assumptions", re.compile(r"assumption|data safety", re.I)),
    ("triggers", re.compile(r"trigger|detection signal", re.I)),
    ("decision", re.compile(r"decision criteria", re.I)),
    # The steps before and after the options: the brief's "Immediate containment (...)" and
    # "Service restarts/config reversion; cache invalidation as required".
    ("containment", re.compile(r"containment", re.I)),
    (
        "restore",
        re.compile(
            r"restarts?\b|config(uration)? revers|cache invalidation|restore services", re.I
        ),
    ),
    ("components", re.compile(r"component", re.I)),
    ("procedure", re.compile(r"^(rollback )?(procedure|steps)$", re.I)),
    ("communications", re.compile(r"^communication plan|^communications?$", re.I)),
    ("post_rollback", re.compile(r"post-?rollback actions", re.I)),
    ("followup", re.compile(r"follow-?up", re.I)),
    ("contacts", re.compile(r"contacts", re.I)),
    ("timeline", re.compile(r"^timeline$", re.I)),
]
TEMPLATES = {
    "internal update": "internal_template",
    "status page update": "status_page_template",
    "user-facing message": "user_template",
    "user-facing communication": "user_template",
    "post-rollback status update": "post_rollback_update",
}
# Labelled lines ("**Backups:** ...", "Backups: ...") of each section, by their words.
FIELDS: dict[str, list[tuple[re.Pattern[str], str]]] = {
    "assumptions": [
        (re.compile(p, re.I), f)
        for p, f in [
            (r"data mutation", "data_mutations"),
            (r"backup", "backups"),
            (r"migration", "migrations"),
            (r"^slas?\b|service level", "sla"),
            (r"user impact", "user_impact"),
        ]
    ],
    "decision": [
        (re.compile(p, re.I), f)
        for p, f in [
            (r"severity", "severity"),
            (r"impact scope|^scope", "impact_scope"),
            (r"time to resolution", "time_to_resolution"),
            (r"hotfix|fix forward", "rollback_vs_hotfix"),
        ]
    ],
    "communications": [
        (re.compile(p, re.I), f)
        for p, f in [
            (r"stakeholder", "stakeholders"),
            (r"channel", "channels"),
            (r"update interval", "update_interval"),
            (r"cadence|frequency", "cadence"),
        ]
    ],
    "followup": [
        (re.compile(p, re.I), f)
        for p, f in [
            (r"root cause", "rca"),
            (r"prevention", "prevention"),
            (r"monitoring|alerting", "monitoring"),
            (r"retrospective", "retrospective"),
        ]
    ],
}
DERIVED = re.compile(
    r"^incident timeline$|^start to (first|last) step of option [ab]$"
    r"|^progress$",
    re.I,
)
HEADER = {
    "created": "created",
    "deployment type": "deployment_type",
    "components": "components",
    "incident": "incident",
    "incident link": "incident_link",
    "current version": "version",
    "version": "version",
    "target version": "target_version",
    "last known good version": "target_version",
    "database impact": "db_impact",
    "db impact": "db_impact",
    "feature flag": "feature_flag",
    "incident summary": "incident",
    "last reviewed": "last_reviewed",
    "review every": "review_every",
    "last drilled": "last_drilled",
}
# The header's values that render writes as code spans.
CODE_SPANS = {"version", "target_version", "feature_flag"}
CODE_SPAN = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1", re.DOTALL)
EVENTS = {
    "incident started": "incident-start",
    "done": "tick",
    "undone": "untick",
    "skipped": "skip",
    "failed": "fail",
    "status update sent": "update-sent",
    "note": "note",
    "command": "command",
    "trigger": "trigger",
}


def section_of(title: str) -> str | None:
    """The plan section a heading names, if it names one."""
    words = NUMBER.sub("", title).strip().rstrip(":")
    for key, pattern in SECTIONS:
        if pattern.search(words):
            return key
    return None
