"""The app's ways through a plan that ask the user first: ctrl+s, Save as, Open, quitting,
a conflict on saving and edits kept aside. Each asks in a dialog, then calls the plan's
keeper, which only keeps (ui/keeper/)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App

from rollback_tui.ui.flows.on_conflict import ask_about_conflict
from rollback_tui.ui.flows.open_another import ask_open
from rollback_tui.ui.flows.quitting import quit_plan
from rollback_tui.ui.flows.restoring import offer_restore
from rollback_tui.ui.flows.save_where import ask_save_as
from rollback_tui.ui.keeper import PlanKeeper
from rollback_tui.ui.keeper.kept_aside import KeptEdits


class PlanFlows:
    """The flows of *keeper*'s plan in *app*."""

    def __init__(self, app: App[Any], keeper: PlanKeeper) -> None:
        self.app = app
        self.keeper = keeper

    def listen(self) -> None:
        """Answer the keeper's conflicts and kept edits (once the app runs)."""
        self.keeper.conflicted.subscribe(self.app, self._conflicted, immediate=True)
        self.keeper.edits_found.subscribe(self.app, self._edits_found, immediate=True)

    def _conflicted(self, message: str) -> None:
        ask_about_conflict(self.keeper, message, self.save_as)

    def _edits_found(self, kept: KeptEdits) -> None:
        offer_restore(self.keeper, kept)

    def save(self) -> None:
        """ctrl+s: save the plan as TOML and its Markdown beside it, the way the screen
        shown saves (the checklist merges a change on disk instead of asking)."""
        keeper = self.keeper
        if keeper.shown_saves_at_once():
            self.app.call_later(keeper.save_merging_now)
        elif keeper.untitled:
            self.save_as()
        else:
            keeper.save_in_background()

    def save_as(self, prompt: str = "", then: Callable[[], object] | None = None) -> None:
        """Save the plan under a new path, asked for (then run *then*, once saved)."""
        ask_save_as(self.keeper, prompt, then)

    def ask_open(self) -> None:
        """Open another plan, asked for (asks first if this one has unsaved changes)."""
        ask_open(self.keeper)

    async def quit(self) -> None:
        """Quit; asks first when there are unsaved changes."""
        await quit_plan(self.keeper, self.save_as)
