"""What the checklist says of what the run session heard: a notification's text, title
and severity for each event told to the user (the rest the screen shows in place)."""

from __future__ import annotations

from textual.notifications import SeverityLevel

from rollback_tui.run import events
from rollback_tui.store import sync

Notice = tuple[str, str, SeverityLevel]
"""A notification: its message, title and severity."""


def notice(event: events.RunEvent) -> Notice | None:
    """The notification for *event*, if it has one."""
    match event:
        case events.NotSaved(message=message):
            kept = "Your ticks are kept here and saved as soon as the file can be used again."
            return f"{message}\n{kept}", "Not saved", "error"
        case events.Merged(summary=summary, file_name=name):
            return sync.merge_message(name, summary), "Merged", "information"
        case events.SavedPartly(message=message):  # the ticks are in plan.toml: say what is not
            return message, "Saved, Markdown not written", "warning"
        case events.DrillNotRecorded(message=message):
            kept = "The drill's run file keeps every step."
            return f"{message}\n{kept}", "Drill not recorded in the plan", "error"
    return None
