"""The checklist's pieces: a row per item, a group per part of the plan, the summary line
and the timeline. They show what the screen gives them; the screen changes the plan and
saves it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from rollback_tui.plan.model import ChecklistItem, ItemState, Plan
from rollback_tui.plan.shell_words import show_invisible
from rollback_tui.plan.timeline import (
    EVENT_LABELS,
    Progress,
    elapsed,
    item_labels,
    option_milestones,
)
from rollback_tui.plan.update_clock import update_clock
from rollback_tui.render import substitute, substitute_command
from rollback_tui.ui.checklist.outcome_keys import OutcomeActions
from rollback_tui.ui.dialogs.held_keys import KeysToInput

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
    groups: list[Group] = []
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


_BOXES: dict[ItemState, tuple[str, str]] = {
    "open": ("[ ]", "bold"),
    "done": ("[x]", "bold $text-success"),
    "skipped": ("[-]", "bold $text-muted"),
    "failed": ("[!]", "bold $text-error"),
}
_TEXT_STYLES: dict[ItemState, str] = {
    "open": "",
    "done": "$text-muted",
    "skipped": "$text-muted strike",
    "failed": "",
}


# -- a row ------------------------------------------------------------------------------


class ChecklistRow(Widget, can_focus=True):
    """One item: its box, text and owner, its command, and who ticked it when."""

    DEFAULT_CSS = """
    ChecklistRow { height: auto; padding: 0 1 0 1; }
    ChecklistRow:focus { background: $accent 25%; }
    ChecklistRow > .line { width: 1fr; }
    ChecklistRow > .command { margin-left: 4; padding: 0 1; width: auto; max-width: 1fr;
                              background: $foreground 8%; color: $text-accent; }
    ChecklistRow > .meta { margin-left: 4; color: $text-success; }
    ChecklistRow.-skipped > .meta { color: $text-muted; }
    ChecklistRow.-failed > .meta { color: $text-error; }
    """

    # The screen's actions, run as the key is handled rather than through a message:
    # keys typed ahead (space, down, space) then act on the rows in the order typed.
    BINDINGS = [
        Binding("space,enter", "screen.toggle_item", "Done"),
        Binding("s", "screen.skip_item", "Skip"),
        Binding("f", "screen.fail_item", "Failed"),
        Binding("c", "screen.copy_command", "Copy"),
        # Here rather than on the screen: the scrolling container binds the arrows too.
        Binding("down,j", "screen.next_row", "Next", show=False),
        Binding("up,k", "screen.previous_row", "Previous", show=False),
        Binding("home", "screen.first_row", "First", show=False),
        Binding("end", "screen.last_row", "Last", show=False),
    ]

    async def on_key(self, event: events.Key) -> None:
        """Run the row's keys as they arrive; keys typed after one that opened a dialog
        (s, f, or space on an irreversible step) go to the dialog, in the order typed."""
        top, screen = self.app.screen, self.screen
        held = screen.held_keys if isinstance(screen, OutcomeActions) else None
        if top is not screen:  # typed after a key that opened a dialog: the dialog's
            event.prevent_default()
            event.stop()
            if isinstance(top, KeysToInput):
                top.take_key(event.key, event.character)
            else:
                self.app.post_message(events.Key(event.key, event.character))
            return
        if held is not None:  # a dialog's answer is being recorded: the key waits for it
            event.prevent_default()
            event.stop()
            held.append((event.key, event.character))
            return
        action = _ROW_KEYS.get(event.key)
        if action is not None:
            event.prevent_default()
            event.stop()
            await self.run_action(action)

    def __init__(self, item: ChecklistItem, label: str, variables: dict[str, str]) -> None:
        super().__init__()  # no DOM id: item ids may hold dots, which CSS ids cannot
        self.item_id = item.id
        self.label = label
        """The item's number in its group ("1."), or empty."""
        self.variables = variables
        self.command: str | None = None
        self.done = False
        self.pending = False
        self.state: ItemState = "open"
        self.line = Static(classes="line", markup=False)
        self.command_view = Static(classes="command", markup=False)
        self.meta = Static(classes="meta", markup=False)
        self._shown: tuple[object, ...] | None = None
        """What show() last drew: a row shown again as it is costs nothing (updating its
        text would have Textual lay out every row of the checklist again)."""
        self.show(item)

    def compose(self) -> ComposeResult:
        yield self.line
        yield self.command_view
        yield self.meta

    def show(self, item: ChecklistItem, pending: bool = False) -> None:
        """Show the item's state (after a tick, or a change read from disk); *pending*: its
        change is not saved yet (a … after the box)."""
        shown = (
            pending,
            item.state,
            item.text,
            item.command,
            item.owner,
            item.irreversible,
            item.done_at,
            item.done_by,
            item.reason,
            item.id,
            self.label,
            tuple(self.variables.items()),
        )
        if shown == self._shown:
            return
        self._shown = shown
        self.done = item.done
        self.pending = pending
        self.state = item.state
        text = show_invisible(substitute(item.text, self.variables)).strip() or "(no text)"
        parts: list[Content | tuple[str, str] | str] = [
            _BOXES[item.state],
            ("…", "bold $text-warning") if pending else " ",
        ]
        if self.label:
            parts += [(self.label, "$text-muted"), " "]
        parts.append((text, _TEXT_STYLES[item.state]))
        if item.irreversible:
            parts.append((" · irreversible", "bold $text-warning"))
        if item.owner:
            parts.append((f" · owner: {show_invisible(item.owner)}", "$text-muted"))
        parts.append((f"  {item.id}", "$text-muted italic"))
        self.line.update(Content.assemble(*parts))
        command = substitute_command(item.command, self.variables).strip() if item.command else ""
        self.command = command or None
        self.command_view.display = bool(command)
        self.command_view.update(Content(f"$ {command}") if command else Content(""))
        self.meta.display = item.state != "open"
        if item.state != "open":
            when = f"{item.done_at:%Y-%m-%d %H:%M:%S} UTC" if item.done_at else "time unknown"
            who = f" by {show_invisible(item.done_by)}" if item.done_by else ""
            mark = {"done": "✓ done", "skipped": "↷ skipped", "failed": "✗ failed"}[item.state]
            reason = f": {show_invisible(item.reason)}" if item.reason else ""
            self.meta.update(Content(f"{mark} {when}{who}{reason}"))
        for state in ("done", "skipped", "failed"):
            self.set_class(item.state == state, f"-{state}")


_ROW_KEYS = {
    key.strip(): binding.action
    for binding in ChecklistRow.BINDINGS
    if isinstance(binding, Binding)
    for key in binding.key.split(",")
}
"""Each key of a row's bindings, and its action."""

# -- a group ----------------------------------------------------------------------------


class ChecklistGroup(Vertical):
    """A heading with the group's progress, then its rows."""

    DEFAULT_CSS = """
    ChecklistGroup { height: auto; margin-bottom: 1; }
    ChecklistGroup > .heading { padding: 0 1; background: $panel; text-style: bold; }
    """

    def __init__(self, group: Group) -> None:
        super().__init__(id=f"group-{group.key}")
        self.group = group
        self._heading_shown = self._heading()
        self.heading = Static(self._heading_shown, classes="heading", markup=False)
        self.rows = [
            ChecklistRow(item, f"{n}." if group.numbered else "", group.variables)
            for n, item in enumerate(group.items, 1)
        ]

    def compose(self) -> ComposeResult:
        yield self.heading
        yield from self.rows

    def _heading(self, width: int = 0) -> Content:
        """The title, then a progress bar and the counts: on a line of their own where the
        whole does not fit in *width* cells (0: not laid out yet), never cut in two."""
        progress = self.group.progress
        mark = ("✓ ", "$text-success") if progress.complete else ("", "")
        title = Content.assemble(mark, self.group.title)
        bar = Content.assemble(progress_bar(progress, 8), progress_counts(progress))
        heading = Content.assemble(title, "  ", bar)
        if width and heading.cell_length > width:
            return Content("\n").join([title, bar])
        return heading

    def on_resize(self) -> None:
        self._show_heading()

    def _show_heading(self) -> None:
        """Update the heading, unless it reads as it does already (updating its text would
        have Textual lay out every row of the checklist again)."""
        heading = self._heading(self.heading.content_size.width)
        if heading != self._heading_shown:
            self._heading_shown = heading
            self.heading.update(heading)

    def show(self, group: Group, pending: set[str] | None = None) -> None:
        """Show the group's items as they are now (*pending*: ids changed, not saved yet)."""
        self.group = group
        self._show_heading()
        rows = {row.item_id: row for row in self.rows}
        for item in group.items:
            if item.id in rows:
                rows[item.id].show(item, pending=pending is not None and item.id in pending)


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
                ("  ·  m copies the update", "$text-muted"),
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
            self.update(
                Content(f"Status update {clock.when()}: m copies the update and restarts the clock")
            )


class Summary(Static):
    """Overall progress, and the time elapsed beside the chosen option's estimate."""

    DEFAULT_CSS = """
    Summary { height: auto; padding: 0 1; background: $boost; }
    """

    _shown: tuple[Plan, dt.datetime] | None = None

    def show(self, plan: Plan, now: dt.datetime) -> None:
        self._shown = (plan, now)
        self.update(summary_text(plan, now, width=self.content_size.width))

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

    def show(self, plan: Plan) -> None:
        self.events.update(timeline_text(plan))
        self.scroll_end(animate=False)
