"""What the timeline says of the measured triggers: the sentence a change is recorded with
("Error rate spike firing: 0.074", "Error rate spike quiet again"), and, read back from
those sentences, each trigger's last known state (for `status` and the status page).

The timeline is where a run's state lives, so the last known states need no file of
their own: they travel with the plan, its merges and its archived runs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from rollback_tui.plan.model import Plan

KnownState = Literal["firing", "quiet"]
"""What a measurement said of a trigger that was answered."""

UNREACHABLE_PREFIX = "Prometheus not answering: "
"""The start of the one event that says the triggers could not be measured."""


def value_text(value: float | None) -> str:
    """A sample's value as people read it: ``0.074``, ``12``, ``NaN``."""
    if value is None:
        return ""
    if value != value:  # NaN
        return "NaN"
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.6g}"


def change_text(
    trigger: str, state: KnownState, value: float | None, note: str = "", *, again: bool = True
) -> str:
    """The timeline's text for *trigger* measured *state*: ``Error rate spike firing:
    0.074``, ``Error rate spike quiet again`` (``quiet`` when it was never seen firing,
    *again* False); *note* is added in brackets (a drill's start or end)."""
    if state == "firing":
        text = f"{trigger} firing" + (f": {value_text(value)}" if value is not None else "")
    else:
        text = f"{trigger} quiet again" if again and not note else f"{trigger} quiet"
    return f"{text} ({note})" if note else text


@dataclass(frozen=True)
class LastState:
    """A trigger's last state recorded in the timeline."""

    state: KnownState
    at: dt.datetime
    """When Prometheus measured it."""
    text: str
    """The timeline's sentence, value included."""


def _state_of(trigger: str, text: str) -> KnownState | None:
    if text == f"{trigger} firing" or text.startswith(
        (f"{trigger} firing: ", f"{trigger} firing (")
    ):
        return "firing"
    if text == f"{trigger} quiet" or text.startswith(
        (f"{trigger} quiet again", f"{trigger} quiet (")
    ):
        return "quiet"
    return None


def last_states(plan: Plan) -> dict[str, LastState]:
    """The last known state of each of *plan*'s triggers, by trigger name, as its timeline
    recorded it (a trigger never measured in this run is absent).

    Args:
        plan: a plan or a run file; only its triggers' names and its timeline are read.

    Returns:
        trigger name -> its last recorded state, the latest measurement winning.
    """
    names = [t.trigger for t in plan.triggers if t.trigger]
    # The longest names first: "Error rate spike" is not read as "Error" + "rate spike".
    names.sort(key=len, reverse=True)
    found: dict[str, LastState] = {}
    events = sorted((e for e in plan.timeline if e.event == "trigger"), key=lambda e: e.at)
    for event in events:
        text = event.text or ""
        for name in names:
            state = _state_of(name, text)
            if state is not None:
                found[name] = LastState(state, event.at, text)
                break
    return found
