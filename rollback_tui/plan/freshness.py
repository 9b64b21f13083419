"""Whether a plan is still fresh: reviewed within its review period, and ever drilled."""

from __future__ import annotations

import datetime as dt

from rollback_tui.plan.findings import Finding
from rollback_tui.plan.model import Plan


def review_due(plan: Plan) -> dt.date:
    """The day the next review is due: the period counted from the last review (or from
    the day the plan was written, if it never was)."""
    return (plan.last_reviewed or plan.created) + dt.timedelta(days=plan.review_days)


def freshness(plan: Plan, as_of: dt.date) -> list[Finding]:
    """Warnings for an overdue review, and for a plan never drilled in its first review
    period. A run file is a record, not a plan to keep fresh: none for it."""
    if plan.run is not None:
        return []
    out = []
    due = review_due(plan)
    if due < as_of:
        since = (
            f"last reviewed {plan.last_reviewed.isoformat()}"
            if plan.last_reviewed
            else f"never reviewed since it was written on {plan.created.isoformat()}"
        )
        out.append(
            Finding(
                "warning",
                "last_reviewed",
                f"review overdue since {due.isoformat()} ({since}, review every "
                f"{plan.review_days} days); review it and mark it reviewed",
            )
        )
    if plan.last_drilled is None:
        first_due = plan.created + dt.timedelta(days=plan.review_days)
        if first_due < as_of:
            out.append(
                Finding(
                    "warning",
                    "last_drilled",
                    f"never drilled (written on {plan.created.isoformat()}); "
                    "rehearse it with `rollback-tui drill`",
                )
            )
    elif plan.last_drilled + dt.timedelta(days=plan.review_days) < as_of:
        out.append(
            Finding(
                "warning",
                "last_drilled",
                f"last drilled {plan.last_drilled.isoformat()}, more than "
                f"{plan.review_days} days ago; rehearse it with "
                "`rollback-tui drill`",
            )
        )
    return out
