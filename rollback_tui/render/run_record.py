"""The Markdown of a plan's review dates, of a drill's measured times, and of a run file's
``[run]`` table (kind, label, times, outcomes; for a drill, each step's time). Pure."""

from __future__ import annotations

from rollback_tui.plan.model import Plan
from rollback_tui.render.markdown_syntax import code_span, heading, inline


def duration(seconds: int) -> str:
    """``45 s``, ``22 min``, ``1 h 05 min``: a measured time as people say it."""
    if seconds < 60:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def estimate(text: str, drilled: int | None) -> str:
    """An option heading's estimate, with the last drill's measured time beside it."""
    parts = [heading(text)] if text.strip() else []
    if drilled is not None:
        parts.append(f"last drill {duration(drilled)}")
    return f" ({'; '.join(parts)})" if parts else ""


def date_fields(plan: Plan) -> list[tuple[str, str]]:
    """The header's review and drill dates (only those the plan records), as (label,
    value)."""
    rows = []
    if plan.last_reviewed is not None:
        rows.append(
            (
                "Last Reviewed",
                f"{plan.last_reviewed.isoformat()} (review every {plan.review_days} days)",
            )
        )
    elif plan.review_every is not None:
        rows.append(("Review Every", f"{plan.review_days} days"))
    if plan.last_drilled is not None:
        rows.append(("Last Drilled", plan.last_drilled.isoformat()))
    return rows


def date_rows(plan: Plan) -> list[str]:
    """The header's review and drill dates, as Markdown lines."""
    return [f"**{label}:** {value}" for label, value in date_fields(plan)]


def run_fields(plan: Plan) -> list[tuple[str, str]]:
    """A run file's kind, label, plan, times and outcomes, as (label, value): empty for a
    plan. Values are the user's text as is: the caller escapes them."""
    from rollback_tui.plan import run_times as runs

    info = plan.run
    if info is None:
        return []
    start, end = runs.run_start(plan), runs.run_end(plan)
    c = runs.counts(plan)
    rows = [("Kind", "Drill" if info.kind == "drill" else "Incident")]
    if info.label.strip():
        rows.append(("Label", info.label))
    if info.plan.strip():
        rows.append(("Plan", info.plan))
    if start is not None:
        rows.append(("Started", f"{start:%Y-%m-%d %H:%M:%S} UTC"))
    if end is not None:
        rows.append(("Ended", f"{end:%Y-%m-%d %H:%M:%S} UTC"))
    if start is not None and end is not None:
        rows.append(("Duration", duration(int((end - start).total_seconds()))))
    rows.append(
        (
            "Outcomes",
            f"{c['done']} done, {c['skipped']} skipped, {c['failed']} failed, {c['open']} open",
        )
    )
    return rows


def run_section(plan: Plan) -> str:
    """The ``## Run`` section of a run file: empty for a plan."""
    info = plan.run
    if info is None:
        return ""
    written = {"Label": inline, "Plan": code_span}
    rows = [f"**{label}:** {written.get(label, str)(value)}" for label, value in run_fields(plan)]
    out = "## Run\n\n" + "\\\n".join(rows) + "\n"
    if info.kind == "drill":
        out += _drill_times(plan)
    return out


def _drill_times(plan: Plan) -> str:
    from rollback_tui.plan import run_times as runs

    lines = [
        "",
        "### Measured Times",
        "",
        "| Option | Estimate | Measured |",
        "| --- | --- | --- |",
    ]
    for option in runs.option_times(plan):
        measured = duration(option.seconds) + ("" if option.complete else " (not finished)")
        lines.append(
            f"| {option.label} | {inline(option.estimate, table=True) or '—'} | {measured} |"
        )
    steps = runs.step_times(plan)
    if steps:
        lines += ["", "| Step | Section | Outcome | Time |", "| --- | --- | --- | --- |"]
        for t in steps:
            text = inline(t.item.text, table=True) or "—"
            lines.append(
                f"| {code_span(t.item.id, table=True)} {text} | "
                f"{inline(t.section, table=True)} | {t.item.state} | "
                f"{duration(t.seconds)} |"
            )
        lines += ["", "Slowest steps:", ""]
        lines += [
            f"1. {code_span(t.item.id)} {inline(t.item.text)}: {duration(t.seconds)}"
            for t in runs.slowest(plan)
        ]
    return "\n".join(lines) + "\n"
