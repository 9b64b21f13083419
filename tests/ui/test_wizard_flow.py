"""The wizard as an engineer moves through it: a draft until saved however it was reached,
findings that lead to their exact field, and Save as / Open that never replace by default."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from app_helpers import SIZE, run_from_palette
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select, Static
from textual.widgets._toast import Toast
from wizard_helpers import type_text, until

from rollback_tui.plan import ChecklistItem, DeploymentType, new_component, new_plan
from rollback_tui.ui.checklist.checklist_screen import ChecklistScreen
from rollback_tui.ui.dialogs.ask_path import AskPath
from rollback_tui.ui.dialogs.choice import Choice
from rollback_tui.ui.dialogs.note import NoteDialog
from rollback_tui.ui.dialogs.path_input import complete_path, free_name
from rollback_tui.ui.factory import make_app
from rollback_tui.ui.wizard.fields import FieldInput, FieldText
from rollback_tui.ui.wizard.wizard_screen import WizardScreen

T0 = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)


def stamps(*paths: Path) -> list[tuple[int, bytes] | None]:
    """Each file's modification time and contents (None if absent)."""
    return [(p.stat().st_mtime_ns, p.read_bytes()) if p.exists() else None for p in paths]


class TestEditPlanFromTheChecklist:
    """`run`, then Edit plan: the wizard is a draft until ctrl+s; ticks are saved at once."""

    async def test_typing_writes_nothing_marks_unsaved_and_quit_asks(
        self, example_plan: Path
    ) -> None:
        """Keys typed in the wizard opened from the checklist leave the files alone."""
        app = make_app(example_plan, mode="run", by="sam", cursor_blink=False)
        app.keeper.clock = lambda: T0
        markdown = example_plan.with_suffix(".md")
        backup = example_plan.with_name(example_plan.name + ".bak")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("space")  # a tick: saved at once
            await pilot.pause()
            item = app.keeper.plan_file.plan.item("contain-1")
            assert item is not None and item.done
            assert 'id = "contain-1"' in example_plan.read_text()
            assert "done = true" in example_plan.read_text()
            await run_from_palette(pilot, "edit plan", "Edit plan")
            await until(pilot, lambda: isinstance(app.screen, WizardScreen))
            before = stamps(example_plan, markdown, backup)
            await pilot.press("end")
            await type_text(pilot, " draft")
            await pilot.pause(1.5)  # longer than the checklist's check of the file
            await type_text(pilot, "s")
            await pilot.pause(1.5)
            assert app.plan.title == "Checkout v2 drafts"
            assert stamps(example_plan, markdown, backup) == before
            assert app.keeper.dirty
            assert "unsaved" in app.sub_title
            await pilot.press("ctrl+q")
            await pilot.pause()
            assert isinstance(app.screen, Choice)
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press("ctrl+s")
            await until(pilot, lambda: not app.keeper.dirty)
            assert "Checkout v2 drafts" in example_plan.read_text()
            await run_from_palette(pilot, "run checklist", "Run checklist")
            await until(pilot, lambda: isinstance(app.screen, ChecklistScreen))
            assert len(app.screen_stack) == 1


class TestFindingsLeadToTheirField:
    """Enter on a Review finding puts the cursor in that exact field, row included."""

    async def test_each_finding_focuses_its_own_row_and_column(self, example_plan: Path) -> None:
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
                pane = screen.pane(screen.current)

                def shown(field: FieldInput | FieldText = field, pane: Any = pane) -> bool:
                    return bool(field.region.height) and pane.region.contains(
                        field.region.x, field.region.y
                    )

                # Scrolled to it once the step is laid out (a loaded machine may need a while).
                await until(pilot, shown)

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
            assert field.parent is not None and field.parent.parent is not None
            holder = field.parent.parent
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
        monkeypatch.setenv(
            "ROLLBACK_TUI_STATE_DIR", str(tmp_path / ".local" / "state" / "rollback-tui")
        )
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
                "tmux needs `set -s set-clipboard on`",
            ]
            # The toast is drawn over the dialog's screen once it is laid out.
            await until(
                pilot, lambda: [t for t in app.screen.query(Toast) if t.region.area], timeout=10
            )
            toasts = list(app.screen.query(Toast))
            assert toasts
            box = app.screen.query_one("NoteDialog > Vertical").region
            for toast in toasts:
                assert not toast.region.overlaps(box), (toast.region, box)


class TestWording:
    """One wording for removals; counts in the right number."""

    async def test_removing_a_contact_and_a_component_read_alike(self, example_plan: Path) -> None:
        """ctrl+r on a contact and on a component: "Removed <noun> <n>: <what it was>."."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, WizardScreen)
            await screen.show_step("contacts", where="contacts[2].name")

            def told() -> list[str]:
                return [n.message for n in app._notifications if n.message.startswith("Removed")]

            await pilot.press("ctrl+r")
            await until(pilot, lambda: len(told()) == 1)  # the removal awaits its row's end
            await screen.show_step("components")
            await pilot.press("down", "ctrl+r")
            await until(pilot, lambda: len(told()) == 2)
            messages = told()
        assert messages == [
            "Removed contact 3: Lee Wong.",
            "Removed component 2: payments-worker.",
        ]

    async def test_review_counts_one_finding_in_the_singular(self, example_plan: Path) -> None:
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


def path_field(app: App[Any]) -> Input:
    assert isinstance(app.screen, AskPath), app.screen
    return app.screen.query_one("#path", Input)


def dialog_error(app: App[Any]) -> str:
    return str(app.screen.query_one(".error", Static).render())


async def type_path(pilot: Pilot[Any], text: str) -> None:
    await pilot.press("end", "shift+home", "backspace")
    await pilot.press(*text)


class TestSaveAs:
    """Save as never replaces a plan by default, and keeps the dialog when it fails."""

    async def test_bare_start_proposes_a_free_name(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """In a folder with plan.toml, a new plan's Save as proposes plan-2.toml."""
        (tmp_path / "plan.toml").write_text("x")
        monkeypatch.chdir(tmp_path)
        app = make_app(None, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert path_field(app).value == "plan-2.toml"
            await pilot.press("enter")
            await until(pilot, lambda: not app.keeper.dirty and not app.keeper.untitled)
        assert (tmp_path / "plan.toml").read_text() == "x"
        assert (tmp_path / "plan-2.toml").exists()

    async def test_two_enters_keep_the_existing_plan(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Typing an existing plan's name, Enter, Enter: Keep it is the default; the dialog
        is back with the path as typed."""
        existing = tmp_path / "plan.toml"
        existing.write_text("precious")
        monkeypatch.chdir(tmp_path)
        app = make_app(None, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("ctrl+s")
            await pilot.pause()
            await type_path(pilot, "plan.toml")
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, Choice)
            assert app.focused is not None and app.focused.id == "answer-cancel"
            await pilot.press("enter")
            await pilot.pause()
            assert path_field(app).value == "plan.toml"
            assert existing.read_text() == "precious"
            assert app.keeper.untitled
            # Replace, chosen on purpose, does replace it.
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press("tab", "enter")
            await until(pilot, lambda: not app.keeper.untitled)
            assert not isinstance(app.screen, AskPath | Choice)
        assert "schema_version" in existing.read_text()

    async def test_a_failed_save_keeps_the_dialog_and_the_path(self, tmp_path: Path) -> None:
        """A path below a file cannot be written: the error shows in the dialog."""
        (tmp_path / "notes.txt").write_text("n")
        app = make_app(None, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("ctrl+s")
            await pilot.pause()
            typed = str(tmp_path / "notes.txt" / "plan.toml")
            await type_path(pilot, typed)
            await pilot.press("enter")
            await pilot.pause()
            assert path_field(app).value == typed
            assert "notes.txt" in dialog_error(app)
            assert app.keeper.untitled

    async def test_missing_folders_are_created_after_asking(self, tmp_path: Path) -> None:
        """Save as into a folder that does not exist asks, then creates it and saves."""
        app = make_app(None, cursor_blink=False)
        target = tmp_path / "team" / "svc" / "plan.toml"
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("ctrl+s")
            await pilot.pause()
            await type_path(pilot, str(target))
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, Choice)
            assert "does not exist" in app.screen.question
            assert not target.parent.exists()
            await pilot.press("enter")
            await until(pilot, lambda: not app.keeper.untitled)
        assert target.exists() and target.with_suffix(".md").exists()

    async def test_declining_the_folder_keeps_the_dialog(self, tmp_path: Path) -> None:
        app = make_app(None, cursor_blink=False)
        target = tmp_path / "team" / "plan.toml"
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("ctrl+s")
            await pilot.pause()
            await type_path(pilot, str(target))
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
            assert path_field(app).value == str(target)
            assert not target.parent.exists()


class TestOpen:
    """An error in Open keeps the dialog and the typed path."""

    async def test_missing_plan_error_shows_in_the_dialog(self, example_plan: Path) -> None:
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            app.action_open()
            await pilot.pause()
            typed = str(example_plan.parent / "nope.toml")
            await type_path(pilot, typed)
            await pilot.press("enter")
            await pilot.pause()
            assert path_field(app).value == typed
            assert "nope.toml" in dialog_error(app)
            await type_path(pilot, str(example_plan))
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, WizardScreen)


class TestPathCompletion:
    """Tab in a path field completes names as a shell does."""

    def test_unique_and_common_prefixes(self, tmp_path: Path) -> None:
        (tmp_path / "plan.toml").write_text("")
        (tmp_path / "plans").mkdir()
        (tmp_path / "other.toml").write_text("")
        (tmp_path / ".hidden.toml").write_text("")
        base = f"{tmp_path}/"
        assert complete_path(base + "o") == (base + "other.toml", ["other.toml"])
        assert complete_path(base + "p") == (base + "plan", ["plan.toml", "plans/"])
        assert complete_path(base + "plans") == (base + "plans/", ["plans/"])
        assert complete_path(base + "x") == (base + "x", [])
        assert complete_path(base + ".h") == (base + ".hidden.toml", [".hidden.toml"])
        assert complete_path(str(tmp_path / "missing" / "a")) == (
            str(tmp_path / "missing" / "a"),
            [],
        )

    def test_free_name(self, tmp_path: Path) -> None:
        assert free_name(tmp_path) == "plan.toml"
        (tmp_path / "plan.toml").write_text("")
        (tmp_path / "plan-2.toml").write_text("")
        assert free_name(tmp_path) == "plan-3.toml"

    async def test_tab_in_the_dialog_completes_then_shows_candidates(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        (tmp_path / "checkout.toml").write_text("")
        (tmp_path / "plans").mkdir()
        (tmp_path / "plans" / "a.toml").write_text("")
        (tmp_path / "plans" / "b.toml").write_text("")
        monkeypatch.chdir(tmp_path)
        app = make_app(None, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("ctrl+s")
            await pilot.pause()
            await type_path(pilot, "ch")
            await pilot.press("tab")
            assert path_field(app).value == "checkout.toml"
            await type_path(pilot, "pl")
            await pilot.press("tab")
            assert path_field(app).value == "plans/"
            await pilot.press("tab")
            await pilot.pause()
            assert path_field(app).value == "plans/"
            shown = str(app.screen.query_one(".candidates", Static).render())
            assert shown == "a.toml  b.toml"
            assert isinstance(app.focused, Input)


def steps_of(items: list[ChecklistItem]) -> list[tuple[str, str | None]]:
    return [(item.text, item.command) for item in items]


class TestBasicsChoicesFollow:
    """Deployment type and database impact: untouched defaults follow, edits stay."""

    async def test_untouched_defaults_follow_as_new_would_write_them(self, tmp_path: Path) -> None:
        """Rolling -> Canary, then database impact Yes: Option B, the components' steps and
        the assumptions are what `new --deployment-type canary --db-impact yes` writes."""
        app = make_app(tmp_path / "new.toml", cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, WizardScreen)
            plan = app.plan
            plan.components.append(new_component(plan, "api"))
            await screen.show_step("procedure")  # built before the choice changes
            await pilot.pause()
            health = plan.procedure.option_b[-1].id
            await screen.show_step("basics")
            screen.query_one("#deployment-type", Select).value = "canary"
            await pilot.pause()
            screen.query_one("#db-impact", Select).value = True
            await pilot.pause()
            expected = new_plan(
                deployment_type=DeploymentType.CANARY, db_impact=True, components=["api"]
            )
            assert steps_of(plan.procedure.option_b) == steps_of(expected.procedure.option_b)
            assert steps_of(plan.components[0].steps) == steps_of(expected.components[0].steps)
            assert plan.assumptions == expected.assumptions
            assert plan.procedure.option_b[-1].id == health  # kept: the same step
            assert len(plan.used_ids()) == len(list(plan.checklist()))
            screen.run_lint()
            assert not [f for f in screen.findings if "database impact" in f.message]
            await screen.show_step("procedure")
            await pilot.pause()
            commands = [
                f.value for f in screen.query("#option-b-steps .item-command").results(FieldInput)
            ]
            assert commands == [c or "" for _, c in steps_of(expected.procedure.option_b)]
            await screen.show_step("assumptions")
            await pilot.pause()
            shown = screen.query_one("#assumptions-migrations", FieldText).text
            assert shown == expected.assumptions.migrations

    async def test_edited_text_is_kept_said_and_checked(self, tmp_path: Path) -> None:
        """An edited Option B command and an edited assumption stay as written; a
        notification names them, and check flags the contradiction."""
        app = make_app(tmp_path / "new.toml", cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, WizardScreen)
            plan = app.plan
            await screen.show_step("procedure", where="procedure.option_b[0].command")
            await pilot.press("end")
            await type_text(pilot, " --kube-context prod")
            await pilot.pause()
            edited = plan.procedure.option_b[0].command
            assert edited is not None and edited.endswith("--kube-context prod")
            plan.assumptions.migrations = "We ship no migrations in this release."
            await screen.show_step("basics")
            screen.query_one("#deployment-type", Select).value = "canary"
            await pilot.pause()
            screen.query_one("#db-impact", Select).value = True
            await pilot.pause()
            assert plan.procedure.option_b[0].command == edited
            assert plan.assumptions.migrations == "We ship no migrations in this release."
            assert "Pause Argo CD auto-sync so it does not re-apply the release" in [
                i.text for i in plan.procedure.option_b
            ]
            kept = [n.message for n in app._notifications if n.title == "Edited text kept"]
            assert any("Option B step 1" in m for m in kept)
            assert any("the migration reversibility assumption" in m for m in kept)
            screen.run_lint()
            assert [f.where for f in screen.findings if "database impact is yes" in f.message] == [
                "assumptions.migrations"
            ]


class TestStepFindings:
    """A step's findings about its rows: each names its place, three at most, then a count."""

    async def test_procedure_findings_name_option_and_step_in_a_few_lines(
        self, example_plan: Path
    ) -> None:
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, WizardScreen)
            for item in app.plan.procedure.option_b[:5]:
                item.command = "helm rollback <release>"
            screen.run_lint()
            await screen.show_step("procedure")
            await pilot.pause()
            text = str(screen.query_one("#procedure .step-findings", Static).render())
            assert text.splitlines() == [
                "• Option B step 1 command: placeholder <release> is still to be filled in",
                "• Option B step 2 command: placeholder <release> is still to be filled in",
                "• Option B step 3 command: placeholder <release> is still to be filled in",
                "… 2 more — see Review",
            ]
