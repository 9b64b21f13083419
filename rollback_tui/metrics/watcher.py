"""The triggers measured again every interval, on a thread of its own.

The thread asks Prometheus (seconds at worst: every request has a short timeout) and hands
each round's results to *deliver*, which runs them where the run session lives (the app's
`call_from_thread`; a plain call without a screen). So a slow or dead Prometheus never
holds up a key, a tick or a save.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial

from rollback_tui.metrics.triggers import Result, Source, measure_all
from rollback_tui.plan.model import Plan

Deliver = Callable[[Callable[[], object]], object]
"""Runs a call on the run session's thread."""


class TriggerWatcher:
    """Measures the triggers of `plan()` every *interval* seconds, from a daemon thread,
    and gives each round's results to *heard* through *deliver*."""

    def __init__(
        self,
        plan: Callable[[], Plan],
        where: Source,
        interval: float,
        heard: Callable[[list[Result]], object],
        deliver: Deliver,
    ) -> None:
        self._plan = plan
        self._where = where
        self.interval = interval
        self._heard = heard
        self._deliver = deliver
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.latest: list[Result] = []
        """The last round's results (read on any thread: the list is replaced whole)."""

    def start(self) -> None:
        """Measure now, then every interval, until `stop`."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="trigger-watcher", daemon=True)
            self._thread.start()

    def measure_now(self) -> None:
        """Measure again at once rather than at the end of the interval."""
        self._wake.set()

    def stop(self, wait: float = 0.0) -> None:
        """Stop measuring (a request under way ends by its own timeout)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None and wait:
            self._thread.join(wait)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        while not self._stop.is_set():
            triggers = list(self._plan().triggers)  # a copy: the plan may change meanwhile
            results = measure_all(Plan.model_construct(triggers=triggers), self._where)
            if self._stop.is_set():
                return
            self.latest = results
            try:
                self._deliver(partial(self._heard, results))
            except RuntimeError:  # the app has closed meanwhile
                return
            self._wake.wait(self.interval)
            self._wake.clear()
