"""What a command printed, as it is kept: stdout and stderr in the order read, the last
MAX_KEPT bytes of it (with a note of what was cut), cleaned of escape sequences and
control characters and masked (masking.py) before anything shows or writes it."""

from __future__ import annotations

import codecs
import re
import threading
from collections import deque
from collections.abc import Callable

from rollback_tui.commands.masking import Masker
from rollback_tui.plan.text import clean_text

MAX_KEPT = 1024 * 1024
"""The output kept of one run: its last MiB."""
SHOWN_LINES = 500
"""Lines kept for the screen, the newest."""

# Whole escape sequences (CSI, OSC, DCS/PM/APC and two-character ones), removed before
# the lone control characters: "\x1b[31m" leaves nothing, not "[31m".
_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"
    r"|\x1b[@-Z\\-_]"
    r"|\x9b[0-?]*[ -/]*[@-~]"
)


def cleaned(text: str, mask: Masker) -> str:
    """*text* safe to show and to keep: masked, escape sequences and control characters
    removed (a CR becomes a new line), masked again (a secret cut by an escape sequence
    is whole once the sequence is gone)."""
    return mask(clean_text(_SEQUENCE.sub("", mask(text))))


class Captured:
    """The output of one run as it arrives (from the reader thread), and what is shown."""

    def __init__(self, mask: Masker, on_line: Callable[[str], object] | None = None) -> None:
        self.mask = mask
        self.on_line = on_line
        """Told each line, cleaned and masked, as it completes (exec prints it)."""
        self._chunks: deque[bytes] = deque()
        self._kept = 0
        self.total = 0
        """Bytes read in all."""
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._partial = ""
        self._stderr_tail = b""
        self.shown: deque[str] = deque(maxlen=SHOWN_LINES)
        """The newest complete lines, cleaned and masked (the screen's panel)."""
        self.lines = 0
        """Lines shown so far (the screen adds the ones it has not shown yet)."""
        self.lock = threading.Lock()

    def add(self, data: bytes, *, stderr: bool) -> None:
        """Bytes read from the command's stdout or stderr."""
        with self.lock:
            self.total += len(data)
            self._chunks.append(data)
            self._kept += len(data)
            while self._kept - len(self._chunks[0]) >= MAX_KEPT:
                self._kept -= len(self._chunks.popleft())
            if stderr:
                self._stderr_tail = (self._stderr_tail + data)[-4096:]
            text = self._partial + self._decoder.decode(data)
            lines = text.split("\n")
            self._partial = lines.pop()
            if len(self._partial) > 4096:  # a line without end: shown in pieces
                lines.append(self._partial)
                self._partial = ""
            self._show(lines)

    def since(self, seen: int) -> tuple[list[str], int, bool]:
        """The lines shown after the first *seen*, the count now, and whether some were
        dropped between (then the screen starts again from what is kept)."""
        with self.lock:
            new = self.lines - seen
            if new <= len(self.shown):
                return list(self.shown)[len(self.shown) - new :], self.lines, False
            return list(self.shown), self.lines, True

    def _show(self, lines: list[str]) -> None:
        if not lines:
            return
        shown = [cleaned(line, self.mask) for line in lines[-SHOWN_LINES:]]
        self.shown.extend(shown)
        self.lines += len(lines)
        if self.on_line is not None:
            for line in shown:
                self.on_line(line)

    def finish(self) -> None:
        """The command's pipes are closed: its last line without a newline is shown."""
        with self.lock:
            rest = self._partial + self._decoder.decode(b"", final=True)
            self._partial = ""
            self._show([rest] if rest else [])

    def text(self) -> str:
        """The output kept, cleaned and masked."""
        with self.lock:
            data = b"".join(self._chunks)[-MAX_KEPT:]
        return cleaned(data.decode("utf-8", errors="replace"), self.mask)

    def last_stderr_line(self) -> str:
        """The last line the command wrote to stderr that is not blank, cleaned and
        masked ("" if none)."""
        with self.lock:
            tail = self._stderr_tail
        lines = [
            line.strip()
            for line in cleaned(tail.decode("utf-8", errors="replace"), self.mask).splitlines()
        ]
        return next((line for line in reversed(lines) if line), "")[:300]

    @property
    def cut(self) -> int:
        """Bytes of the start of the output not kept."""
        return max(0, self.total - MAX_KEPT)

    def cut_note(self) -> str:
        """The note of what was not kept ("" when all of it was)."""
        if not self.cut:
            return ""
        return (
            f"[output cut: the first {self.cut} of {self.total} bytes are not kept; "
            f"the last {self.total - self.cut} follow]"
        )
