"""Copying from the app, with one notification that says honestly what happened.

The terminal gets the text at once with OSC 52 through the app's driver
(`App.copy_to_clipboard`, which also keeps it in `App.clipboard`), and the file is written
at once. A local clipboard tool (xclip, pbcopy...) can take seconds or hang, so where one can
exist it runs in a thread worker and the notification waits for it.
"""

from __future__ import annotations

from textual.app import App
from textual.notifications import SeverityLevel

from rollback_tui import clipboard
from rollback_tui.clipboard import CopyAttempt, CopyReport

NOTIFY_SECONDS = 12
"""The report names a file to open if nothing pastes: give time to read it."""


def copy_and_report(app: App[object], text: str, what: str) -> None:
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


def _report(app: App[object], report: CopyReport, local: CopyAttempt, what: str) -> None:
    report.attempts.insert(1, local)  # terminal, local clipboard, file: the usual order
    terminal = report.attempt("terminal (OSC 52)")
    severity: SeverityLevel
    if not report.used:
        title, severity = f"Could not copy {what}", "error"
    elif report.size > clipboard.OSC52_WARN_BYTES or terminal is None or not terminal.ok:
        title, severity = f"Copied {what}, with a warning", "warning"
    else:
        title, severity = f"Copied {what}", "information"
    app.notify("\n".join(report.lines()), title=title, severity=severity,
               timeout=NOTIFY_SECONDS, markup=False)
