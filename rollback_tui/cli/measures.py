"""The triggers measured from the command line: `triggers PLAN [--at TIME]`.

One line (or JSON object) per trigger: its state (firing, quiet, unknown with the reason,
not measured), the first sample's value and the query. The exit code is for cron and CI:
0 nothing fires, 1 something fires (roll back now), 2 the plan cannot be used, 3 some
query was not answered and nothing fires.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from rollback_tui.cli.output import PathArg, fail, json_visible, read_plan, say

if TYPE_CHECKING:
    from rollback_tui.metrics.triggers import Result

EXIT_FIRING = 1
EXIT_NOT_ANSWERED = 3


def parse_time(text: str) -> dt.datetime:
    """*text* as an aware UTC time: Unix seconds (``1733580000``, ``1733580000.5``) or ISO
    8601 (``2026-12-07T14:03:00Z``, with an offset, or without one: UTC). Raises
    ValueError."""
    text = text.strip()
    try:
        return dt.datetime.fromtimestamp(float(text), dt.UTC)
    except (ValueError, OverflowError, OSError):
        pass
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--at: not a time (ISO 8601 or Unix seconds): {text!r}") from None
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


def exit_code(results: list[Result]) -> int:
    """1 if any fires, else 3 if any query was not answered, else 0."""
    if any(r.state == "firing" for r in results):
        return EXIT_FIRING
    return EXIT_NOT_ANSWERED if any(r.state == "unknown" for r in results) else 0


def _line(result: Result) -> str:
    from rollback_tui.plan.trigger_states import value_text

    state = result.state + (f" ({result.reason})" if result.state == "unknown" else "")
    value = value_text(result.value) if result.value is not None else "-"
    query = " ".join(result.query.split())
    return f"{result.trigger or '(no name)'}: {state}; value {value}" + (
        f"; query {query}" if query else ""
    )


def _json(result: Result) -> dict[str, object]:
    return {
        "trigger": result.trigger,
        "state": result.state,
        "reason": result.reason or None if result.state == "unknown" else None,
        "value": result.finite_value,
        "at": result.at.isoformat() if result.at else None,
        "query": result.query or None,
    }


@click.command(short_help="Measure each trigger's query against Prometheus.")
@click.argument("path", type=PathArg)
@click.option(
    "--at",
    "at_text",
    metavar="TIME",
    help="Measure at this time (ISO 8601 or Unix seconds) rather than now.",
)
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="One line per trigger, or a JSON array of objects.",
)
def triggers(path: Path, at_text: str | None, output: str) -> None:
    """Measure each trigger's query against Prometheus: firing, quiet, unknown (with the
    reason) or not measured, with the first sample's value.

    Prometheus is ROLLBACK_TUI_PROMETHEUS_URL, else the plan's [metrics] prometheus_url;
    a bearer token is read from ROLLBACK_TUI_PROMETHEUS_TOKEN. Exit 0: nothing fires;
    1: something fires; 2: the plan cannot be used; 3: some query was not answered and
    nothing fires.
    """
    from rollback_tui.metrics import triggers as measured

    plan, _ = read_plan(path)
    try:
        at = parse_time(at_text) if at_text is not None else None
        where = measured.source(plan)
    except ValueError as exc:
        fail(f"{path}: {exc}" if "--at" not in str(exc) else str(exc))
    results = measured.measure_all(plan, where, at)
    if output == "json":
        text = json.dumps([_json(r) for r in results], indent=2, ensure_ascii=False)
        say(json_visible(text))
    else:
        for result in results:
            say(_line(result), lines=False)
        if not results:
            say("no triggers")
    raise SystemExit(exit_code(results))
