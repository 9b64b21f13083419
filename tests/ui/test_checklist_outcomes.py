"""Checklist mode for a real incident, driven with Pilot[Any]: skip and fail with a reason, the
irreversible step that no stray key can confirm, taking an outcome back, and the
status-update clock with a fixed clock; snapshots of a checklist with every outcome."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from app_helpers import run_from_palette
from checklist_helpers import focus_item, focused_id
from textual import events
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Static
from wizard_helpers import clear_and_type, type_text, until

from rollback_tui import store
from rollback_tui.plan.model import ChecklistItem
from rollback_tui.plan.timeline import record, set_done, set_outcome
from rollback_tui.ui.app import RollbackApp
from rollback_tui.ui.checklist.checklist_screen import ChecklistScreen
from rollback_tui.ui.checklist.items import Summary, UpdateDue
from rollback_tui.ui.dialogs.choice import Choice
from rollback_tui.ui.dialogs.confirm_irreversible import ConfirmIrreversible
from rollback_tui.ui.dialogs.reason import ReasonDialog
from rollback_tui.ui.factory import make_app

SIZE = (80, 24)
T0 = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plan.toml"


class Clock:
    """A clock that moves only when a test moves it."""

    def __init__(self, now: dt.datetime = T0) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += dt.timedelta(minutes=minutes)


def checklist_app(path: Path, clock: Clock | None = None) -> RollbackApp:
    app = make_app(path, mode="run", by="sam", cursor_blink=False)
    app.keeper.clock = clock or Clock()
    return app


def screen(app: RollbackApp) -> ChecklistScreen:
    assert isinstance(app.screen, ChecklistScreen)
    return app.screen


def on_disk(path: Path, item_id: str) -> ChecklistItem:
    found = store.load(path).plan.item(item_id)
    assert found is not None
    return found


def text_of(widget: Static) -> str:
    return str(widget.render())


def mark_irreversible(path: Path, item_id: str) -> None:
    plan_file = store.load(path)
    found = plan_file.plan.item(item_id)
    assert found is not None
    found.irreversible = True
    store.save(plan_file)


class TestSkipAndFail:
    """s skips, f fails: a one-line reason, saved at once with who and when."""

    async def test_s_asks_why_then_skips(self, example_plan: Path) -> None:
        """The reason is saved on the item and in the timeline; the cursor moves on."""
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await focus_item(pilot, "a-1")  # Option A's first step
            await pilot.press("s")
            assert isinstance(app.screen, ReasonDialog)
            await type_text(pilot, "flag already off")
            await pilot.press("enter")
            await pilot.pause()
            item = on_disk(example_plan, "a-1")
            assert (item.state, item.reason, item.done_by, item.done_at) == (
                "skipped",
                "flag already off",
                "sam",
                T0,
            )
            events = store.load(example_plan).plan.timeline
            assert [(e.event, e.item, e.text) for e in events] == [
                ("skip", "a-1", "flag already off")
            ]
            row = screen(app).row("a-1")
            assert row.state == "skipped" and row.meta is not None
            assert row.meta.plain == ("↷ skipped 2026-11-20 14:00:00 UTC by sam: flag already off")
            assert focused_id(app) == "a-2"
            markdown = example_plan.with_suffix(".md").read_text()
            assert "1. [ ] ~~Disable feature flag in dashboard~~ — **skipped** by sam" in markdown

    async def test_f_asks_what_failed_then_fails(self, example_plan: Path) -> None:
        """The failure and its reason, the group heading counts it apart."""
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await focus_item(pilot, "a-1")  # Option A's first step
            await pilot.press("f")
            assert isinstance(app.screen, ReasonDialog)
            await type_text(pilot, "403 from the flag API")
            await pilot.press("enter")
            await pilot.pause()
            item = on_disk(example_plan, "a-1")
            assert (item.state, item.reason) == ("failed", "403 from the flag API")
            heading = screen(app).view.group("option-a").heading()
            assert heading.plain.endswith("0/4 · 1 failed")
            assert "0/44 done, 1 failed" in text_of(app.screen.query_one(Summary))

    @pytest.mark.parametrize("key", ["s", "f"])
    async def test_escape_cancels_and_writes_nothing(self, example_plan: Path, key: str) -> None:
        """Escape in the reason dialog: no outcome, the file untouched, the cursor stays."""
        before = example_plan.read_bytes()
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await focus_item(pilot, "a-1")  # Option A's first step
            await pilot.press(key)
            await type_text(pilot, "half a reason")
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, ChecklistScreen)
            assert example_plan.read_bytes() == before
            assert focused_id(app) == "a-1"

    async def test_a_reason_is_needed(self, example_plan: Path) -> None:
        """Enter on an empty reason says so and keeps the dialog open."""
        before = example_plan.read_bytes()
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("s", "enter")
            await pilot.pause()
            assert isinstance(app.screen, ReasonDialog)
            assert "A reason is needed" in text_of(app.screen.query_one(".error", Static))
            assert example_plan.read_bytes() == before

    async def test_markup_in_a_reason_is_shown_as_typed(self, example_plan: Path) -> None:
        """A reason that looks like markup is text on the row."""
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await focus_item(pilot, "a-1")  # Option A's first step
            await pilot.press("s")
            await type_text(pilot, "[bold]x[/] [@click=app.quit]")
            await pilot.press("enter")
            await pilot.pause()
            meta = screen(app).row("a-1").meta
            assert meta is not None and meta.plain.endswith(": [bold]x[/] [@click=app.quit]")

    async def test_skip_from_the_palette(self, example_plan: Path) -> None:
        """ctrl+p, "skip step", enter: the reason dialog for the focused step."""
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await focus_item(pilot, "a-1")  # Option A's first step
            await pilot.press("down")
            await run_from_palette(pilot, "skip step", "Skip step")
            await until(pilot, lambda: isinstance(app.screen, ReasonDialog))
            assert isinstance(app.screen, ReasonDialog) and app.screen.item_id == "a-2"


class TestIrreversible:
    """An irreversible step is done only once the word is typed."""

    async def test_no_stray_key_confirms(self, example_plan: Path) -> None:
        """space, enter, y, enter, space, s, f, enter: still open, still asking."""
        mark_irreversible(example_plan, "a-1")
        before = example_plan.read_bytes()
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await focus_item(pilot, "a-1")  # Option A's first step
            await pilot.press("space")
            assert isinstance(app.screen, ConfirmIrreversible)
            await pilot.press("enter", "y", "enter", "space", "s", "f", "enter", "space", "enter")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmIrreversible)
            assert "Not confirmed" in text_of(app.screen.query_one(".error", Static))
            assert example_plan.read_bytes() == before

    async def test_typing_the_word_marks_it_done_and_records_who(self, example_plan: Path) -> None:
        """The tick event says the step was confirmed, by whom."""
        mark_irreversible(example_plan, "a-1")
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await focus_item(pilot, "a-1")  # Option A's first step
            await pilot.press("space")
            await type_text(pilot, "irreversible")
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ChecklistScreen)
            assert on_disk(example_plan, "a-1").state == "done"
            event = store.load(example_plan).plan.timeline[-1]
            assert (event.event, event.item, event.by, event.text) == (
                "tick",
                "a-1",
                "sam",
                "irreversible step confirmed",
            )
            assert focused_id(app) == "a-2"

    async def test_escape_cancels(self, example_plan: Path) -> None:
        """Escape leaves the step open and the file untouched."""
        mark_irreversible(example_plan, "a-1")
        before = example_plan.read_bytes()
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await focus_item(pilot, "a-1")  # Option A's first step
            await pilot.press("space")
            await type_text(pilot, "irrev")
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, ChecklistScreen)
            assert example_plan.read_bytes() == before

    async def test_the_row_says_irreversible(self, example_plan: Path) -> None:
        """The row names the step irreversible."""
        mark_irreversible(example_plan, "a-1")
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert " · irreversible  a-1" in screen(app).row("a-1").line.plain


class TestTakingBack:
    """Undoing an outcome asks once; a stray enter keeps it."""

    async def test_a_stray_enter_keeps_a_done_step(self, example_plan: Path) -> None:
        """space then enter then enter: done, asked, kept; nothing written."""
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await focus_item(pilot, "a-1")  # Option A's first step
            await pilot.press("space", "up")
            before = example_plan.read_bytes()
            await pilot.press("enter")
            assert isinstance(app.screen, Choice)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ChecklistScreen)
            assert on_disk(example_plan, "a-1").state == "done"
            assert example_plan.read_bytes() == before

    @pytest.mark.parametrize("key", ["s", "f"])
    async def test_undo_of_a_skip_or_failure(self, example_plan: Path, key: str) -> None:
        """space on a skipped or failed step asks; Undo leaves it open, recorded."""
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await focus_item(pilot, "a-1")  # Option A's first step
            await pilot.press(key)
            await type_text(pilot, "why")
            await pilot.press("enter", "up", "space")
            assert isinstance(app.screen, Choice)
            await pilot.press("tab", "enter")
            await pilot.pause()
            assert on_disk(example_plan, "a-1").state == "open"
            events = store.load(example_plan).plan.timeline
            assert [e.event for e in events] == ["skip" if key == "s" else "fail", "untick"]
            assert screen(app).row("a-1").state == "open"

    async def test_escape_keeps_the_outcome(self, example_plan: Path) -> None:
        """Escape on the question keeps the step done."""
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await focus_item(pilot, "a-1")  # Option A's first step
            await pilot.press("space", "up", "space", "escape")
            await pilot.pause()
            assert on_disk(example_plan, "a-1").state == "done"


class TestUpdateClock:
    """The next status update: shown once the incident starts; due, overdue, reset."""

    async def test_due_overdue_and_reset_by_m(self, example_plan: Path) -> None:
        """In 30 min at the start; the banner once overdue, until m drafts the update and
        it is sent (with no webhook configured, Send copies it)."""
        clock = Clock()
        app = checklist_app(example_plan, clock)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            summary, banner = app.screen.query_one(Summary), app.screen.query_one(UpdateDue)
            assert "next update" not in text_of(summary)
            await pilot.press("i")
            clock.advance(18)
            screen(app).show_summary()
            await pilot.pause()
            assert "next update due at 14:30 UTC, in 12 min" in text_of(summary)
            assert not banner.display
            clock.advance(15)
            screen(app).show_summary()
            await pilot.pause()
            assert "overdue by 3 min" in text_of(summary)
            assert text_of(banner) == (
                "Status update overdue by 3 min: m drafts the update to send"
            )
            assert banner.display
            clock.advance(10)
            screen(app).show_summary()
            await pilot.pause()
            assert banner.display and "overdue by 13 min" in text_of(banner)  # it stays
            await pilot.press("m")
            # The dialog answers once the keys before it are handled.
            await until(pilot, lambda: getattr(app.screen, "armed", False), timeout=10)
            await pilot.press("tab", "enter")  # Send
            await pilot.pause()
            assert not banner.display
            assert "next update due at 15:13 UTC, in 30 min" in text_of(summary)
            event = store.load(example_plan).plan.timeline[-1]
            assert (event.event, event.by, event.at) == ("update-sent", "sam", clock.now)
            assert event.text is not None and event.text.startswith("Status update: Checkout v2")
            assert app.clipboard == event.text

    async def test_a_template_copied_from_the_palette_restarts_the_clock(
        self, example_plan: Path
    ) -> None:
        """ctrl+p, "copy the status page", enter: recorded, the clock restarts."""
        clock = Clock()
        app = checklist_app(example_plan, clock)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("i")
            clock.advance(40)
            await run_from_palette(
                pilot, "copy the status page", "Copy the status page update template"
            )
            await until(
                pilot, lambda: store.load(example_plan).plan.timeline[-1].event == "update-sent"
            )
            event = store.load(example_plan).plan.timeline[-1]
            assert (event.event, event.text) == ("update-sent", "status page update")
            assert not app.screen.query_one(UpdateDue).display
            assert "next update due at 15:10 UTC, in 30 min" in text_of(
                app.screen.query_one(Summary)
            )


class TestTypedAhead:
    """Keys in one burst (a slow SSH link) act in the order typed, dialogs included."""

    async def test_skip_fail_and_tick_in_one_burst(self, example_plan: Path) -> None:
        """s why enter f bad enter space, all queued at once: a-1 skipped "why", a-2 failed
        "bad", a-3 done."""
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await focus_item(pilot, "a-1")  # Option A's first step
            keys = ["s", "w", "h", "y", "enter", "f", "b", "a", "d", "enter", "space"]
            for key in keys:
                app.post_message(events.Key(key, {"enter": "\r", "space": " "}.get(key, key)))
            for _ in range(20):
                await pilot.pause()
            assert [
                (on_disk(example_plan, i).state, on_disk(example_plan, i).reason)
                for i in ("a-1", "a-2", "a-3")
            ] == [("skipped", "why"), ("failed", "bad"), ("done", None)]
            assert isinstance(app.screen, ChecklistScreen)

    async def test_stray_keys_after_an_irreversible_step_stay_in_its_dialog(
        self, example_plan: Path
    ) -> None:
        """space enter y enter at once on an irreversible step: still asking, not done."""
        mark_irreversible(example_plan, "a-1")
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await focus_item(pilot, "a-1")  # Option A's first step
            for key, char in [("space", " "), ("enter", "\r"), ("y", "y"), ("enter", "\r")]:
                app.post_message(events.Key(key, char))
            for _ in range(10):
                await pilot.pause()
            assert isinstance(app.screen, ConfirmIrreversible)
            assert on_disk(example_plan, "a-1").state == "open"


class TestWizardFields:
    """The wizard edits whether a step is irreversible, and the update interval."""

    async def test_the_irreversible_box_marks_the_step(self, example_plan: Path) -> None:
        """Space on a-1's box: the plan is unsaved; ctrl+s writes irreversible = true."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("f8", "f8", "f8", "f8")  # Procedure
            await pilot.pause()
            box = app.screen.query_one("#option-a-steps .item-irreversible", Checkbox)
            box.focus()
            await pilot.pause()
            await pilot.press("space")
            await pilot.pause()
            assert app.keeper.plan_file.plan.procedure.option_a[0].irreversible
            assert app.keeper.dirty
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert on_disk(example_plan, "a-1").irreversible

    async def test_the_update_interval_is_a_number_of_minutes(self, example_plan: Path) -> None:
        """15 is saved; "15m" is refused with a message, the plan keeps 15."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press(*["f8"] * 6)  # Communications
            await pilot.pause()
            field = app.screen.query_one("#comms-update-interval", Input)
            assert field.value == "30"
            field.focus()
            await pilot.pause()
            await clear_and_type(pilot, "15")
            await pilot.press("ctrl+s")
            await app.keeper.saves.idle()  # saved in the background
            assert store.load(example_plan).plan.communications.update_interval == 15
            await pilot.press("end", "m")  # "15m": not a number
            await pilot.pause()
            assert app.keeper.plan_file.plan.communications.update_interval == 15
            message = app.screen.query_one(".update-interval .field-message", Static)
            await until(pilot, lambda: field.value == "15m")
            await until(pilot, lambda: "whole number from 1 to 1440" in str(message.render()))


# -- snapshots -------------------------------------------------------------------------------


@pytest.fixture
def outcomes_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example with every outcome, in the working folder (the header shows plan.toml)."""
    path = tmp_path / "plan.toml"
    path.write_bytes(EXAMPLE.read_bytes())
    plan_file = store.load(path)
    plan = plan_file.plan
    minute = dt.timedelta(minutes=1)
    record(plan, "incident-start", "sam", at=T0)
    set_done(plan, "contain-1", True, "sam", at=T0)
    set_done(plan, "contain-2", True, "sam", at=T0)
    for item_id in ("contain-3", "contain-4"):
        set_outcome(plan, item_id, "skipped", "not needed: the rollout is paused", "sam", at=T0)
    set_done(plan, "a-1", True, "sam", at=T0 + minute)
    set_outcome(plan, "a-2", "skipped", "flag already off", "sam", at=T0 + 2 * minute)
    set_outcome(plan, "a-3", "failed", "dashboard timed out", "lee", at=T0 + 3 * minute)
    for item_id in ("b-4", "b-5"):
        found = plan.item(item_id)
        assert found is not None
        found.irreversible = True
    set_done(plan, "b-4", True, "dana", at=T0 + 4 * minute, text="irreversible step confirmed")
    store.save(plan_file)
    monkeypatch.chdir(tmp_path)
    return Path("plan.toml")


def _overdue() -> Callable[[Pilot[Any]], Awaitable[None]]:
    """At 14:33, three minutes past the first update's time; the cursor on a-4."""

    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        app.keeper.clock.advance(33)  # type: ignore[attr-defined]
        await pilot.pause()
        screen(app).show_summary()  # type: ignore[arg-type]
        await pilot.pause()

    return run_before


class TestNothingCutInTwo:
    """Counts and the incident's start never wrap mid-phrase: at 80 columns, and beside
    the timeline on a wide terminal, a line that does not fit is split where it reads."""

    @pytest.mark.parametrize("size", [(80, 24), (120, 30)])
    async def test_headings_and_summary_fit(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
    ) -> None:
        path = tmp_path / "plan.toml"
        path.write_bytes(EXAMPLE.read_bytes())
        plan_file = store.load(path)
        set_done(plan_file.plan, "a-1", True, "sam", at=T0)
        set_outcome(plan_file.plan, "a-2", "skipped", "flag already off", "sam", at=T0)
        set_outcome(plan_file.plan, "a-3", "failed", "timed out", "sam", at=T0)
        store.save(plan_file)
        app = checklist_app(path)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            view = screen(app).view
            heading = view.lines_of(view.group("option-a"))
            assert all(len(line) <= view.scrollable_content_region.width for line in heading)
            summary = app.screen.query_one(Summary)
            width = summary.content_size.width
            lines = str(summary.render()).splitlines()
            assert all(len(line) <= width for line in lines), (width, lines)
            assert any(line.endswith("1/4 · 1 skipped · 1 failed") for line in heading)
            assert "Option A: Feature Flag Rollback (~1 minute)" in heading[0]
            shown = str(summary.render()).splitlines()
            assert any("1/44 done, 1 skipped, 1 failed" in line for line in shown)
            assert any(line.endswith("ncident start not marked: press i") for line in shown)


class TestSnapshots:
    """A checklist with every outcome, as a user sees it."""

    def test_every_outcome_80x24(self, snap_compare, outcomes_plan: Path) -> None:  # type: ignore[no-untyped-def]
        """80×24: done, skipped, failed; the update overdue banner; counts apart."""
        app = checklist_app(outcomes_plan)
        assert snap_compare(app, terminal_size=(80, 24), run_before=_overdue())

    def test_every_outcome_160x48(self, snap_compare, outcomes_plan: Path) -> None:  # type: ignore[no-untyped-def]
        """160×48: the same, the irreversible steps and the timeline beside."""
        app = checklist_app(outcomes_plan)
        assert snap_compare(app, terminal_size=(160, 48), run_before=_overdue())
