"""Plain mode as a person (or a script) meets it: through a pipe, or through a real
pseudo-terminal (the standard `pty` module's openpty, the process on the terminal's side),
with the whole transcript kept for the test to read."""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import subprocess
import sys
import termios
import time
from pathlib import Path

SCRIPT = Path(sys.executable).parent / "rollback-tui"

BOX_DRAWING = re.compile("[\u2500-\u259f]")
"""Box-drawing and block characters, which plain mode never writes."""


def environment(**extra: str) -> dict[str, str]:
    """The test's environment (its private user folders) with *extra*; a value of ""
    removes the variable."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TEXTUAL_THEME")}
    for name, value in extra.items():
        if value:
            env[name] = value
        else:
            env.pop(name, None)
    return env


def piped(
    args: list[str | Path],
    lines: list[str],
    env: dict[str, str],
    *,
    cwd: Path | None = None,
    timeout: float = 30,
) -> subprocess.CompletedProcess[bytes]:
    """rollback-tui with *lines* on standard input (a pipe) and its output captured."""
    return subprocess.run(
        [str(SCRIPT), *map(str, args)],
        input="".join(line + "\n" for line in lines).encode(),
        capture_output=True,
        timeout=timeout,
        env=env,
        cwd=cwd,
    )


def readable(transcript: bytes, *replace: tuple[str, str]) -> str:
    """The transcript as text with what changes from run to run made fixed: the clock
    (``14:05 UTC``), and each (old, new) of *replace* (a temporary path)."""
    text = transcript.decode()
    for old, new in replace:
        text = text.replace(old, new)
    return re.sub(r"\b\d\d:\d\d UTC\b", "HH:MM UTC", text)


def assert_plain(transcript: bytes) -> None:
    """Printable text and newlines only: no escape sequence, no box drawing, no carriage
    return but the terminal's own (a pty writes CR LF), lines within 80 columns."""
    assert b"\x1b" not in transcript
    text = transcript.decode().replace("\r\n", "\n")
    assert not BOX_DRAWING.search(text), BOX_DRAWING.findall(text)
    for line in text.split("\n"):
        assert all(ch.isprintable() for ch in line), repr(line)
        assert len(line) <= 80 or " " not in line.strip(), line


def _take_terminal() -> None:
    """In the child, in its new session: the pty becomes its controlling terminal, so that
    closing the other side hangs it up (SIGHUP), as a dropped connection does."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class PtySession:
    """rollback-tui on the terminal side of a new pseudo-terminal; the test types on the
    other side and reads what the process writes."""

    def __init__(self, args: list[str | Path], env: dict[str, str]) -> None:
        self.master, slave = os.openpty()
        self.process = subprocess.Popen(
            [str(SCRIPT), *map(str, args)],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            preexec_fn=_take_terminal,
        )
        os.close(slave)
        self.transcript = b""

    def read_until(self, wanted: str, timeout: float = 15) -> str:
        """Read until *wanted* has been written (after what was read before); the text
        read so far."""
        deadline = time.monotonic() + timeout
        start = len(self.transcript)
        while wanted.encode() not in self.transcript[start:]:
            left = deadline - time.monotonic()
            assert left > 0, f"never saw {wanted!r} in:\n{self.transcript.decode()}"
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    data = os.read(self.master, 4096)
                except OSError:  # the process ended: the terminal's side is gone
                    data = b""
                assert data, f"ended before {wanted!r}:\n{self.transcript.decode()}"
                self.transcript += data
        return self.transcript.decode()

    def type(self, text: str) -> None:
        """Type *text* (a line ends with "\\n")."""
        os.write(self.master, text.encode())

    def answer(self, line: str, then: str = "> ") -> str:
        """Type *line* and read up to the next *then*."""
        self.type(line + "\n")
        return self.read_until(then)

    def wait(self, timeout: float = 15) -> int:
        """The exit code, once the process has ended (what it wrote is read first)."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            self._drain(0.1)
        code = self.process.wait(max(0.1, deadline - time.monotonic()))
        self._drain(0)
        return code

    def _drain(self, timeout: float) -> None:
        try:
            while select.select([self.master], [], [], timeout)[0]:
                data = os.read(self.master, 4096)
                if not data:
                    return
                self.transcript += data
        except OSError:
            return

    def hang_up(self) -> None:
        """Close the terminal's master side, as a dropped connection does: the process
        gets SIGHUP."""
        os.close(self.master)
        self.master = -1

    def close(self) -> None:
        """End the process if it still runs, and close the terminal."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        if self.master >= 0:
            os.close(self.master)
            self.master = -1
