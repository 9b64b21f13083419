"""The Textual app: its screens, keys, palette and mode. The open plan and its saving
belong to the keeper (keeper/plan_keeper.py), which the screens are given; what asks the
user first (open, save as, quit, a conflict, kept edits) to the flows (flows/)."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App, SystemCommand
from textual.screen import Screen
from textual.widgets import Header, Static

from rollback_tui import store
from rollback_tui.launch_options import LaunchOptions
from rollback_tui.plan.text import visible
from rollback_tui.render import render_markdown
from rollback_tui.ui.flows.plan_flows import PlanFlows
from rollback_tui.ui.keeper import PlanKeeper
from rollback_tui.ui.keys import registry
from rollback_tui.ui.keys.keymap import load_keymap
from rollback_tui.ui.keys.order import KeyOrder
from rollback_tui.ui.theme_choice import ThemeMemory, ThemeSetup
from rollback_tui.ui.wizard.wizard_screen import WizardScreen

if TYPE_CHECKING:
    from rollback_tui.run.drill import Drill
    from rollback_tui.ui.checklist.checklist_screen import ChecklistScreen
    from rollback_tui.ui.checklist.git_worker import GitWorker


RELEASE_EVERY = 16
"""Freezes of the collector's view (RollbackApp._freeze) in which the objects frozen
before are let go and collected with the rest."""

FULL_PASS_AFTER = 100
"""Passes of the collector over the younger objects between two over all of them (Python's
default: 10). With what lives long frozen, a full pass mostly goes over the lines each
step shown has drawn, which its widgets keep: 60-100 ms at 200 components, and with
Python's default one came every other step switch (9 in a walk of 18; 1 with this)."""


class RollbackApp(App[int]):
    """rollback-tui: the wizard that writes a plan, the checklist that runs it."""

    CSS_PATH = ["app.tcss", "checklist/checklist.tcss"]
    TITLE = "rollback-tui"

    BINDINGS = registry.bindings("app")

    def __init__(
        self,
        plan_file: store.PlanFile,
        launch: LaunchOptions | None = None,
        *,
        untitled: bool = False,
        loaded: bool = False,
        cursor_blink: bool = True,
        themes: ThemeSetup | None = None,
    ) -> None:
        themes = themes or ThemeSetup.find()
        super().__init__(ansi_color=themes.ansi_color())
        self.launch = launch or LaunchOptions()
        """How the app was opened: the mode ("edit" opens the wizard, "run" the checklist,
        "drill" the checklist as a rehearsal, saved to the drill's own run file), who
        ticks, the drill's label."""
        self.key_order = KeyOrder(self, super().on_event)
        """Every key and paste, routed one at a time in the order typed (ui/keys)."""
        user_keys = load_keymap()
        self.key_notices = user_keys.notices
        registry.use_keymap(user_keys.keymap)
        if user_keys.keymap:
            self.set_keymap(user_keys.keymap)
        self.themes = themes
        """Every theme found, and the one the app opened with."""
        self.themes.install(self)
        self._theme_memory = ThemeMemory(self, self.themes.start)
        by = self.launch.by or ""
        self.keeper = PlanKeeper(self, plan_file, untitled=untitled, loaded=loaded, by=by)
        """The open plan, and every way it is saved."""
        self.flows = PlanFlows(self, self.keeper)
        """What asks first: ctrl+s, Save as, Open, quitting, conflicts, kept edits."""
        self.drill: Drill | None = None
        """In drill mode, the Drill that times it (run/drill.py)."""
        self.git: GitWorker | None = None
        """run --git: commits and pushes each saved tick; None without --git."""
        self.cursor_blink = cursor_blink
        """Off in snapshot tests, so that every screenshot is the same."""
        self.freeze_gc = False
        """Set by run_app, which starts the app with the garbage collector off: once the
        first screen is drawn, the objects made so far leave the collector's view, so its
        full passes stop pausing typing (50-90 ms each on a large plan), and it is turned
        back on. Not in tests, where many apps share one process."""
        self._freezes = 0
        self._plans_shown = 0

    @property
    def plan(self) -> store.Plan:
        return self.keeper.plan

    @property
    def keys_in_flight(self) -> int:
        """Keys read and not yet finished (0 once the app has caught up)."""
        return self.key_order.keys_in_flight

    async def on_event(self, event: events.Event) -> None:
        await self.key_order.on_event(event)

    def get_default_screen(self) -> Screen[Any]:
        if self.launch.mode == "edit":
            return WizardScreen(self.keeper)
        if self.launch.mode == "drill":
            from rollback_tui.ui.checklist.drill_start import start

            self.drill = start(self.keeper, self.launch.label)
            if self.drill is None:
                return Screen()  # refused: the app exits with the reason
            self.title = "rollback-tui DRILL"
        return self.checklist_screen()

    def checklist_screen(self) -> ChecklistScreen:
        """The checklist of the keeper's plan: a run session on it (or on the drill's run
        file), the key order and run --git's worker."""
        from rollback_tui.run.session import RunSession
        from rollback_tui.ui.checklist.checklist_screen import ChecklistScreen

        session = RunSession(self.keeper, drill=self.drill)
        if self.launch.publish is not None:  # run/drill --publish DIR
            from rollback_tui.ui.checklist.page_writer import publish_session

            publish_session(self, self.keeper, session, self.launch.publish)
        return ChecklistScreen(self.keeper, session, self.key_order, git=self.git)

    def on_mount(self) -> None:
        self.flows.listen()
        self.keeper.state_changed.subscribe(self, self._show_state, immediate=True)
        self._show_state(self.keeper.describe())
        self.theme_changed_signal.subscribe(self, self._theme_memory.theme_changed)
        if self.key_notices:
            notices = "\n".join(self.key_notices)
            self.notify(notices, title="Keys", severity="warning", timeout=15, markup=False)
        if self.themes.notices:
            self.notify(
                "\n".join(self.themes.notices),
                title="Themes",
                severity="warning",
                timeout=15,
                markup=False,
            )
        self.keeper.handle_hang_ups(install=True)
        self.call_later(self.keeper.aside.offer)

    def on_ready(self) -> None:
        """The first frame is on the screen."""
        # The plan, the widgets and the preview's lines live as long as the app does.
        self._freeze()

    def on_plan_shown(self) -> None:
        """A screen drew a plan: freeze again. Another plan than the first (Open, Reload,
        a restore, a merge): the one before and what showed it are garbage now, let go."""
        self._plans_shown += 1
        self._freeze(release=self._plans_shown > 1)

    def on_settled(self) -> None:
        """The wizard's steps are built and the user pauses: freeze what was made since
        (the steps built ahead, the lines drawn of each step shown). Left to the
        collector, each of its full passes went over them all: a tenth of a second and
        more at 200 components, every other step switch."""
        self._freeze()

    def _freeze(self, *, release: bool = False) -> None:
        """Collect garbage, then take the objects left out of the collector's view; with
        *release* (and every RELEASE_EVERY times), those taken before are collected too:
        garbage among them (a closed dialog, a removed row) is freed, at the price of one
        pass over everything, in a pause."""
        if not self.freeze_gc:
            return
        self._freezes += 1
        if release or self._freezes % RELEASE_EVERY == 0:
            gc.unfreeze()
        gc.collect()
        gc.freeze()
        young, middle, _ = gc.get_threshold()
        gc.set_threshold(young, middle, FULL_PASS_AFTER)
        gc.enable()

    def on_unmount(self) -> None:
        self.keeper.handle_hang_ups(install=False)
        self.keeper.stop_children()  # run --git's git: nothing of it outlives the app
        self.keeper.saves.join()  # a save under way is finished, never cut in half

    def _show_state(self, state: str) -> None:
        """Show the plan's path and state ("● unsaved", "… saving") in the headers.

        App.sub_title is set without the refresh its reactive makes: that repaints the
        whole screen, and the first key after every save (and every tick's save in the
        checklist) waited for the screen drawn whole. Only the headers' title lines change,
        and each is redrawn where it is (a header's title never changes its size); a header
        mounted later reads the sub-title as set here."""
        self.set_reactive(App.sub_title, state)
        for screen in self.screen_stack:
            for header in screen.query(Header):
                for title in header.query("HeaderTitle").results(Static):
                    title.update(header.format_title(), layout=False)

    def notify(self, message: str, *, title: str = "", **options: Any) -> None:
        """Every notification, shown with its control characters visible (file names and
        error texts come from outside), whoever sends it."""
        super().notify(visible(message, lines=True), title=visible(title, lines=True), **options)

    # -- actions -----------------------------------------------------------------------

    def action_save(self) -> None:
        """Save the plan as TOML and its Markdown beside it."""
        self.flows.save()

    def action_save_as(self) -> None:
        """Save the plan under a new path."""
        self.flows.save_as()

    def action_open(self) -> None:
        """Open another plan (asks first if this one has unsaved changes)."""
        self.flows.ask_open()

    def action_copy(self) -> None:
        """Copy the plan's Markdown: through the terminal, to a local clipboard, to a file."""
        from rollback_tui.ui.copy_notice import copy_and_report

        copy_and_report(self, render_markdown(self.plan), "the plan's Markdown")

    async def action_quit(self) -> None:
        """Quit; asks first when there are unsaved changes."""
        await self.flows.quit()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        from rollback_tui.ui.commands import system_commands

        inherited = super().get_system_commands(screen)
        yield from system_commands(self, screen, inherited)
