"""Checklist mode: tick the plan's steps during the incident, every tick saved at once.

The file is watched while it is open: a change made by someone else (a `rollback-tui
tick` from another terminal, a hand edit) is merged by item id, and so is a save that
finds the file changed. Neither side's ticks are lost.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from functools import partial
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import ActiveBinding, Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.css.query import NoMatches
from textual.events import Resize, ScreenResume
from textual.screen import Screen
from textual.widgets import Footer, Header

from rollback_tui import store
from rollback_tui.plan.merge import MergeSummary
from rollback_tui.plan.model import Plan
from rollback_tui.plan.timeline import record
from rollback_tui.store import sync
from rollback_tui.ui.checklist.checklist_rows import ChecklistRow
from rollback_tui.ui.checklist.checklist_view import ChecklistView
from rollback_tui.ui.checklist.items import (
    Summary,
    TimelinePanel,
    UpdateDue,
    checklist_groups,
    layout_key,
)
from rollback_tui.ui.checklist.outcome_keys import OutcomeActions, templates
from rollback_tui.ui.copy_notice import copy_and_report
from rollback_tui.ui.dialogs.note import NoteDialog
from rollback_tui.ui.keeper import PlanKeeper
from rollback_tui.ui.keeper.background_save import Outcome
from rollback_tui.ui.messages import PlanShown
from rollback_tui.ui.wizard.wizard_screen import WizardScreen

if TYPE_CHECKING:
    from rollback_tui.ui.checklist.drill import Drill
    from rollback_tui.ui.checklist.git_worker import GitWorker

WIDE = 120
"""From this width on, the timeline sits beside the checklist."""
POLL_SECONDS = 1.0
"""How often the file is checked for changes made by someone else."""
KEYS_HELP = Content(
    "Keys: space or enter marks done (on a step with an outcome, asks to take it back) · "
    "s skips · f marks failed · u goes to the next open step · c copies the command · "
    "i marks the incident start · n adds a note · m copies the status update · "
    "t shows the timeline · e shows the emergency contacts · ctrl+p for more"
)
"""Below the last group."""


class ChecklistScreen(OutcomeActions, Screen[None]):
    """Every active item of the plan, grouped as in the plan, to tick as it is done."""

    SAVES_AT_ONCE = True
    """Its changes are saved as they are made (a hang-up saves them too)."""

    BINDINGS = [
        Binding("u", "next_unticked", "To do"),
        # Not in the footer, which must fit 80 columns with the outcome keys and the
        # contacts: the summary line names i until the start is marked, and m beside the
        # update clock; t is in the keys below the list (and from 120 columns the
        # timeline is beside the list anyway).
        Binding("i", "incident_start", "Incident start", show=False),
        Binding("n", "note", "Note"),
        Binding("m", "send_update", "Send update", show=False),
        Binding("t", "toggle_timeline", "Timeline", show=False),
        Binding("e", "show_contacts", "Contacts"),
    ]

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        # Ticks are saved at once: ctrl+s still works, but the 80-column footer keeps its
        # room for the checklist's own keys.
        return {k: v for k, v in super().active_bindings.items() if k != "ctrl+s"}

    def __init__(
        self, keeper: PlanKeeper, *, git: GitWorker | None = None, drill: Drill | None = None
    ) -> None:
        """The checklist of *keeper*'s plan; *git* commits each saved tick (run --git),
        *drill* times a rehearsal (drill mode)."""
        super().__init__()
        self.keeper = keeper
        self.git = git
        self.drill = drill
        self.timeline_open = False
        self._problem: str | None = None
        """The last error reported about the file, so that it is not reported twice."""
        self._shown_layout: list[Any] | None = None
        """The groups and items the widgets were built for."""
        self._pending: dict[str, int] = {}
        """Items ticked or unticked and not saved yet: id -> the app's edit count then."""

    # -- the plan file ---------------------------------------------------------------------

    @property
    def plan_file(self) -> store.PlanFile:
        return self.keeper.plan_file

    @property
    def plan(self) -> Plan:
        return self.keeper.plan

    def now(self) -> dt.datetime:
        """The time from the keeper's clock (tests fix it), in UTC to the second."""
        return self.keeper.now()

    # -- building ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header(icon="↺")
        if self.drill is not None:
            from rollback_tui.ui.checklist.drill_summary import DrillBanner

            yield DrillBanner()
        yield Summary(id="summary", markup=False)
        yield UpdateDue(id="update-due", markup=False)
        with Horizontal(id="checklist-body"):
            yield ChecklistView(checklist_groups(self.plan), KEYS_HELP, id="checklist")
            yield TimelinePanel(id="timeline")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._shown_layout = layout_key(self.plan)
        self._layout(self.size.width)
        self.show_state()
        self.action_next_unticked(from_start=True)
        self.set_interval(POLL_SECONDS, self.check_disk)
        if self.git is not None:
            self.git.start()  # run --git: pull now, and every so often
        self.set_interval(1.0, self.show_summary)
        self.keeper.replaced.subscribe(self, self._replaced)
        self.keeper.merges_saved.subscribe(self, self._saved, immediate=True)
        self.call_after_refresh(self.post_message, PlanShown())

    async def _replaced(self, plan_file: store.PlanFile) -> None:
        await self.show_plan(plan_file.plan)

    @on(Resize)
    def _resized(self, event: Resize) -> None:
        self._layout(event.size.width)

    def _layout(self, width: int) -> None:
        self.set_class(width >= WIDE, "-wide")
        self.set_class(self.timeline_open, "-timeline-open")

    @property
    def view(self) -> ChecklistView:
        return self.query_one(ChecklistView)

    def rows(self) -> list[ChecklistRow]:
        return self.view.rows

    def row(self, item_id: str) -> ChecklistRow:
        """The row of the item with *item_id*."""
        return self.view.row(item_id)

    def focus_row(self, row: ChecklistRow) -> None:
        """Put the cursor on *row*, the checklist focused. Focus is set at once
        (Widget.focus() waits a turn), so that keys typed ahead act on the row the previous
        key moved to."""
        view = self.view
        view.move_to(row)
        self.set_focus(view)

    # -- showing the plan -----------------------------------------------------------------

    def show_summary(self) -> None:
        now = self.now()
        # Being built again on another plan (show_plan, under the wizard): the next shows it.
        with contextlib.suppress(NoMatches):
            self.query_one(Summary).show(self.plan, now)
            self.query_one(UpdateDue).show(self.plan, now)

    def show_state(self, item_id: str | None = None) -> None:
        """Show every item (or only *item_id*'s group), the progress and the timeline as
        the plan has them now."""
        groups = {group.key: group for group in checklist_groups(self.plan)}
        if item_id is not None:
            key = self.view.row(item_id).group_key
            groups = {key: groups[key]} if key in groups else groups
        self.view.update(groups, set(self._pending))
        self.show_summary()
        self.query_one(TimelinePanel).show(self.plan)

    async def refresh_plan(self) -> None:
        """Show the plan as it is now: rows updated in place, or rebuilt if items changed
        (after a merge, or an edit in the wizard)."""
        layout = layout_key(self.plan)
        if layout != self._shown_layout:
            self._shown_layout = layout
            view = self.view
            cursor = view.cursor_row
            was_focused = self.focused is view
            view.show_groups(checklist_groups(self.plan))
            rows = self.rows()
            target = next((r for r in rows if cursor and r.item_id == cursor.item_id), None)
            if target is not None:
                view.move_to(target)
                if was_focused:
                    self.set_focus(view)
            else:
                self.action_next_unticked(from_start=True)
        self.show_state()

    async def show_plan(self, plan: Plan, **_: object) -> None:
        """Show another plan (after Open): the checklist is rebuilt on it."""
        self._shown_layout = layout_key(self.plan)
        await self.recompose()
        self._layout(self.size.width)
        self.show_state()
        self.action_next_unticked(from_start=True)
        self.call_after_refresh(self.post_message, PlanShown())

    # -- moving ----------------------------------------------------------------------------

    def _move(self, step: int) -> None:
        rows = self.rows()
        if not rows:
            return
        index = self.view.cursor if self.focused_row() is not None else -1
        self.focus_row(rows[max(0, min(len(rows) - 1, index + step))])

    def _page(self, pages: int) -> None:
        target = self.view.row_a_page_away(pages)
        if target is not None:
            self.focus_row(target)

    def action_next_page(self) -> None:
        self._page(1)

    def action_previous_page(self) -> None:
        self._page(-1)

    def action_next_row(self) -> None:
        self._move(1)

    def action_previous_row(self) -> None:
        self._move(-1)

    def action_first_row(self) -> None:
        rows = self.rows()
        if rows:
            self.focus_row(rows[0])

    def action_last_row(self) -> None:
        rows = self.rows()
        if rows:
            self.focus_row(rows[-1])

    def action_next_unticked(self, from_start: bool = False) -> None:
        """Go to the next item not yet ticked (the first one, when the checklist opens)."""
        rows = self.rows()
        if not rows:
            return
        start = 0 if from_start or self.focused_row() is None else self.view.cursor + 1
        order = rows[start:] + rows[:start]
        target = next((row for row in order if row.state == "open"), None)
        self.focus_row(target or rows[0])

    def action_show_contacts(self) -> None:
        """Show the emergency contacts (they come last in the plan): escape closes."""
        from rollback_tui.ui.dialogs.contacts import ContactsDialog

        self.app.push_screen(ContactsDialog(self.plan.contacts))

    def action_toggle_timeline(self) -> None:
        """Show or hide the timeline (on a narrow terminal it takes the checklist's place)."""
        self.timeline_open = not self.timeline_open
        self._layout(self.size.width)
        if self.has_class("-wide"):
            return
        if self.timeline_open:
            self.set_focus(self.query_one(TimelinePanel))
        else:
            self.set_focus(self.view)

    # -- ticking ---------------------------------------------------------------------------

    def focused_row(self) -> ChecklistRow | None:
        """The row under the cursor, while the checklist has the focus (not the timeline)."""
        view = self.view
        return view.cursor_row if self.focused is view else None

    async def action_incident_start(self) -> None:
        """Mark the start of the incident in the timeline (once)."""
        started = self.plan.incident_started_at
        if started is not None:
            self.notify(
                f"The incident start is already marked: {started:%Y-%m-%d %H:%M:%S} "
                "UTC. Add a note (n) to correct it.",
                markup=False,
            )
            return
        record(self.plan, "incident-start", self.keeper.by, at=self.now())
        self._changed()
        started = self.plan.incident_started_at
        assert started is not None
        self.notify(f"Incident start marked at {started:%H:%M:%S} UTC.", markup=False)

    def action_note(self) -> None:
        """Ask for a note and add it to the timeline."""
        self.app.push_screen(NoteDialog(), self._note_written)

    async def _note_written(self, text: str | None) -> None:
        if not text:
            return
        record(self.plan, "note", self.keeper.by, text=text, at=self.now())
        self._changed()

    # -- saving and merging ----------------------------------------------------------------

    def item_changed(self, item_id: str) -> None:
        """An item's outcome changed here: it shows as pending until it is saved."""
        self.keeper.mark_dirty()
        self._pending[item_id] = self.keeper.edits
        self.request_save()  # first: the save's thread starts while the screen catches up
        self.show_state(item_id)

    def _changed(self) -> None:
        """The plan changed here (a tick, a note): show it, then save it."""
        self.keeper.mark_dirty()
        self.show_state()
        self.request_save()

    def request_save(self) -> None:
        """Write plan.toml and plan.md in the background (see saving.py), merging if the
        file changed on disk. Until saved, the rows changed since show as pending.

        On failure the change stays in memory, the app is marked unsaved, and the next
        check of the file (every second) tries again.
        """
        self.keeper.save_merging()

    def _saved(self, outcome: Outcome) -> None:
        """A save of the keeper's merging kind ended (the file state is taken already)."""
        if outcome.error is not None:
            self._report_problem(str(outcome.error))
        else:
            for summary in outcome.merges:
                self._report_merge(summary)
            if outcome.partial is not None:  # the ticks are in plan.toml: say what is not
                self.notify(
                    str(outcome.partial),
                    title="Saved, Markdown not written",
                    severity="warning",
                    markup=False,
                )
            self._problem = None
            self._pending = {k: n for k, n in self._pending.items() if n > outcome.edits}
            if self.git is not None:  # run --git: commit (and push) in the background
                self.git.plan_saved(self.plan)
        self.call_later(self._show_saved, outcome)

    async def _show_saved(self, outcome: Outcome) -> None:
        with contextlib.suppress(NoMatches):  # the app has closed meanwhile
            await self.refresh_plan()
        if outcome.error is None and self.drill is not None:
            self.drill.step_saved()

    def _report_problem(self, message: str) -> None:
        # Once per distinct problem: the save is retried every second.
        if message != self._problem:
            self._problem = message
            self.notify(
                f"{message}\nYour ticks are kept here and saved as soon as the file "
                "can be used again.",
                title="Not saved",
                severity="error",
                markup=False,
            )

    def _report_merge(self, summary: MergeSummary) -> None:
        self.notify(
            sync.merge_message(self.plan_file.path.name, summary), title="Merged", markup=False
        )

    async def check_disk(self) -> None:
        """Merge a change made to the file by someone else; retry a failed save (every
        second). Not while the wizard is open over the checklist: there the plan is a draft
        until it is saved, and a save from here would write every keystroke."""
        if self.under_the_wizard():
            return
        if self.keeper.saves.busy:
            return  # the file is being written from here
        if self.keeper.dirty:
            self.request_save()
            return
        if self.git is not None and self.git.rewriting:
            return  # run --git is rebasing: the file is not final yet
        if not sync.changed_on_disk(self.plan_file):
            return
        try:
            summary = sync.merge_from_disk(self.plan_file)
        except store.PlanFileError as exc:
            self._report_problem(str(exc))
            return
        self._problem = None
        self._report_merge(summary)
        await self.refresh_plan()

    def under_the_wizard(self) -> bool:
        """True while the wizard (opened by Edit plan) is above this screen."""
        stack = self.app.screen_stack
        if self not in stack:
            return False
        return any(isinstance(screen, WizardScreen) for screen in stack[stack.index(self) + 1 :])

    # -- copying ---------------------------------------------------------------------------

    def action_copy_command(self) -> None:
        """Copy the focused item's command, with the plan's values filled in."""
        row = self.focused_row()
        if row is None:
            return
        if not row.command:
            self.notify(f"{row.item_id} has no command to copy.", markup=False)
            return
        self.copy(row.command, f"the command of {row.item_id}")

    def copy(self, text: str, what: str) -> None:
        """Copy *text* every way that works here, then say which ways did."""
        copy_and_report(self.app, text, what)

    # -- the command palette ---------------------------------------------------------------

    def system_commands(self) -> list[SystemCommand]:
        """The checklist's entries in the command palette."""
        from rollback_tui.ui.checklist.run_commands import run_commands

        commands = [
            *run_commands(self),
            SystemCommand(
                "Mark incident start",
                "Record when the incident started",
                self.action_incident_start,
            ),
            SystemCommand("Add note", "Add a note to the timeline", self.action_note),
            SystemCommand(
                "Toggle timeline", "Show or hide the timeline", self.action_toggle_timeline
            ),
            SystemCommand(
                "Next unticked item", "Go to the next item not yet done", self.action_next_unticked
            ),
            SystemCommand(
                "Skip step", "Mark the focused step skipped, saying why (s)", self.action_skip_item
            ),
            SystemCommand(
                "Mark step failed",
                "Mark the focused step failed, saying why (f)",
                self.action_fail_item,
            ),
        ]
        for title, text in templates(self.plan):
            commands.append(
                SystemCommand(
                    f"Copy the {title} template",
                    "With the plan's values filled in; records the update sent, restarts the clock",
                    partial(self.send_update, title, text),
                )
            )
        return commands

    async def edit_plan(self) -> None:
        """Leave the checklist for the wizard on the same plan."""
        stack = self.app.screen_stack
        below = stack[-2] if len(stack) > 1 else None
        if isinstance(below, WizardScreen):
            if below.plan is not self.plan:  # replaced by a merge since
                await below.show_plan(
                    self.plan, unknown_keys=self.plan_file.unknown_keys, loaded=True
                )
            self.app.pop_screen()
        else:
            self.app.push_screen(WizardScreen(self.keeper, loaded=True))
        # Wizard edits kept aside, held while the checklist was shown: offered there.
        self.app.call_after_refresh(self.keeper.aside.offer)

    @on(ScreenResume)
    async def _resumed(self) -> None:
        # Back from the wizard, where items may have been added, removed or renamed.
        if self.is_mounted and self._shown_layout is not None:
            await self.refresh_plan()


# -- from the wizard ------------------------------------------------------------------------


def run_checklist(keeper: PlanKeeper) -> None:
    """Save the plan (asking where, for a new one), then show it as a checklist."""
    if keeper.untitled:
        keeper.save_as(
            "Save the plan before running it (TOML; the Markdown goes beside it):",
            then=partial(_show_checklist, keeper),
        )
        return
    if keeper.dirty or keeper.plan_file.identity is None:
        # Shown once saved; a conflict question or an error is shown instead.
        keeper.save_in_background(then=partial(_show_checklist, keeper))
        return
    _show_checklist(keeper)


def _show_checklist(keeper: PlanKeeper) -> None:
    # The checklist and the wizard take turns on top of whichever opened first.
    app = keeper.app
    below = app.screen_stack[-2] if len(app.screen_stack) > 1 else None
    if isinstance(below, ChecklistScreen):
        app.pop_screen()
    else:
        app.push_screen(ChecklistScreen(keeper))
