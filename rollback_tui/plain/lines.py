"""Lines in and out: what plain mode reads from standard input and writes to standard
output. Everything written passes the project's cleaning (plan/text.py `visible`): no
escape sequence, no control character; prose is wrapped at 80 columns where it can be.
Input is read line by line from the file descriptor (never through a terminal mode), so
that a pipe, a serial console and a screen reader's terminal all work the same."""

from __future__ import annotations

import contextlib
import os
import select
import signal
import termios
import textwrap
import time
from collections.abc import Callable

from rollback_tui.plain.ending import Ending, HungUp
from rollback_tui.plan.text import visible

WIDTH = 80
"""Prose is wrapped to this many columns (a long command or path is left whole)."""

Idle = Callable[[], list[str]]
"""Called about once a second while waiting for a line: what to tell meanwhile."""

IDLE_SECONDS = 1.0


HANG_UP_GRACE = 0.25
"""Seconds a terminal that read as ended is given for its SIGHUP to arrive."""


class Ended(Exception):
    """Standard input ended (EOF), or standard output is gone."""


def wrapped(text: str) -> list[str]:
    """*text* cleaned and cut into lines of at most WIDTH columns where words allow; a
    line's leading spaces indent the lines it is cut into."""
    out: list[str] = []
    for line in visible(text, lines=True).expandtabs(4).split("\n"):
        line = line.rstrip()
        if len(line) <= WIDTH:
            out.append(line)
            continue
        indent = " " * (len(line) - len(line.lstrip(" ")))
        out += textwrap.wrap(
            line,
            WIDTH,
            subsequent_indent=indent + "  ",
            break_long_words=False,
            break_on_hyphens=False,
        )
    return out


def one_line(text: str) -> str:
    """User text as one cleaned line (its lines joined by spaces)."""
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


class Console:
    """Standard input and output as lines of text."""

    def __init__(self, ending: Ending, fd_in: int = 0, fd_out: int = 1) -> None:
        self.ending = ending
        self.fd_in = fd_in
        self.fd_out = fd_out
        self.tty = os.isatty(fd_in)
        """Standard input is a terminal (it echoes what is typed); else a pipe or a file,
        whose lines are echoed after the prompt so that the transcript reads whole."""
        self._buffer = b""
        self._eof = False
        self._gone = False

    # -- out ---------------------------------------------------------------------------

    def say(self, text: str = "") -> None:
        """Write *text* (cleaned, wrapped) and a newline."""
        self._write("\n".join(wrapped(text)) + "\n")

    def verbatim(self, text: str) -> None:
        """Write *text* (cleaned) on lines of its own, never wrapped: a command to copy."""
        self._write("".join(visible(line) + "\n" for line in text.split("\n")))

    def _write(self, text: str) -> None:
        if self._gone:
            raise Ended
        data = text.encode("utf-8", "replace")
        try:
            while data:
                data = data[os.write(self.fd_out, data) :]
        except OSError:  # the terminal hung up, or the pipe's reader left
            self._gone = True
            if self.tty:
                raise HungUp(signal.SIGHUP) from None
            raise Ended from None

    # -- in ----------------------------------------------------------------------------

    def ask(self, prompt: str, idle: Idle | None = None) -> str:
        """Write *prompt* and return the line typed (without its newline, control
        characters removed). Raises Ended at the end of input, HungUp on a signal."""
        self._write(visible(prompt))
        while True:
            line = self._take_line()
            if line is not None:
                if not self.tty:
                    self._write(line + "\n")
                return line
            if self._eof:
                self._write("\n")
                raise Ended
            with self.ending.waiting():
                ready, _, _ = select.select(
                    [self.fd_in], [], [], IDLE_SECONDS if idle is not None else None
                )
                if ready:
                    try:
                        data = os.read(self.fd_in, 4096)
                    except OSError:
                        if self.tty:
                            # The terminal hung up: its read fails, sometimes before the
                            # SIGHUP arrives. A hang-up it is, whichever comes first.
                            raise HungUp(signal.SIGHUP) from None
                        data = b""
                    if self.tty and not data:
                        self._hang_up_or_end()
                    self._buffer += data
                    self._eof = not data
                    continue
            told = idle() if idle is not None else []
            if told:  # said on lines of their own, then the question again
                self._write("\n")
                for text in told:
                    self.say(text)
                self._write(visible(prompt))

    def _hang_up_or_end(self) -> None:
        """The terminal read as ended: ctrl+d, or a hang-up whose SIGHUP is on its way (a
        closed terminal can read as ended first). The signal is given a moment to come."""
        deadline = time.monotonic() + HANG_UP_GRACE
        while not self.ending.signum and time.monotonic() < deadline:
            time.sleep(0.01)
        self.ending.check()

    def _take_line(self) -> str | None:
        if b"\n" in self._buffer:
            raw, self._buffer = self._buffer.split(b"\n", 1)
        elif self._eof and self._buffer:
            raw, self._buffer = self._buffer, b""
        else:
            return None
        text = raw.decode("utf-8", "replace").replace("\t", " ")
        return "".join(ch for ch in text if ch.isprintable())

    def discard_typed_ahead(self) -> int:
        """On a terminal, drop what was typed before a question was shown (keys typed
        ahead never answer it); returns how many lines were dropped. From a pipe nothing
        is dropped: its lines are a script."""
        if not self.tty:
            return 0
        dropped = self._buffer.count(b"\n")
        self._buffer = b""
        with contextlib.suppress(termios.error, OSError):
            termios.tcflush(self.fd_in, termios.TCIFLUSH)
        return dropped
