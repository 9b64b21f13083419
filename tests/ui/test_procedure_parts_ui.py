"""Immediate containment and the restore steps in the wizard at 80×24 (rows added,
removed, the defaults brought back to an empty part, the restore steps shown with Option B)
and in checklist mode (their own groups, ticked like the options')."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app_helpers import SIZE
from checklist_helpers import checklist, checklist_app, drawn_heading, focus_item, on_disk
from textual.app import App
from textual.widgets import Button, Input, Select
from wizard_helpers import type_text, until

from rollback_tui import store
from rollback_tui.ui.factory import make_app
from rollback_tui.ui.wizard.wizard_screen import WizardScreen


def wizard(app: App[Any]) -> WizardScreen:
    screen = app.screen
    assert isinstance(screen, WizardScreen)
    return screen


class TestWizard:
    """The Procedure step edits both parts, each step optional and removable."""

    async def test_add_and_remove_containment_steps(self, example_plan: Path) -> None:
        """ctrl+r on the first containment row removes it; ctrl+o adds one with a fresh id;
        ctrl+s writes both to the file."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await wizard(app).show_step("procedure")
            rows = app.screen.query_one("#containment-steps")
            rows.query(Input).first().focus()
            await pilot.press("ctrl+r")
            await pilot.pause()
            assert [i.id for i in app.plan.procedure.containment] == [
                "contain-2",
                "contain-3",
                "contain-4",
            ]
            await pilot.press("ctrl+o")
            await pilot.pause()
            await type_text(pilot, "Drain eu-west")
            added = app.plan.procedure.containment[1]
            assert (added.id, added.text) == ("contain-1", "Drain eu-west")
            await pilot.press("ctrl+s")
            await app.keeper.saves.idle()
        saved = store.load(example_plan).plan.procedure.containment
        assert [i.text for i in saved][:2] == [
            "Throttle: rate-limit checkout requests at the ingress",
            "Drain eu-west",
        ]

    async def test_an_emptied_part_offers_the_defaults(self, example_plan: Path) -> None:
        """Every restore step removed: "+ Add the Rolling defaults" appears, and brings
        back the rolling platform's four steps with their commands."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await wizard(app).show_step("procedure")
            button = app.screen.query_one("#restore-defaults", Button)
            assert not button.display
            rows = app.screen.query_one("#restore-steps")
            for _ in range(4):
                rows.query(Input).first().focus()
                await pilot.press("ctrl+r")
                await pilot.pause()
            assert app.plan.procedure.restore == []
            await until(pilot, lambda: button.display)
            assert str(button.label) == "+ Add the Rolling defaults"
            button.focus()
            await pilot.press("enter")
            await pilot.pause()
            restore = app.plan.procedure.restore
            assert [i.text.split(" ")[0] for i in restore] == [
                "Revert",
                "Restart",
                "Purge",
                "Flush",
            ]
            assert all(i.command for i in restore)
            assert not button.display
            assert app.keeper.dirty

    async def test_restore_steps_show_with_option_b(self, example_plan: Path) -> None:
        """Option A only hides the restore steps, as it hides Option B; both shows them."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await wizard(app).show_step("procedure")
            part = app.screen.query_one("#part-restore")
            select = app.screen.query_one("#choice", Select)
            select.value = "a"
            await until(pilot, lambda: not part.display)
            assert app.screen.query_one("#part-containment").display
            select.value = "both"
            await until(pilot, lambda: part.display)


class TestChecklist:
    """Both parts are groups of their own, ticked like the others."""

    async def test_containment_is_first_and_ticks(self, example_plan: Path) -> None:
        """The first step is contain-1: space ticks it, saved with who; its group counts it."""
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert [g.key for g in checklist(app).view.groups][:4] == [
                "containment",
                "option-a",
                "option-b",
                "restore",
            ]
            await pilot.press("space")
            await app.keeper.saves.idle()
            assert "1/4" in drawn_heading(app, "containment")
        item = on_disk(example_plan).item("contain-1")
        assert item is not None and item.done and item.done_by == "sam"

    async def test_restore_steps_are_skipped_with_a_reason(self, example_plan: Path) -> None:
        """s on a restore step ("as required": not needed this time) asks why and records it."""
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await focus_item(pilot, "restore-4")
            await pilot.press("s")
            await type_text(pilot, "no CDN change")
            await pilot.press("enter")
            await app.keeper.saves.idle()
            assert "0/4 · 1 skipped" in drawn_heading(app, "restore")
        item = on_disk(example_plan).item("restore-4")
        assert item is not None and (item.state, item.reason) == ("skipped", "no CDN change")
