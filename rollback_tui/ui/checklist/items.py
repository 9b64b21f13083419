"""The checklist's pieces: the groups it shows, their progress, the summary line and the
timeline. They show what the screen gives them; the screen changes the plan and
saves it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.css.styles import RulesMap
from textual.widgets import Static

from rollback_tui.plan.model import ChecklistItem, Plan
from rollback_tui.plan.shell_words import show_invisible
from rollback_tui.plan.timeline import (
    EVENT_LABELS,
    Progress,
    elapsed,
    item_labels,
    option_milestones,
)
from rollback_tui.plan.update_clock import update_clock

# -- what the checklist shows -----------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """A part of the plan whose items are ticked together: an option, a component..."""

    key: str
    title: str
    items: list[ChecklistItem]
    variables: dict[str, str]
    numbered: bool = False

    @property
    def progress(self) -> Progress:
        return Progress.of(self.items)


def checklist_groups(plan: Plan) -> list[Group]:
    """Every active checklist item, grouped as in the plan; empty groups left out."""
    proc = plan.procedure
    variables = plan.variables()
    groups = [
        Group(
            "containment",
            "Immediate Containment: throttle, route traffic",
            proc.containment,
            variables,
            numbered=True,
        )
    ]
    if proc.uses_a:
        groups.append(
            Group(
                "option-a",
                f"Option A: Feature Flag Rollback ({proc.option_a_estimate or 'no estimate'})",
                proc.option_a,
                variables,
                numbered=True,
            )
        )
    if proc.uses_b:
        groups.append(
            Group(
                "option-b",
                f"Option B: Deployment Rollback ({proc.option_b_estimate or 'no estimate'})",
                proc.option_b,
                variables,
                numbered=True,
            )
        )
        groups.append(
            Group(
                "restore",
                "Restore Services: config, restarts, caches (as required)",
                proc.restore,
                variables,
                numbered=True,
            )
        )
    for n, component in enumerate(plan.components):
        name = show_invisible(component.name.strip()) or f"Component {n + 1}"
        groups.append(
            Group(
                f"component-{n}",
                f"Component: {name}",
                component.steps,
                plan.variables(component.name),
            )
        )
    groups.append(Group("communication", "Communication", plan.communications.actions, variables))
    for n, action_group in enumerate(plan.post_rollback):
        name = show_invisible(action_group.name.strip()) or "Actions"
        groups.append(Group(f"post-{n}", f"Post-rollback: {name}", action_group.items, variables))
    groups.append(Group("followup", "Follow-up", plan.followup.items, variables))
    return [group for group in groups if group.items]


def layout_key(plan: Plan) -> list[tuple[str, str, list[tuple[str, str, str]]]]:
    """What decides the widgets: groups, their titles, and their items' id, text, command.

    When only ticks change between two versions of the plan, the rows are updated in
    place; otherwise the checklist is rebuilt.
    """
    return [
        (g.key, g.title, [(i.id, i.text, i.command or "") for i in g.items])
        for g in checklist_groups(plan)
    ]


def progress_bar(progress: Progress, width: int = 12) -> Content:
    """``━━━━━━────`` filled in proportion to the items done, then skipped, then failed."""

    def share(count: int) -> int:
        return round(width * count / progress.total) if progress.total else 0

    done = share(progress.done)
    skipped = min(width - done, share(progress.done + progress.skipped) - done)
    failed = min(width - done - skipped, share(progress.settled) - done - skipped)
    style = "$success" if progress.complete else "$accent"
    return Content.assemble(
        ("━" * done, style),
        ("━" * skipped, "$foreground 50%"),
        ("━" * failed, "$error"),
        ("─" * (width - done - skipped - failed), "$foreground 30%"),
    )


def progress_counts(progress: Progress) -> Content:
    """``2/5`` then `` · 1 skipped · 1 failed`` when there are any."""
    parts: list[tuple[str, str]] = [(f" {progress.done}/{progress.total}", "$text-muted")]
    if progress.skipped:
        parts.append((f" · {progress.skipped} skipped", "$text-muted"))
    if progress.failed:
        parts.append((f" · {progress.failed} failed", "bold $text-error"))
    return Content.assemble(*parts)


# -- the summary ------------------------------------------------------------------------


def estimates(plan: Plan) -> list[tuple[str, str]]:
    """The chosen options and their estimates, as (label, estimate)."""
    proc = plan.procedure
    rows = []
    if proc.uses_a:
        rows.append(("Option A", proc.option_a_estimate or "no estimate"))
    if proc.uses_b:
        rows.append(("Option B", proc.option_b_estimate or "no estimate"))
    return rows


def summary_text(plan: Plan, now: dt.datetime, start_key: str = "i", width: int = 0) -> Content:
    """Two lines: overall progress and the incident's start; the time elapsed since then
    beside the chosen options' estimates. Where the first line does not fit in *width*
    cells (0: any width), the incident's start has a line of its own."""
    items = [item for _, _, item in plan.checklist(active=True)]
    progress = Progress.of(items)
    start = plan.incident_started_at
    overall = Content.assemble(
        ("Overall ", "bold"), progress_bar(progress, 16), (f" {progress.counts()}", "bold")
    )
    words, style = (
        (f"incident started {start:%H:%M:%S} UTC", "")
        if start
        else (f"incident start not marked: press {start_key}", "bold $text-warning")
    )
    first = Content.assemble(overall, ("  ·  ", "$text-muted"), (words, style))
    if width and first.cell_length > width:
        first = Content("\n").join([overall, Content.styled(words[0].upper() + words[1:], style)])
    chosen = ", ".join(f"{label} {estimate}" for label, estimate in estimates(plan))
    second = Content.assemble(
        ("Elapsed ", "bold"),
        (elapsed(start, now), "bold $text-accent") if start else ("—", "$text-muted"),
        (f"  ·  estimate: {chosen}" if chosen else "", ""),
    )
    lines = [first, second]
    clock = update_clock(plan, now)
    if clock is not None:
        lines.append(
            Content.assemble(
                ("Status ", "bold"),
                (clock.describe(), "bold $text-error" if clock.overdue else ""),
                ("  ·  m drafts the update", "$text-muted"),
            )
        )
    return Content("\n").join(lines)


class UpdateDue(Static):
    """The status update that is due: shown until one is sent (m, or a template copied)."""

    DEFAULT_CSS = """
    UpdateDue { display: none; height: auto; padding: 0 1; background: $error 30%;
                text-style: bold; }
    UpdateDue.-due { display: block; }
    """

    def show(self, plan: Plan, now: dt.datetime) -> None:
        clock = update_clock(plan, now)
        due = clock is not None and clock.overdue
        self.set_class(due, "-due")
        if clock is not None and due:
            self.update(Content(f"Status update {clock.when()}: m drafts the update to send"))


class Summary(Static):
    """Overall progress, and the time elapsed beside the chosen option's estimate."""

    DEFAULT_CSS = """
    Summary { height: auto; padding: 0 1; background: $boost; }
    """

    _shown: tuple[Plan, dt.datetime] | None = None
    _text: Content | None = None

    def show(self, plan: Plan, now: dt.datetime) -> None:
        self._shown = (plan, now)
        width = self.content_size.width
        text = summary_text(plan, now, width=width)
        if text == self._text:
            return
        # Laid out again only if its height changes: a tick changes the counts, not that.
        rules = cast(RulesMap, self.styles)
        same_height = (
            self._text is not None
            and width > 0
            and text.get_height(rules, width) == self._text.get_height(rules, width)
        )
        self._text = text
        self.update(text, layout=not same_height)

    def on_resize(self) -> None:
        if self._shown is not None:
            self.show(*self._shown)


# -- the timeline -----------------------------------------------------------------------


def timeline_text(plan: Plan) -> Content:
    """Every timeline event, oldest first, then the milestones of the chosen option."""
    if not plan.timeline:
        return Content.styled("Nothing yet: ticks, unticks and notes appear here.", "$text-muted")
    lines: list[Content] = []
    labels = item_labels(plan)
    for event in sorted(plan.timeline, key=lambda e: e.at):
        what = EVENT_LABELS[event.event]
        if event.item:
            what += f" {event.item}"
            if labels.get(event.item):
                what += f" {labels[event.item]}"
        if event.text:
            what += f": {event.text}"
        style = {
            "tick": "$text-success",
            "untick": "$text-warning",
            "fail": "$text-error",
            "incident-start": "bold $text-error",
        }.get(event.event, "")
        lines.append(
            Content.assemble(
                (f"{event.at:%H:%M:%S}", "$text-muted"),
                " ",
                (event.by or "—", "$text-accent"),
                " ",
                (what, style),
            )
        )
    milestones = option_milestones(plan)
    if milestones:
        lines.append(Content(""))
        lines += [Content.assemble((f"{label}: ", "bold"), value) for label, value in milestones]
    return Content("\n").join(lines)


class TimelinePanel(VerticalScroll):
    """The timeline as it is written into the plan: when, who, what."""

    DEFAULT_CSS = """
    TimelinePanel { height: 1fr; padding: 0 1; }
    TimelinePanel:focus { background: $boost; }
    TimelinePanel > .title { text-style: bold; margin-bottom: 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.events = Static(id="timeline-events", markup=False)

    def compose(self) -> ComposeResult:
        yield Static("Timeline (UTC)", classes="title")
        yield self.events

    _stale: Plan | None = None
    """The plan last given while the timeline was hidden: it is shown when it shows."""

    def show(self, plan: Plan) -> None:
        if not self.display:  # hidden (80 columns, timeline closed): shown when opened
            self._stale = plan
            return
        self._stale = None
        self.events.update(timeline_text(plan))
        self.scroll_end(animate=False)

    def on_show(self) -> None:
        if self._stale is not None:
            self.show(self._stale)
