"""The Textual app: owns the plan file, saving, copying and quitting. Screens do the rest."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.timer import Timer

from rollback_tui import store
from rollback_tui.plan.merge import MergeSummary
from rollback_tui.plan.model import utc_now
from rollback_tui.plan.text import visible
from rollback_tui.render import render_markdown
from rollback_tui.store import recovery, sync
from rollback_tui.ui import hangup, saving
from rollback_tui.ui.dialogs.ask_path import AskPath
from rollback_tui.ui.dialogs.choice import Choice
from rollback_tui.ui.dialogs.path_input import free_name
from rollback_tui.ui.theme_choice import ThemeMemory, ThemeSetup
from rollback_tui.ui.typeahead import TypeAheadKeys
from rollback_tui.ui.wizard.steps import STEPS
from rollback_tui.ui.wizard.wizard_screen import WizardScreen

if TYPE_CHECKING:
    from rollback_tui.ui.checklist.drill import Drill
    from rollback_tui.ui.checklist.git_worker import GitWorker


class RollbackApp(TypeAheadKeys, App[int]):
    """rollback-tui's wizard."""

    CSS_PATH = ["app.tcss", "checklist/checklist.tcss"]
    TITLE = "rollback-tui"

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(
        self,
        plan_file: store.PlanFile,
        *,
        untitled: bool = False,
        loaded: bool = False,
        cursor_blink: bool = True,
        mode: str = "edit",
        by: str = "",
        themes: ThemeSetup | None = None,
        drill_label: str = "",
    ) -> None:
        themes = themes or ThemeSetup.find()
        super().__init__(ansi_color=themes.ansi_color())
        self.themes = themes
        """Every theme found, and the one the app opened with."""
        self.themes.install(self)
        self._theme_memory = ThemeMemory(self, self.themes.start)
        self.mode = mode
        """"edit" opens the wizard, "run" the checklist, "drill" the checklist as a
        rehearsal (saved to the drill's own run file, see ui/drill.py)."""
        self.drill_label = drill_label
        self.drill: Drill | None = None
        """In drill mode, the Drill that times it (ui/drill.py)."""
        self.by = by
        """Who ticks, as the timeline records it."""
        self.clock = utc_now
        """The checklist's time source (tests fix it)."""
        self.cursor_blink = cursor_blink
        """Off in snapshot tests, so that every screenshot is the same."""
        self.freeze_gc = False
        """Set by run_app, which starts the app with the garbage collector off: once the
        first screen is drawn, the objects made so far leave the collector's view, so its
        full passes stop pausing typing (50-90 ms each on a large plan), and it is turned
        back on. Not in tests, where many apps share one process."""
        self.plan_file = plan_file
        self.untitled = untitled
        self.loaded = loaded
        self.dirty = False
        self._recovery_timer: Timer | None = None
        self._edits = 0
        """Counts edits, so that a recovery file made in a thread is not written stale."""
        self._recovery_problem = ""
        self._saved_plan: store.Plan | None = None
        """The plan as last saved from here (None: as loaded), to judge a merge."""
        self._hang_up = hangup.HangUp(self._prepare_hang_up, self._exit_from_thread)
        self.saves = saving.BackgroundSave(self._save_is_slow)
        """Saves run in a thread, one at a time: the UI never waits for the disk."""
        self.git: GitWorker | None = None
        """run --git: commits and pushes each saved tick; None without --git."""

    @property
    def plan(self) -> store.Plan:
        return self.plan_file.plan

    def get_default_screen(self) -> Screen[Any]:
        if self.mode == "drill":
            from rollback_tui.ui.checklist.drill import start

            return start(self)
        if self.mode == "run":
            from rollback_tui.ui.checklist.checklist_screen import ChecklistScreen

            return ChecklistScreen()
        return self._wizard()

    def on_mount(self) -> None:
        self._show_path()
        self.theme_changed_signal.subscribe(self, self._theme_memory.theme_changed)
        if self.themes.notices:
            self.notify(
                "\n".join(self.themes.notices),
                title="Themes",
                severity="warning",
                timeout=15,
                markup=False,
            )
        self._handle_hang_up(install=True)
        self.call_later(self.offer_recovery)

    def first_frame_drawn(self) -> None:
        """Called by the first screen after its first drawing."""
        if self.freeze_gc:
            # The plan, the widgets and the preview's lines live as long as the app does.
            gc.collect()
            gc.freeze()
            gc.enable()

    def on_unmount(self) -> None:
        self._handle_hang_up(install=False)
        self.saves.join()  # a save under way is finished, never cut in half

    def _wizard(self) -> WizardScreen:
        return WizardScreen(self.plan, unknown_keys=self.plan_file.unknown_keys, loaded=self.loaded)

    def _show_path(self) -> None:
        where = "new plan (not saved yet)" if self.untitled else str(self.plan_file.path)
        state = "  … saving" if self.saves.busy else "  ● unsaved" if self.dirty else ""
        self.sub_title = f"{visible(where)}{state}"

    def notify(self, message: str, *, title: str = "", **options: Any) -> None:
        """Every notification, shown with its control characters visible (file names and
        error texts come from outside), whoever sends it."""
        super().notify(visible(message, lines=True), title=visible(title, lines=True), **options)

    def mark_dirty(self) -> None:
        """The plan changed since it was last saved; its recovery file follows shortly."""
        if self._recovery_timer is not None:
            self._recovery_timer.stop()
        self._edits += 1
        self._recovery_timer = self.set_timer(recovery.RECOVERY_DELAY, self._recovery_due)
        if not self.dirty:
            self.dirty = True
            self._show_path()

    def mark_clean(self) -> None:
        """The plan on disk is the plan in memory."""
        self._forget_recovery()
        if self.dirty:
            self.dirty = False
            self._show_path()

    # -- recovery ----------------------------------------------------------------------

    def _recovery_due(self) -> None:
        """Two seconds after the last edit: keep the plan aside, its TOML made in a thread.

        Writing a large plan's TOML takes a few hundred milliseconds: on the UI thread it
        would stall the next keystroke. The plan is copied here (milliseconds), the TOML is
        made from the copy in a worker, and the file is written back here only if nothing
        was saved or edited meanwhile.
        """
        self._recovery_timer = None
        if not self.dirty:
            return
        scratch = self.plan_file.detached()  # the worker's own: shares nothing with saves
        self.run_worker(
            partial(self._recovery_text, scratch, self._edits),
            thread=True,
            group="recovery",
            exit_on_error=False,
        )

    def _recovery_text(self, scratch: store.PlanFile, edits: int) -> None:
        try:
            text: str | None = store.dumps(scratch)
        except Exception:  # never let the safety net fail the app: write it the plain way
            text = None
        self.call_from_thread(self._recovery_ready, text, edits)

    def _recovery_ready(self, text: str | None, edits: int) -> None:
        if not self.dirty or edits != self._edits:
            return  # saved since, or a newer edit has its own timer
        self.write_recovery(text)

    def write_recovery(self, text: str | None = None) -> None:
        """Keep the unsaved plan in its recovery file now (the plan's file is not touched)."""
        if self._recovery_timer is not None:
            self._recovery_timer.stop()
            self._recovery_timer = None
        if not self.dirty:
            return
        try:
            if text is None:
                text = recovery.plan_text(self.plan_file)
            self.recovery_file().write(text)
        except Exception as exc:  # never let a failed safety net take the edit down
            problem = str(exc) or type(exc).__name__
            if problem != self._recovery_problem:
                self._recovery_problem = problem
                self.notify(
                    f"Unsaved edits could not be kept aside: {problem}",
                    title="Recovery",
                    severity="warning",
                    markup=False,
                )

    def recovery_file(self) -> recovery.RecoveryFile:
        """Where this plan's unsaved edits are kept: by its path, or the one file of the
        plan not saved yet (found by the next bare start, wherever it is started)."""
        if self.untitled:
            return recovery.RecoveryFile.untitled()
        return recovery.RecoveryFile.for_plan(self.plan_file.path)

    def _forget_recovery(self) -> None:
        if self._recovery_timer is not None:
            self._recovery_timer.stop()
            self._recovery_timer = None
        self.recovery_file().delete()

    def _handle_hang_up(self, *, install: bool) -> None:
        # Textual handles neither: a dropped SSH connection (SIGHUP) or a `kill` (SIGTERM)
        # would end the process with the edit unsaved, or leave it hung (see hangup.py).
        if install:
            self._hang_up.hard = not self.is_headless
            self._hang_up.install()
        else:
            self._hang_up.uninstall()

    def _prepare_hang_up(self) -> hangup.Keeper:
        """Called in the signal handler: what to keep, copied now (see hangup.py).

        Nothing is imported here: the signal may come in the middle of an import.
        """
        below = [s for s in self.screen_stack if not isinstance(s, ModalScreen)]
        at_once = bool(below) and getattr(below[-1], "SAVES_AT_ONCE", False)
        return hangup.keeper_for(
            self.plan_file,
            self.recovery_file(),
            dirty=self.dirty,
            save=at_once and not self.untitled,
        )

    def _exit_from_thread(self, code: int) -> None:
        loop = self._loop
        if loop is None:
            raise RuntimeError("the app is not running")
        loop.call_soon_threadsafe(self.exit, code)

    def _hung_up(self, signum: int) -> None:
        """What a SIGHUP or SIGTERM does (the signal handler's way in, for tests)."""
        self._hang_up._signalled(signum, None)

    def offer_recovery(self) -> None:
        """If edits of this plan were kept aside and never saved, offer to restore them."""
        kept = self.recovery_file()
        found = kept.offer()
        if found is None:
            return
        from rollback_tui.ui.dialogs.restore import RestoreDialog

        when = found.saved_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        name = "the new plan" if kept.is_untitled else str(self.plan_file.path)
        self.push_screen(
            RestoreDialog(
                name, when, recovery.differences(kept, found), never_saved=kept.is_untitled
            ),
            partial(self._restore_answered, kept, found),
        )

    def _restore_answered(
        self, kept: recovery.RecoveryFile, found: recovery.Recovered, answer: str | None
    ) -> None:
        if answer == "discard":
            kept.delete()
        elif answer == "restore":
            try:
                plan = recovery.plan_from_text(found.text, self.plan_file.path)
            except store.PlanFileError as exc:
                self.notify(str(exc), title="Not restored", severity="error", markup=False)
                return
            self.call_after_refresh(self._restore, plan)

    async def _restore(self, plan: store.Plan) -> None:
        self.plan_file.plan = plan
        await self._refresh_screens()
        self.mark_dirty()
        self.notify("Restored the unsaved edits; save to keep them.", title="Recovery")

    # -- saving ------------------------------------------------------------------------

    def action_save(self) -> None:
        """Save the plan as TOML and its Markdown beside it."""
        from rollback_tui.ui.checklist.checklist_screen import ChecklistScreen

        if isinstance(self.screen, ChecklistScreen):
            self.call_later(self.screen.save)  # merges a change on disk instead of asking
        elif self.untitled:
            self.action_save_as()
        else:
            self.save_in_background()

    def save_in_background(self, then: Callable[[], object] | None = None) -> None:
        """Save in a thread (see saving.py); typing goes on meanwhile. The outcome is told
        as a save from here always was: saved, a conflict question, or why not. *then* is
        called once saved with nothing edited since."""
        self.saves.start(
            self._copy_to_save, _plain_save, partial(self._saved_in_background, then=then)
        )
        self._show_path()

    def _copy_to_save(self) -> tuple[store.PlanFile, int]:
        return saving.copy_of(self.plan_file), self._edits

    def _save_is_slow(self) -> None:
        self.notify(
            "Still saving (the disk is slow); keep going, nothing typed is lost.",
            title="Saving",
            markup=False,
        )

    async def _saved_in_background(
        self, outcome: saving.Outcome, then: Callable[[], object] | None = None
    ) -> None:
        error = outcome.error
        if isinstance(error, store.ConflictError):
            from rollback_tui.ui.dialogs.conflict import ConflictDialog

            self.push_screen(ConflictDialog(str(error), self._can_merge()), self._conflict_answered)
        elif error is not None:
            self.notify(str(error), title="Not saved", severity="error", markup=False)
        else:
            edited_since = outcome.edits != self._edits
            saving.adopt(self.plan_file, outcome, edited_since=edited_since)
            self._saved_plan = outcome.copy.plan
            if not edited_since:
                self.mark_clean()
            if outcome.partial is not None:
                self.notify(
                    str(outcome.partial),
                    title="Saved, Markdown not written",
                    severity="warning",
                    markup=False,
                )
            else:
                self.notify(
                    f"Saved {self.plan_file.path} and {self.plan_file.markdown_path.name}",
                    markup=False,
                )
            if then is not None and not edited_since:
                then()
        self.call_after_refresh(self._show_path)

    def _write(self, *, force: bool, report: Callable[[str], object] | None = None) -> bool:
        """Save now, on this thread (after a question: overwrite, merge, save as); an error
        goes to *report* (a dialog's error line) or to a notification."""
        if self.saves.busy:  # two writers of one file from here: never
            message = "A save is under way; try again in a moment."
            if report is not None:
                report(message)
            else:
                self.notify(message, title="Not saved", severity="warning", markup=False)
            return False
        half: store.PartialSaveError | None = None
        try:
            store.save(self.plan_file, force=force)
        except store.PartialSaveError as exc:
            half = exc  # the plan is saved: say exactly what was not
        except store.ConflictError as exc:
            from rollback_tui.ui.dialogs.conflict import ConflictDialog

            self.push_screen(ConflictDialog(str(exc), self._can_merge()), self._conflict_answered)
            return False
        except store.PlanFileError as exc:
            if report is not None:
                report(str(exc))
            else:
                self.notify(str(exc), title="Not saved", severity="error", markup=False)
            return False
        self.untitled = False
        self.dirty = False
        self._forget_recovery()
        self._saved_plan = self.plan.model_copy(deep=True)
        self._show_path()
        if half is not None:
            self.notify(
                str(half), title="Saved, Markdown not written", severity="warning", markup=False
            )
            return True
        self.notify(
            f"Saved {self.plan_file.path} and {self.plan_file.markdown_path.name}", markup=False
        )
        return True

    def _can_merge(self) -> bool:
        from rollback_tui.plan.merge import can_merge

        try:
            disk = store.load(self.plan_file.path).plan
            base = self._saved_plan
            source = getattr(self.plan_file, "source", "")
            if base is None and source:
                base = recovery.plan_from_text(source, self.plan_file.path)
        except store.PlanFileError:
            return False
        return can_merge(self.plan, disk, base)

    def _conflict_answered(self, answer: str | None) -> None:
        if answer == "reload":
            self._open_path(self.plan_file.path, keep_recovery=False)
        elif answer == "merge":
            try:
                summary = sync.merge_from_disk(self.plan_file)
            except store.PlanFileError as exc:
                self.notify(str(exc), title="Not merged", severity="error", markup=False)
                return
            if self._write(force=False):
                self.notify(sync.merge_message(self.plan_file.path.name, summary), markup=False)
            self.call_later(self._refresh_screens)
        elif answer == "overwrite":
            self._write(force=True)
        elif answer == "save-as":
            self.action_save_as()

    def action_save_as(self, prompt: str = "", then: Callable[[], object] | None = None) -> None:
        """Save the plan under a new path (then run *then*, once saved)."""
        start = str(self.plan_file.path) if not self.untitled else free_name(Path.cwd())

        def saved(path: Path | None) -> None:
            if path is not None and then:
                then()

        self.push_screen(
            AskPath(
                prompt or "Save the plan as (TOML; the Markdown goes beside it):",
                start,
                attempt=self._try_save_as,
            ),
            saved,
        )

    def _try_save_as(
        self, dialog: AskPath, path: Path, asked: frozenset[str] = frozenset()
    ) -> None:
        """Save to *path* from the Save as dialog: asks before creating a folder or replacing
        a file (Enter keeps it), and keeps the dialog, with the error, if the save fails."""
        if path.suffix != ".toml":
            path = (
                path.with_suffix(path.suffix + ".toml")
                if path.suffix
                else path.with_suffix(".toml")
            )
        same = not self.untitled and path == self.plan_file.path
        again = partial(self._try_save_as, dialog, path)

        def create(answer: str | None) -> None:
            if answer == "create" and self._make_folder(dialog, path):
                again(asked=asked | {"folder"})

        if "folder" not in asked and not path.parent.exists():
            self.push_screen(
                Choice(
                    f"The folder {path.parent} does not exist. Create it?",
                    [("create", "Create it"), ("cancel", "Cancel")],
                ),
                create,
            )
            return
        if "replace" not in asked and path.exists() and not same:
            self.push_screen(
                Choice(
                    f"{path} exists. Replace it?",
                    [("cancel", "Keep it"), ("replace", "Replace")],
                    focus="cancel",
                ),
                lambda answer: (
                    again(asked=asked | {"replace"})
                    if answer == "replace"
                    else dialog.show_error("")
                ),
            )
            return
        # The plan's own file: an ordinary save (which may ask about a conflict).
        if (
            self._write(force=False, report=dialog.show_error)
            if same
            else self._save_to(path, force=True, report=dialog.show_error)
        ):
            dialog.dismiss(path)

    @staticmethod
    def _make_folder(dialog: AskPath, path: Path) -> bool:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            dialog.show_error(f"Cannot create {path.parent}: {exc.strerror or exc}")
            return False
        return True

    def _save_to(
        self, path: Path, *, force: bool, report: Callable[[str], object] | None = None
    ) -> bool:
        old_path, old_untitled = self.plan_file.path, self.untitled
        self.plan_file.path = path
        self.untitled = False
        if not self._write(force=force, report=report):
            self.plan_file.path, self.untitled = old_path, old_untitled
            self._show_path()
            return False
        # The edits kept aside under the old name are saved now.
        old = (
            recovery.RecoveryFile.untitled()
            if old_untitled
            else recovery.RecoveryFile.for_plan(old_path)
        )
        old.delete()
        return True

    # -- opening -----------------------------------------------------------------------

    def action_open(self) -> None:
        """Open another plan (asks first if this one has unsaved changes)."""
        if self.dirty:
            self.push_screen(
                Choice(
                    "This plan has unsaved changes.",
                    [
                        ("save", "Save, then open"),
                        ("discard", "Discard them"),
                        ("cancel", "Cancel"),
                    ],
                ),
                self._open_after_answer,
            )
        else:
            self._ask_open()

    def _open_after_answer(self, answer: str | None) -> None:
        if answer == "save":
            if not self.untitled:
                self.save_in_background(then=self._ask_open)
            return
        if answer == "discard":
            self._forget_recovery()
            self._ask_open()

    def _ask_open(self) -> None:
        loaded: list[store.PlanFile] = []

        def attempt(dialog: AskPath, path: Path) -> None:
            # An error stays in the dialog, beside the path as typed.
            try:
                loaded.append(store.load(path))
            except store.PlanFileError as exc:
                dialog.show_error(str(exc))
                return
            dialog.dismiss(path)

        def opened(path: Path | None) -> None:
            if path is not None and loaded:  # the wizard on it replaces this one
                self.call_after_refresh(self._show_plan, loaded[-1])

        self.push_screen(AskPath("Open the plan at:", attempt=attempt), opened)

    def _open_path(self, path: Path | None, *, keep_recovery: bool = True) -> None:
        if path is None:
            return
        if not keep_recovery:
            self._forget_recovery()
        try:
            plan_file = store.load(path)
        except store.PlanFileError as exc:
            self.notify(str(exc), title="Not opened", severity="error", markup=False)
            return
        # After the dialog has gone: the wizard on the new plan replaces the old one.
        self.call_after_refresh(self._show_plan, plan_file)

    async def _show_plan(self, plan_file: store.PlanFile) -> None:
        self.plan_file, self.untitled, self.loaded, self.dirty = plan_file, False, True, False
        self._saved_plan = None
        self._show_path()
        await self._refresh_screens()
        self.offer_recovery()

    async def _refresh_screens(self) -> None:
        from rollback_tui.ui.checklist.checklist_screen import ChecklistScreen

        plan_file = self.plan_file
        for screen in self.screen_stack:  # the wizard, the checklist, or both
            if isinstance(screen, WizardScreen):
                await screen.show_plan(
                    plan_file.plan, unknown_keys=plan_file.unknown_keys, loaded=True
                )
            elif isinstance(screen, ChecklistScreen):
                await screen.show_plan(plan_file.plan)

    # -- copying -----------------------------------------------------------------------

    def action_copy(self) -> None:
        """Copy the plan's Markdown: through the terminal, to a local clipboard, to a file."""
        from rollback_tui.ui.copy_notice import copy_and_report

        copy_and_report(self, render_markdown(self.plan), "the plan's Markdown")

    # -- quitting ----------------------------------------------------------------------

    async def action_quit(self) -> None:
        """Quit; asks first when there are unsaved changes."""
        from rollback_tui.ui.checklist.checklist_screen import ChecklistScreen

        if self.dirty and isinstance(self.screen, ChecklistScreen):
            await self.screen.save()  # a last try, merging with the file on disk
        if not self.dirty:
            self.exit(0)
            return
        self.push_screen(
            Choice(
                "This plan has unsaved changes.",
                [
                    ("save", "Save and quit"),
                    ("discard", "Quit without saving"),
                    ("cancel", "Cancel"),
                ],
            ),
            self._quit_answered,
        )

    def _quit_answered(self, answer: str | None) -> None:
        if answer == "discard":
            self._forget_recovery()
            self.exit(0)
        elif answer == "save":
            if self.untitled:
                self.action_save_as(then=partial(self.exit, 0))
            else:
                self.save_in_background(then=partial(self.exit, 0))

    # -- command palette ---------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        from rollback_tui.ui.checklist.checklist_screen import ChecklistScreen, run_checklist

        yield SystemCommand("Save", "Save the plan (TOML and Markdown)", self.action_save)
        yield SystemCommand("Save as…", "Save the plan under a new path", self.action_save_as)
        if self.drill is None:  # a drill's ticks must never reach another plan's run
            yield SystemCommand("Open…", "Open another plan", self.action_open)
        yield SystemCommand(
            "Copy Markdown", "Copy the rendered plan to the clipboard", self.action_copy
        )
        if isinstance(screen, WizardScreen):
            for step in STEPS:
                yield SystemCommand(
                    f"Go to {step.title}",
                    f"Show the {step.title} step",
                    partial(screen.show_step, step.key),
                )
            yield SystemCommand("Next step", "Show the next step", screen.action_next_step)
            yield SystemCommand(
                "Previous step", "Show the previous step", screen.action_previous_step
            )
            yield SystemCommand(
                "Toggle preview", "Show or hide the Markdown preview", screen.action_toggle_preview
            )
            yield SystemCommand(
                "Run checklist", "Save, then tick the plan's steps", partial(run_checklist, self)
            )
        if isinstance(screen, ChecklistScreen):
            yield from screen.system_commands()
        yield SystemCommand(
            "Switch theme",
            "Pick a colour theme; the choice is remembered",
            self.action_change_theme,
        )
        for command in super().get_system_commands(screen):
            if command.title not in ("Quit", "Theme"):  # ours ask first, and say more
                yield command
        yield SystemCommand(
            "Quit", "Quit (asks first if there are unsaved changes)", self.action_quit
        )


def _plain_save(plan_file: store.PlanFile) -> list[MergeSummary]:
    """The wizard's save: refuses (ConflictError) when the file changed since it was read."""
    store.save(plan_file)
    return []
