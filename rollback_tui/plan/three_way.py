"""Three versions of a plan (a common base and two sides) merged into one, by item id.

What git needs to merge a plan file that responders changed in two clones. Each item's
checklist state (done, when, by whom, and any other field of an item that is not its
content) is merged by item id; the timeline keeps the events of both sides once each, in
time order; every other field is merged key by key, and items by id. A field that both
sides changed differently is a conflict, except an item's checklist state: ticked on both
sides, the earliest tick is kept; otherwise the side that touched the item last wins. An
item one side removed and the other ticked (or changed) is a conflict.

Ticks belong to a run (run_id, new at every reset). When one side reset the plan since the
base (a new run) and the other went on with the old run, the merge keeps the new run (its
ticks and timeline); the old run's events the base lacks are handed back (Merged.old_run)
for the caller to put in that run's archive. Both sides reset, or no base to tell which
side did: a conflict.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from rollback_tui.plan.model import ChecklistItem, Plan, TimelineEvent
from rollback_tui.plan.run_sides import SIDES, OldRun, Side, old_run, run_side, run_timeline

CONTENT_FIELDS = frozenset({"id", "text", "command", "owner"})
"""An item's fields that say what to do; every other field of an item is its state."""
STATE_FIELDS = tuple(name for name in ChecklistItem.model_fields if name not in CONTENT_FIELDS)
"""An item's checklist state (done, done_at, done_by, outcomes...), read from the model."""


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
"""A key or an item that one version does not have."""


@dataclass(frozen=True)
class Merged:
    """The merged plan, and where both sides changed the same thing differently."""

    plan: Plan
    """The merge; at each conflict, the side asked for (ours by default)."""
    conflicts: list[str]
    """What conflicts, in words: ``title``, ``item a-1: text``; empty for a clean merge."""
    old_run: OldRun | None = None
    """One side reset the plan, the other has events of the old run since the base: they
    are not in the merge (the new run's), and belong in the old run's archive."""
    run_conflict: bool = False
    """The sides hold different runs and which to keep is among the conflicts (both
    reset, no base to tell, or asked by reset_conflicts): a conflict of whole runs."""


class MergeError(ValueError):
    """The merged fields do not make a valid plan (an id on both sides in two lists)."""


def merge_three(
    base: Plan | None,
    ours: Plan,
    theirs: Plan,
    *,
    prefer: Side = "ours",
    reset_conflicts: bool = False,
    changed_outside: tuple[set[str], set[str]] = (set(), set()),
) -> Merged:
    """Merge *ours* and *theirs*, both changed from *base* (None: no common version).

    At a conflict the result takes the *prefer* side's value (the base's, for "base"),
    so that three results can be laid side by side to show the conflicts. With
    *reset_conflicts*, a reset on one side is a conflict too (the caller has nowhere to
    keep the old run's events). *changed_outside* names the items that ours and theirs
    changed outside the plan's fields (keys rollback-tui does not know, which the caller
    merges): one of them removed on the other side is a conflict. Raises MergeError if
    the merged fields do not validate. The inputs are not changed.
    """
    conflicts: list[str] = []
    merger = _Merger(prefer, conflicts)
    plans = (base, ours, theirs)
    run, run_conflict = run_side(plans, merger.prefer, merger.conflicts, reset_conflicts)
    states = (_states(base) if base is not None else {}, _states(ours), _states(theirs))
    touched: tuple[dict[str, Any], ...] = (
        {},  # (the base changed nothing since itself)
        _latest_new_events(ours, base),
        _latest_new_events(theirs, base),
    )
    changed = [
        {i for i in states[index] if _state_changed(i, side, states, touched, run)}
        for index, side in enumerate(SIDES)
    ]
    changed[1] |= changed_outside[0]
    changed[2] |= changed_outside[1]
    content = _unmarked(
        merger.merge(
            _content(base) if base is not None else MISSING,
            _content(ours, changed[1]),
            _content(theirs, changed[2]),
            "",
        )
    )
    if run is None:
        timeline, run_id = _timeline(base, ours, theirs), ours.run_id
    else:  # the run kept: its id and timeline
        timeline, run_id = run_timeline(plans, run)
    # Each item's merged state goes into its table before the plan is validated: set on
    # the validated plan, each of its fields was validated again on its own (6,350 times
    # for a 200-component plan, a third of the merge).
    for item in _items(content):
        if run is None:
            state = _merge_state(item["id"], states, touched, merger)
        else:  # the run kept: its states (an item it lacks: not done in it)
            state = states[SIDES.index(run)].get(item["id"], _untouched())
        if state is not None:
            item.update(state)
    try:
        plan = Plan.model_validate({**content, "timeline": timeline, "run_id": run_id})
    except ValidationError as exc:
        error = exc.errors()[0]
        raise MergeError(error["msg"].removeprefix("Value error, ")) from None
    return Merged(plan, conflicts, None if run_conflict else old_run(plans, run), run_conflict)


def _items(value: Any) -> Iterator[dict[str, Any]]:
    """The checklist items in merged content (the tables with an id), in order."""
    if isinstance(value, dict):
        if "id" in value:
            yield value
            return
        for below in value.values():
            yield from _items(below)
    elif isinstance(value, list):
        for below in value:
            yield from _items(below)


def _untouched() -> dict[str, Any]:
    return {name: getattr(_UNTOUCHED, name) for name in STATE_FIELDS}


def _state_changed(
    item_id: str,
    side: Side,
    states: tuple[dict[str, dict[str, Any]], ...],
    touched: tuple[dict[str, Any], ...],
    run: Side | None,
) -> bool:
    """Whether *side* changed the item's checklist state since the base: its state moved,
    or it has new events about the item (ticked, then unticked again). Across a reset,
    only the run kept counts (the old run's outcomes go to its archive), and there a
    change is any outcome at all."""
    index = SIDES.index(side)
    state = states[index].get(item_id)
    if state is None:
        return False
    if run is not None:
        return run == side and state != _untouched()
    base = states[0].get(item_id, _untouched())
    return state != base or item_id in touched[index]


# -- content ------------------------------------------------------------------------------


_CHANGED = "\0changed"
"""Marks, in a side's content, an item whose state (or keys outside the plan's fields)
that side changed since the base: so that removing the item on the other side is a
conflict, as changing its text there would be (no plan's key can be named so: it never
reaches the plan)."""


def _strip_state(value: Any, changed: set[str]) -> Any:
    # Only containers are gone into: a call for each of a long plan's strings and numbers
    # was a fifth of a merge.
    if isinstance(value, dict):
        is_item = "id" in value  # only checklist items carry an id
        stripped = {
            key: _strip_state(v, changed) if isinstance(v, (dict, list)) else v
            for key, v in value.items()
            if not (is_item and key in STATE_FIELDS)
        }
        if is_item and value["id"] in changed:
            stripped[_CHANGED] = True
        return stripped
    if isinstance(value, list):
        return [_strip_state(v, changed) if isinstance(v, (dict, list)) else v for v in value]
    return value


def _unmarked(value: Any) -> Any:
    """Merged content without the marks of _strip_state."""
    if isinstance(value, dict):
        return {
            key: _unmarked(v) if isinstance(v, (dict, list)) else v
            for key, v in value.items()
            if key != _CHANGED
        }
    if isinstance(value, list):
        return [_unmarked(v) if isinstance(v, (dict, list)) else v for v in value]
    return value


def _content(plan: Plan, changed: set[str] | frozenset[str] = frozenset()) -> dict[str, Any]:
    """The plan's fields but its run (run_id, the timeline, its items' states), as plain
    data; each item of *changed* marked as changed in state."""
    data = plan.model_dump(mode="python", exclude={"timeline", "run_id"})
    return dict(_strip_state(data, set(changed)))


def _keyed(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, dict) and "id" in v for v in value)


class _Merger:
    def __init__(self, prefer: Side, conflicts: list[str]) -> None:
        self.prefer = prefer
        self.conflicts = conflicts

    def conflict(self, where: str, base: Any, ours: Any, theirs: Any) -> Any:
        self.conflicts.append(where)
        return {"ours": ours, "base": base, "theirs": theirs}[self.prefer]

    def merge(self, base: Any, ours: Any, theirs: Any, where: str) -> Any:
        if ours == theirs:
            return ours
        if ours == base:
            return theirs
        if theirs == base:
            return ours
        if isinstance(ours, dict) and isinstance(theirs, dict):
            return self._merge_table(base if isinstance(base, dict) else {}, ours, theirs, where)
        lists = isinstance(ours, list) and isinstance(theirs, list)
        if (
            lists
            and ours
            and theirs
            and _keyed(ours)
            and _keyed(theirs)
            and (base is MISSING or _keyed(base))
        ):
            return self._merge_items(base if base is not MISSING else [], ours, theirs, where)
        if lists and isinstance(base, list) and len(base) == len(ours) == len(theirs):
            return [
                self.merge(b, o, t, f"{where}[{i}]")
                for i, (b, o, t) in enumerate(zip(base, ours, theirs, strict=True))
            ]
        return self.conflict(where or "the plan", base, ours, theirs)

    def _merge_table(
        self, base: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any], where: str
    ) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        label = f"item {ours['id']}: " if "id" in ours else (f"{where}." if where else "")
        for key in [*ours, *(k for k in theirs if k not in ours)]:
            value = self.merge(
                base.get(key, MISSING),
                ours.get(key, MISSING),
                theirs.get(key, MISSING),
                f"{label}{key}",
            )
            if value is not MISSING:
                merged[key] = value
        return merged

    def _merge_items(
        self,
        base: list[dict[str, Any]],
        ours: list[dict[str, Any]],
        theirs: list[dict[str, Any]],
        where: str,
    ) -> list[dict[str, Any]]:
        """Items merged by id: each side's additions, removals and edits."""
        by_id = [{item["id"]: item for item in items} for items in (base, ours, theirs)]
        common = [i for i in by_id[1] if i in by_id[2]]
        if common != [i for i in by_id[2] if i in by_id[1]]:
            # Both sides reordered the same items differently.
            side = self.conflict(f"{where} (order of items)", base, ours, theirs)
            return side if side is not MISSING else []
        order = list(by_id[1])
        for index, item_id in enumerate(by_id[2]):
            if item_id in by_id[1]:
                continue
            before = next((i for i in reversed(list(by_id[2])[:index]) if i in order), None)
            at = order.index(before) + 1 if before is not None else 0
            while at < len(order) and order[at] not in by_id[0] and order[at] not in by_id[2]:
                at += 1  # after the items ours added there: ours first, then theirs
            order.insert(at, item_id)
        merged = []
        for item_id in order:
            base_item, ours_item, theirs_item = (items.get(item_id, MISSING) for items in by_id)
            if self._removed_but_ticked(item_id, base_item, ours_item, theirs_item):
                value = self.conflict(
                    f"item {item_id} (removed on one side, ticked or changed on the other)",
                    base_item,
                    ours_item,
                    theirs_item,
                )
            else:
                value = self.merge(base_item, ours_item, theirs_item, f"item {item_id}")
            if value is not MISSING:
                merged.append(value)
        return merged

    @staticmethod
    def _removed_but_ticked(item_id: str, base: Any, ours: Any, theirs: Any) -> bool:
        """One side removed the item; the other kept its content but changed its state
        (a content change there is a conflict of its own, found by merge)."""
        if base is MISSING or (ours is MISSING) == (theirs is MISSING):
            return False
        kept = theirs if ours is MISSING else ours
        return bool(kept.get(_CHANGED)) and _unmarked(kept) == base


# -- checklist state ----------------------------------------------------------------------


def _states(plan: Plan) -> dict[str, dict[str, Any]]:
    return {
        item.id: {name: getattr(item, name) for name in STATE_FIELDS} for item in plan.all_items()
    }


_UNTOUCHED = ChecklistItem()


def _latest_new_events(plan: Plan, base: Plan | None) -> dict[str, Any]:
    """When *plan* last changed each item since *base*: the time of the latest of the
    item's events that *base* lacks (counted as multisets: an event base has as often is
    not new), by item id; an item with no new event is not there.

    Found once for the whole timeline: asked item by item, each of a long plan's items
    read every event of the base's timeline again (2 s for 1,900 items and 300 events).
    """
    old = Counter(_event_key(e) for e in base.timeline) if base is not None else Counter()
    latest: dict[str, Any] = {}
    for event in plan.timeline:
        if event.item is None:
            continue
        key = _event_key(event)  # (it holds the item: events of two items never match)
        if old[key]:
            old[key] -= 1
        elif event.item not in latest or event.at > latest[event.item]:
            latest[event.item] = event.at
    return latest


def _merge_state(
    item_id: str,
    states: tuple[dict[str, dict[str, Any]], ...],
    touched: tuple[dict[str, Any], ...],
    merger: _Merger,
) -> dict[str, Any] | None:
    base, mine, other = (s.get(item_id) for s in states)
    if (mine is None or other is None) and base is not None:
        # Removed on one side, kept by a conflict: the preferred side's state, so that
        # the three versions laid side by side show it.
        chosen = {"base": base, "ours": mine, "theirs": other}[merger.prefer]
        return chosen or mine or other
    if base is None:  # new on both sides (or no common version): as if never ticked
        base = _untouched()
    if mine is None or other is None:
        return mine or other  # the item is on one side only
    if mine == other:
        return mine
    # A side changed the item if its state moved or it has new events about it (ticked,
    # then unticked again, is a change that ends where it began).
    mine_at, other_at = touched[1].get(item_id), touched[2].get(item_id)
    if other == base and other_at is None:
        return mine
    if mine == base and mine_at is None:
        return other
    # Both sides changed it. Ticked on both: once, at the earliest tick.
    if mine.get("done") and other.get("done") and mine.get("done_at") and other.get("done_at"):
        return other if other["done_at"] < mine["done_at"] else mine
    if mine_at is not None and other_at is not None and mine_at != other_at:
        return mine if mine_at > other_at else other  # the latest change wins
    # The merger returns one of the three sides it was given: here each is a dict.
    return merger.conflict(f"item {item_id}: state", base, mine, other)  # type: ignore[no-any-return]


# -- the timeline -------------------------------------------------------------------------


def _event_key(event: TimelineEvent) -> str:
    return json.dumps(event.model_dump(mode="json"), sort_keys=True)


def _timeline(base: Plan | None, ours: Plan, theirs: Plan) -> list[TimelineEvent]:
    """Both sides' events, each once, in time order (ours first within one second).

    Counted as multisets against the base: an event both sides added is kept once, one
    that a side removed (by hand) stays removed.
    """
    have = [
        Counter(_event_key(e) for e in plan.timeline) if plan is not None else Counter()
        for plan in (base, ours, theirs)
    ]
    need: dict[str, int] = {}
    for key in have[1].keys() | have[2].keys():
        was, mine, other = have[0][key], have[1][key], have[2][key]
        if mine > was and other > was:
            need[key] = max(mine, other)
        else:
            need[key] = max(0, mine + other - was)
    events: list[TimelineEvent] = []
    for event in [*ours.timeline, *theirs.timeline]:
        key = _event_key(event)
        if need.get(key, 0) > 0:
            need[key] -= 1
            events.append(event.model_copy())
    events.sort(key=lambda e: e.at)
    return events
