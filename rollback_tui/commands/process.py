"""One command running: `bash -o pipefail -c` (or `sh -c` where there is no bash), stdin
from /dev/null, in a process group (a session) of its own, its stdout and stderr read as
they come. A timeout, an interrupt, quitting or a hang-up ends the whole group: SIGTERM,
then SIGKILL after KILL_AFTER seconds; a command that has ended leaves nothing either
(what it put in the background is ended the same way)."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import selectors
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from rollback_tui.commands.captured import Captured

KILL_AFTER = 5.0
"""Seconds between SIGTERM and SIGKILL to the command's group."""
DRAIN = 0.5
"""Seconds the pipes may stay open once the command itself has exited (a child it left
holds them): then the group is ended."""
TICK = 0.1
GIVE_UP = 2.0
"""Seconds after SIGKILL when the group is taken as gone whatever (its zombies)."""


def shell_argv(command: str) -> list[str]:
    """How *command* is run: bash with pipefail, or sh where there is no bash."""
    bash = shutil.which("bash")
    if bash is not None:
        return [bash, "-o", "pipefail", "-c", command]
    return [shutil.which("sh") or "/bin/sh", "-c", command]


@dataclass(frozen=True)
class Ended:
    """How a command ended."""

    exit_code: int | None
    """Its exit status; None if it did not end by itself (see `stopped`) or a signal
    ended it."""
    stopped: str | None
    """Why it was ended from here: "timed out after 900 s", "interrupted", "interrupted
    by hang-up"; or "ended by SIGSEGV" for a signal from elsewhere. None: it exited."""
    started: dt.datetime
    seconds: float


def _group_alive(pgid: int) -> bool:
    """Whether a process of group *pgid* still runs (zombies waiting for their reaper,
    which run nothing, do not count)."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a member changed user (setuid): it is still there
        return True
    try:
        entries = os.listdir("/proc")
    except OSError:
        return True  # no /proc: the signal's answer stands
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 2 and int(fields[2]) == pgid and fields[0] != b"Z":
            return True
    return False


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


class CommandProcess:
    """Runs *command* in *folder*; its output goes to *captured*."""

    def __init__(
        self,
        command: str,
        folder: Path,
        timeout: float,
        captured: Captured,
        *,
        env: Mapping[str, str] | None = None,
        kill_after: float = KILL_AFTER,
    ) -> None:
        self.command = command
        self.folder = folder
        self.timeout = timeout
        self.captured = captured
        self.env = env
        self.kill_after = kill_after
        self.pid = 0
        self._popen: subprocess.Popen[bytes] | None = None
        self._stop_reason: str | None = None
        self._term_at: float | None = None
        """When SIGTERM was sent to the group (SIGKILL follows kill_after later)."""
        self._stop_asked = threading.Event()
        self._done = threading.Event()
        self._ended: Ended | None = None
        self._thread: threading.Thread | None = None
        self._started_at = dt.datetime.now(dt.UTC)
        self._t0 = time.monotonic()

    def start(self) -> None:
        """Start the command and the thread that reads it. Raises OSError if it cannot
        start (the folder is missing, no shell)."""
        self._started_at = dt.datetime.now(dt.UTC)
        self._t0 = time.monotonic()
        self._popen = subprocess.Popen(
            shell_argv(self.command),
            cwd=self.folder,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own group, and no controlling terminal
            env=None if self.env is None else dict(self.env),
            close_fds=True,
        )
        self.pid = self._popen.pid
        self._thread = threading.Thread(target=self._run, name="rollback-tui-command", daemon=True)
        self._thread.start()

    @property
    def started(self) -> dt.datetime:
        return self._started_at

    def elapsed(self) -> float:
        return time.monotonic() - self._t0

    @property
    def running(self) -> bool:
        return self._popen is not None and not self._done.is_set()

    def interrupt(self, reason: str = "interrupted") -> None:
        """End the command's group (SIGTERM, then SIGKILL after kill_after seconds); its
        end says *reason*. Returns at once (wait() for the end)."""
        if self._stop_reason is None:
            self._stop_reason = reason
        self._stop_asked.set()

    def wait(self, timeout: float | None = None) -> Ended | None:
        """Its end, once the whole group is gone (None if *timeout* passed first)."""
        if self._popen is None:
            raise RuntimeError("wait() on a command not started")
        if not self._done.wait(timeout):
            return None
        return self._ended

    def stop(
        self, deadline: float, reason: str = "interrupted by hang-up", grace: float = 0.1
    ) -> Ended | None:
        """End it by *deadline* (time.monotonic()): SIGTERM, then SIGKILL after *grace*
        seconds if the group is still there (the app is ending: what is left of the
        deadline goes to keeping the record)."""
        self.interrupt(reason)
        self._terminate()
        left = deadline - time.monotonic()
        ended = self.wait(max(0.0, min(grace, left - 0.2)))
        if ended is None:
            self.kill_now()
            ended = self.wait(max(0.05, deadline - time.monotonic()))
        return ended

    def kill_now(self) -> None:
        """SIGKILL to the whole group, now."""
        if self.pid:
            _signal_group(self.pid, signal.SIGKILL)

    def _terminate(self) -> None:
        if self.pid:
            _signal_group(self.pid, signal.SIGTERM)

    # -- the reader thread -----------------------------------------------------------------

    def _run(self) -> None:
        popen = self._popen
        assert popen is not None and popen.stdout is not None and popen.stderr is not None
        try:
            self._read(popen, popen.stdout, popen.stderr)
        finally:
            self._end_group(popen)
            self.captured.finish()
            code = popen.returncode
            stopped = self._stop_reason
            if stopped is None and code is not None and code < 0:
                stopped = f"ended by {signal.Signals(-code).name}"
            exit_code = code if stopped is None and code is not None and code >= 0 else None
            self._ended = Ended(exit_code, stopped, self._started_at, self.elapsed())
            self._done.set()

    def _read(self, popen: subprocess.Popen[bytes], out: IO[bytes], err: IO[bytes]) -> None:
        selector = selectors.DefaultSelector()
        selector.register(out, selectors.EVENT_READ, False)
        selector.register(err, selectors.EVENT_READ, True)
        exited_at: float | None = None
        try:
            while selector.get_map():
                for key, _ in selector.select(TICK):
                    data = os.read(key.fd, 65536)
                    if data:
                        self.captured.add(data, stderr=bool(key.data))
                    else:
                        selector.unregister(key.fileobj)
                now = time.monotonic()
                if exited_at is None and popen.poll() is not None:
                    exited_at = now
                if self._term_at is None and now - self._t0 > self.timeout:
                    self.interrupt(f"timed out after {self.timeout:g} s")
                if self._term_at is None and (
                    self._stop_asked.is_set() or (exited_at and now - exited_at > DRAIN)
                ):
                    self._term_at = now
                    self._terminate()
                if self._term_at is not None and now - self._term_at > self.kill_after:
                    self.kill_now()
        finally:
            selector.close()
            out.close()
            err.close()

    def _end_group(self, popen: subprocess.Popen[bytes]) -> None:
        """Wait for the command, then make sure nothing of its group is left."""
        while True:
            if self._term_at is None and (
                self._stop_asked.is_set() or time.monotonic() - self._t0 > self.timeout
            ):
                self.interrupt(f"timed out after {self.timeout:g} s")
                self._term_at = time.monotonic()
                self._terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                popen.wait(TICK)
            if popen.returncode is not None and not _group_alive(self.pid):
                return
            if popen.returncode is not None and self._term_at is None:
                self._term_at = time.monotonic()  # background children left: end them
                self._terminate()
            waited = 0.0 if self._term_at is None else time.monotonic() - self._term_at
            if waited > self.kill_after:
                self.kill_now()
            if waited > self.kill_after + GIVE_UP:
                return  # only zombies no one reaps are left: they run nothing
