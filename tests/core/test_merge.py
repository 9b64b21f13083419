"""Merging the plan in memory with the plan on disk, by item id: no tick is lost; noticing
a change on disk and saving through one."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from rollback_tui import store
from rollback_tui.plan.merge import merge, missing_events, summarize
from rollback_tui.plan.model import Plan
from rollback_tui.plan.timeline import record, set_done
from rollback_tui.store import sync

T0 = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)


def at(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def two_copies(path: Path) -> tuple[Plan, Plan]:
    """The same plan read twice, as the app and another process would hold it."""
    return store.load(path).plan, store.load(path).plan


class TestBothSidesTicked:
    """Each side ticked different items."""

    def test_ticks_from_both_sides_are_kept(self, example_plan: Path) -> None:
        """A tick made locally and one made on disk both end in the merged plan."""
        local, disk = two_copies(example_plan)
        set_done(local, "a-1", True, "sam", at=at(1))
        set_done(disk, "b-1", True, "lee", at=at(2))
        merged = merge(local, disk)
        a1, b1 = merged.item("a-1"), merged.item("b-1")
        assert a1 is not None and b1 is not None
        assert (a1.done, a1.done_at, a1.done_by) == (True, at(1), "sam")
        assert (b1.done, b1.done_at, b1.done_by) == (True, at(2), "lee")
        assert [(e.event, e.item, e.by) for e in merged.timeline] == [
            ("tick", "b-1", "lee"),
            ("tick", "a-1", "sam"),
        ]

    def test_inputs_are_not_changed(self, example_plan: Path) -> None:
        """merge() returns a new plan; neither input is modified."""
        local, disk = two_copies(example_plan)
        set_done(local, "a-1", True, "sam", at=at(1))
        before_local, before_disk = local.model_dump(), disk.model_dump()
        merge(local, disk)
        assert local.model_dump() == before_local
        assert disk.model_dump() == before_disk

    def test_notes_and_incident_start_from_both_sides_are_kept(self, example_plan: Path) -> None:
        """Notes and the incident start are timeline events like ticks: none is dropped."""
        local, disk = two_copies(example_plan)
        record(local, "incident-start", "sam", at=at(0))
        record(local, "note", "sam", text="paged the DBA", at=at(3))
        record(disk, "note", "lee", text="status page updated", at=at(2))
        merged = merge(local, disk)
        assert [e.text for e in merged.timeline] == ["status page updated", None, "paged the DBA"]
        assert merged.incident_started_at == at(0)


class TestSameItem:
    """Both sides changed the same item: the latest change wins, a tie keeps the tick."""

    def test_later_untick_on_disk_wins_over_earlier_local_tick(self, example_plan: Path) -> None:
        """Ticked here at :01, unticked there at :02 (after a tick there at :00): undone."""
        local, disk = two_copies(example_plan)
        set_done(disk, "a-2", True, "lee", at=at(0))
        set_done(disk, "a-2", False, "lee", at=at(2))
        set_done(local, "a-2", True, "sam", at=at(1))
        merged = merge(local, disk)
        item = merged.item("a-2")
        assert item is not None and not item.done and item.done_at is None
        assert [e.event for e in merged.timeline if e.item == "a-2"] == ["tick", "untick", "tick"]

    def test_later_local_untick_wins_over_earlier_tick_on_disk(self, example_plan: Path) -> None:
        """Both had the tick; this side then unticked it: the untick is applied."""
        local, disk = two_copies(example_plan)
        for plan in (local, disk):
            set_done(plan, "a-3", True, "lee", at=at(0))
        set_done(local, "a-3", False, "sam", at=at(4))
        merged = merge(local, disk)
        item = merged.item("a-3")
        assert item is not None and not item.done
        assert merged.timeline[-1].event == "untick"

    def test_tie_keeps_the_tick(self, example_plan: Path) -> None:
        """An untick here and a tick there in the same second: the tick is kept."""
        local, disk = two_copies(example_plan)
        for plan in (local, disk):
            set_done(plan, "a-4", True, "lee", at=at(0))
        set_done(local, "a-4", False, "sam", at=at(5))
        set_done(disk, "a-4", False, "lee", at=at(1))
        set_done(disk, "a-4", True, "lee", at=at(5))
        item = merge(local, disk).item("a-4")
        assert item is not None and item.done and item.done_by == "lee"


class TestDiskIsTheBase:
    """What was written on disk stays, including hand edits that are not ticks."""

    def test_hand_edit_on_disk_is_kept(self, example_plan: Path) -> None:
        """A text changed by hand on disk survives, with the local tick applied to it."""
        local, disk = two_copies(example_plan)
        disk.title = "Checkout v2 (edited by hand)"
        step = disk.item("b-2")
        assert step is not None
        step.text = "Roll back with helm"
        set_done(local, "b-2", True, "sam", at=at(1))
        merged = merge(local, disk)
        item = merged.item("b-2")
        assert merged.title == "Checkout v2 (edited by hand)"
        assert item is not None and item.text == "Roll back with helm" and item.done

    def test_item_removed_on_disk_keeps_its_event_and_is_reported(self, example_plan: Path) -> None:
        """A tick of an item deleted on disk stays in the timeline and is named as lost."""
        local, disk = two_copies(example_plan)
        disk.followup.items = [i for i in disk.followup.items if i.id != "fu-5"]
        set_done(local, "fu-5", True, "sam", at=at(1))
        merged = merge(local, disk)
        assert merged.item("fu-5") is None
        assert merged.timeline[-1].item == "fu-5"
        assert summarize(local, disk).lost_items == ["fu-5"]

    def test_nothing_new_locally_means_the_disk_plan(self, example_plan: Path) -> None:
        """With no local events, the merge is exactly the plan on disk."""
        local, disk = two_copies(example_plan)
        set_done(disk, "comm-1", True, "lee", at=at(1))
        assert merge(local, disk) == disk
        assert not summarize(local, disk).local_changes
        assert len(summarize(local, disk).disk) == 1


class TestMissingEvents:
    """Which events one side lacks."""

    def test_repeated_identical_events_are_counted(self, example_plan: Path) -> None:
        """Two identical notes in one second are two events; one of them is missing."""
        local, disk = two_copies(example_plan)
        for _ in range(2):
            record(local, "note", "sam", text="retrying", at=at(1))
        record(disk, "note", "sam", text="retrying", at=at(1))
        assert len(missing_events(local, disk)) == 1
        assert [e.text for e in merge(local, disk).timeline] == ["retrying", "retrying"]

    def test_merged_plan_round_trips_through_the_file(self, example_plan: Path) -> None:
        """The merged plan saved into the disk's document reads back with both ticks."""
        local = store.load(example_plan).plan
        set_done(local, "a-1", True, "sam", at=at(1))
        other = store.load(example_plan)
        set_done(other.plan, "b-1", True, "lee", at=at(2))
        store.save(other)
        disk = store.load(example_plan)
        disk.plan = merge(local, disk.plan)
        store.save(disk)
        text = example_plan.read_text()
        assert "# Thresholds agreed with the payments team" in text
        reread = store.load(example_plan).plan
        assert [i.id for _, _, i in reread.checklist() if i.done] == ["a-1", "b-1"]
        assert len(reread.timeline) == 2


class TestNoticeChangeOnDisk:
    """changed_on_disk: a stat first, a hash only when the time or size moved."""

    def test_touch_is_not_a_change(self, example_plan: Path) -> None:
        """Same bytes, newer time: not a change, and the new time is remembered."""
        plan_file = store.load(example_plan)
        st = example_plan.stat()
        os.utime(example_plan, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
        assert not sync.changed_on_disk(plan_file)
        assert plan_file.identity is not None
        assert plan_file.identity.mtime_ns == st.st_mtime_ns + 5_000_000_000

    def test_tick_from_another_process_is_a_change(self, example_plan: Path) -> None:
        """A save by someone else is noticed; the plan in memory is not touched yet."""
        plan_file = store.load(example_plan)
        other = store.load(example_plan)
        set_done(other.plan, "a-1", True, "lee", at=at(1))
        store.save(other)
        assert sync.changed_on_disk(plan_file)
        item = plan_file.plan.item("a-1")
        assert item is not None and not item.done


class TestSaveMerging:
    """save_merging: a save that finds the file changed merges, never overwrites."""

    def test_conflicting_save_merges_both_ticks_into_the_file(self, example_plan: Path) -> None:
        """One merge is made; the file ends with both ticks and the other side's comment."""
        mine = store.load(example_plan)
        other = store.load(example_plan)
        set_done(other.plan, "b-1", True, "lee", at=at(1))
        store.save(other)
        example_plan.write_text(example_plan.read_text() + "# added by hand\n")
        set_done(mine.plan, "a-1", True, "sam", at=at(2))
        merges = sync.save_merging(mine)
        assert len(merges) == 1 and len(merges[0].disk) == 1 and len(merges[0].local) == 1
        text = example_plan.read_text()
        assert "# added by hand" in text
        reread = store.load(example_plan).plan
        assert {i.id: i.done_by for _, _, i in reread.checklist() if i.done} == {
            "a-1": "sam",
            "b-1": "lee",
        }
        assert not sync.changed_on_disk(mine)

    def test_unreadable_file_is_an_error_and_nothing_is_lost(self, example_plan: Path) -> None:
        """A broken file on disk: PlanFileError, the file untouched, the tick kept in memory."""
        mine = store.load(example_plan)
        broken = example_plan.read_text() + "\n[broken\n"
        example_plan.write_text(broken)
        set_done(mine.plan, "a-1", True, "sam", at=at(1))
        with pytest.raises(store.PlanFileError, match="TOML syntax error"):
            sync.save_merging(mine)
        assert example_plan.read_text() == broken
        item = mine.plan.item("a-1")
        assert item is not None and item.done

    def test_message_names_both_sides(self, example_plan: Path) -> None:
        """The notification says how many events came from disk and how many were kept."""
        local, disk = two_copies(example_plan)
        set_done(local, "a-1", True, "sam", at=at(1))
        set_done(disk, "b-1", True, "lee", at=at(2))
        record(disk, "note", "lee", text="db ok", at=at(3))
        message = sync.merge_message("plan.toml", summarize(local, disk))
        assert message == (
            "plan.toml changed on disk: merged 2 timeline events from there; your 1 kept."
        )
