"""Saving off the UI thread: the store's save runs in a thread on a copy of the plan, and
its outcome comes back to the UI thread. The UI never waits for the disk (a large plan, a
slow or full disk, a lock held elsewhere): keys typed meanwhile act at once, in order.

One save at a time: a save asked for while one runs follows it, with the plan as it is
then. The copy, the save and its outcome are the run's (run/saving.py); this module only
decides where it runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import threading
from collections.abc import Awaitable, Callable

from rollback_tui import store
from rollback_tui.run.saving import Job, SaveOutcome, adopt, copy_of, save_copy

__all__ = ["SLOW", "BackgroundSave", "Finished", "Take", "adopt", "copy_of"]

SLOW = 1.0
"""Seconds after which a save still running is mentioned."""
JOIN_ON_EXIT = 10.0
"""Seconds an exiting app waits for a save under way (never cut a save in half)."""

Take = Callable[[], tuple[store.PlanFile, int]]
"""Makes the copy to save when the save begins, and says the app's edit count then."""
Finished = Callable[[SaveOutcome], Awaitable[None]]
"""Told the outcome, on the UI thread."""


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
            outcome = save_copy(scratch, edits, job)
            with contextlib.suppress(RuntimeError):  # the app has closed: nobody to tell
                loop.call_soon_threadsafe(self._done, outcome, finished, context=context)

        self._thread = threading.Thread(target=run, name="rollback-tui-save", daemon=True)
        self._thread.start()

    def _done(self, outcome: SaveOutcome, finished: Finished) -> None:
        self._thread = None
        if self._slow_handle is not None:
            self._slow_handle.cancel()
            self._slow_handle = None
        task = asyncio.get_running_loop().create_task(self._after(outcome, finished))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _after(self, outcome: SaveOutcome, finished: Finished) -> None:
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
