"""Checklist mode, driven by keyboard with Pilot[Any]: ticks, unticks, notes, the incident start,
changes made on disk while the plan is open, and snapshots at 80×24 and 160×48."""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path
from typing import Any

import pytest
from app_helpers import run_from_palette
from checklist_helpers import (
    T0,
    Clock,
    checklist,
    checklist_app,
    drawn_heading,
    drawn_row,
    focus_item,
    focused_id,
    notifications,
    on_disk,
    plain,
)
from click.testing import CliRunner
from textual.pilot import Pilot
from textual.widgets import Input, Static
from wizard_helpers import type_text, until

from rollback_tui import store
from rollback_tui.cli import main
from rollback_tui.locations import default_user
from rollback_tui.ui.checklist.checklist_screen import ChecklistScreen
from rollback_tui.ui.checklist.from_wizard import run_checklist
from rollback_tui.ui.checklist.items import Summary
from rollback_tui.ui.dialogs.ask_path import AskPath
from rollback_tui.ui.dialogs.note import NoteDialog
from rollback_tui.ui.factory import make_app
from rollback_tui.ui.wizard.wizard_screen import WizardScreen

SIZE = (80, 24)
HOSTILE = "[bold] [/x] [@click=app.quit]"


def cli(*args: str) -> None:
    """Run the command line as another terminal would."""
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output


class TestOpen:
    """`rollback-tui run PATH` opens the checklist."""

    async def test_every_group_in_plan_order_first_unticked_focused(
        self, example_plan: Path
    ) -> None:
        """Containment, the options, the restore steps, components, communication,
        post-rollback, follow-up; the first containment step has the focus."""
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            groups = [g.key for g in checklist(app).view.groups]
            assert groups == [
                "containment",
                "option-a",
                "option-b",
                "restore",
                "component-0",
                "component-1",
                "component-2",
                "communication",
                "post-0",
                "post-1",
                "post-2",
                "followup",
            ]
            assert len(checklist(app).rows()) == 44
            assert focused_id(app) == "contain-1"

    async def test_first_unticked_item_is_focused(self, example_plan: Path) -> None:
        """With the containment steps, a-1 and a-2 already ticked, the cursor starts on a-3."""
        contained = [f"contain-{n}" for n in range(1, 5)]
        cli("tick", str(example_plan), *contained, "a-1", "a-2", "--by", "lee")
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert focused_id(app) == "a-3"
            assert "2/4" in drawn_heading(app, "option-a")
            assert "6/44 done" in plain(app.screen.query_one(Summary))

    async def test_commands_shown_with_the_plan_values(self, example_plan: Path) -> None:
        """Each command is shown as `$ command`, with $COMPONENT and the others filled in."""
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            b1 = checklist(app).row("b-1").command_line
            assert plain(b1) == "$ helm history checkout --max 10"
            assert "\n      $ helm history checkout --max 10" in drawn_row(app, "b-1")
            undo = checklist(app).row("payments-worker-1").command_line
            assert plain(undo) == "$ kubectl rollout undo deployment/payments-worker"
            assert checklist(app).row("a-3").command_line is None
            assert "$" not in drawn_row(app, "a-3")

    async def test_missing_file_is_refused(self, tmp_path: Path) -> None:
        """Checklist mode needs a saved plan: a missing path is a clear error, no file made."""
        with pytest.raises(store.PlanFileError, match="no such file"):
            make_app(tmp_path / "missing.toml", mode="run")
        assert not (tmp_path / "missing.toml").exists()

    async def test_user_text_is_never_markup(self, example_plan: Path) -> None:
        """An item's text and command full of markup show literally and do nothing."""
        text = example_plan.read_text().replace('"Confirm feature is deactivated"', f'"{HOSTILE}"')
        example_plan.write_text(
            text.replace('"helm history checkout --max 10"', f'"echo {HOSTILE}"')
        )
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert HOSTILE in plain(checklist(app).row("a-3").line)
            assert HOSTILE in drawn_row(app, "a-3").replace("\n ", "")
            assert plain(checklist(app).row("b-1").command_line) == f"$ echo {HOSTILE}"
            assert app.is_running

    async def test_by_defaults_to_the_login_name(self, example_plan: Path) -> None:
        """Without --by, ticks are recorded under the login name."""
        app = checklist_app(example_plan, by=None)
        assert app.keeper.by == default_user()


class TestTick:
    """Space or enter ticks the focused item, and the files are written at once."""

    async def test_space_ticks_records_who_and_when_and_saves(self, example_plan: Path) -> None:
        """done, done_at (UTC) and done_by reach plan.toml and plan.md (saved in a thread)."""
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await focus_item(pilot, "a-1")  # Option A's first step
            await pilot.press("space")
            await app.keeper.saves.idle()  # saved in the background
            item = on_disk(example_plan).item("a-1")
            assert item is not None
            assert (item.done, item.done_at, item.done_by) == (True, T0, "sam")
            markdown = example_plan.with_suffix(".md").read_text()
            assert (
                "1. [x] Disable feature flag in dashboard _(done 2026-11-20 14:00 UTC by "
                "sam)_" in markdown
            )
            assert [(e.event, e.item) for e in on_disk(example_plan).timeline] == [("tick", "a-1")]
            assert focused_id(app) == "a-2"  # on to the next step
            assert checklist(app).row("a-1").done
            assert not app.keeper.dirty

    async def test_enter_ticks_too_and_progress_follows(self, example_plan: Path) -> None:
        """Enter ticks as space does; the group's and the overall progress count it."""
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await focus_item(pilot, "a-1")  # Option A's first step
            await pilot.press("enter", "enter")
            await app.keeper.saves.idle()  # saved in the background
            assert [i.id for _, _, i in on_disk(example_plan).checklist() if i.done] == [
                "a-1",
                "a-2",
            ]
            assert "2/4" in drawn_heading(app, "option-a")
            assert "2/44 done" in plain(app.screen.query_one(Summary))
            meta = checklist(app).row("a-2").meta
            assert plain(meta) == "✓ done 2026-11-20 14:00:00 UTC by sam"
            assert drawn_row(app, "a-2").endswith("\n     ✓ done 2026-11-20 14:00:00 UTC by sam")


class TestUntick:
    """Ticking a done item again asks, then unticks it, and that is recorded too."""

    async def test_untick_clears_the_item_and_appends_to_the_timeline(
        self, example_plan: Path
    ) -> None:
        """The item is undone on disk; the timeline keeps the tick and adds the untick."""
        clock = Clock()
        app = checklist_app(example_plan, clock)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await focus_item(pilot, "a-1")  # Option A's first step
            await pilot.press("space")
            clock.advance(30)
            await pilot.press("up", "space", "tab", "enter")  # the question: Undo
            await app.keeper.saves.idle()  # saved in the background
            plan = on_disk(example_plan)
            item = plan.item("a-1")
            assert item is not None and not item.done
            assert item.done_at is None and item.done_by is None
            assert [(e.event, e.item, e.at) for e in plan.timeline] == [
                ("tick", "a-1", T0),
                ("untick", "a-1", T0 + dt.timedelta(seconds=30)),
            ]
            assert "done_at" not in example_plan.read_text()
            markdown = example_plan.with_suffix(".md").read_text()
            assert "1. [ ] Disable feature flag in dashboard" in markdown
            assert "Undone `a-1`" in markdown
            assert focused_id(app) == "a-1"  # an untick stays put


class TestIncidentStart:
    """A key marks the start of the incident; the time elapsed is shown from then."""

    async def test_i_marks_the_start_once_and_the_clock_runs(self, example_plan: Path) -> None:
        """One incident-start event, saved; the summary counts from it; a second i is refused."""
        clock = Clock()
        app = checklist_app(example_plan, clock)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert "incident start not marked" in plain(app.screen.query_one(Summary))
            await pilot.press("i")
            clock.advance(5 * 60)
            await pilot.press("i")
            await app.keeper.saves.idle()  # saved in the background
            checklist(app).show_summary()
            plan = on_disk(example_plan)
            assert [(e.event, e.at, e.by) for e in plan.timeline] == [("incident-start", T0, "sam")]
            summary = plain(app.screen.query_one(Summary))
            assert "incident started 14:00:00 UTC" in summary
            assert "Elapsed 5 min" in summary
            assert "estimate: Option A ~1 minute, Option B ~15-30 minutes" in summary
            assert "already marked" in notifications(app)

    async def test_markdown_timeline_has_the_option_milestones(self, example_plan: Path) -> None:
        """Start to the first and the last step of Option A appear in plan.md."""
        clock = Clock()
        app = checklist_app(example_plan, clock)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await focus_item(pilot, "a-1")  # Option A's first step
            await pilot.press("i")
            for _ in range(4):
                clock.advance(40)
                await pilot.press("space")
        markdown = example_plan.with_suffix(".md").read_text()
        assert "| 2026-11-20 14:00:00 | sam | Incident started |" in markdown
        assert "- **Start to first step of Option A:** 40 s" in markdown
        assert "- **Start to last step of Option A:** 2 min" in markdown


class TestNotes:
    """A key adds a note to the timeline."""

    async def test_note_is_saved_literally(self, example_plan: Path) -> None:
        """n, the text, enter: the note is on disk, markup and all, shown as typed."""
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("n")
            await pilot.pause()
            assert isinstance(app.screen, NoteDialog)
            app.screen.query_one("#note", Input).value = f"paged the DBA {HOSTILE}"
            await pilot.press("enter")
            await pilot.pause()
            await app.keeper.saves.idle()  # saved in the background
            assert isinstance(app.screen, ChecklistScreen)
            [note] = on_disk(example_plan).timeline
            assert (note.event, note.text, note.by, note.at) == (
                "note",
                f"paged the DBA {HOSTILE}",
                "sam",
                T0,
            )
            await pilot.press("t")  # at 80 columns the timeline shows when opened
            await pilot.pause()
            events = app.screen.query_one("#timeline-events", Static)
            assert f"Note: paged the DBA {HOSTILE}" in plain(events)
            assert app.is_running

    async def test_typed_note_and_escape_cancels(self, example_plan: Path) -> None:
        """A note typed key by key is kept; escape on an empty dialog writes nothing."""
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("n")
            await type_text(pilot, "flag off")
            await pilot.press("enter")
            await pilot.pause()
            await app.keeper.saves.idle()  # saved in the background
            before = example_plan.read_bytes()
            await pilot.press("n")
            await pilot.press("escape")
            await pilot.pause()
            assert example_plan.read_bytes() == before
            assert [e.text for e in on_disk(example_plan).timeline] == ["flag off"]


class TestCopyCommand:
    """c copies the focused item's command."""

    async def test_c_copies_the_command_with_values_filled_in(
        self, example_plan: Path, tmp_path: Path
    ) -> None:
        """The terminal gets the command, a file keeps it, a notification says so."""
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await focus_item(pilot, "web-frontend-2")
            await pilot.press("c")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.clipboard == "kubectl rollout status deployment/web-frontend"
            assert "Copied the command of web-frontend-2" in notifications(app)
        copy_file = tmp_path / "user-state" / "last-copy.md"
        assert copy_file.read_text() == "kubectl rollout status deployment/web-frontend"

    async def test_copied_command_quotes_a_hostile_component_name(self, example_plan: Path) -> None:
        """A component name with shell syntax is never put into the copied command: the
        copy sets it first, quoted once, and the command uses it as one word."""
        plan_file = store.load(example_plan)
        plan_file.plan.components[2].name = "web|edge `canary`\u202e"
        store.save(plan_file, force=True)
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await focus_item(pilot, "web-frontend-2")
            await pilot.press("c")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.clipboard == (
                "COMPONENT='web|edge `canary`'\nkubectl rollout status deployment/\"$COMPONENT\""
            )

    async def test_invisible_characters_are_shown_by_their_code_points(
        self, example_plan: Path
    ) -> None:
        """A right-to-left override in a name or a step is shown as <U+202E>, never raw."""
        plan_file = store.load(example_plan)
        plan_file.plan.components[2].name = "web\u202eend"
        plan_file.plan.components[2].steps[0].text = "Revert\u200b it"
        store.save(plan_file, force=True)
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            heading = drawn_heading(app, "component-2")
            assert "Component: web<U+202E>end" in heading
            row = drawn_row(app, "web-frontend-1")
            assert "Revert<U+200B> it" in row
            assert "\u202e" not in heading + row

    async def test_item_without_command_says_so(self, example_plan: Path) -> None:
        """An item with no command copies nothing and says why."""
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await focus_item(pilot, "a-3")
            await pilot.press("c")
            await pilot.pause()
            assert app.clipboard == ""
            assert "a-3 has no command to copy" in notifications(app)


class TestChangeOnDisk:
    """A change made to the file while it is open is merged by item id."""

    async def test_tick_from_another_terminal_then_here_keeps_both(
        self, example_plan: Path
    ) -> None:
        """`tick b-1` from the command line is noticed by the poll; then a-1 ticked here."""
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await focus_item(pilot, "a-1")  # Option A's first step
            cli("tick", str(example_plan), "b-1", "--by", "lee")
            # The file is checked every second: noticed at the next check, or a later one
            # on a loaded machine.
            await until(
                pilot,
                lambda: "merged 1 timeline event from there" in notifications(app),
                timeout=10,
            )
            assert checklist(app).row("b-1").done
            assert "merged 1 timeline event from there" in notifications(app)
            await pilot.press("space")
        plan = on_disk(example_plan)
        done = {i.id: i.done_by for _, _, i in plan.checklist() if i.done}
        assert done == {"a-1": "sam", "b-1": "lee"}
        assert [(e.item, e.by) for e in plan.timeline] == [("b-1", "lee"), ("a-1", "sam")]

    async def test_save_that_finds_the_file_changed_merges_instead_of_overwriting(
        self, example_plan: Path
    ) -> None:
        """A tick here right after one from the command line: the save merges, both stay."""
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await focus_item(pilot, "a-1")  # Option A's first step
            cli("tick", str(example_plan), "comm-1", "--by", "lee")
            await pilot.press("space")  # before the poll has looked
            assert checklist(app).row("comm-1").done
            assert not app.keeper.dirty
        plan = on_disk(example_plan)
        assert [i.id for _, _, i in plan.checklist() if i.done] == ["a-1", "comm-1"]
        assert [e.item for e in plan.timeline] == ["comm-1", "a-1"]

    async def test_hand_edit_is_kept_with_its_comment(self, example_plan: Path) -> None:
        """A hand edit (new text, a comment) is merged; the next tick keeps it in the file."""
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await focus_item(pilot, "a-1")  # Option A's first step
            text = example_plan.read_text().replace(
                'text = "Verify flag change propagated"',
                '# checked with the flag service on-call\ntext = "Verify the flag is off"',
            )
            example_plan.write_text(text)
            await checklist(app).check_disk()
            assert "Verify the flag is off" in drawn_row(app, "a-2")
            await pilot.press("space")
        saved = example_plan.read_text()
        assert '# checked with the flag service on-call\ntext = "Verify the flag is off"' in saved
        item = on_disk(example_plan).item("a-1")
        assert item is not None and item.done

    async def test_item_added_on_disk_appears_and_the_cursor_stays(
        self, example_plan: Path
    ) -> None:
        """A step added by hand is shown in its group; the focused row keeps the focus."""
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await focus_item(pilot, "b-3")
            last = 'text = "Hold the team retrospective and record lessons learned"\n'
            example_plan.write_text(
                example_plan.read_text().replace(
                    last, last + '\n[[followup.items]]\nid = "fu.6"\ntext = "Thank the team"\n'
                )
            )
            await checklist(app).check_disk()
            await pilot.pause()
            assert checklist(app).row("fu.6").group_key == "followup"
            assert "0/6" in drawn_heading(app, "followup")
            assert focused_id(app) == "b-3"
            await focus_item(pilot, "fu.6")
            await pilot.press("space")
        item = on_disk(example_plan).item("fu.6")
        assert item is not None and item.done and item.done_by == "sam"

    async def test_unreadable_file_keeps_the_tick_until_it_is_fixed(
        self, example_plan: Path
    ) -> None:
        """A half-written hand edit: the tick waits in memory, then is merged and saved."""
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await focus_item(pilot, "a-1")  # Option A's first step
            good = example_plan.read_text()
            example_plan.write_text(good + "\n[broken\n")
            await pilot.press("space")
            await app.keeper.saves.idle()
            assert app.keeper.dirty
            assert "TOML syntax error" in notifications(app)
            assert "done = true" not in example_plan.read_text()
            example_plan.write_text(good)
            cli("tick", str(example_plan), "b-3", "--by", "lee")
            await checklist(app).check_disk()
            await app.keeper.saves.idle()
            assert not app.keeper.dirty
        plan = on_disk(example_plan)
        assert [i.id for _, _, i in plan.checklist() if i.done] == ["a-1", "b-3"]

    async def test_quit_saves_a_tick_that_could_not_be_saved(self, example_plan: Path) -> None:
        """A tick kept in memory while the file was broken is merged and saved on ctrl+q."""
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await focus_item(pilot, "a-1")  # Option A's first step
            good = example_plan.read_text()
            example_plan.write_text(good + "\n[broken\n")
            await pilot.press("space")
            assert app.keeper.dirty
            example_plan.write_text(good)
            await pilot.press("ctrl+q")
            await pilot.pause()
            assert not app.is_running
        item = on_disk(example_plan).item("a-1")
        assert item is not None and item.done

    async def test_ctrl_s_merges_too(self, example_plan: Path) -> None:
        """ctrl+s in the checklist merges a change on disk rather than asking to overwrite."""
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            cli("tick", str(example_plan), "fu-1", "--by", "lee")
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, ChecklistScreen)
            assert checklist(app).row("fu-1").done


class TestTomlDiff:
    """A hand-written plan keeps its comments and layout through ticking."""

    async def test_one_tick_touches_only_that_item_and_the_timeline(
        self, example_plan: Path
    ) -> None:
        """Ticking b-2 adds three lines to b-2's table and one timeline entry at the end."""
        before = example_plan.read_text().splitlines()
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await focus_item(pilot, "b-2")
            await pilot.press("space")
        after = example_plan.read_text().splitlines()
        diff = [
            line
            for line in difflib.unified_diff(before, after, n=0, lineterm="")
            if not line.startswith(("---", "+++"))
        ]
        b2_end = before.index('owner = "On-call engineer"', before.index('id = "b-2"')) + 1
        assert diff == [
            f"@@ -{b2_end},0 +{b2_end + 1},3 @@",
            "+done = true",
            "+done_at = 2026-11-20T14:00:00Z",
            '+done_by = "sam"',
            f"@@ -{len(before)},0 +{len(before) + 4},6 @@",
            "+",
            "+[[timeline]]",
            "+at = 2026-11-20T14:00:00Z",
            '+by = "sam"',
            '+event = "tick"',
            '+item = "b-2"',
        ]
        assert after[b2_end - 5 : b2_end] == [
            "[[procedure.option_b]]",
            'id = "b-2"',
            'text = "Trigger deployment of previous version"',
            'command = "helm rollback checkout 41 --wait"  # revision 41 is v2.3.1',
            'owner = "On-call engineer"',
        ]


class TestWiring:
    """Between the wizard and the checklist."""

    async def test_run_checklist_from_the_palette_saves_first(self, example_plan: Path) -> None:
        """An edited plan is saved, then the checklist opens on it."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("end")
            await type_text(pilot, " (edited)")
            assert app.keeper.dirty
            titles = [c.title for c in app.get_system_commands(app.screen)]
            assert "Run checklist" in titles
            run_checklist(app.flows, app.checklist_screen)
            await app.keeper.saves.idle()
            await pilot.pause()
            assert isinstance(app.screen, ChecklistScreen)
            assert on_disk(example_plan).title == "Checkout v2 (edited)"
            assert focused_id(app) == "contain-1"

    async def test_palette_entry_runs_by_keyboard(self, example_plan: Path) -> None:
        """ctrl+p, "run checklist", enter: the checklist is shown."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await run_from_palette(pilot, "run checklist", "Run checklist")
            await until(pilot, lambda: isinstance(app.screen, ChecklistScreen))

    async def test_new_plan_asks_where_then_runs(self, tmp_path: Path) -> None:
        """An untitled plan asks for a path, is saved there, then shown as a checklist."""
        app = make_app(None, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            run_checklist(app.flows, app.checklist_screen)
            await pilot.pause()
            assert isinstance(app.screen, AskPath)
            app.screen.query_one("#path", Input).value = str(tmp_path / "new.toml")
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ChecklistScreen)
            assert (tmp_path / "new.toml").exists()

    async def test_edit_plan_goes_back_to_the_wizard(self, example_plan: Path) -> None:
        """ "Edit plan" in the checklist's palette shows the wizard on the same plan."""
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await focus_item(pilot, "a-1")  # Option A's first step
            await pilot.press("space")
            commands = {c.title: c for c in app.get_system_commands(app.screen)}
            assert {
                "Edit plan",
                "Mark incident start",
                "Add note",
                "Copy the internal update template",
            } <= set(commands)
            await run_from_palette(pilot, "edit plan", "Edit plan")
            await until(pilot, lambda: isinstance(app.screen, WizardScreen))
            assert isinstance(app.screen, WizardScreen)
            assert app.screen.plan is app.plan
            item = app.plan.item("a-1")
            assert item is not None and item.done
            # and back: the same checklist, not a second one
            run_checklist(app.flows, app.checklist_screen)
            await pilot.pause()
            assert isinstance(app.screen, ChecklistScreen)
            assert len(app.screen_stack) == 1
            assert focused_id(app) == "a-2"

    async def test_timeline_takes_the_list_place_on_a_narrow_terminal(
        self, example_plan: Path
    ) -> None:
        """t shows the timeline instead of the list at 80 columns; t again comes back."""
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("down", "down", "t")
            await pilot.pause()
            assert app.screen.query_one("#timeline").display
            assert not app.screen.query_one("#checklist").display
            await pilot.press("t")
            await pilot.pause()
            assert app.screen.query_one("#checklist").display
            assert focused_id(app) == "contain-3"


# -- snapshots -------------------------------------------------------------------------------


@pytest.fixture
def snapshot_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the example in the working folder, so the header shows `plan.toml`."""
    (tmp_path / "plan.toml").write_bytes(
        (Path(__file__).parents[2] / "examples" / "plan.toml").read_bytes()
    )
    monkeypatch.chdir(tmp_path)
    return Path("plan.toml")


def _started_and_ticked(scroll_to_end: bool = False):  # type: ignore[no-untyped-def]
    """The incident marked at 14:00, the first two steps ticked, four minutes later."""

    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        clock = app.keeper.clock  # type: ignore[attr-defined]
        await pilot.pause()
        await pilot.press("i")
        clock.advance(40)
        await pilot.press("space")
        clock.advance(35)
        await pilot.press("space")
        clock.advance(165)
        if scroll_to_end:
            await pilot.press("end")
        await app.keeper.saves.idle()  # type: ignore[attr-defined]
        await pilot.pause()
        checklist(app).show_summary()  # type: ignore[arg-type]
        app.clear_notifications()
        await pilot.pause()

    return run_before


class TestSnapshots:
    """The checklist as a user sees it."""

    def test_checklist_80x24(self, snap_compare, snapshot_plan: Path) -> None:  # type: ignore[no-untyped-def]
        """80×24: progress, elapsed time and estimates, then the first items; the rest scrolls."""
        app = checklist_app(snapshot_plan)
        assert snap_compare(app, terminal_size=(80, 24), run_before=_started_and_ticked())

    def test_checklist_80x24_scrolled_to_the_end(self, snap_compare, snapshot_plan: Path) -> None:  # type: ignore[no-untyped-def]
        """80×24 at the last item: the follow-up group and the key help are reachable."""
        app = checklist_app(snapshot_plan)
        assert snap_compare(
            app, terminal_size=(80, 24), run_before=_started_and_ticked(scroll_to_end=True)
        )

    def test_checklist_160x48(self, snap_compare, snapshot_plan: Path) -> None:  # type: ignore[no-untyped-def]
        """160×48: the checklist with the timeline beside it."""
        app = checklist_app(snapshot_plan)
        assert snap_compare(app, terminal_size=(160, 48), run_before=_started_and_ticked())
