"""Copying from the app, with one notification that says honestly what happened.

The terminal gets the text at once with OSC 52 through the app's driver
(`App.copy_to_clipboard`, which also keeps it in `App.clipboard`), and the file is written
at once. A local clipboard tool (xclip, pbcopy...) can take seconds or hang, so where one can
exist it runs in a thread worker and the notification waits for it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from textual.app import App
from textual.notifications import SeverityLevel

from rollback_tui import clipboard
from rollback_tui.clipboard import CopyAttempt, CopyReport

NOTIFY_SECONDS = 8
"""The report names a file to open if nothing pastes: give time to read it."""


def copy_and_report(app: App[Any], text: str, what: str) -> None:
    """Copy *text* every way that can work here, then notify which ways did.

    *what* names the text for the notification's title ("the plan's Markdown").
    """
    report = clipboard.copy_text(text, via_app=app.copy_to_clipboard, use_pyperclip=False)
    if clipboard.local_clipboard() is None:
        # No display: pyperclip is not tried, the report says why (this returns at once).
        _report(app, report, clipboard.copy_with_pyperclip(text), what)
        return

    def local_copy() -> None:
        attempt = clipboard.copy_with_pyperclip(text)
        app.call_from_thread(_report, app, report, attempt, what)

    app.run_worker(local_copy, name="copy", group="copy", thread=True, exit_on_error=False)


def _report(app: App[Any], report: CopyReport, local: CopyAttempt, what: str) -> None:
    report.attempts.insert(1, local)  # terminal, local clipboard, file: the usual order
    terminal = report.attempt("terminal (OSC 52)")
    severity: SeverityLevel
    if not report.used:
        title, severity = f"Could not copy {what}", "error"
    elif report.size > clipboard.OSC52_WARN_BYTES or terminal is None or not terminal.ok:
        title, severity = f"Copied {what}, with a warning", "warning"
    else:
        title, severity = f"Copied {what}", "information"
    app.notify(brief(report), title=title, severity=severity, timeout=NOTIFY_SECONDS, markup=False)


def brief(report: CopyReport) -> str:
    """The report in a few short lines: where the text went (the file's path, to open if
    nothing pastes), then the two first things to check, if any. A notification stays small
    and leaves the screen under it (a dialog, the checklist) readable."""
    sent = [WAYS.get(a.way, a.way) for a in report.attempts if a.ok and a.path is None]
    path = report.fallback_path
    where = _home(path) if path is not None else ""
    if not report.used:
        failed = next((a for a in report.attempts if not a.ok), None)
        return f"Nothing worked: {failed.detail}" if failed else "Nothing worked."
    if sent:
        first = f"Sent to {' and '.join(sent)}" + (f"; also in {where}" if where else ".")
    else:
        first = f"Only saved in {where}"
    # The two first hints: the tmux setting to change comes first, the size after it.
    return "\n".join([first, *(_short_hint(hint) for hint in report.hints[:2])])


WAYS = {"terminal (OSC 52)": "the terminal", "local clipboard": "the local clipboard"}

SHORT_HINTS = {
    "tmux": "tmux needs `set -s set-clipboard on`",
    "some terminals drop": "Some terminals drop copies this long",
    "GNU screen": "GNU screen drops it: use the file",
    "Terminal.app": "Terminal.app drops it: use the file",
}
"""The hint that `rollback-tui copy` prints in full, in a line a notification at 80
columns holds (40 wide), so that the notification stays clear of a dialog."""


def _short_hint(hint: str) -> str:
    short = next((text for key, text in SHORT_HINTS.items() if key in hint), None)
    if short is not None:
        return short
    hint = re.sub(r"\s*\([^)]*\)", "", hint)
    return hint[:1].upper() + hint[1:]


def _home(path: Path) -> str:
    """*path* with the home folder written ~."""
    try:
        return f"~/{path.relative_to(Path.home())}"
    except ValueError:
        return str(path)
