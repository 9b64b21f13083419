"""Drill mode's DRILL banner and its summary: measured time against the estimate for each
option, and the slowest steps."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Header, Static

from rollback_tui.plan import run_times
from rollback_tui.plan.model import Plan
from rollback_tui.plan.text import visible
from rollback_tui.render.run_record import duration
from rollback_tui.ui.keys.registry import bindings
from rollback_tui.ui.steady_footer import SteadyFooter

BANNER = "DRILL · a rehearsal: the plan's live run is not touched"


class DrillBanner(Static):
    """One line across the top of every drill screen."""

    DEFAULT_CSS = """
    DrillBanner { width: 1fr; height: 1; background: $warning; color: $text;
                  text-style: bold; content-align: center middle; }
    """

    def __init__(self) -> None:
        super().__init__(Content(BANNER), markup=False)


def summary_lines(run: Plan, run_path: Path, plan_path: Path) -> list[Content]:
    """The summary's lines, from the drill's run (user text kept as plain text)."""
    start, end = run_times.run_start(run), run_times.run_end(run)
    took = duration(int((end - start).total_seconds())) if start and end else "-"
    c = run_times.counts(run)
    lines = [
        Content.styled(f"Drill finished in {took}", "bold"),
        Content(
            f"{c['done']} done, {c['skipped']} skipped, {c['failed']} failed, {c['open']} open"
        ),
        Content(""),
        Content.styled("Actual against estimated time", "bold"),
    ]
    for option in run_times.option_times(run):
        left = "" if option.complete else " (not finished)"
        lines.append(
            Content(
                visible(
                    f"  {option.label}: {duration(option.seconds)}{left}, "
                    f"estimated {option.estimate or 'no estimate'}"
                )
            )
        )
    slow = run_times.slowest(run)
    if slow:
        lines += [Content(""), Content.styled("Slowest steps", "bold")]
        for t in slow:
            lines.append(
                Content(visible(f"  {duration(t.seconds):>9}  {t.item.id}  {t.item.text}"))
            )
    lines += [
        Content(""),
        Content(visible(f"Run file: {run_path}")),
        Content(
            visible(
                f"{plan_path.name} records the drill: last_drilled, and each "
                "finished option's time."
            )
        ),
        Content.styled("Escape goes back to the checklist · ctrl+q quits", "$text-muted"),
    ]
    return lines


class DrillSummary(Screen[None]):
    """What the drill measured."""

    BINDINGS = bindings("drill-summary")

    DEFAULT_CSS = """
    DrillSummary #drill-summary { padding: 1 2; height: auto; }
    """

    def __init__(self, run: Plan, run_path: Path, plan_path: Path) -> None:
        super().__init__()
        self.lines = summary_lines(run, run_path, plan_path)

    def compose(self) -> ComposeResult:
        yield Header(icon="↺")
        yield DrillBanner()
        with VerticalScroll():
            yield Static(Content("\n").join(self.lines), id="drill-summary", markup=False)
        yield SteadyFooter(compact=True)
