"""Copying text from a terminal that is often remote, inside tmux, with no display.

Three ways, each reported honestly:

1. the terminal, with an OSC 52 escape sequence: from the app through
   `App.copy_to_clipboard` (pass it as `via_app`), on the command line written straight to
   the controlling terminal. Nothing confirms that the terminal accepted it.
2. the local clipboard with pyperclip, tried only where one can exist (a display, macOS,
   Windows), checked by reading it back; its failures are caught.
3. always, a file only the user can read, whose path is reported.

No textual import: the command line uses this module too.
"""

from __future__ import annotations

import base64
import errno
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from rollback_tui.locations import state_dir

DEFAULT_TTY = "/dev/tty"
OSC52_WARN_BYTES = 8 * 1024
"""Above this, warn: some terminals drop OSC 52 payloads longer than a few KB."""
PYPERCLIP_TIMEOUT = 3.0
"""Seconds to wait for the local clipboard tool (xclip, pbcopy...) before giving up."""
FALLBACK_NAME = "last-copy.md"

Status = Literal["ok", "skipped", "failed"]


@dataclass(frozen=True)
class CopyAttempt:
    """One way of copying, and what happened."""

    way: str
    """"terminal (OSC 52)", "local clipboard" or "file"."""
    status: Status
    detail: str
    path: Path | None = None
    """For the file: where the text is."""

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass
class CopyReport:
    """What a copy did: every way tried, the size, and what to check if nothing pastes."""

    size: int
    """The text's size in bytes (UTF-8)."""
    attempts: list[CopyAttempt] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)

    @property
    def used(self) -> bool:
        """At least one way worked (the file counts)."""
        return any(attempt.ok for attempt in self.attempts)

    @property
    def fallback_path(self) -> Path | None:
        """The file holding the text, if it was written."""
        return next((a.path for a in self.attempts if a.ok and a.path is not None), None)

    def attempt(self, way: str) -> CopyAttempt | None:
        """The attempt made the given way, if any."""
        return next((a for a in self.attempts if a.way == way), None)

    def lines(self) -> list[str]:
        """The report for a terminal or a notification: a heading, one line a way, hints."""
        lines = [f"Copying {format_size(self.size)}:"]
        width = max(len(a.status) for a in self.attempts) if self.attempts else 0
        lines += [f"  {a.status:<{width}}  {a.way}: {a.detail}" for a in self.attempts]
        lines += [f"Note: {hint}" for hint in self.hints]
        return lines

    def summary(self) -> str:
        """One line: each way and its outcome (the file's path included)."""
        parts = [
            f"saved in {a.path}" if a.ok and a.path is not None else f"{a.way} {a.status}"
            for a in self.attempts
        ]
        return f"Copy of {format_size(self.size)}: " + "; ".join(parts)


def format_size(size: int) -> str:
    if size < 1024:
        return "1 byte" if size == 1 else f"{size} bytes"
    return f"{size:,} bytes ({size / 1024:.1f} KB)"


# -- 1. the terminal: OSC 52 ---------------------------------------------------------------


def osc52_sequence(text: str) -> str:
    """The OSC 52 "set clipboard" sequence for *text* (base64 of UTF-8, BEL-terminated).

    Not wrapped for tmux: with `set -s set-clipboard on`, tmux forwards the plain sequence.
    """
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return f"\x1b]52;c;{payload}\x07"


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def write_osc52(text: str, tty_path: str | os.PathLike[str] = DEFAULT_TTY) -> CopyAttempt:
    """Write the OSC 52 sequence for *text* to the controlling terminal (*tty_path*)."""
    way = "terminal (OSC 52)"
    try:
        fd = os.open(tty_path, os.O_WRONLY | os.O_NOCTTY | os.O_APPEND)
    except OSError as exc:
        if exc.errno in (errno.ENXIO, errno.ENOENT):
            return CopyAttempt(way, "skipped", f"no controlling terminal ({tty_path})")
        return CopyAttempt(way, "failed", f"cannot open {tty_path}: {exc.strerror or exc}")
    try:
        _write_all(fd, osc52_sequence(text).encode("ascii"))
    except OSError as exc:
        return CopyAttempt(way, "failed", f"cannot write to {tty_path}: {exc.strerror or exc}")
    finally:
        os.close(fd)
    return CopyAttempt(way, "ok", f"sent to {tty_path}; the terminal does not confirm")


def _terminal_attempt(
    text: str,
    via_app: Callable[[str], None] | None,
    osc52_writer: Callable[[str], None] | None,
    tty_path: str | os.PathLike[str],
) -> CopyAttempt:
    way = "terminal (OSC 52)"
    if via_app is None and osc52_writer is None:
        return write_osc52(text, tty_path)
    try:
        if via_app is not None:
            via_app(text)
        else:
            assert osc52_writer is not None
            osc52_writer(osc52_sequence(text))
    except Exception as exc:
        return CopyAttempt(way, "failed", f"{type(exc).__name__}: {exc}")
    return CopyAttempt(way, "ok", "sent to the terminal; the terminal does not confirm")


# -- 2. the local clipboard: pyperclip -----------------------------------------------------


def local_clipboard(
    environ: Mapping[str, str] | None = None, platform: str | None = None
) -> str | None:
    """Which local clipboard can exist here ("macOS", "X11 display :0"...), or None."""
    env = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if platform == "darwin":
        return "macOS"
    if platform in ("win32", "cygwin"):
        return "Windows"
    if env.get("WSL_DISTRO_NAME"):
        return "Windows (WSL)"
    if env.get("WAYLAND_DISPLAY"):
        return f"Wayland display {env['WAYLAND_DISPLAY']}"
    if env.get("DISPLAY"):
        return f"X11 display {env['DISPLAY']}"
    return None


def _first_sentence(message: str) -> str:
    """pyperclip's messages end with a long "For more information" link: keep the point."""
    first = message.strip().split("\n", 1)[0]
    head, dot, _ = first.partition(". ")
    return head + "." if dot else first


def _same_text(pasted: str, text: str) -> bool:
    def norm(value: str) -> str:
        return value.replace("\r\n", "\n").rstrip("\n")

    return pasted == text or norm(pasted) == norm(text)


def copy_with_pyperclip(
    text: str,
    *,
    environ: Mapping[str, str] | None = None,
    platform: str | None = None,
    timeout: float = PYPERCLIP_TIMEOUT,
) -> CopyAttempt:
    """Copy with pyperclip where a local clipboard can exist, then read it back to check."""
    way = "local clipboard"
    where = local_clipboard(environ, platform)
    if where is None:
        return CopyAttempt(way, "skipped", "no display here (DISPLAY and WAYLAND_DISPLAY unset)")
    outcome: list[CopyAttempt] = []

    def attempt() -> None:
        try:
            import pyperclip

            pyperclip.copy(text)
        except Exception as exc:  # pyperclip raises PyperclipException, its tools OSError
            message = _first_sentence(str(exc)) or type(exc).__name__
            outcome.append(CopyAttempt(way, "failed", f"{where}: {message}"))
            return
        try:
            pasted = pyperclip.paste()
        except Exception:
            outcome.append(CopyAttempt(way, "ok", f"{where}: copied (could not read it back)"))
            return
        if _same_text(pasted, text):
            outcome.append(CopyAttempt(way, "ok", f"{where}: copied and read back"))
        else:
            outcome.append(
                CopyAttempt(
                    way,
                    "failed",
                    f"{where}: the clipboard tool reported no error, but the "
                    "clipboard does not hold the text",
                )
            )

    worker = threading.Thread(target=attempt, name="rollback-tui-pyperclip", daemon=True)
    worker.start()
    worker.join(timeout)
    if not outcome:
        return CopyAttempt(way, "failed", f"{where}: no answer within {timeout:g} s")
    return outcome[0]


# -- 3. the file ---------------------------------------------------------------------------


def _write_private(folder: Path, text: str) -> Path:
    """*text* in folder/last-copy.md, readable by the user only, replaced atomically."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{FALLBACK_NAME}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        target = folder / FALLBACK_NAME
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _write_temp(text: str) -> Path:
    fd, name = tempfile.mkstemp(prefix="rollback-tui-copy-", suffix=".md")  # mode 0600
    with os.fdopen(fd, "wb") as handle:
        handle.write(text.encode("utf-8"))
    return Path(name)


def write_fallback(text: str, fallback_dir: Path | None = None) -> CopyAttempt:
    """Always keep a copy in a file (mode 0600): the state folder, else the temp folder."""
    way = "file"
    folder = state_dir() if fallback_dir is None else Path(fallback_dir)
    try:
        path = _write_private(folder, text)
    except OSError as first:
        try:
            path = _write_temp(text)
        except OSError as exc:
            return CopyAttempt(
                way,
                "failed",
                f"cannot write in {folder} ({first.strerror}) "
                f"nor in the temp folder ({exc.strerror})",
            )
    return CopyAttempt(way, "ok", str(path), path=path)


# -- together ------------------------------------------------------------------------------


def copy_hints(
    size: int, terminal: CopyAttempt | None, environ: Mapping[str, str] | None = None
) -> list[str]:
    """What to check if nothing pastes, for this size and this terminal."""
    env = os.environ if environ is None else environ
    hints: list[str] = []
    if terminal is None or terminal.status != "ok":
        return hints
    # tmux first: its default (set-clipboard external) drops what the app sends, and the
    # fix is one setting. $TMUX is set inside tmux; over SSH from a tmux pane only TERM
    # comes along (tmux's own, or "screen", which GNU screen also uses: it sets $STY).
    if env.get("TMUX"):
        hints.append("in tmux, this needs `set -s set-clipboard on` (in ~/.tmux.conf).")
    elif env.get("TERM", "").startswith(("tmux", "screen")) and not env.get("STY"):
        hints.append("tmux where you connect from needs `set -s set-clipboard on` there.")
    if size > OSC52_WARN_BYTES:
        hints.append(
            f"some terminals drop OSC 52 payloads this long ({size / 1024:.0f} KB): use the file."
        )
    if env.get("STY"):
        hints.append("GNU screen does not pass OSC 52 on to the terminal: use the file.")
    if env.get("TERM_PROGRAM") == "Apple_Terminal":
        hints.append("macOS Terminal.app has no OSC 52: use the local clipboard or the file.")
    return hints


def copy_text(
    text: str,
    *,
    via_app: Callable[[str], None] | None = None,
    osc52_writer: Callable[[str], None] | None = None,
    tty_path: str | os.PathLike[str] = DEFAULT_TTY,
    fallback_dir: Path | None = None,
    use_pyperclip: bool = True,
    environ: Mapping[str, str] | None = None,
    platform: str | None = None,
) -> CopyReport:
    """Copy *text* every way that can work here, and report each outcome.

    The terminal gets OSC 52 from `via_app` (the app's `copy_to_clipboard`; from a worker
    thread wrap it in `app.call_from_thread`), else from `osc52_writer` (given the whole
    sequence), else written to *tty_path*. Blocks for at most `PYPERCLIP_TIMEOUT` seconds on
    the local clipboard, so the app should call this from a thread worker.
    """
    report = CopyReport(size=len(text.encode("utf-8")))
    terminal = _terminal_attempt(text, via_app, osc52_writer, tty_path)
    report.attempts.append(terminal)
    if use_pyperclip:
        report.attempts.append(copy_with_pyperclip(text, environ=environ, platform=platform))
    report.attempts.append(write_fallback(text, fallback_dir))
    report.hints = copy_hints(report.size, terminal, environ)
    return report
