"""The status page, written: `DIR/index.html` and `DIR/status.json`, each replaced
atomically (a web server never serves half a page). `publish` writes them once; a
`Publisher` listens to a run session and writes them again, in a thread of its own, on
every change (an outcome, a note, the incident start, an update sent, a merge, a trigger,
a command run): the status is taken on the session's thread, the writing never holds it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from rollback_tui.plan.model import Plan
from rollback_tui.render.status_html import render_status_page
from rollback_tui.render.status_model import (
    CommandRun,
    Status,
    TriggerState,
    measured_state,
    status_json,
    status_of,
)
from rollback_tui.run import events
from rollback_tui.run.session import RunSession

PAGE = "index.html"
DATA = "status.json"


class PublishError(Exception):
    """The folder cannot be written; the message names it."""


def _write(path: Path, text: str) -> None:
    """Replace *path* with *text* atomically, readable by the web server (0644)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(text.encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def prepare(folder: Path) -> Path:
    """The folder to publish into, made if missing. Raises PublishError."""
    if folder.is_symlink() and not folder.exists():
        raise PublishError(f"{folder}: a broken symbolic link")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PublishError(f"{folder}: cannot make the folder: {exc.strerror or exc}") from None
    if not folder.is_dir():
        raise PublishError(f"{folder}: not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PublishError(f"{folder}: cannot write in this folder")
    return folder


def write_page(folder: Path, status: Status) -> None:
    """Write status.json, then index.html, into *folder*. Raises PublishError."""
    try:
        _write(folder / DATA, status_json(status))
        _write(folder / PAGE, render_status_page(status))
    except OSError as exc:
        raise PublishError(
            f"{folder}: cannot write the status page: {exc.strerror or exc}"
        ) from None


def publish(folder: Path, plan: Plan, now: dt.datetime, by: str = "") -> None:
    """Write *plan*'s status page into *folder* once. Raises PublishError."""
    write_page(prepare(folder), status_of(plan, now, by=by))


class Publisher:
    """Keeps *folder*'s status page up to date with a run session. *problem* hears, on
    the publisher's thread, each distinct reason the page could not be written."""

    def __init__(
        self,
        folder: Path,
        *,
        by: str = "",
        problem: Callable[[str], object] = lambda message: None,
    ) -> None:
        self.folder = folder
        self.by = by
        self.problem = problem
        self.measured: dict[str, TriggerState] = {}
        """Each trigger's last state, as the trigger watcher told it."""
        self.commands: dict[str, CommandRun] = {}
        """Each step's last command run, as the command runner told it."""
        self.written = 0
        """Pages written (the tests wait on it)."""
        self._latest: Status | None = None
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._told: str | None = None
        self._thread = threading.Thread(target=self._loop, name="publish", daemon=True)
        self._session: RunSession | None = None
        self._detach: Callable[[], None] = lambda: None

    def attach(self, session: RunSession) -> Callable[[], None]:
        """Publish *session*'s run now and after every change; returns the call that stops
        listening. A session attached before is left."""
        self._detach()
        self._session = session
        stop = session.listen(self.heard)
        self._detach = stop
        self.update(session.plan, session.now())
        if not self._thread.is_alive():
            self._thread.start()
        return stop

    def heard(self, event: events.RunEvent) -> None:
        """A change of the run: its status taken now, written in the background."""
        session = self._session
        quiet = events.PagePublished | events.NotSaved | events.Saved | events.SavedPartly
        if isinstance(event, quiet) or session is None:
            return  # nothing of the run changed (a save writes what was told already)
        if isinstance(event, events.TriggerChanged):
            self.measured[event.trigger] = measured_state(event.trigger, event.firing, event.at)
        elif isinstance(event, events.CommandRan):
            self.commands[event.item_id] = CommandRun(
                exit_code=event.exit_code, started_at=event.started, seconds=event.seconds
            )
        plan = event.run if isinstance(event, events.DrillFinished) else session.plan
        self.update(plan, session.now())

    def update(self, plan: Plan, now: dt.datetime) -> None:
        """Take *plan*'s status at *now*, to be written."""
        measured = {
            t.trigger: self.measured[t.trigger].model_copy(
                update={"threshold": t.threshold, "source": t.source}
            )
            for t in plan.triggers
            if t.trigger in self.measured
        }
        status = status_of(plan, now, by=self.by, measured=measured, commands=self.commands)
        with self._lock:
            self._latest = status
        self._wake.set()

    def _loop(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            with self._lock:
                status, self._latest = self._latest, None
            if status is not None:
                self._write(status)
            if self._stop.is_set():
                return

    def _write(self, status: Status) -> None:
        try:
            write_page(prepare(self.folder), status)
        except PublishError as exc:
            if str(exc) != self._told:
                self._told = str(exc)
                self.problem(str(exc))
            return
        self._told = None
        self.written += 1

    def stop(self, deadline: float | None = None) -> None:
        """Write what is left, then stop."""
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            left = 2.0 if deadline is None else max(0.0, deadline - time.monotonic())
            self._thread.join(left)

    def kill_now(self) -> None:
        self._stop.set()
        self._wake.set()
