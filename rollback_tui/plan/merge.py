"""Merging two versions of a plan by item id, so that neither side's ticks are lost.

The version on disk is the base: whatever another process or a hand edit wrote stays.
The local version's timeline events that the disk does not have (ticks, unticks, skips,
failures, notes, updates sent, the incident start) are appended to it, and each item they
touched takes the outcome of its latest tick, untick, skip or fail, whichever side made it.
Only within one run: when the disk holds another run (a reset cleared it since), nothing
of the local run is carried into the new one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rollback_tui.plan.model import ChecklistItem, Plan, TimelineEvent
from rollback_tui.plan.run_times import clear_item

_STATE_EVENTS = ("tick", "untick", "skip", "fail")
"""The events that set an item's outcome: done, open again, skipped, failed."""


def _key(event: TimelineEvent) -> tuple[object, ...]:
    return (event.at, event.by, event.event, event.item, event.text)


def missing_events(plan: Plan, other: Plan) -> list[TimelineEvent]:
    """The events of *plan*'s timeline that *other*'s lacks, in *plan*'s order.

    Counted as a multiset: the same tick made twice in one second by one person is two
    events, and the other side must have both.
    """
    have = Counter(_key(event) for event in other.timeline)
    missing: list[TimelineEvent] = []
    for event in plan.timeline:
        key = _key(event)
        if have[key]:
            have[key] -= 1
        else:
            missing.append(event)
    return missing


@dataclass(frozen=True)
class MergeSummary:
    """What a merge took from each side, to tell the user."""

    local: list[TimelineEvent]
    """Local events the disk did not have: they were re-applied."""
    disk: list[TimelineEvent]
    """Events on disk the local plan did not have: they came in with the disk version."""
    lost_items: list[str]
    """Ids ticked or unticked locally that are no longer in the plan on disk."""
    other_run: list[TimelineEvent] = field(default_factory=list)
    """The disk holds another run (reset since): the local events it lacks, which belong
    to the run they were made in and were not merged."""
    archive: str = ""
    """The file name of the archive of the local run, when the disk holds another."""
    carried: int = 0
    """How many local events went into that archive (it lacked them)."""

    @property
    def local_changes(self) -> bool:
        """The merged plan differs from the disk's and must be written back."""
        return bool(self.local)


def same_run(local: Plan, disk: Plan) -> bool:
    """Whether both hold the same run (a plan from before run ids has the empty one)."""
    return local.run_id == disk.run_id


def summarize(local: Plan, disk: Plan) -> MergeSummary:
    """What merge(local, disk) will take from each side."""
    mine = missing_events(local, disk)
    if not same_run(local, disk):
        return MergeSummary([], list(disk.timeline), [], other_run=mine)
    lost = sorted(
        {e.item for e in mine if e.event in _STATE_EVENTS and e.item and disk.item(e.item) is None}
    )
    return MergeSummary(mine, missing_events(disk, local), lost)


def apply_event(item: ChecklistItem, event: TimelineEvent) -> None:
    """Give *item* the outcome that *event* (a tick, untick, skip or fail) records."""
    item.outcome, item.reason = None, None
    if event.event == "tick":
        item.done, item.done_at, item.done_by = True, event.at, event.by or None
    elif event.event in ("skip", "fail"):
        item.done, item.done_at, item.done_by = False, event.at, event.by or None
        item.outcome = "skipped" if event.event == "skip" else "failed"
        item.reason = event.text or None
    else:
        item.done, item.done_at, item.done_by = False, None, None


def merge(local: Plan, disk: Plan) -> Plan:
    """The disk's plan with the local ticks, unticks and timeline events it lacks.

    The timeline stays append-only: the disk's events first, then the local ones. An
    item touched locally ends in the outcome of its latest tick, untick, skip or fail on
    either side; on a tie (the same second) a tick on disk wins, so no tick is lost. The
    inputs are not changed.
    """
    merged = disk.model_copy(deep=True)
    if not same_run(local, disk):
        return merged
    mine = missing_events(local, disk)
    merged.timeline.extend(event.model_copy() for event in mine)
    latest_local: dict[str, TimelineEvent] = {}
    for event in mine:
        if event.event in _STATE_EVENTS and event.item:
            current = latest_local.get(event.item)
            if current is None or event.at >= current.at:
                latest_local[event.item] = event
    for item_id, event in latest_local.items():
        item = merged.item(item_id)
        if item is None:
            continue  # removed on disk: the event stays in the timeline as a record
        on_disk = [e for e in disk.timeline if e.item == item_id and e.event in _STATE_EVENTS]
        latest_disk = max(on_disk, key=lambda e: e.at, default=None)
        if latest_disk is not None and (
            latest_disk.at > event.at
            or (latest_disk.at == event.at and latest_disk.event == "tick")
        ):
            continue
        apply_event(item, event)
    return merged


def _content(plan: Plan) -> Plan:
    """*plan* without its outcomes and timeline: what a merge by item id would not carry."""
    bare = plan.model_copy(deep=True)
    bare.timeline = []
    for item in bare.all_items():
        clear_item(item)
    return bare


def ticks_only(a: Plan, b: Plan) -> bool:
    """Whether *a* and *b* differ in ticks and the timeline alone."""
    return _content(a) == _content(b)


def can_merge(mine: Plan, disk: Plan, base: Plan | None) -> bool:
    """Whether merging *mine* into *disk* by item id loses nothing of either side.

    True when this side changed only ticks and the timeline since *base* (what was
    loaded), or when the two differ only there.
    """
    return ticks_only(mine, disk) or (base is not None and ticks_only(mine, base))
