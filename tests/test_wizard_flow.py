"""The wizard as an engineer moves through it: a draft until saved however it was reached,
findings that lead to their exact field, and Save as / Open that never replace by default."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList
from textual.widgets._toast import Toast
from wizard_helpers import type_text, until

from rollback_tui.ui.factory import make_app
from rollback_tui.ui.screens.checklist import ChecklistScreen
from rollback_tui.ui.screens.dialogs import Choice, NoteDialog
from rollback_tui.ui.screens.wizard import WizardScreen
from rollback_tui.ui.widgets.fields import FieldInput, FieldText

SIZE = (80, 24)
T0 = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)


def stamps(*paths: Path) -> list[tuple[int, bytes] | None]:
    """Each file's modification time and contents (None if absent)."""
    return [(p.stat().st_mtime_ns, p.read_bytes()) if p.exists() else None for p in paths]


async def open_palette_entry(pilot: Pilot, name: str) -> None:
    await pilot.press("ctrl+p")
    await type_text(pilot, name)
    await pilot.pause(0.5)
    await pilot.press("enter")
    await pilot.pause()


class TestEditPlanFromTheChecklist:
    """`run`, then Edit plan: the wizard is a draft until ctrl+s; ticks are saved at once."""

    async def test_typing_writes_nothing_marks_unsaved_and_quit_asks(self, example_plan: Path
                                                                     ) -> None:
        """Keys typed in the wizard opened from the checklist leave the files alone."""
        app = make_app(example_plan, mode="run", by="sam", cursor_blink=False)
        app.clock = lambda: T0
        markdown = example_plan.with_suffix(".md")
        backup = example_plan.with_name(example_plan.name + ".bak")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("space")  # a tick: saved at once
            await pilot.pause()
            item = app.plan_file.plan.item("a-1")
            assert item is not None and item.done
            assert 'id = "a-1"' in example_plan.read_text()
            assert "done = true" in example_plan.read_text()
            await open_palette_entry(pilot, "edit plan")
            assert isinstance(app.screen, WizardScreen)
            before = stamps(example_plan, markdown, backup)
            await pilot.press("end")
            await type_text(pilot, " draft")
            await pilot.pause(1.5)  # longer than the checklist's check of the file
            await type_text(pilot, "s")
            await pilot.pause(1.5)
            assert app.plan.title == "Checkout v2 drafts"
            assert stamps(example_plan, markdown, backup) == before
            assert app.dirty
            assert "unsaved" in app.sub_title
            await pilot.press("ctrl+q")
            await pilot.pause()
            assert isinstance(app.screen, Choice)
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press("ctrl+s")
            await until(pilot, lambda: not app.dirty)
            assert "Checkout v2 drafts" in example_plan.read_text()
            await open_palette_entry(pilot, "run checklist")
            assert isinstance(app.screen, ChecklistScreen)
            assert len(app.screen_stack) == 1


class TestFindingsLeadToTheirField:
    """Enter on a Review finding puts the cursor in that exact field, row included."""

    async def test_each_finding_focuses_its_own_row_and_column(self, example_plan: Path
                                                               ) -> None:
        """Contacts, Option B commands, a component's step, a follow-up action, an empty
        list: each finding's field, not the step's first one."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            plan = app.plan
            plan.contacts[2].contact = ""
            plan.procedure.option_b[0].command = "helm history <release>"
            plan.components[1].steps[1].text = ""
            plan.followup.items[2].text = "Ship [Fix] soon"
            plan.triggers[3].threshold = ""
            expected = {
                "contacts[2].contact": (plan.contacts[2], "contact"),
                "procedure.option_b[0].command": (plan.procedure.option_b[0], "command"),
                "components[1].steps[1].text": (plan.components[1].steps[1], "text"),
                "followup.items[2].text": (plan.followup.items[2], "text"),
                "triggers[3].threshold": (plan.triggers[3], "threshold"),
            }
            screen = app.screen
            assert isinstance(screen, WizardScreen)
            screen.run_lint()
            wheres = [f.where for f in screen.findings]
            assert sorted(wheres) == sorted(expected)
            for where, (target, attr) in expected.items():
                await screen.show_step("review")
                await pilot.pause()
                findings = screen.query_one("#review-findings", OptionList)
                findings.focus()
                findings.highlighted = wheres.index(where)
                await pilot.press("enter")
                await pilot.pause()
                field = app.focused
                assert isinstance(field, FieldInput | FieldText), where
                assert field.target is target and field.attr == attr, where
                assert field.region.height and screen.pane(screen.current).region.contains(
                    field.region.x, field.region.y), where

    async def test_an_empty_option_focuses_its_add_button(self, example_plan: Path) -> None:
        """Option B with no steps: Enter goes to its "+ Add step"."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            app.plan.procedure.option_b.clear()
            screen = app.screen
            assert isinstance(screen, WizardScreen)
            await screen.show_step("procedure", where="procedure.option_b")
            await pilot.pause()
            assert app.focused is not None and app.focused.has_class("row-add")
            assert app.focused in screen.query_one("#option-b-steps").query("*")


class TestUnsetInputsInTheWizard:
    """An empty Current version looks empty, and says where $VERSION is used."""

    async def test_empty_current_version_does_not_look_filled(self, tmp_path: Path) -> None:
        """Its placeholder says it is not set (no `$VERSION`), and its finding is under it."""
        app = make_app(tmp_path / "new.toml", cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            field = app.screen.query_one("#version", FieldInput)
            assert field.value == ""
            shown = "".join(s.text for s in field.render_line(0))
            assert "$" not in shown and "not set" in shown
            await until(pilot, lambda: bool(app.screen.query(".field-message.-shown")))
            holder = field.parent.parent  # type: ignore[union-attr]
            message = holder.query_one(".field-message").render()
            assert "$VERSION is used in" in str(message)


class TestCopyNotification:
    """The copy report is a line or two, and leaves a dialog opened after it readable."""

    async def test_copy_then_note_the_dialog_stays_uncovered(
        self, example_plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """c (copy the command) then n (a note), in tmux, at 80×24: the notification is two
        lines and does not overlap the Note dialog."""
        for name in ("DISPLAY", "WAYLAND_DISPLAY", "STY", "TERM_PROGRAM"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("TMUX", "/tmp/tmux-1000/default,42,0")
        # The copy's file where it usually is: ~/.local/state/rollback-tui/last-copy.md
        monkeypatch.setenv("HOME", str(tmp_path))
        monkeypatch.setenv("ROLLBACK_TUI_STATE_DIR",
                           str(tmp_path / ".local" / "state" / "rollback-tui"))
        app = make_app(example_plan, mode="run", by="sam", cursor_blink=False)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await pilot.pause()
            await pilot.press("c")
            await until(pilot, lambda: bool(app._notifications))
            await pilot.press("n")
            await pilot.pause()
            assert isinstance(app.screen, NoteDialog)
            (note,) = [n for n in app._notifications if n.title.startswith("Copied")]
            assert note.message.splitlines() == [
                "Sent to the terminal; also in ~/.local/state/rollback-tui/last-copy.md",
                "In tmux, this needs `set -s set-clipboard on`."]
            await pilot.pause(0.3)
            toasts = list(app.screen.query(Toast))
            assert toasts
            box = app.screen.query_one("NoteDialog > Vertical").region
            for toast in toasts:
                assert not toast.region.overlaps(box), (toast.region, box)


class TestWording:
    """One wording for removals; counts in the right number."""

    async def test_removing_a_contact_and_a_component_read_alike(self, example_plan: Path
                                                                  ) -> None:
        """ctrl+r on a contact and on a component: "Removed <noun> <n>: <what it was>."."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, WizardScreen)
            await screen.show_step("contacts", where="contacts[2].name")
            await pilot.press("ctrl+r")
            await pilot.pause()
            await screen.show_step("components")
            await pilot.press("down", "ctrl+r")
            await pilot.pause()
            messages = [n.message for n in app._notifications]
        assert messages[-2:] == ["Removed contact 3: Lee Wong.",
                                 "Removed component 2: payments-worker."]

    async def test_review_counts_one_finding_in_the_singular(self, example_plan: Path
                                                             ) -> None:
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            app.plan.contacts[1].contact = ""
            screen = app.screen
            assert isinstance(screen, WizardScreen)
            screen.run_lint()
            await screen.show_step("review")
            await pilot.pause()
            summary = screen.query_one("#review-summary").render()
            assert str(summary) == "1 finding (1 error, 0 warnings)"
