"""The checklist drawn as one widget: what it measures is what it draws, the keys and the
mouse move its cursor, and a long plan costs no more widgets than a short one."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import pytest
from checklist_helpers import T0, checklist, checklist_app, focus_item, focused_id, plain
from textual.css.styles import RulesMap
from textual.widgets import Static

from rollback_tui import store
from rollback_tui.plan import new_plan
from rollback_tui.plan.timeline import set_outcome
from rollback_tui.ui.checklist.blocks import Block, measure, render_block
from rollback_tui.ui.checklist.checklist_view import ChecklistView

SIZE = (80, 24)
WIDE_TEXT = "撤回する 🚀 " * 12
LONG_WORD = "x" * 150


def odd_texts(path: Path) -> None:
    """Rows that wrap in every way: long words, wide characters, a command of two lines,
    an owner and an outcome with a reason."""
    plan_file = store.load(path)
    a1, a2, a3 = plan_file.plan.procedure.option_a[:3]
    a1.text, a1.owner = WIDE_TEXT, "on-call " * 9
    a2.text, a2.command = LONG_WORD, f"echo {LONG_WORD}\necho 二行目 {WIDE_TEXT}"
    set_outcome(plan_file.plan, a3.id, "skipped", "because " * 30, "sam", at=T0)
    store.save(plan_file, force=True)


def measured(view: ChecklistView, block: Block, width: int) -> int:
    """The lines *block* was measured to take in *view* at *width*."""
    return measure(block, width, cast(RulesMap, view.styles), view.help_text)


@pytest.mark.parametrize("size", [(80, 24), (43, 30), (160, 48)])
async def test_every_block_takes_the_lines_it_was_measured_at(
    example_plan: Path, size: tuple[int, int]
) -> None:
    """The lines a row or heading was measured to take (without drawing it) are the lines
    it is drawn in, at any width: otherwise rows would overlap or leave gaps."""
    odd_texts(example_plan)
    app = checklist_app(example_plan)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        view = checklist(app).view
        width = view.scrollable_content_region.width
        assert 0 < width <= size[0]
        for block in view._blocks:
            for cursor in (False, True):
                drawn = render_block(view, block, width, view.help_text, cursor=cursor)
                assert len(drawn) == measured(view, block, width), (block, drawn)
                assert all(strip.cell_length == width for strip in drawn)
        assert view.virtual_size.height == sum(measured(view, b, width) for b in view._blocks)


async def test_a_row_that_wraps_is_drawn_whole(example_plan: Path) -> None:
    """A long command keeps its `$` on the first line and every character, wrapped."""
    odd_texts(example_plan)
    app = checklist_app(example_plan)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = checklist(app).view
        lines = view.lines_of(view.row("a-2"))
        assert lines[0].startswith(" [ ]…") or lines[0].startswith(" [ ] ")
        assert "$ echo" in "\n".join(lines)
        joined = "".join(line.strip() for line in lines)
        assert LONG_WORD in joined
        assert "echo 二行目" in joined


async def test_page_down_and_page_up_move_a_screen_of_rows(example_plan: Path) -> None:
    """pagedown puts the cursor about a screen further down, in sight; pageup comes back."""
    app = checklist_app(example_plan)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = checklist(app)
        ids = [row.item_id for row in screen.rows()]
        assert focused_id(app) == "contain-1"
        await pilot.press("pagedown")
        after = focused_id(app)
        assert after is not None and ids.index(after) >= 4
        view = screen.view
        await pilot.pause()
        region = view._row_region(view.cursor)
        assert region is not None
        assert view.scroll_y <= region.y < view.scroll_y + view.scrollable_content_region.height
        await pilot.press("pagedown", "pagedown", "pagedown", "pagedown", "pagedown")
        assert ids.index(focused_id(app) or "") > ids.index(after)
        for _ in range(12):
            await pilot.press("pageup")
        assert focused_id(app) == "contain-1"
        assert view.scroll_y == 0  # its group's heading in sight too


async def test_a_click_puts_the_cursor_on_the_row(example_plan: Path) -> None:
    """Clicking a row's line (or its command below) makes it the row the keys act on."""
    app = checklist_app(example_plan)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = checklist(app).view
        index = [row.item_id for row in view.rows].index("contain-2")
        region = view._row_region(index)
        assert region is not None
        y = region.y - round(view.scroll_y) + 1  # the command line, below the text
        assert await pilot.click(ChecklistView, offset=(10, y))
        assert focused_id(app) == "contain-2"
        await pilot.press("space")
        assert app.plan.item("contain-2").done  # type: ignore[union-attr]


async def test_values_edited_since_show_in_the_commands(example_plan: Path) -> None:
    """A value changed in the wizard (the feature flag) is in the commands shown after."""
    app = checklist_app(example_plan)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "checkout_v2" in plain(checklist(app).row("a-1").command_line)
        app.plan.feature_flag = "checkout_v3"
        await checklist(app).refresh_plan()
        assert "checkout_v3" in plain(checklist(app).row("a-1").command_line)
        await focus_item(pilot, "a-1")
        await pilot.press("c")
        assert "features/checkout_v3/" in (app.clipboard or "")


async def test_a_long_plan_is_as_many_widgets_as_a_short_one(tmp_path: Path) -> None:
    """200 components draw in the same widgets as 2: opening and ticking lay out no more."""
    counts = []
    for components in (2, 200):
        path = tmp_path / f"plan-{components}.toml"
        plan = new_plan(title="Checkout", components=[f"svc-{n}" for n in range(components)])
        store.save(store.new_file(path, plan), force=True)
        app = checklist_app(path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert len(checklist(app).rows()) > components
            counts.append(len(list(app.screen.walk_children())))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("size", [(160, 48), (80, 24)])
async def test_the_timeline_shows_each_tick(example_plan: Path, size: tuple[int, int]) -> None:
    """Beside the checklist (wide) the timeline takes a tick at once; on 80 columns it is
    hidden until t, and then shows every tick made meanwhile."""
    app = checklist_app(example_plan)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("space", "space")
        await app.keeper.saves.idle()
        await pilot.pause()
        events = app.screen.query_one("#timeline-events", Static)
        if size[0] < 120:
            await pilot.press("t")
            await pilot.pause()
        assert events.display
        shown = plain(events)
        assert "contain-1" in shown and "contain-2" in shown, shown


async def test_tab_and_shift_tab_go_from_row_to_row(example_plan: Path) -> None:
    """tab is the next row and shift+tab the one before (as when each row took the focus);
    typed ahead, the keys after them act on the row they moved to. With nothing beside the
    list (80 columns), they come round from one end of it to the other."""
    app = checklist_app(example_plan)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        ids = [row.item_id for row in checklist(app).rows()]
        assert focused_id(app) == "contain-1"
        await pilot.press("tab", "tab", "space")
        assert focused_id(app) == "contain-4"  # contain-3 ticked, then on to the next
        assert app.plan.item("contain-3").done  # type: ignore[union-attr]
        await pilot.press("shift+tab")
        assert focused_id(app) == "contain-3"
        await pilot.press("home", "shift+tab")
        assert focused_id(app) == ids[-1]
        await pilot.press("tab")
        assert focused_id(app) == "contain-1"


async def test_tab_past_the_last_row_goes_to_the_timeline_beside(example_plan: Path) -> None:
    """From 120 columns the timeline is next in the focus order: tab from the last row, or
    shift+tab from the first, goes there; before that, tab is the next row."""
    app = checklist_app(example_plan)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        timeline = app.screen.query_one("#timeline")
        last = checklist(app).rows()[-1].item_id
        await pilot.press("tab")
        assert focused_id(app) == "contain-2"
        await pilot.press("end", "tab")
        assert app.focused is timeline
        assert not checklist(app).view.has_focus
        await pilot.press("shift+tab")  # back to the list, on the row it left
        assert focused_id(app) == last
        await pilot.press("home", "shift+tab")
        assert app.focused is timeline


async def test_a_row_moved_to_out_of_sight_comes_to_the_middle(example_plan: Path) -> None:
    """Going down past the bottom edge (a tick moves on, or down) brings the row to the
    middle, the steps after it in sight, as a focused row did; a row in sight stays put."""
    app = checklist_app(example_plan)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = checklist(app).view
        height = view.scrollable_content_region.height
        moves = 0
        while view.scroll_y == 0:
            await pilot.press("down")
            moves += 1
            assert moves < 20
        region = view._row_region(view.cursor)
        assert region is not None
        below = view.scroll_y + height - region.bottom
        assert below >= (height - region.height) // 2 - 1, (view.scroll_y, region)
        scrolled = view.scroll_y
        await pilot.press("down")  # in sight already: no scroll
        region = view._row_region(view.cursor)
        assert region is not None and region.bottom <= scrolled + height
        assert view.scroll_y == scrolled


async def test_a_row_in_sight_does_not_scroll_the_list(example_plan: Path) -> None:
    """Down onto rows already on screen moves the cursor, not the list under it."""
    app = checklist_app(example_plan)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = checklist(app).view
        assert view.scroll_y == 0
        for expected in ("contain-2", "contain-3", "contain-4"):
            await pilot.press("down")
            await pilot.pause()
            assert focused_id(app) == expected
            assert view.scroll_y == 0
