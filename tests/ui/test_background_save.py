"""Saving never blocks the UI: the store's save runs in a thread. Here it is held (the
store's save waits for the test to let it go), and meanwhile keys still act, in order,
the ticks not yet saved show as pending (…), a save taking over a second says so, and in
the end everything is on disk."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from app_helpers import SIZE
from checklist_helpers import (
    checklist,
    checklist_app,
    focus_item,
    focused_id,
    notifications,
    on_disk,
    plain,
)
from pydantic import BaseModel
from textual.pilot import Pilot
from textual.widgets import Input
from wizard_helpers import type_text, wait_for

from rollback_tui import store
from rollback_tui.plan.model import Component
from rollback_tui.plan.timeline import set_done
from rollback_tui.ui.factory import make_app
from rollback_tui.ui.keeper import background_save


class Gate:
    """The store's save, held until released: a disk as slow as the test wants."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()
        self.threads: list[str] = []

    def wrap(self, save: Callable[..., None]) -> Callable[..., None]:
        def held(*args: Any, **kwargs: Any) -> None:
            self.threads.append(threading.current_thread().name)
            self.entered.set()
            self.release.wait(15)
            save(*args, **kwargs)

        return held


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    held = Gate()
    monkeypatch.setattr(store, "save", held.wrap(store.save))
    try:
        yield held
    finally:
        held.release.set()


async def until(pilot: Pilot[Any], test: Callable[[], object], what: str) -> None:
    for _ in range(200):
        if test():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"never happened: {what}")


def row_line(app: Any, item_id: str) -> str:
    return plain(checklist(app).row(item_id).line)


async def test_ticks_while_a_save_is_held(example_plan: Path, gate: Gate) -> None:
    """A tick's save held: the next keys tick and move at once, both rows show … until
    saved, a note says it is slow, then both ticks are on disk and the marks go."""
    app = checklist_app(example_plan)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await focus_item(pilot, "a-1")  # Option A's first step
        await pilot.press("space")
        await until(pilot, gate.entered.is_set, "the save started")
        assert gate.threads == ["rollback-tui-save"]  # not the UI thread
        assert row_line(app, "a-1").startswith("[x]…")
        # The UI goes on while the disk is held: tick, move down, tick, in order.
        await pilot.press("space", "down", "space")
        assert focused_id(app) == "b-1"  # on from a-4, the last of Option A
        assert [i.id for _, _, i in app.plan.checklist() if i.done] == ["a-1", "a-2", "a-4"]
        for item_id in ("a-1", "a-2", "a-4"):
            assert row_line(app, item_id).startswith("[x]…"), row_line(app, item_id)
        assert not row_line(app, "a-3").startswith("[ ]…")
        assert "saving" in app.sub_title
        await until(pilot, lambda: "Still saving" in notifications(app), "the slow note")
        assert not on_disk(example_plan).item("a-1").done  # type: ignore[union-attr]
        gate.release.set()
        await app.keeper.saves.idle()
        await pilot.pause()
        assert not app.keeper.dirty
        for item_id in ("a-1", "a-2", "a-4"):
            assert row_line(app, item_id).startswith("[x] "), row_line(app, item_id)
        # The header is told once the screen has been drawn after the save.
        await until(pilot, lambda: "saving" not in app.sub_title, "the header says saved")
    done = [i.id for _, _, i in on_disk(example_plan).checklist() if i.done]
    assert done == ["a-1", "a-2", "a-4"]


async def test_wizard_typing_goes_on_during_ctrl_s(example_plan: Path, gate: Gate) -> None:
    """ctrl+s held: typing goes on into the field; the save writes the plan as it was at
    ctrl+s, and the plan stays unsaved with what was typed since."""
    app = make_app(example_plan, cursor_blink=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, "#title")
        field = app.query_one("#title", Input)
        field.focus()
        await pilot.press("end")
        await type_text(pilot, " one")
        await pilot.press("ctrl+s")
        await until(pilot, gate.entered.is_set, "the save started")
        await type_text(pilot, " two")
        assert field.value == "Checkout v2 one two"
        assert app.plan.title == "Checkout v2 one two"
        assert "saving" in app.sub_title
        gate.release.set()
        await app.keeper.saves.idle()
        await pilot.pause()
        assert store.load(example_plan).plan.title == "Checkout v2 one"
        assert app.keeper.dirty  # " two" came after the copy was saved
        await pilot.press("ctrl+s")
        await app.keeper.saves.idle()
        assert not app.keeper.dirty
    assert store.load(example_plan).plan.title == "Checkout v2 one two"


async def test_save_and_quit_waits_for_the_save(example_plan: Path, gate: Gate) -> None:
    """ctrl+q, "Save and quit" with the disk held: the app stays until the plan is saved,
    then exits; the edit is on disk."""
    app = make_app(example_plan, cursor_blink=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, "#title")
        app.query_one("#title", Input).focus()
        await pilot.press("end")
        await type_text(pilot, " quit")
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.click("#answer-save")
        await until(pilot, gate.entered.is_set, "the save started")
        assert app.is_running
        gate.release.set()
        await app.keeper.saves.idle()
        await pilot.pause()
        assert not app.is_running
    assert store.load(example_plan).plan.title == "Checkout v2 quit"


def mutable_parts(value: Any) -> Iterator[Any]:
    """Every model, list and fields-set in *value*, however deep."""
    if isinstance(value, BaseModel):
        yield value
        yield value.__pydantic_fields_set__
        for field_value in value.__dict__.values():
            yield from mutable_parts(field_value)
    elif isinstance(value, list):
        yield value
        for element in value:
            yield from mutable_parts(element)


def test_the_copy_to_save_shares_nothing_with_the_plan(example_plan: Path) -> None:
    """The thread's copy equals the UI's plan, and no list or model of it is the UI's: a
    tick, a note or a step's new text on the UI thread meanwhile never reaches it."""
    plan_file = store.load(example_plan)
    scratch = background_save.copy_of(plan_file)
    assert scratch.plan == plan_file.plan
    assert scratch.unknown_keys == plan_file.unknown_keys
    assert scratch.unknown_keys is not plan_file.unknown_keys
    theirs = {id(part) for part in mutable_parts(plan_file.plan)}
    assert not [part for part in mutable_parts(scratch.plan) if id(part) in theirs]
    before = scratch.plan.model_copy(deep=True)
    item = plan_file.plan.checklist()[0][2]
    set_done(plan_file.plan, item.id, True, "ana")
    plan_file.plan.components[0].steps[0].text = "changed"
    plan_file.plan.components.append(Component(name="late"))
    assert scratch.plan == before
