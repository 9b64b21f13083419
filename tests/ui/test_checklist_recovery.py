"""Wizard edits kept aside by a hang-up, then the plan run as a checklist: the checklist
opens ready to tick, no tick restores or saves the draft or loses it, and the wizard
(Edit plan) offers it, with the ticks made since kept."""

from __future__ import annotations

from pathlib import Path

from checklist_helpers import checklist, checklist_app, focused_id, notifications, on_disk
from textual.widgets import Button, Input
from wizard_helpers import clear_and_type, until, wait_for

from rollback_tui.store import recovery
from rollback_tui.ui.checklist.checklist_screen import ChecklistScreen
from rollback_tui.ui.dialogs.restore import RestoreDialog
from rollback_tui.ui.factory import make_app
from rollback_tui.ui.wizard.wizard_screen import WizardScreen

SIZE = (80, 24)
DRAFT = "Draft typed in the wizard"


async def hang_up_with_a_draft(plan: Path) -> None:
    """`edit plan.toml`, a title typed, then the terminal gone: the draft kept aside."""
    app = make_app(plan, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, "#title")
        app.query_one("#title", Input).focus()
        await clear_and_type(pilot, DRAFT)
        app.keeper._hung_up(1)
        assert app.keeper._hang_up.done.wait(2)
        await pilot.pause()
    kept = recovery.RecoveryFile.for_plan(plan).read()
    assert kept is not None and DRAFT in kept.text


def kept_draft(plan: Path) -> str:
    kept = recovery.RecoveryFile.for_plan(plan).read()
    return kept.text if kept is not None else ""


class TestChecklistOverAKeptDraft:
    """`run plan.toml` after a wizard hang-up."""

    async def test_opens_ready_to_tick_and_blind_keys_tick(self, example_plan: Path) -> None:
        """No dialog: spaces and enter typed blind tick steps; the draft is neither saved
        into the plan nor lost, and a line says where it is."""
        await hang_up_with_a_draft(example_plan)
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("space", "space", "enter")
            await until(
                pilot,
                lambda: focused_id(app) == "contain-4" and "kept" in notifications(app),
                timeout=10,
            )
            await app.keeper.saves.idle()
            assert isinstance(app.screen, ChecklistScreen)
            assert focused_id(app) == "contain-4"
            assert "Edit plan" in notifications(app) and "kept" in notifications(app)
        plan = on_disk(example_plan)
        assert plan.title == "Checkout v2"
        first = ("contain-1", "contain-2", "contain-3", "contain-4")
        assert [i for i in first if plan.item(i).done] == [  # type: ignore[union-attr]
            "contain-1",
            "contain-2",
            "contain-3",
        ]
        assert f'title = "{DRAFT}"' in kept_draft(example_plan)
        assert recovery.RecoveryFile.for_plan(example_plan).offer() is not None  # next edit

    async def test_a_hang_up_in_the_checklist_keeps_the_draft(self, example_plan: Path) -> None:
        """A tick not yet saved when the terminal goes: saved, and the draft still kept."""
        await hang_up_with_a_draft(example_plan)
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            checklist(app).keeper.saves.join()
            await pilot.press("space")
            app.keeper._hung_up(1)
            assert app.keeper._hang_up.done.wait(2)
            await pilot.pause()
        assert on_disk(example_plan).item("contain-1").done  # type: ignore[union-attr]
        assert f'title = "{DRAFT}"' in kept_draft(example_plan)
        assert recovery.RecoveryFile.for_plan(example_plan).offer() is not None

    async def test_edit_plan_offers_the_draft_with_the_ticks_kept(self, example_plan: Path) -> None:
        """Edit plan from the checklist: the dialog there; restore gives the draft with
        the ticks made in the checklist, and a save writes both."""
        await hang_up_with_a_draft(example_plan)
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("space")
            await app.keeper.saves.idle()
            await pilot.pause()
            await checklist(app).edit_plan()
            await until(pilot, lambda: isinstance(app.screen, RestoreDialog))
            await wait_for(pilot, "#answer-restore")
            app.screen.query_one("#answer-restore", Button).press()
            await until(pilot, lambda: app.plan.title == DRAFT)
            await wait_for(pilot, "#title")
            assert isinstance(app.screen, WizardScreen)
            assert app.screen.query_one("#title", Input).value == DRAFT
            assert app.plan.item("contain-1").done  # type: ignore[union-attr]
            await pilot.press("ctrl+s")
            await app.keeper.saves.idle()
            await pilot.pause()
        plan = on_disk(example_plan)
        assert plan.title == DRAFT and plan.item("contain-1").done  # type: ignore[union-attr]
        assert [(e.event, e.item) for e in plan.timeline] == [("tick", "contain-1")]
        assert kept_draft(example_plan) == ""
