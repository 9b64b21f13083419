"""The status-update clock: once the incident has started, an update is due every
`communications.update_interval` minutes, counted from the start or the last update sent.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from rollback_tui.plan.model import Plan

_MINUTES = re.compile(r"\bevery\s+(\d{1,4})\s*(?:min|minutes?)\b", re.IGNORECASE)


def update_interval(plan: Plan) -> int | None:
    """Minutes between updates: the plan's number, else one read from its cadence text
    (``Every 30 minutes``, as plans written before the number existed say it)."""
    interval = plan.communications.update_interval
    if interval is not None:
        return interval
    found = _MINUTES.search(plan.communications.cadence)
    if found and 1 <= int(found.group(1)) <= 1440:
        return int(found.group(1))
    return None


def last_update(plan: Plan) -> dt.datetime | None:
    """When the clock last started: the incident start or the latest update sent after it."""
    start = plan.incident_started_at
    if start is None:
        return None
    sent = [e.at for e in plan.timeline if e.event == "update-sent" and e.at >= start]
    return max([start, *sent])


@dataclass(frozen=True)
class UpdateClock:
    """When the next status update is due, seen at *now*."""

    due: dt.datetime
    now: dt.datetime

    @property
    def overdue(self) -> bool:
        return self.now >= self.due

    def when(self) -> str:
        """``in 12 min``, ``due now`` or ``overdue by 3 min``."""
        seconds = (self.due - self.now).total_seconds()
        if seconds > 0:
            return f"in {math.ceil(seconds / 60)} min"
        late = int(-seconds // 60)
        return "due now" if late == 0 else f"overdue by {late} min"

    def describe(self) -> str:
        """``next update due at 14:30 UTC, in 12 min`` or ``... overdue by 3 min``."""
        return f"next update due at {self.due:%H:%M} UTC, {self.when()}"


def update_clock(plan: Plan, now: dt.datetime) -> UpdateClock | None:
    """The clock at *now*; None before the incident starts or without an interval."""
    interval = update_interval(plan)
    last = last_update(plan)
    if interval is None or last is None:
        return None
    return UpdateClock(last + dt.timedelta(minutes=interval), now)
