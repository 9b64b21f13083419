"""One run of a step's command for a run session, the same for the checklist's `x` and
for `exec`: started, read, ended, then kept (the log file, and the timeline row through
the session). The step's outcome is the caller's to set (`Finished.done` says which)."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from rollback_tui import store
from rollback_tui.commands.captured import Captured
from rollback_tui.commands.log_file import (
    LogRecord,
    log_reference,
    new_log,
    write_log,
    write_log_at,
)
from rollback_tui.commands.masking import Masker
from rollback_tui.commands.prepared import NotRunnable, Prepared
from rollback_tui.commands.process import KILL_AFTER, CommandProcess, Ended
from rollback_tui.plan.timeline import record
from rollback_tui.run.session import RunSession

HANG_UP = "interrupted by hang-up"


@dataclass(frozen=True)
class Finished:
    """How a run ended, as kept."""

    ended: Ended
    summary: str
    """"exit 0 in 12.4 s", "timed out after 900 s", "interrupted"."""
    row: str
    """The timeline row: "Ran `helm rollback shop 41 --wait`: exit 0 in 12.4 s"."""
    fail_reason: str | None
    """Why the step failed ("exit 7: <last line of stderr>"); None when it exited 0."""
    log: Path | None
    problem: str | None = None
    """Why the log could not be written (the row is kept without it)."""

    @property
    def succeeded(self) -> bool:
        return self.ended.exit_code == 0


def _how(ended: Ended) -> str:
    """How it ended, in words: "exit 0", "timed out after 900 s", "interrupted"."""
    return ended.stopped if ended.stopped is not None else f"exit {ended.exit_code}"


def _summary(ended: Ended) -> str:
    if ended.stopped is not None:
        return ended.stopped
    return f"{_how(ended)} in {ended.seconds:.1f} s"


class StepRun:
    """Runs *prepared* for *session*; *on_line* is told each line of output (cleaned and
    masked) from the reading thread."""

    def __init__(
        self,
        session: RunSession,
        prepared: Prepared,
        *,
        on_line: Callable[[str], object] | None = None,
        env: Mapping[str, str] | None = None,
        kill_after: float = KILL_AFTER,
    ) -> None:
        self.session = session
        self.prepared = prepared
        self.path = session.plan_file.path
        self.by = session.holder.by
        self.mask = Masker.from_environment(env)
        self.captured = Captured(self.mask, on_line)
        self.process = CommandProcess(
            prepared.command,
            prepared.folder,
            prepared.timeout,
            self.captured,
            env=env,
            kill_after=kill_after,
        )
        self.finished: Finished | None = None
        self._kept_by: str | None = None
        """Who keeps the end (the log and the row): "session" (finish, on the session's
        thread) or "hang-up" (stop, on the hang-up's thread); the first to claim it."""
        self._claim_lock = threading.Lock()

    def start(self) -> None:
        """Start it. Raises NotRunnable if it cannot start (no such folder)."""
        if not self.prepared.folder.is_dir():
            raise NotRunnable(f"{self.prepared.item_id}: no folder {self.prepared.folder}")
        try:
            self.process.start()
        except OSError as exc:
            raise NotRunnable(
                f"{self.prepared.item_id}: cannot start: {exc.strerror or exc}"
            ) from None

    def interrupt(self) -> None:
        """Ctrl+c: end its process group (the end is kept as "interrupted")."""
        self.process.interrupt("interrupted")

    def row(self, ended: Ended) -> str:
        verb = "Dry run" if self.prepared.dry_run else "Ran"
        return self.mask(f"{verb} `{self.prepared.first_line()}`: {_summary(ended)}")

    def _fail_reason(self, ended: Ended) -> str | None:
        if ended.exit_code == 0:
            return None
        if ended.stopped is not None:
            return ended.stopped
        last = self.captured.last_stderr_line()
        return f"exit {ended.exit_code}: {last}" if last else f"exit {ended.exit_code}"

    def _record(self, ended: Ended) -> LogRecord:
        return LogRecord(
            self.prepared,
            self.by,
            ended.started,
            ended.started + dt.timedelta(seconds=ended.seconds),
            _how(ended),
            ended.seconds,
            self.captured.text(),
            self.captured.cut_note(),
        )

    def _log(self, ended: Ended) -> tuple[Path | None, str | None]:
        try:
            return write_log(self.path, self.session.plan, self._record(ended)), None
        except store.PlanFileError as exc:
            return None, str(exc)

    def finish(self) -> Finished:
        """After the end (wait()): write the log and the timeline row (through the
        session, on its thread). Returns how it ended."""
        ended = self.process.wait()
        assert ended is not None, "finish() before the command ended"
        if self.finished is not None:
            return self.finished
        row = self.row(ended)
        if not self._claim("session"):  # the hang-up keeps it (the app is ending)
            return Finished(ended, _summary(ended), row, self._fail_reason(ended), None)
        log, problem = self._log(ended)
        reference = None if log is None else log_reference(self.path, self.session.plan, log)
        self.session.command_ran(
            self.prepared.item_id,
            ended.exit_code,
            ended.started,
            ended.seconds,
            text=row,
            log=reference,
        )
        self.finished = Finished(
            ended, _summary(ended), row, self._fail_reason(ended), log, problem
        )
        return self.finished

    def _claim(self, who: str) -> bool:
        with self._claim_lock:
            if self._kept_by is None:
                self._kept_by = who
            return self._kept_by == who

    def wait(self) -> Finished:
        """Wait for the end, then keep it (`exec`)."""
        self.process.wait()
        return self.finish()

    # -- a hang-up (the app's Children): the session's thread is gone ----------------------

    def stop(self, deadline: float, reason: str = HANG_UP) -> None:
        """The app is ending (a hang-up, or quitting): end the group by *deadline*; the
        log, then the timeline row ("interrupted by hang-up", the step left open), are
        written to the plan's files directly (the session's thread is gone)."""
        if self._kept_by is not None:
            return
        ended = self.process.stop(deadline, reason)
        if ended is None:  # killed, its reader not done yet: it did not end by itself
            ended = Ended(None, reason, self.process.started, self.process.elapsed())
        if not self._claim("hang-up"):
            return
        plan = self.session.plan
        try:
            log: Path | None = new_log(self.path, plan, self.prepared, ended.started)
        except store.PlanFileError:
            log = None
        if log is not None:
            with contextlib.suppress(store.PlanFileError):
                write_log_at(log, self.path, self._record(ended))
        self._record_on_disk(ended, log, deadline)

    def _record_on_disk(self, ended: Ended, log: Path | None, deadline: float) -> None:
        from rollback_tui.store import sync
        from rollback_tui.store.lock import plan_lock

        reference = None if log is None else log_reference(self.path, self.session.plan, log)
        seconds = max(0.05, deadline - time.monotonic())
        with contextlib.suppress(OSError, store.PlanFileError), plan_lock(self.path, seconds):
            plan_file = store.load(self.path)
            record(
                plan_file.plan,
                "command",
                self.by,
                item=self.prepared.item_id,
                text=self.row(ended),
                log=reference,
            )
            sync.save_merging(plan_file)

    def kill_now(self) -> None:
        self.process.kill_now()
