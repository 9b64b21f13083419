"""Checklist mode, a view of the run session (run/session.py), which ticks, saves and
merges what others ticked (checked every second); the screen shows the plan as it is now,
asks what a step needs (questions.py, run_keys.py) and tells what the session heard."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import ActiveBinding
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.events import Resize, ScreenResume
from textual.screen import Screen
from textual.widgets import Header

from rollback_tui import store
from rollback_tui.plan.model import Plan
from rollback_tui.run import events
from rollback_tui.run.saving import SaveOutcome
from rollback_tui.run.session import RunSession
from rollback_tui.ui.checklist import items
from rollback_tui.ui.checklist.checklist_rows import ChecklistRow
from rollback_tui.ui.checklist.checklist_view import ChecklistView
from rollback_tui.ui.checklist.command_runs import CommandPanel, CommandRuns
from rollback_tui.ui.checklist.notices import notice
from rollback_tui.ui.checklist.palette import checklist_commands
from rollback_tui.ui.checklist.questions import OutcomeQuestions
from rollback_tui.ui.checklist.run_keys import KEYS_HELP, RunKeys
from rollback_tui.ui.checklist.saved_as_made import SavedAsMade
from rollback_tui.ui.checklist.status_updates import StatusUpdates
from rollback_tui.ui.checklist.switch import edit_plan, under_the_wizard
from rollback_tui.ui.checklist.trigger_watch import TriggersLine, TriggerWatch
from rollback_tui.ui.keeper import PlanKeeper
from rollback_tui.ui.keys.order import KeyOrder
from rollback_tui.ui.keys.registry import bindings
from rollback_tui.ui.messages import PlanShown
from rollback_tui.ui.steady_footer import SteadyFooter

if TYPE_CHECKING:
    from rollback_tui.ui.checklist.git_worker import GitWorker

WIDE = 120
"""From this width on, the timeline sits beside the checklist."""
POLL_SECONDS = 1.0
"""How often the file is checked for changes made by someone else."""


class ChecklistScreen(Screen[None]):
    """Every active item of the plan, grouped as in the plan, to tick as it is done."""

    BINDINGS = bindings("checklist")

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        # Ticks are saved at once: ctrl+s still works, but the 80-column footer keeps its
        # room for the checklist's own keys.
        return {k: v for k, v in super().active_bindings.items() if k != "ctrl+s"}

    def __init__(
        self,
        keeper: PlanKeeper,
        session: RunSession,
        keys: KeyOrder,
        *,
        git: GitWorker | None = None,
    ) -> None:
        """The checklist of *session*'s run; *keys*: the app's key order; *git*: run --git."""
        super().__init__()
        self.keeper = keeper
        self.session = session
        self.keys = keys
        self.git = git
        keeper.save_policy = SavedAsMade(keeper.app, self)  # ticks saved as made, from now
        self.commands = CommandRuns(keeper.app, session, keeper, keys)
        self.timeline_open = False
        self._shown_layout: list[Any] | None = None  # the groups and items shown

    @property
    def plan(self) -> Plan:
        return self.session.plan

    def compose(self) -> ComposeResult:
        yield Header(icon="↺")
        if self.session.drill is not None:
            from rollback_tui.ui.checklist.drill_summary import DrillBanner

            yield DrillBanner()
        yield items.Summary(id="summary", markup=False)
        yield items.UpdateDue(id="update-due", markup=False)
        yield TriggersLine(id="triggers-line", markup=False)
        with Horizontal(id="checklist-body"):
            groups = items.checklist_groups(self.plan)
            yield ChecklistView(groups, KEYS_HELP, self.keys, id="checklist")
            yield items.TimelinePanel(id="timeline")
        yield CommandPanel(id="command-panel")
        yield SteadyFooter(compact=True)

    def on_mount(self) -> None:
        self.commands.panel = self.query_one(CommandPanel)
        self.commands.changed = self.refresh_bindings
        self._shown_layout = items.layout_key(self.plan)
        self._layout(self.size.width)
        self.show_state()
        self.view.next_open(from_start=True)
        self.set_interval(POLL_SECONDS, self.check_disk)
        self.session.listen(self._heard)
        if self.git is not None:
            self.git.start(self.session)  # run --git: pull now, and every so often
        self.set_interval(1.0, self.show_summary)
        StatusUpdates.of(self.app, self.keeper, self.session).resume()  # from before a restart
        self.keeper.replaced.subscribe(self, self._replaced)
        self.keeper.merges_saved.subscribe(self, self._saved, immediate=True)
        self.call_after_refresh(self.post_message, PlanShown())
        self.triggers = self._trigger_watch()
        self.triggers.start()  # a thread of its own, when the plan has queries

    def _trigger_watch(self) -> TriggerWatch:
        line = self.query_one(TriggersLine)
        return TriggerWatch(self.app, self.session, line, lambda: under_the_wizard(self.app, self))

    def on_unmount(self) -> None:
        self.triggers.stop()

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
        self.view.focus_row(row)

    def show_summary(self) -> None:
        now = self.session.now()
        # Being built again on another plan (show_plan, under the wizard): the next shows it.
        with contextlib.suppress(NoMatches):
            self.query_one(items.Summary).show(self.plan, now)
            self.query_one(items.UpdateDue).show(self.plan, now)

    def show_state(self, item_id: str | None = None) -> None:
        """Show the items (or *item_id*'s group), progress and timeline as they are now."""
        groups = {group.key: group for group in items.checklist_groups(self.plan)}
        if item_id is not None:
            key = self.view.row(item_id).group_key
            groups = {key: groups[key]} if key in groups else groups
        self.view.update(groups, self.session.pending)
        self.show_summary()
        self.query_one(items.TimelinePanel).show(self.plan)

    async def refresh_plan(self) -> None:
        """Show the plan as it is now: rows updated in place, or rebuilt if items changed."""
        layout = items.layout_key(self.plan)
        if layout != self._shown_layout:
            self._shown_layout = layout
            self.view.rebuild(items.checklist_groups(self.plan))
        self.show_state()

    async def show_plan(self, plan: Plan, **_: object) -> None:
        """Show another plan (after Open): the checklist is rebuilt on it."""
        self._shown_layout = items.layout_key(self.plan)
        self.triggers.stop()
        await self.recompose()
        self.triggers = self._trigger_watch()
        self.triggers.start()
        self._layout(self.size.width)
        self.show_state()
        self.view.next_open(from_start=True)
        self.call_after_refresh(self.post_message, PlanShown())

    def _heard(self, event: events.RunEvent) -> None:
        """What the session did, shown."""
        if isinstance(event, events.OutcomeSet):
            self.show_state(event.item_id)
        elif isinstance(event, events.TimelineAdded):
            self.show_state()
        elif isinstance(event, events.DrillFinished):
            self.triggers.drill_ended()
            from rollback_tui.ui.checklist.drill_summary import DrillSummary

            self.app.push_screen(DrillSummary(event.run, event.run_path, event.plan_path))
        elif (told := notice(event)) is not None:
            message, title, severity = told
            self.notify(message, title=title, severity=severity, markup=False)

    def action_next_unticked(self, from_start: bool = False) -> None:
        """Go to the next item not yet ticked (the first one, when the checklist opens)."""
        self.view.next_open(from_start)

    async def action_toggle_item(self) -> None:
        await OutcomeQuestions(self.session, self.view, self.keys).toggle()

    def action_skip_item(self) -> None:
        OutcomeQuestions(self.session, self.view, self.keys).ask_reason("skipped")

    def action_fail_item(self) -> None:
        OutcomeQuestions(self.session, self.view, self.keys).ask_reason("failed")

    def action_toggle_timeline(self) -> None:
        """Show or hide the timeline (on a narrow terminal it takes the checklist's place)."""
        self.timeline_open = not self.timeline_open
        self._layout(self.size.width)
        if not self.has_class("-wide"):
            self.set_focus(self.query_one(items.TimelinePanel) if self.timeline_open else self.view)

    async def action_incident_start(self) -> None:
        RunKeys(self.session, self.app).incident_start()

    def action_note(self) -> None:
        RunKeys(self.session, self.app).note()

    async def action_send_update(self) -> None:
        """m: the status update drafted from the timeline, to edit and send."""
        StatusUpdates.of(self.app, self.keeper, self.session).open()

    async def send_update(self, title: str, text: str) -> None:
        RunKeys(self.session, self.app).send_update(title, text)

    def action_copy_command(self) -> None:
        RunKeys(self.session, self.app).copy_command(self.view)

    def action_run_command(self) -> None:
        """Show the focused step's command as it will run, and ask (x)."""
        if (row := self.view.focused_row()) is not None:
            self.commands.ask(row.item_id, dry_run=False)

    def action_dry_run_command(self) -> None:
        """The same for the step's dry run (d): recorded, never changing the step."""
        if (row := self.view.focused_row()) is not None:
            self.commands.ask(row.item_id, dry_run=True)

    def action_interrupt_command(self) -> None:
        """Ctrl+c: end the running command's whole process group."""
        self.commands.interrupt()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "interrupt_command":
            return self.commands.running  # in the footer only while a command runs
        return True

    def action_show_contacts(self) -> None:
        RunKeys(self.session, self.app).show_contacts()

    def system_commands(self) -> list[SystemCommand]:
        """The checklist's entries in the command palette."""
        return checklist_commands(self)

    def _saved(self, outcome: SaveOutcome) -> None:
        """A save of the keeper's merging kind ended (the file state is taken already)."""
        self.session.saved(outcome)
        self.call_later(self._show_saved, outcome)

    async def _show_saved(self, outcome: SaveOutcome) -> None:
        with contextlib.suppress(NoMatches):  # the app has closed meanwhile
            await self.refresh_plan()
        if outcome.error is None:
            self.session.step_saved()  # a drill ends with its last open step

    async def check_disk(self) -> None:
        """Merge a change made to the file by someone else; retry a failed save (every
        second). Not while the wizard is open over the checklist: there the plan is a draft
        until it is saved, and a save from here would write every keystroke."""
        if not under_the_wizard(self.app, self) and self.session.poll():
            await self.refresh_plan()

    async def edit_plan(self) -> None:
        """Leave the checklist for the wizard on the same plan."""
        await edit_plan(self.app, self.keeper, self.plan)

    @on(ScreenResume)
    async def _resumed(self) -> None:
        # Back from the wizard, where items may have been added, removed or renamed.
        if self.is_mounted and self._shown_layout is not None:
            await self.refresh_plan()
