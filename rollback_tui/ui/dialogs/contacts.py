"""The plan's emergency contacts at a glance, from the checklist: role, name, contact."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from rollback_tui.plan.model import Contact
from rollback_tui.plan.text import visible
from rollback_tui.ui.keys.registry import bindings

NONE = "No emergency contacts in this plan: add them in the wizard (Contacts)."


def contact_lines(contacts: list[Contact]) -> list[str]:
    """One line a contact, in columns (role, name, contact), each value on one line with
    its control characters shown; a value left empty is a dash."""
    rows = [
        [visible(value.strip(), lines=False) or "—" for value in (c.role, c.name, c.contact)]
        for c in contacts
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(2)] if rows else [0, 0]
    return [f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]}" for r in rows]


class ContactsDialog(ModalScreen[None]):
    """Who to reach, as the plan's Emergency Contacts table has them; escape closes."""

    DEFAULT_CSS = """
    ContactsDialog { align: center middle; }
    ContactsDialog > Vertical { width: auto; min-width: 40; max-width: 100%; height: auto;
                                max-height: 90%; border: round $primary; background: $panel;
                                padding: 0 1; }
    ContactsDialog .title { text-style: bold; margin-bottom: 1; }
    ContactsDialog VerticalScroll { height: auto; max-height: 20; width: auto; }
    ContactsDialog .contacts { width: auto; }
    ContactsDialog .hint { color: $text-muted; margin-top: 1; }
    """

    BINDINGS = bindings("contacts")

    def __init__(self, contacts: list[Contact]) -> None:
        super().__init__()
        self.lines = contact_lines(contacts)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Emergency contacts", classes="title", markup=False)
            with VerticalScroll():
                text = "\n".join(self.lines) if self.lines else NONE
                yield Static(Content(text), classes="contacts", markup=False)
            yield Static("escape closes", classes="hint", markup=False)
