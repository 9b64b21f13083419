"""Saving off the UI thread: the store's save runs in a thread on a copy of the plan, and
its outcome comes back to the UI thread. The UI never waits for the disk (a large plan, a
slow or full disk, a lock held elsewhere): keys typed meanwhile act at once, in order.

One save at a time: a save asked for while one runs follows it, with the plan as it is
then. The store stays headless; this module only decides where it runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import copy
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from rollback_tui import store
from rollback_tui.plan.copying import copy_model
from rollback_tui.plan.merge import MergeSummary, merge

SLOW = 1.0
"""Seconds after which a save still running is mentioned."""
JOIN_ON_EXIT = 10.0
"""Seconds an exiting app waits for a save under way (never cut a save in half)."""

Job = Callable[[store.PlanFile], list[MergeSummary]]
"""The save itself, run in the thread on the copy; returns the merges it made."""
Take = Callable[[], tuple[store.PlanFile, int]]
"""Makes the copy to save when the save begins, and says the app's edit count then."""


@dataclass
class Outcome:
    """What a save in the thread did."""

    copy: store.PlanFile
    """The copy that was saved (its text, identity and, after a merge, its plan)."""
    edits: int
    """The app's count of edits when the copy was made."""
    merges: list[MergeSummary] = field(default_factory=list)
    error: store.PlanFileError | None = None
    """Why nothing was saved."""
    partial: store.PartialSaveError | None = None
    """The plan was saved but its Markdown was not: a save all the same, with a warning."""


Finished = Callable[[Outcome], Awaitable[None]]
"""Told the outcome, on the UI thread."""


def copy_of(plan_file: store.PlanFile) -> store.PlanFile:
    """A copy of *plan_file* whose plan a thread may save while the UI changes the original.

    The plan is copied field by field (`copy_model`: no list or model shared, about a
    quarter of the time of pydantic's deep copy on the UI thread). The parsed document is
    shared: only saves use it, and they run one at a time.
    """
    scratch = copy.copy(plan_file)
    scratch.plan = copy_model(plan_file.plan)
    scratch.unknown_keys = list(plan_file.unknown_keys)
    return scratch


def adopt(plan_file: store.PlanFile, outcome: Outcome, *, edited_since: bool) -> None:
    """Take what a successful save wrote as *plan_file*'s file state (on the UI thread).

    After a merge the saved plan holds the other side's changes: it becomes the plan,
    with any edit made here since the copy merged into it again (by item id).
    """
    saved = outcome.copy
    plan_file.source, plan_file._raw = saved.source, saved._raw
    plan_file._document, plan_file.fresh = saved._document, saved.fresh
    plan_file.identity = saved.identity
    plan_file.unknown_keys = saved.unknown_keys
    if outcome.merges:
        plan_file.plan = merge(plan_file.plan, saved.plan) if edited_since else saved.plan


class BackgroundSave:
    """Runs saves in a thread, one at a time, and hands each outcome to *finished* on the
    UI thread (an asyncio task in the app's context, not a message: a handler awaiting
    `idle()` never blocks it)."""

    def __init__(self, slow: Callable[[], None]) -> None:
        self._slow = slow
        self._thread: threading.Thread | None = None
        self._again: tuple[Take, Job, Finished] | None = None
        self._idle = asyncio.Event()
        self._idle.set()
        self._slow_handle: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def busy(self) -> bool:
        """A save is running or waiting to follow the one that runs."""
        return not self._idle.is_set()

    def start(self, take: Take, job: Job, finished: Finished) -> None:
        """Save in the thread; *finished* gets the outcome on the UI thread. While a save
        runs, the last one asked for follows it."""
        if self.busy:
            self._again = (take, job, finished)
            return
        self._run(take, job, finished)

    def _run(self, take: Take, job: Job, finished: Finished) -> None:
        self._idle.clear()
        try:
            scratch, edits = take()
        except Exception:
            self._idle.set()
            raise
        loop = asyncio.get_running_loop()
        context = contextvars.copy_context()
        self._slow_handle = loop.call_later(SLOW, self._slow)

        def run() -> None:
            outcome = Outcome(scratch, edits)
            try:
                outcome.merges = job(scratch)
            except store.PartialSaveError as exc:
                outcome.merges, outcome.partial = exc.merges, exc
            except store.PlanFileError as exc:
                outcome.error = exc
            except Exception as exc:  # a bug must not leave the save pending forever
                outcome.error = store.PlanFileError(
                    f"{scratch.path}: not saved: {exc or type(exc).__name__}"
                )
            if outcome.error is None:
                with contextlib.suppress(Exception):
                    scratch.read_back()
            with contextlib.suppress(RuntimeError):  # the app has closed: nobody to tell
                loop.call_soon_threadsafe(self._done, outcome, finished, context=context)

        self._thread = threading.Thread(target=run, name="rollback-tui-save", daemon=True)
        self._thread.start()

    def _done(self, outcome: Outcome, finished: Finished) -> None:
        self._thread = None
        if self._slow_handle is not None:
            self._slow_handle.cancel()
            self._slow_handle = None
        task = asyncio.get_running_loop().create_task(self._after(outcome, finished))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _after(self, outcome: Outcome, finished: Finished) -> None:
        try:
            await finished(outcome)
        finally:
            again, self._again = self._again, None
            if again is not None:
                self._run(*again)
            else:
                self._idle.set()

    async def idle(self) -> None:
        """Wait until no save is running or waiting."""
        await self._idle.wait()

    def join(self, timeout: float = JOIN_ON_EXIT) -> None:
        """Wait (blocking) for a save thread under way: on exit, never cut one in half."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
