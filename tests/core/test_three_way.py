"""The three-way merge of plans behind the git merge driver, on plans in memory."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rollback_tui.plan import new_plan, three_way
from rollback_tui.plan.model import ChecklistItem, Plan
from rollback_tui.plan.three_way import (
    CONTENT_FIELDS,
    STATE_FIELDS,
    MergeError,
    merge_three,
)
from rollback_tui.plan.timeline import record, set_done

T0 = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)


def at(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def three() -> tuple[Plan, Plan, Plan]:
    base = new_plan(title="T", components=["api"])
    return base, base.model_copy(deep=True), base.model_copy(deep=True)


class TestState:
    """An item's checklist state is every field that is not its content."""

    def test_state_fields_come_from_the_model(self) -> None:
        """done, done_at, done_by (and any field added to items later) are state."""
        assert set(STATE_FIELDS) | CONTENT_FIELDS == set(ChecklistItem.model_fields)
        assert {"done", "done_at", "done_by"} <= set(STATE_FIELDS)

    def test_a_later_untick_wins_over_an_earlier_tick(self) -> None:
        """Ticked here at :01 and there at :00 then unticked at :02: unticked."""
        base, ours, theirs = three()
        set_done(ours, "b-1", True, "sam", at=at(1))
        set_done(theirs, "b-1", True, "lee", at=at(0))
        set_done(theirs, "b-1", False, "lee", at=at(2))
        merged = merge_three(base, ours, theirs)
        item = merged.plan.item("b-1")
        assert merged.conflicts == [] and item is not None and not item.done
        assert [e.event for e in merged.plan.timeline] == ["tick", "tick", "untick"]

    def test_ticked_on_both_keeps_the_earliest(self) -> None:
        """The earliest tick, with who made it, whichever side it is on."""
        base, ours, theirs = three()
        set_done(ours, "b-1", True, "sam", at=at(3))
        set_done(theirs, "b-1", True, "lee", at=at(1))
        item = merge_three(base, ours, theirs).plan.item("b-1")
        assert item is not None and (item.done_at, item.done_by) == (at(1), "lee")

    def test_the_states_are_merged_into_the_plan_as_it_is_validated(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Each item's merged state is part of the plan validated: none of its fields is
        set, and validated again on its own, afterwards (a third of a long plan's merge)."""
        base, ours, theirs = three()
        set_done(ours, "b-1", True, "sam", at=at(1))
        set_done(theirs, "api-1", True, "lee", at=at(2))
        set_fields: list[str] = []
        setattr_ = ChecklistItem.__setattr__

        def counting(item: ChecklistItem, name: str, value: object) -> None:
            set_fields.append(name)
            setattr_(item, name, value)

        monkeypatch.setattr(ChecklistItem, "__setattr__", counting)
        merged = merge_three(base, ours, theirs)
        assert set_fields == []
        done = {i.id: (i.done_by, i.done_at) for _, _, i in merged.plan.checklist() if i.done}
        assert done == {"b-1": ("sam", at(1)), "api-1": ("lee", at(2))}

    def test_a_long_timeline_is_read_once_not_once_an_item(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Which side changed an item last is found from each timeline read once: asked
        item by item, every item read the whole base timeline again (2 s for a merge of
        1,900 items after 300 ticks)."""
        base = new_plan(title="T", components=[f"c{n}" for n in range(10)])
        ids = [item.id for _, _, item in base.checklist()]
        for n, item_id in enumerate(ids[:30]):
            set_done(base, item_id, True, "sam", at=at(n))
        ours, theirs = base.model_copy(deep=True), base.model_copy(deep=True)
        set_done(ours, ids[40], True, "sam", at=at(50))
        set_done(theirs, ids[41], True, "lee", at=at(51))
        set_done(theirs, ids[0], False, "lee", at=at(52))
        keys: list[object] = []
        event_key = three_way._event_key

        def counting(event: Any) -> str:
            keys.append(event)
            return event_key(event)

        monkeypatch.setattr(three_way, "_event_key", counting)
        merged = merge_three(base, ours, theirs)
        events = len(base.timeline) + len(ours.timeline) + len(theirs.timeline)
        assert len(ids) > 60 and len(keys) <= 3 * events
        assert merged.conflicts == []
        done = {i.id for _, _, i in merged.plan.checklist() if i.done}
        assert done == {*ids[1:30], ids[40], ids[41]}


class TestTimeline:
    def test_an_event_both_sides_added_is_kept_once(self) -> None:
        """The same note (same time, person, text) on both sides appears once."""
        base, ours, theirs = three()
        for plan in (ours, theirs):
            record(plan, "note", "sam", text="paged the DBA", at=at(1))
        record(theirs, "note", "lee", text="all clear", at=at(0))
        merged = merge_three(base, ours, theirs).plan
        assert [e.text for e in merged.timeline] == ["all clear", "paged the DBA"]

    def test_without_a_common_version_identical_plans_merge(self) -> None:
        """git's add/add case (no base): the same plan on both sides is no conflict."""
        _, ours, theirs = three()
        set_done(ours, "b-1", True, "sam", at=at(1))
        merged = merge_three(None, ours, theirs)
        assert merged.conflicts == [] and [e.item for e in merged.plan.timeline] == ["b-1"]


class TestContent:
    def test_different_fields_of_one_item_merge(self) -> None:
        """Text here, command there: both kept."""
        base, ours, theirs = three()
        item = ours.item("b-2")
        assert item is not None
        item.text = "Roll back"
        other = theirs.item("b-2")
        assert other is not None
        other.command = "helm rollback api 41"
        merged = merge_three(base, ours, theirs)
        result = merged.plan.item("b-2")
        assert merged.conflicts == [] and result is not None
        assert (result.text, result.command) == ("Roll back", "helm rollback api 41")

    def test_the_same_field_changed_differently_is_a_conflict(self) -> None:
        """Each side's value at the conflict, as asked for; the conflict named."""
        base, ours, theirs = three()
        ours.title, theirs.title = "Ours", "Theirs"
        assert merge_three(base, ours, theirs).conflicts == ["title"]
        assert merge_three(base, ours, theirs, prefer="theirs").plan.title == "Theirs"
        assert merge_three(base, ours, theirs, prefer="base").plan.title == "T"

    def test_one_id_added_to_two_lists_cannot_merge(self) -> None:
        """The same new id in two different lists: no valid plan, MergeError."""
        base, ours, theirs = three()
        ours.followup.items.append(ChecklistItem(id="x-1", text="a"))
        theirs.communications.actions.append(ChecklistItem(id="x-1", text="b"))
        with pytest.raises(MergeError, match="x-1"):
            merge_three(base, ours, theirs)


class TestRemovedAndRuns:
    """What one side removed or reset, against what the other did meanwhile."""

    def test_removed_here_ticked_there_is_a_conflict(self) -> None:
        """Never a silent drop: a conflict; the side preferred keeps or drops the item."""
        base, ours, theirs = three()
        ours.procedure.option_b = [i for i in ours.procedure.option_b if i.id != "b-3"]
        set_done(theirs, "b-3", True, "lee", at=at(1))
        merged = merge_three(base, ours, theirs)
        assert [c.split(" (")[0] for c in merged.conflicts] == ["item b-3"]
        assert merged.plan.item("b-3") is None
        kept = merge_three(base, ours, theirs, prefer="theirs").plan.item("b-3")
        assert kept is not None and kept.done_by == "lee"
        shown = merge_three(base, ours, theirs, prefer="base").plan.item("b-3")
        assert shown is not None and not shown.done  # the base's state, for the markers

    def test_a_reset_keeps_the_new_run_and_hands_back_the_old(self) -> None:
        """Theirs reset (new run_id, cleared); ours ticked the old run: the new run is
        kept, ours' new events are handed back; as a conflict when asked."""
        from rollback_tui.plan.run_times import clear_run

        base, ours, theirs = three()
        set_done(base, "a-1", True, "sam", at=at(0))
        ours, theirs = base.model_copy(deep=True), base.model_copy(deep=True)
        clear_run(theirs)
        set_done(ours, "b-1", True, "sam", at=at(2))
        ours.title = "Renamed"
        merged = merge_three(base, ours, theirs)
        assert merged.conflicts == []
        assert merged.plan.run_id == theirs.run_id and merged.plan.timeline == []
        assert not any(item.done for _, _, item in merged.plan.checklist())
        assert merged.plan.title == "Renamed"  # content still merges
        assert merged.old_run is not None
        assert [(e.item, e.by) for e in merged.old_run.events] == [("b-1", "sam")]
        assert merged.old_run.plan.run_id == base.run_id
        conflicted = merge_three(base, ours, theirs, reset_conflicts=True)
        assert conflicted.conflicts and conflicted.old_run is None
        assert conflicted.plan.run_id == ours.run_id

    def test_both_sides_reset_is_a_conflict(self) -> None:
        """Two new runs: which one is the plan's cannot be told."""
        from rollback_tui.plan.run_times import clear_run

        base, ours, theirs = three()
        clear_run(ours)
        clear_run(theirs)
        merged = merge_three(base, ours, theirs)
        assert merged.conflicts == ["the run (both sides reset the plan)"]
