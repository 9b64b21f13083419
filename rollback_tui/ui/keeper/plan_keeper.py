"""The keeper of the open plan: its file, whether it is saved, and every way it is saved.

One object owns the plan the app has open. The wizard and the checklist are given it when
they are made; they tell it of an edit (`mark_dirty`) and ask it to save, and it answers
through signals: `replaced` when another plan (or another version of this one) takes the
open plan's place, `state_changed` when "unsaved" or "saving" changes, `merges_saved` with
each merging save's outcome, `conflicted` when a save finds the file changed, and
`edits_found` when edits kept aside are found. It opens no dialog: the flows (ui/flows/)
ask the user, then call it. Neither screen reaches into the app.

Two kinds of save: the wizard's refuses when the file changed on disk since it was read
(the flows ask what to do: overwrite, merge, reload, save as); the checklist's merges by
item id and goes on (see store/sync.py). Which one ctrl+s, quit and a hang-up make follows
the save policy the checklist gives (save_policy.py). Both run in a thread
(background_save.py). The edits not saved yet are kept aside (kept_aside.py), and a
hang-up keeps them too (hang_up.py).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from textual.app import App
from textual.signal import Signal

from rollback_tui import store
from rollback_tui.plan.merge import MergeSummary, can_merge, merge
from rollback_tui.plan.model import Plan, utc_now
from rollback_tui.plan.text import visible
from rollback_tui.run.saving import SaveOutcome, number_before_first_save, save_draft
from rollback_tui.store import recovery, sync
from rollback_tui.ui.keeper import background_save, hang_up
from rollback_tui.ui.keeper.kept_aside import KeptAside, KeptEdits
from rollback_tui.ui.keeper.save_policy import DRAFTS, SavePolicy

Clock = Callable[[], dt.datetime]
"""Returns the time now, an aware datetime (tests fix it)."""


class PlanKeeper:
    """The plan *app* has open, and its saving. Made before the app runs."""

    def __init__(
        self,
        app: App[Any],
        plan_file: store.PlanFile,
        *,
        untitled: bool = False,
        loaded: bool = False,
        by: str = "",
    ) -> None:
        self.app = app
        """Where notifications, signals, timers and workers go."""
        self.plan_file = plan_file
        self.untitled = untitled
        """A new plan with no path chosen yet: its first save asks where."""
        self.loaded = loaded
        """The plan was read from a file (not made new)."""
        self.by = by
        """Who ticks, as the timeline records it."""
        self.clock: Clock = utc_now
        """The time source of ticks and drills (tests fix it)."""
        self.dirty = False
        """The plan in memory differs from the plan on disk."""
        self.edits = 0
        """Counts edits, so that a save or a recovery file made from a copy knows whether
        the plan changed since the copy."""
        self.saves = background_save.BackgroundSave(self._save_is_slow)
        """Saves run in a thread, one at a time: the UI never waits for the disk."""
        self.aside = KeptAside(self)
        """The recovery file: the unsaved edits, kept two seconds after the last one."""
        self.replaced: Signal[store.PlanFile] = Signal(app, "plan-replaced")
        """Published with the plan file when another plan takes the open one's place
        (Open, Reload, a restore, a merge): the screens show it."""
        self.state_changed: Signal[str] = Signal(app, "plan-state")
        """Published with `describe()` when the path, "unsaved" or "saving" changes."""
        self.merges_saved: Signal[SaveOutcome] = Signal(app, "ticks-saved")
        """Published with the outcome of each merging save (the checklist's), saved or not."""
        self.conflicted: Signal[str] = Signal(app, "plan-conflict")
        """Published with the message when a save finds the file changed on disk since
        it was read: the flows ask what to do (nothing was written)."""
        self.edits_found: Signal[KeptEdits] = Signal(app, "edits-found")
        """Published with the edits kept aside of this plan, never saved, to offer back."""
        self.save_policy: SavePolicy = DRAFTS
        """How the screen shown saves (save_policy.py): the checklist gives its own."""
        self._saved_plan: Plan | None = None
        """The plan as last saved from here (None: as loaded), to judge a merge."""
        self._loop: asyncio.AbstractEventLoop | None = None
        """The app's event loop, once the app is mounted."""
        self._hang_up = hang_up.HangUp(self._prepare_hang_up, self._exit_from_thread)
        self.children = self._hang_up.children
        """Child processes that must not outlive the app (run --git's git): stopped on a
        hang-up and when the app ends (stop_children), killed if the process must end
        before they are."""

    @property
    def plan(self) -> Plan:
        return self.plan_file.plan

    @property
    def saving(self) -> bool:
        """A save is running in the thread, or waiting to follow the one that runs."""
        return self.saves.busy

    def now(self) -> dt.datetime:
        """The time from the keeper's clock, in UTC to the second, as ticks record it."""
        return self.clock().astimezone(dt.UTC).replace(microsecond=0)

    def describe(self) -> str:
        """The plan's path and state, for the header."""
        where = "new plan (not saved yet)" if self.untitled else str(self.plan_file.path)
        state = "  … saving" if self.saves.busy else "  ● unsaved" if self.dirty else ""
        return f"{visible(where)}{state}"

    def announce(self) -> None:
        self.state_changed.publish(self.describe())

    def notify(self, message: str, **options: Any) -> None:
        self.app.notify(message, markup=False, **options)

    # -- edits -------------------------------------------------------------------------

    def mark_dirty(self) -> None:
        """The plan changed since it was last saved; its recovery file follows shortly."""
        self.edits += 1
        self.aside.edited()
        if not self.dirty:
            self.dirty = True
            self.announce()

    def mark_clean(self) -> None:
        """The plan on disk is the plan in memory."""
        self.aside.forget()
        if self.dirty:
            self.dirty = False
            self.announce()

    def saves_at_once(self) -> bool:
        """Whether the screen shown saves every change as it is made (the checklist)."""
        return self.save_policy.saves_at_once()

    def shown_saves_at_once(self) -> bool:
        """Whether the screen on top, with no dialog over it, saves every change as it is
        made: ctrl+s and quit save its way only then (a dialog over it: the wizard's way)."""
        return self.save_policy.shown_saves_at_once()

    # -- hang-ups ----------------------------------------------------------------------

    def handle_hang_ups(self, *, install: bool) -> None:
        # Textual handles neither: a dropped SSH connection (SIGHUP) or a `kill` (SIGTERM)
        # would end the process with the edit unsaved, or leave it hung (see hang_up.py).
        if install:
            # Called from the app's on_mount, on its event loop: the loop that a hang-up
            # handled on another thread asks to exit.
            self._loop = asyncio.get_running_loop()
            self._hang_up.hard = not self.app.is_headless
            self._hang_up.install()
        else:
            self._hang_up.uninstall()

    def _prepare_hang_up(self) -> hang_up.Rescue:
        """Called in the signal handler: what to keep, copied now (see hang_up.py).

        Nothing is imported here: the signal may come in the middle of an import.
        """
        return hang_up.rescue_for(
            self.plan_file,
            self.aside.file(),
            dirty=self.dirty,
            save=self.saves_at_once() and not self.untitled,
            held=self.aside.holding() is not None,
            children=list(self.children),
        )

    def stop_children(self, seconds: float = 2.0) -> None:
        """The app is ending: stop its child processes within *seconds* (see children)."""
        deadline = time.monotonic() + seconds
        for child in self.children:
            child.stop(deadline)

    def _exit_from_thread(self, code: int) -> None:
        if self._loop is None or self._loop.is_closed():
            raise RuntimeError("the app is not running")
        self._loop.call_soon_threadsafe(self.app.exit, code)

    def _hung_up(self, signum: int) -> None:
        """What a SIGHUP or SIGTERM does (the signal handler's way in, for tests)."""
        self._hang_up._signalled(signum, None)

    # -- saving ------------------------------------------------------------------------

    def save_in_background(self, then: Callable[[], object] | None = None) -> None:
        """Save in a thread (see background_save.py); typing goes on meanwhile. The outcome
        is told as a save from here always was: saved, a conflict question, or why not.
        *then* is called once saved with nothing edited since."""
        self.saves.start(self._copy_to_save, _plain_save, partial(self._saved, then=then))
        self.announce()

    def save_merging(self) -> None:
        """Save in a thread, merging with the file if it changed on disk; the outcome is
        published on `merges_saved`. On failure the change stays in memory, unsaved."""
        self.saves.start(self._copy_to_save, sync.save_merging, self._merged_and_saved)
        self.announce()

    async def save_merging_now(self) -> bool:
        """Save merging and wait for it (quitting, ctrl+s); whether everything is saved."""
        self.save_merging()
        await self.saves.idle()
        return not self.dirty

    def _copy_to_save(self) -> tuple[store.PlanFile, int]:
        self._number_before_first_save()
        return background_save.copy_of(self.plan_file), self.edits

    def _number_before_first_save(self) -> None:
        """A plan never saved has its items numbered in step order (run/saving.py)."""
        number_before_first_save(self.plan_file)

    def _save_is_slow(self) -> None:
        self.notify(
            "Still saving (the disk is slow); keep going, nothing typed is lost.", title="Saving"
        )

    def _adopt(self, outcome: SaveOutcome) -> bool:
        """Take a successful save's file state; whether the plan was edited since."""
        edited_since = outcome.edits != self.edits
        background_save.adopt(self.plan_file, outcome, edited_since=edited_since)
        if not edited_since:
            self.mark_clean()
        return edited_since

    async def _merged_and_saved(self, outcome: SaveOutcome) -> None:
        if outcome.error is None:
            self._adopt(outcome)
        self.app.call_after_refresh(self.announce)
        self.merges_saved.publish(outcome)

    async def _saved(self, outcome: SaveOutcome, then: Callable[[], object] | None = None) -> None:
        error = outcome.error
        if isinstance(error, store.ConflictError):
            self.conflicted.publish(str(error))
        elif error is not None:
            self.notify(str(error), title="Not saved", severity="error")
        else:
            edited_since = self._adopt(outcome)
            self._saved_plan = outcome.copy.plan
            self._tell_saved(outcome.partial)
            if then is not None and not edited_since:
                then()
        self.app.call_after_refresh(self.announce)

    def _tell_saved(self, partial_save: store.PartialSaveError | None) -> None:
        if partial_save is not None:  # the plan is saved: say exactly what was not
            self.notify(str(partial_save), title="Saved, Markdown not written", severity="warning")
        else:
            self.notify(f"Saved {self.plan_file.path} and {self.plan_file.markdown_path.name}")

    def write(self, *, force: bool, report: Callable[[str], object] | None = None) -> bool:
        """Save now, on this thread (after a question: overwrite, merge, save as); an error
        goes to *report* (a dialog's error line) or to a notification."""
        if self.saves.busy:  # two writers of one file from here: never
            message = "A save is under way; try again in a moment."
            if report is not None:
                report(message)
            else:
                self.notify(message, title="Not saved", severity="warning")
            return False
        half: store.PartialSaveError | None = None
        try:
            save_draft(self.plan_file, force=force)
        except store.PartialSaveError as exc:
            half = exc
        except store.ConflictError as exc:
            self.conflicted.publish(str(exc))
            return False
        except store.PlanFileError as exc:
            if report is not None:
                report(str(exc))
            else:
                self.notify(str(exc), title="Not saved", severity="error")
            return False
        self.untitled = False
        self.dirty = False
        self.aside.forget()
        self._saved_plan = self.plan.model_copy(deep=True)
        self.announce()
        self._tell_saved(half)
        return True

    def write_as(self, path: Path, *, report: Callable[[str], object]) -> bool:
        """Save now under *path* (Save as), replacing what is there; an error goes to
        *report* and the plan keeps its path."""
        old_path, old_untitled = self.plan_file.path, self.untitled
        self.plan_file.path = path
        self.untitled = False
        if not self.write(force=True, report=report):
            self.plan_file.path, self.untitled = old_path, old_untitled
            self.announce()
            return False
        # The edits kept aside under the old name are saved now.
        old = (
            recovery.RecoveryFile.untitled()
            if old_untitled
            else recovery.RecoveryFile.for_plan(old_path)
        )
        old.delete()
        return True

    # -- conflicts ---------------------------------------------------------------------

    def can_merge(self) -> bool:
        """Whether the plan and the file changed on disk merge by item id (the conflict's
        question offers it then)."""
        try:
            disk = store.load(self.plan_file.path).plan
            base = self._saved_plan
            source = getattr(self.plan_file, "source", "")
            if base is None and source:
                base = recovery.plan_from_text(source, self.plan_file.path)
        except store.PlanFileError:
            return False
        return can_merge(self.plan, disk, base)

    def merge_and_write(self) -> None:
        """Merge the file as it is on disk into the plan, by item id, and save the two."""
        try:
            summary = sync.merge_from_disk(self.plan_file)
        except store.PlanFileError as exc:
            self.notify(str(exc), title="Not merged", severity="error")
            return
        if self.write(force=False):
            self.notify(sync.merge_message(self.plan_file.path.name, summary))
        self.replaced.publish(self.plan_file)

    # -- opening -----------------------------------------------------------------------

    def open_path(self, path: Path) -> None:
        """Open the plan at *path* in place of this one (a failure is told, nothing
        changes)."""
        try:
            plan_file = store.load(path)
        except store.PlanFileError as exc:
            self.notify(str(exc), title="Not opened", severity="error")
            return
        # After the dialog has gone: the screens on the new plan replace the old ones.
        self.app.call_after_refresh(self.show, plan_file)

    def show(self, plan_file: store.PlanFile) -> None:
        """Make *plan_file* the open plan, and offer its kept-aside edits."""
        self.plan_file, self.untitled, self.loaded, self.dirty = plan_file, False, True, False
        self._saved_plan = None
        self.announce()
        self.replaced.publish(plan_file)
        self.aside.offer()

    def restore(self, text: str) -> None:
        """Take back the edits kept aside as *text*, unsaved (ticks, notes and outcomes
        recorded since come along: a restore takes back edits, never a run)."""
        try:
            plan = recovery.plan_from_text(text, self.plan_file.path)
        except store.PlanFileError as exc:
            self.notify(str(exc), title="Not restored", severity="error")
            return
        self.app.call_after_refresh(self._restored, merge(self.plan, plan))

    def _restored(self, plan: Plan) -> None:
        self.plan_file.plan = plan
        self.replaced.publish(self.plan_file)
        self.mark_dirty()
        self.notify("Restored the unsaved edits; save to keep them.", title="Recovery")


def _plain_save(plan_file: store.PlanFile) -> list[MergeSummary]:
    """The wizard's save: refuses (ConflictError) when the file changed since it was read."""
    store.save(plan_file)
    return []
