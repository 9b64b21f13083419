"""`x` (and `d`, a dry run) on a step: the exact command shown and asked about (a typed
word first for an irreversible step), then run by commands.StepRun while the checklist
stays usable; its output streams into the panel under the list, with the elapsed time;
ctrl+c ends it. At its end, Enter marks the step done (exit 0) or failed (any other
exit, with the reason); escape leaves it open. The log and the timeline row are kept
by StepRun through the run session."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import Any

from textual.app import App
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Log, Static

from rollback_tui.commands import Finished, NotRunnable, Prepared, StepRun, prepare
from rollback_tui.plan.shell_words import show_invisible
from rollback_tui.plan.text import visible
from rollback_tui.run.session import RunSession
from rollback_tui.ui.dialogs.confirm_irreversible import ConfirmIrreversible
from rollback_tui.ui.dialogs.run_question import FreshQuestion
from rollback_tui.ui.keeper import PlanKeeper
from rollback_tui.ui.keys.order import KeyOrder

REFRESH_SECONDS = 0.2
"""How often the panel shows what the command printed, and checks whether it ended."""


class CommandPanel(Static):
    """Under the list: what runs, for how long, and its newest lines."""

    DEFAULT_CSS = """
    CommandPanel { display: none; height: 9; border-top: hkey $foreground 30%; }
    CommandPanel.-shown { display: block; }
    CommandPanel #command-status { height: 1; padding: 0 1; text-style: bold; }
    CommandPanel Log { height: 1fr; padding: 0 1; }
    """

    def compose(self) -> Any:
        yield Static("", id="command-status", markup=False)
        yield Log(id="command-output", max_lines=500, auto_scroll=True)

    def status(self, text: str) -> None:
        self.query_one("#command-status", Static).update(Content(visible(text)))

    def output(self) -> Log:
        return self.query_one("#command-output", Log)


class _Child:
    """A running command as one of the app's children: ended by a hang-up (on the
    hang-up's thread) or when the app quits (on the main thread)."""

    def __init__(self, run: StepRun) -> None:
        self.run = run

    def stop(self, deadline: float) -> None:
        quitting = threading.current_thread() is threading.main_thread()
        if quitting:
            self.run.stop(deadline, "interrupted: the app quit")
        else:
            self.run.stop(deadline)

    def kill_now(self) -> None:
        self.run.kill_now()


class CommandRuns:
    """The one command running from the checklist of *session* (at most one at a time)."""

    def __init__(
        self, app: App[Any], session: RunSession, keeper: PlanKeeper, keys: KeyOrder
    ) -> None:
        self.app = app
        self.session = session
        self.keeper = keeper
        self.keys = keys
        self.panel: CommandPanel | None = None
        self.run: StepRun | None = None
        self._child: _Child | None = None
        self._timer: Timer | None = None
        self._shown = 0
        self._confirmed = False
        self.changed: Callable[[], object] = lambda: None
        """Told when a command starts or ends (the screen's footer shows ctrl+c)."""

    @property
    def running(self) -> bool:
        return self.run is not None and self.run.finished is None

    def _tell(self, message: str, severity: str = "information") -> None:
        self.app.notify(message, markup=False, severity=severity)  # type: ignore[arg-type]

    # -- asking ----------------------------------------------------------------------------

    def ask(self, item_id: str, dry_run: bool) -> None:
        """Show what would run for *item_id* and ask (nothing runs without the answer)."""
        if self.running:
            self._tell("A command is running: wait for it, or stop it with ctrl+c.")
            return
        try:
            prepared = prepare(
                self.session.plan, self.session.plan_file.path, item_id, dry_run=dry_run
            )
        except (KeyError, NotRunnable) as exc:
            self._tell(str(exc).strip("'"), "warning")
            return
        item = prepared.item
        label = show_invisible(item.text.strip()) or "(no text)"
        if item.irreversible and not dry_run:
            self.keys.ask(ConfirmIrreversible(item.id, label), partial(self._word_typed, prepared))
            return
        self._ask_run(prepared, confirmed=False)

    async def _word_typed(self, prepared: Prepared, confirmed: bool | None) -> None:
        if confirmed:
            self._ask_run(prepared, confirmed=True)

    def _ask_run(self, prepared: Prepared, *, confirmed: bool) -> None:
        item = prepared.item
        what = "Dry run of" if prepared.dry_run else "Run the command of"
        question = (
            f"{what} {item.id}: {item.text.strip() or '(no text)'}\n"
            f"in {prepared.folder} (ends after {prepared.timeout} s)"
        )
        self.keys.ask(
            FreshQuestion(question, prepared.command, "enter runs it · escape does not", "run"),
            partial(self._run_answered, prepared, confirmed),
        )

    async def _run_answered(self, prepared: Prepared, confirmed: bool, answer: str | None) -> None:
        if answer != "run" or self.running:
            return
        self._confirmed = confirmed
        self.start(prepared)

    # -- running ---------------------------------------------------------------------------

    def start(self, prepared: Prepared) -> None:
        run = StepRun(self.session, prepared)
        try:
            run.start()
        except NotRunnable as exc:
            self._tell(str(exc), "error")
            return
        self.run = run
        self._child = _Child(run)
        # First of the children: a running command is ended (and kept) before the rest.
        self.keeper.children.insert(0, self._child)
        self._shown = 0
        if self.panel is not None:
            self.panel.add_class("-shown")
            self.panel.output().clear()
        # The panel's timer: it stops with the screen (quitting ends the run as a child).
        pump = self.panel if self.panel is not None else self.app
        self._timer = pump.set_interval(REFRESH_SECONDS, self.refresh)
        self.changed()
        self.refresh()

    def interrupt(self) -> None:
        """Ctrl+c: end the command's whole process group."""
        if self.run is not None and self.running:
            self.run.interrupt()

    def refresh(self) -> None:
        """Show the new lines and the elapsed time; keep the run once it has ended."""
        run = self.run
        if run is None:
            return
        panel = self.panel if self.panel is not None and self.panel.is_attached else None
        captured = run.captured
        if panel is not None and captured.lines != self._shown:
            lines, self._shown, dropped = captured.since(self._shown)
            log = panel.output()
            if dropped:
                log.clear()
            log.write_lines(lines)
            log.scroll_end(animate=False, immediate=False)
        what = f"{'Dry run' if run.prepared.dry_run else 'Running'} {run.prepared.item_id}"
        if run.process.wait(0) is None:
            if panel is not None:
                panel.status(f"{what} · {run.process.elapsed():.1f} s · ctrl+c stops it")
            return
        if self._timer is not None:
            self._timer.stop()
        if self._child in self.keeper.children:
            self.keeper.children.remove(self._child)
        finished = run.finish()
        self.changed()
        if panel is not None:
            panel.status(finished.row)
        if finished.problem:
            self._tell(finished.problem, "error")
        self._ask_outcome(finished)

    def _ask_outcome(self, finished: Finished) -> None:
        run = self.run
        assert run is not None
        item_id = run.prepared.item_id
        if run.prepared.dry_run or self.session.item(item_id) is None:
            return  # a dry run never changes the step
        if finished.ended.stopped is not None and finished.ended.stopped.startswith("interr"):
            return  # interrupted: the step stays open
        if finished.succeeded:
            question, answer, prompt = (
                f"{item_id}: {finished.summary}.",
                "done",
                "enter marks it done · escape leaves it open",
            )
        else:
            question, answer, prompt = (
                f"{item_id} failed: {finished.fail_reason}",
                "failed",
                "enter marks it failed · escape leaves it open",
            )
        self.keys.ask(
            FreshQuestion(question, "", prompt, answer),
            partial(self._outcome_answered, item_id, finished),
        )

    async def _outcome_answered(self, item_id: str, finished: Finished, answer: str | None) -> None:
        if self.session.item(item_id) is None:
            return
        if answer == "done":
            self.session.done(item_id, confirmed=self._confirmed)
        elif answer == "failed":
            self.session.fail(item_id, finished.fail_reason or finished.summary)
