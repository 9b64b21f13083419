"""The emergency contacts at one key in checklist mode: every role, name and way to reach
them, as typed (never markup, control characters shown), closed with escape."""

from __future__ import annotations

from pathlib import Path

from checklist_helpers import checklist_app, focused_id, on_disk
from textual.widgets import Static

from rollback_tui import store
from rollback_tui.ui.checklist.checklist_screen import ChecklistScreen
from rollback_tui.ui.dialogs.contacts import ContactsDialog

SIZE = (80, 24)
HOSTILE = "[bold]Sam[/bold] \x1b]0;title\x07"


def shown(app: object) -> str:
    screen = app.screen  # type: ignore[attr-defined]
    return "\n".join(str(s.render()) for s in screen.query(Static))


class TestContactsKey:
    """e in the checklist: the contacts at once, whatever row the cursor is on."""

    async def test_e_shows_every_contact_and_escape_closes(self, example_plan: Path) -> None:
        """Every contact's role, name and contact; escape returns to the same row."""
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("down", "down")
            row = focused_id(app)
            await pilot.press("e")
            await pilot.pause()
            assert isinstance(app.screen, ContactsDialog)
            text = shown(app)
            for contact in store.read_plan(example_plan)[0].contacts:
                for value in (contact.role, contact.name, contact.contact):
                    assert value in text
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, ChecklistScreen) and focused_id(app) == row
        assert on_disk(example_plan).timeline == []  # looking changes nothing

    async def test_in_the_footer(self, example_plan: Path) -> None:
        """The footer at 80 columns shows `e Contacts` whole, clear of the palette's key."""
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            keys = {str(key.render()).strip(): key.region for key in app.screen.query("FooterKey")}
        palette = keys.pop("^p palette")
        assert {"space Done", "s Skip", "f Failed", "c Copy", "u To do", "n Note"} <= set(keys)
        assert {"e Contacts", "^q Quit"} <= set(keys)
        assert all(region.width > 0 and region.right <= palette.x for region in keys.values())

    async def test_text_is_shown_as_typed(self, example_plan: Path) -> None:
        """Markup stays literal and a control character is shown, never sent."""
        plan_file = store.load(example_plan)
        plan_file.plan.contacts[0].name = HOSTILE
        store.save(plan_file)
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("e")
            await pilot.pause()
            text = shown(app)
        assert "[bold]Sam[/bold]" in text and "\x1b" not in text

    async def test_a_plan_without_contacts_says_so(self, example_plan: Path) -> None:
        """No contacts: one line saying where to add them."""
        plan_file = store.load(example_plan)
        plan_file.plan.contacts = []
        store.save(plan_file)
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("e")
            await pilot.pause()
            assert "No emergency contacts" in shown(app)
