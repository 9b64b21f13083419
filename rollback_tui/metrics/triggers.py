"""A plan's triggers measured: each one's query asked of Prometheus, its result typed.

Where Prometheus is: ROLLBACK_TUI_PROMETHEUS_URL, else the plan's `[metrics]
prometheus_url`. The bearer token comes from ROLLBACK_TUI_PROMETHEUS_TOKEN only: never
from the plan, never written anywhere.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from rollback_tui.metrics import prometheus
from rollback_tui.plan.model import Plan, Trigger
from rollback_tui.plan.trigger_lint import URL_VARIABLE

TOKEN_VARIABLE = "ROLLBACK_TUI_PROMETHEUS_TOKEN"
"""A bearer token for Prometheus; read from the environment only."""

State = Literal["firing", "quiet", "unknown", "not measured"]
"""What a measurement says of a trigger."""


@dataclass(frozen=True)
class Source:
    """Where the queries are asked: a Prometheus address and, maybe, a token."""

    url: str
    token: str | None = None
    withheld: bool = False
    """A token is set, but the address is the plan's: it is not sent (see source())."""

    def __repr__(self) -> str:  # the token never reaches a log or a traceback
        return f"Source(url={prometheus.shown_url(self.url)!r})"


def source(plan: Plan, environ: Mapping[str, str] | None = None) -> Source | None:
    """Where *plan*'s queries are asked (None: no address anywhere).

    Raises:
        ValueError: the address is not an http(s) URL (the message names where it was).
    """
    env = os.environ if environ is None else environ
    from_env = env.get(URL_VARIABLE, "").strip()
    url = from_env or (plan.metrics.prometheus_url.strip() if plan.metrics else "")
    if not url:
        return None
    try:
        prometheus.check_url(url)
    except ValueError as exc:
        where = URL_VARIABLE if from_env else "[metrics] prometheus_url"
        raise ValueError(f"{where}: {exc}") from None
    token = env.get(TOKEN_VARIABLE, "").strip() or None
    if token is not None and not from_env:
        # Whoever can write the plan chooses its address: the token would be theirs to
        # collect. It goes only to the address the user set in the environment.
        return Source(url, None, withheld=True)
    return Source(url, token)


@dataclass(frozen=True)
class Result:
    """One trigger measured."""

    trigger: str
    """The trigger's name (its condition)."""
    state: State
    value: float | None
    """The first sample's value (None when no sample, or not measured)."""
    query: str
    reason: str = ""
    """Why the state is unknown: ``unreachable: connection refused``, ``query error: …``."""
    at: dt.datetime | None = None
    """When Prometheus measured it."""

    @property
    def finite_value(self) -> float | None:
        """The value, or None for NaN and infinities (JSON has no such numbers)."""
        return self.value if self.value is not None and math.isfinite(self.value) else None


def measure(
    trigger: Trigger,
    where: Source | None,
    at: dt.datetime | None = None,
    *,
    timeout: float = prometheus.TIMEOUT,
) -> Result:
    """*trigger*'s query evaluated at *at* (now when None) on *where*."""
    name, query = trigger.trigger, trigger.query.strip()
    if not query:
        return Result(name, "not measured", None, "", "no query")
    if where is None:
        return Result(name, "unknown", None, query, "no Prometheus address")
    try:
        answer = prometheus.instant_query(
            where.url, query, at=at, token=where.token, timeout=timeout
        )
    except prometheus.Unreachable as exc:
        return Result(name, "unknown", None, query, _masked(f"unreachable: {exc}", where), at)
    except prometheus.QueryRejected as exc:
        reason = _masked(f"query error: {exc}", where)
        if where.withheld:
            reason += f" ({TOKEN_VARIABLE} is sent only to {URL_VARIABLE}'s address)"
        return Result(name, "unknown", None, query, reason, at)
    state: State = "firing" if answer.samples else "quiet"
    return Result(name, state, answer.value, query, "", answer.at or at)


def _masked(text: str, where: Source) -> str:
    """*text* with the token taken out, should a server echo it back in its error."""
    return text.replace(where.token, "[token]") if where.token else text


def measure_all(
    plan: Plan,
    where: Source | None,
    at: dt.datetime | None = None,
    *,
    timeout: float = prometheus.TIMEOUT,
) -> list[Result]:
    """Every trigger of *plan* measured at *at*, in the plan's order. Once Prometheus is
    found unreachable, the triggers after it are not asked again (each would wait for the
    same timeout): they are unknown for the same reason."""
    results: list[Result] = []
    down: str | None = None
    for trigger in plan.triggers:
        if down is not None and trigger.query.strip():
            results.append(Result(trigger.trigger, "unknown", None, trigger.query, down, at))
            continue
        result = measure(trigger, where, at, timeout=timeout)
        if result.reason.startswith("unreachable"):
            down = result.reason
        results.append(result)
    return results
