"""What the trigger watcher measured, written into the run's timeline: once per change.

A trigger that starts or stops firing is recorded ("Error rate spike firing: 0.074",
"Error rate spike quiet again") with the time Prometheus measured it; the first
measurement of a trigger the timeline knows nothing of is recorded too, so that `status`
has a last known state. Prometheus not answering is said once, until it answers again. A
drill records every state at its start and its end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from rollback_tui.plan.trigger_states import (
    UNREACHABLE_PREFIX,
    KnownState,
    change_text,
    last_states,
)
from rollback_tui.run.session import RunSession


class Measured(Protocol):
    """One trigger measured (metrics.triggers.Result)."""

    @property
    def trigger(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def value(self) -> float | None: ...
    @property
    def reason(self) -> str: ...
    @property
    def at(self) -> dt.datetime | None: ...


class TriggerLog:
    """Records into *session*'s timeline what each round of measurements changed."""

    def __init__(self, session: RunSession) -> None:
        self.session = session
        self.unanswered: str | None = None
        """The reason last said for Prometheus not answering (None: it answers)."""
        self.latest: list[Measured] = []
        self._drill_started = session.drill is None

    def heard(self, results: Sequence[Measured]) -> list[str]:
        """Record what changed since the timeline's last known states; returns the texts
        recorded."""
        self.latest = list(results)
        recorded: list[str] = []
        down = next((r.reason for r in results if r.reason.startswith("unreachable")), None)
        if down is not None and self.unanswered is None:
            recorded.append(self.session.triggers_unanswered(UNREACHABLE_PREFIX + down))
        self.unanswered = down
        note = "" if self._drill_started else "drill start"
        self._drill_started = True
        known = last_states(self.session.plan)
        for result in results:
            if result.state not in ("firing", "quiet"):
                continue
            last = known.get(result.trigger)
            if not note and last is not None and last.state == result.state:
                continue
            recorded.append(self._record(result, note, again=last is not None))
        return recorded

    def drill_ended(self) -> list[str]:
        """Record the last measured states at a drill's end."""
        return [self._record(r, "drill end") for r in self.latest if r.state in ("firing", "quiet")]

    def _record(self, result: Measured, note: str, *, again: bool = True) -> str:
        firing = result.state == "firing"
        state: KnownState = "firing" if firing else "quiet"
        text = change_text(result.trigger, state, result.value, note, again=again)
        self.session.trigger_changed(result.trigger, firing, text, result.at)
        return text
