"""Hints from the strategy brief: what `check` notes without failing the plan.

The brief lists five kinds of incident detection signal, and asks for 4–6 bullets a
section. A plan whose triggers watch for none of one kind, or whose lists of steps are
shorter or longer than that, gets a hint (severity "hint"): the exit code stays as the
errors and warnings make it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from rollback_tui.plan.model import ChecklistItem, Plan

SIGNALS: list[tuple[str, re.Pattern[str]]] = [
    (
        "Error rates, latency spikes, or service degradation indicators",
        re.compile(
            r"\berror|latenc|\bp9\d|degrad|time-?outs?\b|\b5\d\d\b|5xx|availab|\bslow|saturat",
            re.I,
        ),
    ),
    (
        "User reports or support tickets",
        re.compile(r"\buser|complain|\bsupport|ticket|\breport", re.I),
    ),
    (
        "Monitoring alerts or dashboard anomalies",
        re.compile(r"\balert|dashboard|anomal|monitor|\bapm\b|tracking", re.I),
    ),
    (
        "Database or infrastructure issues",
        re.compile(
            r"databas|\bdb\b|replica|infra|\bnodes?\b|\bdisk|\bcpu|memory|network|connection"
            r"|storage|cluster|\bhosts?\b|\bqueue",
            re.I,
        ),
    ),
    (
        "Critical functionality failures",
        re.compile(
            r"critical|functional|sign-?in|log-?in|checkout|payment|synthetic|smoke|journey"
            r"|core flow",
            re.I,
        ),
    ),
]
"""The brief's "Incident Detection Signals", each with the words that show a trigger
watches for it (in its condition, threshold or monitoring source)."""

BULLETS = range(4, 7)
"""The brief's formatting rule: "Prefer 4–6 bullets per section"."""


def uncovered_signals(plan: Plan) -> list[str]:
    """The brief's detection signals that none of *plan*'s triggers watches for."""
    words = "\0".join(f"{t.trigger}\0{t.threshold}\0{t.source}" for t in plan.triggers)
    return list(_uncovered(words))


@functools.lru_cache(maxsize=64)
def _uncovered(words: str) -> tuple[str, ...]:
    """The signals no pattern finds in *words* (kept: plans made from one template, as
    `check` reads a folder of them, have the same triggers)."""
    return tuple(name for name, pattern in SIGNALS if not pattern.search(words))


def bullet_lists(plan: Plan) -> Iterator[tuple[str, str, list[ChecklistItem]]]:
    """(where, what, items) for each list of the brief's sections whose length the plan
    decides: the parts of the Rollback Steps in use, the communication actions and the
    follow-up actions. (The other sections' fields are four or five bullets whatever is
    written; the triggers and contacts are the template's tables, not bullets.)"""
    proc = plan.procedure
    yield "procedure.containment", "Immediate containment", proc.containment
    if proc.uses_a:
        yield "procedure.option_a", "Option A", proc.option_a
    if proc.uses_b:
        yield "procedure.option_b", "Option B", proc.option_b
        yield "procedure.restore", "The restore steps", proc.restore
    yield "communications.actions", "Communication actions", plan.communications.actions
    yield "followup.items", "Follow-up actions", plan.followup.items


def hints(plan: Plan) -> Iterator[tuple[str, str]]:
    """(where, message) for each hint about *plan*."""
    for name in uncovered_signals(plan):
        yield (
            "triggers",
            f"no trigger watches for the brief's detection signal {name!r} "
            "(add a trigger with its threshold and source)",
        )
    for where, what, items in bullet_lists(plan):
        # An empty list has its own finding where it matters (no containment, no steps).
        if items and len(items) not in BULLETS:
            count = f"{len(items)} step{'s' * (len(items) != 1)}"
            yield where, f"{what}: {count}; the brief prefers 4–6 bullets a section"
