"""The merge driver over random edits on both sides: it never writes a plan that does not
load; a clean merge keeps every timeline event of both sides once, in time order; a
conflict's markers, resolved either way, give a plan that loads."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rollback_tui import store
from rollback_tui.git import driver as merge_driver
from rollback_tui.plan import new_plan
from rollback_tui.plan.model import Plan, TimelineEvent
from rollback_tui.plan.timeline import record, set_done

T0 = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)
IDS = ["a-1", "a-2", "b-1", "b-2", "b-3", "api-1", "comm-1", "fu-1"]
words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)
minutes = st.integers(0, 30).map(lambda m: T0 + dt.timedelta(minutes=m))

edit = st.one_of(
    st.tuples(st.just("tick"), st.sampled_from(IDS), st.sampled_from(["sam", "lee"]), minutes),
    st.tuples(st.just("untick"), st.sampled_from(IDS), st.sampled_from(["sam", "lee"]), minutes),
    st.tuples(st.just("note"), words, minutes),
    st.tuples(st.just("title"), words),
    st.tuples(st.just("text"), st.sampled_from(IDS), words),
    st.tuples(st.just("add"), st.sampled_from(["x", "y"]), words),
    st.tuples(st.just("remove"), st.sampled_from(IDS)),
)


def apply(plan: Plan, edits: list[tuple[object, ...]]) -> None:
    for change in edits:
        kind = change[0]
        if kind in ("tick", "untick"):
            _, item_id, who, when = change
            if plan.item(str(item_id)) is not None:
                set_done(plan, str(item_id), kind == "tick", str(who), at=when)  # type: ignore[arg-type]
        elif kind == "note":
            record(plan, "note", "sam", text=str(change[1]), at=change[2])  # type: ignore[arg-type]
        elif kind == "title":
            plan.title = str(change[1])
        elif kind == "text":
            item = plan.item(str(change[1]))
            if item is not None:
                item.text = str(change[2])
        elif kind == "add" and plan.item(f"fu-{change[1]}") is None:
            item = plan.new_item("fu", str(change[2]))
            item.id = f"fu-{change[1]}"
            plan.followup.items.append(item)
        elif kind == "remove":
            for items in (plan.procedure.option_b, plan.followup.items):
                items[:] = [i for i in items if i.id != change[1]]


def key(event: TimelineEvent) -> str:
    return json.dumps(event.model_dump(mode="json"), sort_keys=True)


def resolve(text: str, side: str) -> str:
    """*text* with each conflict block replaced by its ours or theirs part."""
    out: list[str] = []
    part = None
    for line in text.splitlines(keepends=True):
        if line.startswith("<<<<<<< "):
            part = "ours"
        elif line.startswith("||||||| ") and part:
            part = "base"
        elif line.startswith("=======") and part:
            part = "theirs"
        elif line.startswith(">>>>>>> ") and part:
            part = None
        elif part is None or part == side:
            out.append(line)
    return "".join(out)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ours_edits=st.lists(edit, max_size=6), theirs_edits=st.lists(edit, max_size=6))
def test_the_driver_never_writes_a_plan_that_does_not_load(
    tmp_path: Path, ours_edits: list[tuple[object, ...]], theirs_edits: list[tuple[object, ...]]
) -> None:
    """Random edits on each side: exit 0 leaves a plan holding both sides' events once;
    exit 1 leaves ours, or markers that give a loading plan whichever side is taken."""
    base = store.new_file(tmp_path / "base.toml", new_plan(title="T", components=["api"]))
    base.plan.followup.items.append(base.plan.new_item("fu", "Write the report"))
    store.save(base, force=True)
    sides = {}
    for name, edits in (("ours", ours_edits), ("theirs", theirs_edits)):
        plan_file = store.load(base.path)
        apply(plan_file.plan, edits)
        plan_file.path, plan_file.identity = tmp_path / f"{name}.toml", None
        store.save(plan_file, force=True)
        sides[name] = store.load(plan_file.path)  # as read back: an empty note is unset
    before = sides["ours"].path.read_text("utf-8")
    outcome = merge_driver.merge_files(
        base.path, sides["ours"].path, sides["theirs"].path, "plan.toml"
    )
    after = sides["ours"].path.read_text("utf-8")
    if outcome.code == merge_driver.CLEAN:
        merged = store.load(sides["ours"].path).plan
        have = Counter(key(e) for e in merged.timeline)
        for side in sides.values():
            wanted = Counter(key(e) for e in side.plan.timeline)
            assert all(have[k] >= n for k, n in wanted.items())
        most = Counter(key(e) for e in sides["ours"].plan.timeline) | Counter(
            key(e) for e in sides["theirs"].plan.timeline
        )
        assert have == most  # nothing twice
        assert [e.at for e in merged.timeline] == sorted(e.at for e in merged.timeline)
        return
    assert outcome.code == merge_driver.CONFLICT
    if after == before:
        return
    assert "<<<<<<< " in after
    for taken in ("ours", "theirs"):
        path = tmp_path / f"resolved-{taken}.toml"
        path.write_text(resolve(after, taken), "utf-8")
        store.load(path)  # raises if it does not load


hand_edit = st.tuples(
    st.sampled_from(["key", "comment"]), st.sampled_from([*IDS, "top"]), st.integers(0, 3)
)


def hand_edited(
    text: str, side: str, edits: list[tuple[str, str, int]]
) -> tuple[str, list[tuple[str, str, str]]]:
    """*text* with a key rollback-tui does not know, or a comment, added by hand inside an
    item (after its id) or at the top; returns the text and (kind, where, line) added."""
    added: list[tuple[str, str, str]] = []
    for n, (kind, where, _) in enumerate(edits):
        anchor = "schema_version = 1\n" if where == "top" else f'id = "{where}"\n'
        line = f"{side}_{n} = {n}\n" if kind == "key" else f"# {side} {n}\n"
        if anchor in text:
            text = text.replace(anchor, anchor + line, 1)
            added.append((kind, where, line))
    return text, added


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    ours_edits=st.lists(edit, max_size=4),
    theirs_edits=st.lists(edit, max_size=4),
    ours_hand=st.lists(hand_edit, max_size=3),
    theirs_hand=st.lists(hand_edit, max_size=3),
)
def test_a_clean_merge_keeps_both_sides_comments_and_unknown_keys(
    tmp_path: Path,
    ours_edits: list[tuple[object, ...]],
    theirs_edits: list[tuple[object, ...]],
    ours_hand: list[tuple[str, str, int]],
    theirs_hand: list[tuple[str, str, int]],
) -> None:
    """Random edits and hand edits (comments, unknown keys) on each side: a clean merge
    holds every line either side added, but in an item the other side removed; an
    unknown key added to an item the other side removed is a conflict, never dropped."""
    base = store.new_file(tmp_path / "base.toml", new_plan(title="T", components=["api"]))
    base.plan.followup.items.append(base.plan.new_item("fu", "Write the report"))
    store.save(base, force=True)
    added: dict[str, list[tuple[str, str, str]]] = {}
    plans: dict[str, Plan] = {}
    for name, edits, hand in (
        ("ours", ours_edits, ours_hand),
        ("theirs", theirs_edits, theirs_hand),
    ):
        plan_file = store.load(base.path)
        apply(plan_file.plan, edits)
        plan_file.path, plan_file.identity = tmp_path / f"{name}.toml", None
        store.save(plan_file, force=True)
        text, added[name] = hand_edited(plan_file.path.read_text("utf-8"), name, hand)
        plan_file.path.write_text(text, "utf-8")
        plans[name] = store.load(plan_file.path).plan
    outcome = merge_driver.merge_files(
        base.path, tmp_path / "ours.toml", tmp_path / "theirs.toml", "plan.toml"
    )
    if outcome.code != merge_driver.CLEAN:
        return
    text = (tmp_path / "ours.toml").read_text("utf-8")
    merged = store.load(tmp_path / "ours.toml").plan
    for side, other in (("ours", "theirs"), ("theirs", "ours")):
        for kind, where, line in added[side]:
            kept = where == "top" or merged.item(where) is not None
            if kept:
                assert line in text, (side, line, outcome.message)
            else:
                assert kind == "comment", (side, line, "dropped with its item")
                assert plans[other].item(where) is None
