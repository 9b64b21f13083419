"""An app in a real terminal, end to end: a private tmux server driven in control mode.

The benchmarks that time a key's way to the screen run the app in a tmux pane, send keys
with ``send-keys`` and read what the app writes from tmux's ``%output`` notifications, as
they come: the clock covers tmux's input path, the app, and tmux's output path, as a user
in tmux over SSH sees it. Each session has its own server (``tmux -L <unique>``, no config
file), killed at the end with everything in it.
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import shlex
import signal
import subprocess
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

from startup import screen_text

_OCTAL = re.compile(rb"\\([0-7]{3})")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _decode(data: bytes) -> bytes:
    """%output data: tmux writes control characters and backslashes as \\ooo."""
    return _OCTAL.sub(lambda m: bytes([int(m.group(1), 8)]), data)


class TmuxApp:
    """*argv* in a new tmux session of *columns*×*rows*, read as it writes."""

    def __init__(
        self,
        argv: Sequence[str],
        env: dict[str, str],
        cwd: Path,
        columns: int = 80,
        rows: int = 24,
    ) -> None:
        self.socket = f"rollback-bench-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.output = bytearray()
        self.replies: list[bytes] = []
        """Lines tmux answered commands with (between %begin and %end)."""
        self._pending = b""
        self._in_reply = False
        command = shlex.join(["env", *(f"{k}={v}" for k, v in env.items()), *argv])
        self._tmux = subprocess.Popen(
            [
                *("tmux", "-L", self.socket, "-f", "/dev/null", "-C", "new-session"),
                *("-x", str(columns), "-y", str(rows), "-c", str(cwd), command),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            bufsize=0,
        )
        assert self._tmux.stdin is not None and self._tmux.stdout is not None
        self._stdin = self._tmux.stdin
        self._stdout = self._tmux.stdout.fileno()
        self._pid: int | None = None

    # -- talking to tmux ---------------------------------------------------------------

    def command(self, line: str) -> None:
        self._stdin.write(line.encode() + b"\n")

    def send_text(self, text: str) -> None:
        """*text* typed literally."""
        self.command(f"send-keys -l {shlex.quote(text)}")

    def send_key(self, key: str) -> None:
        """One key by tmux's name for it (C-t, Enter, BSpace, ...)."""
        self.command(f"send-keys {key}")

    def resize(self, columns: int, rows: int) -> None:
        """Resize the terminal, as a user dragging the window's edge would."""
        self.command(f"refresh-client -C {columns}x{rows}")

    def _read(self, timeout: float) -> bool:
        """Read what tmux has sent within *timeout*; False once tmux has gone."""
        ready, _, _ = select.select([self._stdout], [], [], max(timeout, 0.0))
        if not ready:
            return True
        chunk = os.read(self._stdout, 1 << 16)
        if not chunk:
            return False
        lines = (self._pending + chunk).split(b"\n")
        self._pending = lines.pop()
        for line in lines:
            if line.startswith(b"%output "):
                _, _, data = line[len(b"%output ") :].partition(b" ")
                self.output += _decode(data)
            elif line.startswith(b"%begin "):
                self._in_reply = True
            elif line.startswith((b"%end ", b"%error ")):
                self._in_reply = False
            elif self._in_reply:
                self.replies.append(line)
        return True

    def app_pid(self) -> int:
        """The process id of the app in the pane."""
        self.replies.clear()
        self.command("display-message -p 'pid=#{pane_pid}'")
        deadline = time.perf_counter() + 10
        while time.perf_counter() < deadline:
            for line in self.replies:
                if line.startswith(b"pid="):
                    return int(line[4:])
            self._read(0.1)
        raise RuntimeError("tmux did not say the pane's process id")

    # -- waiting for the screen --------------------------------------------------------

    def mark(self) -> int:
        """A place in the output: wait_for(since=mark) looks only at what comes after."""
        return len(self.output)

    def wait_for(self, markers: Sequence[str], since: int = 0, timeout: float = 30.0) -> float:
        """Wait until every one of *markers* has been written after *since*; returns
        time.perf_counter() at that moment."""
        deadline = time.perf_counter() + timeout
        checked = -1
        while True:
            if len(self.output) != checked:
                checked = len(self.output)
                text = screen_text(bytes(self.output[since:]))
                if all(marker in text for marker in markers):
                    return time.perf_counter()
            left = deadline - time.perf_counter()
            if left <= 0 or not self._read(min(left, 0.5)):
                tail = screen_text(bytes(self.output[since:]))[-1500:]
                raise RuntimeError(f"not on screen within {timeout:.0f} s: {markers}\n{tail}")

    def settle(self, quiet: float = 0.3, timeout: float = 30.0) -> float:
        """Wait until the app has written nothing for *quiet* seconds; returns
        time.perf_counter() when its last output came (the screen stopped changing then).
        Nothing may write on its own meanwhile: a blinking cursor, a clock."""
        deadline = time.perf_counter() + timeout
        last = time.perf_counter()
        while time.perf_counter() < deadline:
            written = len(self.output)
            if not self._read(max(0.0, last + quiet - time.perf_counter())):
                break
            if len(self.output) != written:
                last = time.perf_counter()
            elif time.perf_counter() >= last + quiet:
                return last  # quiet for long enough (tmux's other lines do not count)
        raise RuntimeError(f"the screen did not settle within {timeout:.0f} s")

    def drain(self, seconds: float) -> None:
        """Read for *seconds* (the app goes on drawing meanwhile)."""
        deadline = time.perf_counter() + seconds
        while (left := deadline - time.perf_counter()) > 0:
            if not self._read(left):
                return

    def close(self) -> None:
        """Kill this session's server, and the app with it (given 10 s to exit on its
        hang-up, then killed)."""
        pid = self._pid
        with contextlib.suppress(BrokenPipeError, OSError):
            self.command("kill-server")
            self._stdin.close()
        try:
            self._tmux.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._tmux.kill()
            self._tmux.wait()
        subprocess.run(
            ["tmux", "-L", self.socket, "kill-server"],
            capture_output=True,
            check=False,
        )
        if pid is not None:
            deadline = time.perf_counter() + 10
            while _alive(pid) and time.perf_counter() < deadline:
                time.sleep(0.02)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def __enter__(self) -> TmuxApp:
        self._pid = self.app_pid()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
