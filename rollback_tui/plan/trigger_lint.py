"""`check`'s findings about measured triggers: a step that verifies a trigger the plan does
not have, and queries with no Prometheus to ask anywhere."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping

from rollback_tui.plan.findings import Finding
from rollback_tui.plan.model import ChecklistItem, Plan

URL_VARIABLE = "ROLLBACK_TUI_PROMETHEUS_URL"
"""Where Prometheus is, overriding the plan's `[metrics] prometheus_url`."""


def trigger_findings(
    plan: Plan,
    items: Iterable[tuple[str, ChecklistItem]],
    environ: Mapping[str, str] | None = None,
) -> Iterator[Finding]:
    """The findings for *plan*'s queries and for the `verify` of *items* (path, item).

    Args:
        plan: the plan checked.
        items: its steps with their paths (``procedure.option_a[2]``).
        environ: where ROLLBACK_TUI_PROMETHEUS_URL is looked for (the process's).
    """
    names = {t.trigger.strip() for t in plan.triggers if t.trigger.strip()}
    for where, item in items:
        for name in item.verify:
            if name.strip() not in names:
                yield Finding("error", f"{where}.verify", f"verifies {name!r}: no such trigger")
    env = os.environ if environ is None else environ
    has_url = bool(env.get(URL_VARIABLE, "").strip()) or bool(
        plan.metrics and plan.metrics.prometheus_url.strip()
    )
    if has_url:
        return
    for i, trigger in enumerate(plan.triggers):
        if trigger.query.strip():
            yield Finding(
                "warning",
                f"triggers[{i}].query",
                "a query, but no Prometheus to ask: set [metrics] prometheus_url "
                f"or {URL_VARIABLE}",
            )
