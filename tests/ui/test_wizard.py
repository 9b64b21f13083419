"""The wizard, driven by keyboard with Pilot: every step, lists, preview, save, quit."""

from __future__ import annotations

import datetime as dt
import gc
from pathlib import Path
from typing import Any

import pytest
from app_helpers import SIZE
from textual import events
from textual.app import App
from textual.widgets import Input, OptionList, Select, TextArea
from wizard_helpers import clear_and_type, focused, tab_to, type_text, until, wait_for

from rollback_tui import store
from rollback_tui.launch_options import Mode
from rollback_tui.plan import new_plan
from rollback_tui.render import render_markdown
from rollback_tui.ui.dialogs.ask_path import AskPath
from rollback_tui.ui.dialogs.choice import Choice
from rollback_tui.ui.factory import make_app
from rollback_tui.ui.wizard.preview import Preview
from rollback_tui.ui.wizard.step_list import StepList
from rollback_tui.ui.wizard.wizard_screen import WizardScreen

HOSTILE = "[bold] [/x] [@click=app.quit]"


def wizard(app: App[Any]) -> WizardScreen:
    screen = app.screen
    assert isinstance(screen, WizardScreen)
    return screen


class TestLaunch:
    """Opening the wizard."""

    async def test_opens_on_basics_with_cursor_in_title(self, example_plan: Path) -> None:
        """The first step is shown and the title field has the cursor."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert wizard(app).current == "basics"
            assert focused(pilot).id == "title"
            assert app.query_one("#title", Input).value == "Checkout v2"

    async def test_new_path_gets_prefilled_plan_and_no_file_until_saved(
        self, tmp_path: Path
    ) -> None:
        """A path that does not exist opens a pre-filled plan; nothing is written yet."""
        target = tmp_path / "new.toml"
        app = make_app(target, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert len(app.plan.triggers) == 8
            assert len(app.plan.contacts) == 3
            assert not target.exists()
            await pilot.press("ctrl+s")
            await app.keeper.saves.idle()  # the save runs in a thread
            await pilot.pause()
        assert store.load(target).plan.triggers == app.plan.triggers
        assert target.with_suffix(".md").exists()

    async def test_unusable_file_is_refused_before_the_app_starts(self, tmp_path: Path) -> None:
        """A broken file raises a PlanFileError naming it (the CLI turns it into exit 2)."""
        broken = tmp_path / "broken.toml"
        broken.write_text("title = \n")
        try:
            make_app(broken)
        except store.PlanFileError as exc:
            assert "broken.toml" in str(exc)
        else:  # pragma: no cover
            raise AssertionError("a broken file was accepted")


class TestFillWholePlan:
    """A whole plan, from a blank start, by keyboard alone."""

    async def test_fill_save_and_reopen(self, tmp_path: Path) -> None:
        """Every step filled with keys; saved with ctrl+s; reopened with every value."""
        app = make_app(None, cursor_blink=False)
        app.plan.created = dt.date(2026, 1, 2)
        async with app.run_test(size=SIZE) as pilot:
            # Basics, in tab order.
            await type_text(pilot, "Search v3")
            await pilot.press("tab")
            await clear_and_type(pilot, "2026-11-22")
            await pilot.press("tab")
            assert focused(pilot).id == "deployment-type"
            await pilot.press("enter", "down", "enter")  # Rolling -> Canary
            await pilot.press("tab")
            assert focused(pilot).id == "incident"
            await type_text(pilot, "Search returns empty results")
            await pilot.press("tab")
            await type_text(pilot, "https://tickets.example.com/INC-7")
            await pilot.press("tab")
            await type_text(pilot, "v3.0.0")
            await pilot.press("tab")
            await type_text(pilot, "v2.9.4")
            await pilot.press("tab")
            assert focused(pilot).id == "db-impact"
            await pilot.press("enter", "down", "enter")  # No -> Yes
            await pilot.press("tab")
            await type_text(pilot, "search_v3")
            # Assumptions: replace the first field.
            await pilot.press("f8")
            assert focused(pilot).id == "assumptions-data_mutations"
            await pilot.press("ctrl+shift+k")  # delete the line
            await type_text(pilot, "Index rebuilt nightly")
            # Triggers: edit the first threshold.
            await pilot.press("f8")
            assert focused(pilot).id is None or isinstance(focused(pilot), Input)
            await pilot.press("tab")
            await clear_and_type(pilot, ">1% errors")
            # Decision criteria.
            await pilot.press("f8")
            await pilot.press("ctrl+shift+k")  # delete the line
            await type_text(pilot, "Any data loss")
            # Procedure: the flag named on Basics made it Options A and B, as `new` does.
            await pilot.press("f8")
            assert focused(pilot).id == "choice"
            assert app.plan.procedure.choice.value == "both"
            # Components: add one and name it.
            await pilot.press("f8")
            await pilot.press("ctrl+o")
            await pilot.pause()
            assert focused(pilot).id == "component-name"
            await clear_and_type(pilot, "search-api")
            # Communications.
            await pilot.press("f8")
            await pilot.press("ctrl+shift+k")  # delete the line
            await type_text(pilot, "Search team")
            # Contacts: name the first one.
            await pilot.press("f8")
            await pilot.press("tab")
            await type_text(pilot, "Ada")
            await pilot.press("tab")
            await type_text(pilot, "@ada")
            # Follow-up: tab past the post-rollback actions to the RCA owner.
            await pilot.press("f8")
            await tab_to(pilot, "rca-owner")
            await type_text(pilot, "Grace")
            await pilot.press("tab")
            await type_text(pilot, "2026-12-01")
            # Review, then save: an untitled plan asks where.
            await pilot.press("f8")
            assert wizard(app).current == "review"
            await pilot.press("ctrl+s")
            await app.keeper.saves.idle()  # the save runs in a thread
            await pilot.pause()
            assert isinstance(app.screen, AskPath)
            await clear_and_type(pilot, str(tmp_path / "search.toml"))
            await pilot.press("enter")
            await pilot.pause()
            assert not app.keeper.dirty
        plan = store.load(tmp_path / "search.toml").plan
        assert plan.title == "Search v3"
        assert plan.created == dt.date(2026, 11, 22)
        assert plan.deployment_type.value == "canary"
        assert plan.incident == "Search returns empty results"
        assert plan.incident_link == "https://tickets.example.com/INC-7"
        assert (plan.version, plan.target_version) == ("v3.0.0", "v2.9.4")
        assert plan.db_impact is True
        assert plan.feature_flag == "search_v3"
        assert plan.assumptions.data_mutations == "Index rebuilt nightly"
        assert plan.triggers[0].threshold == ">1% errors"
        assert plan.decision.severity == "Any data loss"
        assert plan.procedure.choice.value == "both"
        assert [c.name for c in plan.components] == ["search-api"]
        assert plan.components[0].steps[0].text == "Revert to previous state"
        assert plan.communications.stakeholders == "Search team"
        assert (plan.contacts[0].name, plan.contacts[0].contact) == ("Ada", "@ada")
        assert plan.followup.rca_owner == "Grace"
        assert plan.followup.rca_due == dt.date(2026, 12, 1)
        assert (tmp_path / "search.md").read_text().startswith("# Rollback Plan: Search v3")


class TestLists:
    """Adding, deleting and reordering rows with the keyboard."""

    async def test_triggers_add_delete_reorder(self, example_plan: Path) -> None:
        """ctrl+o adds below, alt+up moves up, ctrl+r removes; the plan follows."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await wizard(app).show_step("triggers")
            await pilot.pause()
            names = [t.trigger for t in app.plan.triggers]
            await pilot.press("ctrl+o")
            await pilot.pause()
            await type_text(pilot, "Queue backlog")
            assert [t.trigger for t in app.plan.triggers] == [names[0], "Queue backlog", *names[1:]]
            await pilot.press("alt+up")
            await pilot.pause()
            assert app.plan.triggers[0].trigger == "Queue backlog"
            assert focused(pilot).value == "Queue backlog"  # type: ignore[attr-defined]
            await pilot.press("alt+down", "alt+down")
            await pilot.pause()
            assert app.plan.triggers[2].trigger == "Queue backlog"
            await pilot.press("ctrl+r")
            await pilot.pause()
            assert [t.trigger for t in app.plan.triggers] == names
            assert app.keeper.dirty

    async def test_procedure_steps_get_fresh_ids(self, example_plan: Path) -> None:
        """A step added to Option B gets an id unused in the plan, and survives a save."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await wizard(app).show_step("procedure")
            app.screen.query_one("#option-b-steps").query(Input).first().focus()
            await pilot.press("ctrl+o")
            await pilot.pause()
            await type_text(pilot, "Purge CDN cache")
            await pilot.press("tab")
            await type_text(pilot, "cdnctl purge --all")
            added = app.plan.procedure.option_b[1]
            assert (added.text, added.command) == ("Purge CDN cache", "cdnctl purge --all")
            assert added.id == "b-6"
            await pilot.press("ctrl+s")
            await app.keeper.saves.idle()  # the save runs in a thread
            await pilot.pause()
        saved = store.load(example_plan).plan.item("b-6")
        assert saved is not None and saved.text == "Purge CDN cache"

    async def test_components_add_rename_reorder_remove(self, example_plan: Path) -> None:
        """Components are added with the template's steps, renamed, moved and removed."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await wizard(app).show_step("components")
            picker = app.screen.query_one("#component-picker", OptionList)
            picker.focus()
            picker.highlighted = 2
            await pilot.press("ctrl+o")
            await pilot.pause()
            await clear_and_type(pilot, "cache")
            names = [c.name for c in app.plan.components]
            assert names == ["checkout-api", "payments-worker", "web-frontend", "cache"]
            assert len(app.plan.components[3].steps) == 3
            picker.focus()
            await pilot.pause()
            assert picker.highlighted == 3
            await pilot.press("alt+up")
            await pilot.pause()
            assert app.plan.components[2].name == "cache"
            await pilot.press("ctrl+r")
            await pilot.pause()
            assert [c.name for c in app.plan.components] == [
                "checkout-api",
                "payments-worker",
                "web-frontend",
            ]

    async def test_contacts_add_and_remove(self, example_plan: Path) -> None:
        """A contact is added at the end with the Add button and removed with ctrl+r."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await wizard(app).show_step("contacts")
            app.screen.query_one("#contact-list .row-add").focus()
            await pilot.press("enter")
            await pilot.pause()
            await type_text(pilot, "Security")
            assert app.plan.contacts[-1].role == "Security"
            assert len(app.plan.contacts) == 4
            await pilot.press("ctrl+r")
            await pilot.pause()
            assert len(app.plan.contacts) == 3


class TestNavigation:
    """Steps, validation and findings."""

    async def test_next_and_previous_keys(self, example_plan: Path) -> None:
        """f8 and f7 walk the steps in order; the step list follows."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            order = []
            for _ in range(10):
                order.append(wizard(app).current)
                await pilot.press("f8")
            assert order == [
                "basics",
                "assumptions",
                "triggers",
                "decision",
                "procedure",
                "components",
                "communications",
                "contacts",
                "followup",
                "review",
            ]
            await pilot.press("f7")
            assert wizard(app).current == "followup"
            steps = app.screen.query_one(StepList)
            assert steps.get_option_at_index(steps.highlighted or 0).id == "followup"

    async def test_invalid_date_shows_message_and_does_not_block(self, example_plan: Path) -> None:
        """A bad date is reported next to its field, kept out of the plan, and F8 still works."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            app.screen.query_one("#created").focus()
            await clear_and_type(pilot, "next week")
            await pilot.pause()
            message = app.screen.query_one("#basics .field-message.-shown")
            assert "YYYY-MM-DD" in str(message.render())
            assert app.plan.created == dt.date(2026, 11, 20)
            await pilot.press("f8")
            assert wizard(app).current == "assumptions"

    async def test_finding_jumps_to_its_field(self, example_plan: Path) -> None:
        """Enter on a review finding shows its step with the cursor in the field."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            app.plan.contacts[1].contact = ""
            wizard(app).run_lint()
            await wizard(app).show_step("review")
            await pilot.pause()
            findings = app.screen.query_one("#review-findings", OptionList)
            assert findings.option_count == 1
            findings.focus()
            findings.highlighted = 0
            await pilot.press("enter")
            await pilot.pause()
            assert wizard(app).current == "contacts"
            steps = app.screen.query_one(StepList)
            assert steps.states["contacts"] == "findings"

    async def test_the_cursor_lands_where_it_can_be_seen(self, example_plan: Path) -> None:
        """F8 to Review puts the cursor on its first finding; with none (the list is not
        shown), on Save: not on the hidden list, where it could not be seen and Tab went to
        the list of steps."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await wizard(app).show_step("followup")
            await pilot.press("f8")
            await until(pilot, lambda: wizard(app).current == "review")
            await pilot.pause()
            assert focused(pilot).id == "review-save", app.focused
            await pilot.press("tab")
            assert focused(pilot).id == "review-copy"

            app.plan.contacts[1].contact = ""
            wizard(app).run_lint()
            await pilot.press("f7")
            await until(pilot, lambda: wizard(app).current == "followup")
            await pilot.press("f8")
            await until(pilot, lambda: wizard(app).current == "review")
            await pilot.pause()
            assert focused(pilot).id == "review-findings", app.focused

    async def test_plan_with_findings_can_be_saved(self, tmp_path: Path) -> None:
        """Saving is never blocked by findings."""
        target = tmp_path / "p.toml"
        app = make_app(target, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            # The review's findings are worked out once the form is up.
            await until(
                pilot,
                lambda: isinstance(app.screen, WizardScreen) and app.screen.findings,
                timeout=10,
            )
            assert wizard(app).findings
            await pilot.press("ctrl+s")
            await app.keeper.saves.idle()  # the save runs in a thread
            await pilot.pause()
        assert target.exists()


class TestPreview:
    """The live preview follows edits, one section at a time."""

    async def test_typing_updates_only_the_title_section(self, example_plan: Path) -> None:
        """A title edit redraws the title's section and no other."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=(160, 48)) as pilot:
            await wait_for(pilot, "#preview")
            preview = app.screen.query_one("#preview", Preview)
            assert preview.display
            # The first drawing goes on after the first frame: done before the edit.
            await until(pilot, lambda: preview.complete, timeout=20)
            before = len(preview.updated)
            await pilot.press("end")
            await type_text(pilot, " now")
            await until(
                pilot,
                lambda: (preview.text_of("title") or "").startswith(
                    "# Rollback Plan: Checkout v2 now"
                ),
            )
            assert set(preview.updated[before:]) == {"title"}

    async def test_narrow_terminal_toggles_preview(self, example_plan: Path) -> None:
        """At 80 columns the preview is hidden until ctrl+t, then takes the form's place."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            preview = app.screen.query_one("#preview", Preview)
            assert not preview.display
            await pilot.press("ctrl+t")
            await pilot.pause()
            assert preview.display
            assert not app.screen.query_one("#forms").display
            # What is in sight is drawn at once; the sections below follow in chunks.
            await until(pilot, lambda: preview.text_of("triggers") is not None)
            await pilot.press("ctrl+t")
            assert app.screen.query_one("#forms").display

    async def test_choice_removes_and_restores_sections(self, example_plan: Path) -> None:
        """Option B only drops Option A's section; both brings it back; Option A only
        drops Option B's and the restore steps after it."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=(160, 48)) as pilot:
            await wizard(app).show_step("procedure")
            select = app.screen.query_one("#choice", Select)
            select.value = "b"
            preview = app.screen.query_one("#preview", Preview)
            await until(pilot, lambda: preview.text_of("option-a") is None)
            assert "Rollback Procedure" in (preview.text_of("containment") or "")
            select.value = "both"
            await until(pilot, lambda: preview.text_of("option-a") is not None)
            select.value = "a"
            await until(pilot, lambda: preview.text_of("restore") is None)
            assert preview.text_of("option-b") is None
            assert not app.screen.query_one("#part-restore").display


class TestMarkupSafety:
    """User text is never markup."""

    async def test_hostile_title_is_literal_everywhere(self, tmp_path: Path) -> None:
        """A title full of markup shows literally, triggers nothing, and saves as typed."""
        target = tmp_path / "[b]plan[@click=app.quit].toml"
        app = make_app(target, cursor_blink=False)
        async with app.run_test(size=(160, 48)) as pilot:
            await type_text(pilot, HOSTILE)
            preview = app.screen.query_one("#preview", Preview)
            # The preview draws the title after the keys (progressively): wait for it.
            await until(
                pilot, lambda: "\\[@click=app.quit\\]" in (preview.text_of("title") or ""), 10
            )
            assert app.is_running
            assert app.plan.title == HOSTILE
            assert "\\[@click=app.quit\\]" in (preview.text_of("title") or "")
            await pilot.press("ctrl+s")
            await app.keeper.saves.idle()  # the save runs in a thread
            await pilot.pause()
            assert app.is_running
            shown = " ".join(str(n.message) for n in app._notifications)
            assert "[b]plan[@click=app.quit].toml" in shown
        assert store.load(target).plan.title == HOSTILE

    async def test_control_characters_are_cleaned_from_input(self, example_plan: Path) -> None:
        """Pasted escape sequences never reach the model or the field."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            title = app.screen.query_one("#title", Input)
            title.value = "Safe\x1b]0;pwned\x07 title\x1b[2J"
            await pilot.pause()
            assert app.plan.title == "Safe]0;pwned title[2J"
            assert "\x1b" not in title.value
            area = app.screen.query_one("#incident", TextArea)
            area.load_text("line\x9b31m one\r\nline two")
            await pilot.pause()
            assert app.plan.incident == "line31m one\nline two"


class TestQuitAndPalette:
    """Quitting asks first; every action is in the palette."""

    async def test_quit_with_unsaved_changes_asks(self, example_plan: Path) -> None:
        """ctrl+q with changes asks; cancel keeps editing; discard quits without writing."""
        before = example_plan.read_bytes()
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await type_text(pilot, "!")
            await pilot.press("ctrl+q")
            await pilot.pause()
            assert isinstance(app.screen, Choice)
            await pilot.press("escape")
            await pilot.pause()
            assert app.is_running and isinstance(app.screen, WizardScreen)
            await pilot.press("ctrl+q")
            await pilot.pause()
            app.screen.query_one("#answer-discard").focus()
            await pilot.press("enter")
            await pilot.pause()
            assert not app.is_running
        assert example_plan.read_bytes() == before

    async def test_quit_without_changes_does_not_ask(self, example_plan: Path) -> None:
        """An unchanged plan quits at once."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("ctrl+q")
            await pilot.pause()
            assert not app.is_running

    async def test_palette_has_every_action(self, example_plan: Path) -> None:
        """Save, Save as, Open, Copy, each step, next/previous, preview, theme and quit."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            titles = [c.title for c in app.get_system_commands(app.screen)]
        for wanted in [
            "Save",
            "Save as…",
            "Open…",
            "Copy Markdown",
            "Next step",
            "Previous step",
            "Toggle preview",
            "Quit",
            "Go to Review",
            "Go to Rollback Triggers",
            "Go to Emergency Contacts",
        ]:
            assert wanted in titles
        assert any("theme" in t.lower() for t in titles)

    async def test_copy_sends_the_markdown(self, example_plan: Path) -> None:
        """Copy Markdown puts exactly the rendered plan on the app's clipboard."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            app.action_copy()
            await pilot.pause()
            assert app.clipboard == render_markdown(app.plan)
            assert app.clipboard.startswith("# Rollback Plan: Checkout v2")

    async def test_save_as_and_reopen_through_open(
        self, example_plan: Path, tmp_path: Path
    ) -> None:
        """Save as writes a new pair of files; Open loads another plan."""
        other = tmp_path / "other.toml"
        store.save(store.new_file(other, new_plan(title="Other")), force=True)
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            app.action_save_as()
            await pilot.pause()
            await clear_and_type(pilot, str(tmp_path / "copy.toml"))
            await pilot.press("enter")
            await pilot.pause()
            assert (tmp_path / "copy.md").exists()
            app.action_open()
            await pilot.pause()
            await clear_and_type(pilot, str(other))
            await pilot.press("enter")
            await pilot.pause()
            assert app.plan.title == "Other"
            assert app.screen.query_one("#title", Input).value == "Other"


class TestKeyOrder:
    """Keys that arrive in a burst (typing ahead, a slow SSH link) act in typed order."""

    async def test_burst_of_keys_keeps_its_order(self, example_plan: Path) -> None:
        """end, characters and backspaces sent at once edit the title as typed."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: app.focused is not None and app.focused.id == "title")
            driver = app._driver
            assert driver is not None
            burst = [
                ("end", None),
                ("space", " "),
                ("x", "x"),
                ("y", "y"),
                ("backspace", None),
                ("z", "z"),
                ("home", None),
                ("A", "A"),
            ]
            for key, char in burst:
                event = events.Key(key, char)
                event.set_sender(app)
                driver.send_message(event)
            await until(pilot, lambda: app.plan.title == "ACheckout v2 xz")
            assert app.plan.title == "ACheckout v2 xz"


class TestGarbageCollector:
    """run_app starts with the collector off; after the first frame the objects made so
    far are frozen out of its view and it is back on, in the wizard and the checklist."""

    @pytest.mark.parametrize("mode", ["edit", "run"])
    @pytest.mark.parametrize("off_at_start", [True, False])
    async def test_back_on_and_frozen_after_the_first_frame(
        self, example_plan: Path, mode: Mode, off_at_start: bool
    ) -> None:
        app = make_app(example_plan, mode=mode, cursor_blink=False)
        app.freeze_gc = True  # as run_app does; the benchmarks leave the collector on
        gc.unfreeze()
        if off_at_start:
            gc.disable()
        try:
            async with app.run_test(size=(80, 24)) as pilot:
                await until(pilot, lambda: gc.isenabled() and gc.get_freeze_count() > 0)
        finally:
            gc.enable()
            gc.unfreeze()

    async def test_what_the_steps_built_ahead_made_is_frozen_in_the_next_pause(
        self, example_plan: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The steps built in a pause, and what each step shown draws, stay as long as the
        plan: frozen in the user's next pause, after the steps are built, so that the
        collector's full passes (rarer than Python's default) need not go over them."""
        import types

        from rollback_tui.ui import app as app_module
        from rollback_tui.ui.wizard import build_ahead

        now = [0.0]
        monkeypatch.setattr(build_ahead, "clock", lambda: now[0])
        freezes: list[int] = []

        def freeze() -> None:
            gc.freeze()
            freezes.append(1)

        counting = types.SimpleNamespace(**{n: getattr(gc, n) for n in dir(gc)})
        counting.freeze = freeze
        monkeypatch.setattr(app_module, "gc", counting)
        thresholds = gc.get_threshold()
        app = make_app(example_plan, cursor_blink=False)
        app.freeze_gc = True
        gc.unfreeze()
        try:
            async with app.run_test(size=(80, 24)) as pilot:
                await until(pilot, lambda: len(freezes) >= 2)  # first frame, plan shown
                assert gc.get_threshold()[2] == app_module.FULL_PASS_AFTER
                screen = app.screen
                assert isinstance(screen, WizardScreen)
                await pilot.pause(2 * build_ahead.EVERY)
                assert not screen.pane("review").ready
                first = len(freezes)
                now[0] += build_ahead.IDLE  # a pause: the steps are built, then frozen
                await until(pilot, lambda: len(freezes) > first, timeout=15)
                assert screen.pane("review").ready
                review = screen.pane("review")
                assert all(o is not review for o in gc.get_objects())  # out of its view
                # Working, then pausing again: what was made meanwhile is frozen too.
                await pilot.pause(4 * build_ahead.EVERY)
                built = len(freezes)  # once per pause
                await pilot.press("f8")
                await pilot.pause(2 * build_ahead.EVERY)
                assert len(freezes) == built  # not while the user works
                now[0] += build_ahead.IDLE
                await until(pilot, lambda: len(freezes) == built + 1, timeout=15)
        finally:
            gc.set_threshold(*thresholds)
            gc.enable()
            gc.unfreeze()

    async def test_what_was_frozen_is_let_go_now_and_then(
        self, example_plan: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Garbage among the frozen objects (a closed dialog, a removed row) is never
        collected while frozen: every RELEASE_EVERY freezes, they are let go first."""
        import types

        from rollback_tui.ui import app as app_module
        from rollback_tui.ui.messages import Settled
        from rollback_tui.ui.wizard import build_ahead

        # No pause of the user's while the test runs (a slow machine's would build the
        # steps and freeze once more): only the test's own Settled messages freeze.
        monkeypatch.setattr(build_ahead, "clock", lambda: 0.0)
        calls: list[str] = []
        fake = types.SimpleNamespace(
            collect=lambda: calls.append("collect"),
            freeze=lambda: calls.append("freeze"),
            unfreeze=lambda: calls.append("unfreeze"),
            enable=lambda: None,
            get_threshold=lambda: (700, 10, 10),
            set_threshold=lambda *thresholds: None,
        )
        monkeypatch.setattr(app_module, "gc", fake)
        app = make_app(example_plan, cursor_blink=False)
        app.freeze_gc = True
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: calls.count("freeze") >= 2)  # first frame, plan shown
            await pilot.pause()
            del calls[:]
            for _ in range(2 * app_module.RELEASE_EVERY):
                app.screen.post_message(Settled())
            await until(pilot, lambda: calls.count("freeze") == 2 * app_module.RELEASE_EVERY)
            assert calls.count("unfreeze") == 2
            assert calls.count("collect") == 2 * app_module.RELEASE_EVERY
