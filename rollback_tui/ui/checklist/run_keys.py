"""The checklist's keys for the run as a whole: the incident start, a note, the status
update sent, the focused step's command copied, the emergency contacts. Each asks or
copies what it needs, then tells the run session."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.content import Content

from rollback_tui.run.session import RunSession
from rollback_tui.ui.checklist.checklist_view import ChecklistView
from rollback_tui.ui.copy_notice import copy_and_report
from rollback_tui.ui.dialogs.note import NoteDialog

KEYS_HELP = Content(
    "Keys: space or enter marks done (on a step with an outcome, asks to take it back) · "
    "s skips · f marks failed · u goes to the next open step · c copies the command · "
    "x runs it (asks first; ctrl+c stops it) · d runs its dry run · "
    "i marks the incident start · n adds a note · m drafts the status update · "
    "t shows the timeline · e shows the emergency contacts · ctrl+p for more"
)
"""Below the last group of the checklist."""


class RunKeys:
    """The run's keys, on *session*, in *app* (for dialogs, copies and notifications)."""

    def __init__(self, session: RunSession, app: App[Any]) -> None:
        self.session = session
        self.app = app

    def _tell(self, message: str) -> None:
        self.app.notify(message, markup=False)

    def incident_start(self) -> None:
        """Mark the start of the incident in the timeline (once)."""
        marked = self.session.mark_incident_start()
        started = self.session.plan.incident_started_at
        if not marked:
            self._tell(
                f"The incident start is already marked: {started:%Y-%m-%d %H:%M:%S} "
                "UTC. Add a note (n) to correct it."
            )
            return
        self._tell(f"Incident start marked at {started:%H:%M:%S} UTC.")

    def note(self) -> None:
        """Ask for a note and add it to the timeline."""
        self.app.push_screen(NoteDialog(), self._note_written)

    async def _note_written(self, text: str | None) -> None:
        if text:
            self.session.note(text)

    def send_update(self, title: str, text: str) -> None:
        """Copy a communication template, record "update sent" and restart the clock."""
        copy_and_report(self.app, text, f"the {title}")
        self.session.update_sent(title)

    def copy_command(self, view: ChecklistView) -> None:
        """Copy the focused item's command, with the plan's values filled in."""
        row = view.focused_row()
        if row is None:
            return
        if not row.command:
            self._tell(f"{row.item_id} has no command to copy.")
            return
        copy_and_report(self.app, row.command, f"the command of {row.item_id}")

    def show_contacts(self) -> None:
        """Show the emergency contacts (they come last in the plan): escape closes."""
        from rollback_tui.ui.dialogs.contacts import ContactsDialog

        self.app.push_screen(ContactsDialog(self.session.plan.contacts))
