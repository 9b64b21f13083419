"""A tick's save takes the shape its files had when last saved (where the tables are in
plan.toml, where the components are in plan.md) instead of finding it again, and writes
the very bytes a save that found it all writes; anything the kept shape does not describe
(a hand edit of either file, another release, a damaged or unwritable state folder) costs
the tick its speed, never its files."""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import run

from rollback_tui import store
from rollback_tui.plan import Plan, new_plan
from rollback_tui.plan.timeline import set_done, set_outcome
from rollback_tui.render import markdown as markdown_module
from rollback_tui.render import markdown_data, render_markdown_data
from rollback_tui.render.markdown import DrawnComponents
from rollback_tui.store import layout as toml_layout
from rollback_tui.store import saved_shape

COMPONENTS = 12


def plan_with(components: int) -> Plan:
    plan = new_plan(title="Shape", components=[f"c{i}" for i in range(components)])
    if components > 3:
        plan.components[3].name = plan.components[2].name  # a repeated heading, numbered
    return plan


@pytest.fixture
def kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A saved plan whose shape is kept (however short: FROM_BYTES is lowered)."""
    monkeypatch.setattr(saved_shape, "FROM_BYTES", 0)
    path = tmp_path / "plan.toml"
    store.save(store.new_file(path, plan_with(COMPONENTS)), force=True)
    return path


def tick(path: Path, *ids: str, outcome: str = "done") -> None:
    """What `rollback-tui tick` does, in this process, as a process of its own starts: no
    layout known of an earlier save."""
    toml_layout._last = ("", None)
    plan_file = store.load(path)
    for item_id in ids:
        if outcome == "done":
            set_done(plan_file.plan, item_id, True, "sam")
        else:
            set_outcome(plan_file.plan, item_id, "skipped", "not needed", "sam")
    plan_file.changed_only(ids)
    store.save(plan_file)


def assert_as_a_whole_save_writes(path: Path) -> None:
    plan = store.load(path).plan
    assert path.with_suffix(".md").read_bytes() == render_markdown_data(plan)


class Counted:
    """How often the layout of a whole plan is found by a scan (the pieces a tick changed
    are scanned alone), and which components are drawn."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.scans = 0
        self.drawn: list[int] = []
        split, component = toml_layout.split, markdown_module._Renderer.component

        def counting_split(text: str) -> toml_layout.Layout | None:
            self.scans += text.startswith("schema_version")  # the whole text, not a piece
            return split(text)

        def counting_component(renderer: markdown_module._Renderer, index: int) -> str:
            self.drawn.append(index)
            return component(renderer, index)

        monkeypatch.setattr(toml_layout, "split", counting_split)
        monkeypatch.setattr(markdown_module._Renderer, "component", counting_component)


class TestTicks:
    def test_a_tick_draws_only_its_components_and_scans_no_layout(
        self, kept: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        tick(kept, "c0-1")  # the first: the shape the new-plan save kept
        counted = Counted(monkeypatch)
        tick(kept, "c5-2", "c11-1", "contain-1")
        assert counted.scans == 0
        assert sorted(counted.drawn) == [5, 11]
        assert_as_a_whole_save_writes(kept)

    def test_ticks_in_a_row_anywhere_write_what_a_whole_save_writes(self, kept: Path) -> None:
        for ids in (["c0-1"], ["c11-3"], ["c3-1", "c2-1"], ["a-1"], ["fu-1"], ["c0-2"]):
            tick(kept, *ids)
            assert_as_a_whole_save_writes(kept)
        tick(kept, "c4-1", outcome="skipped")
        assert_as_a_whole_save_writes(kept)
        run("tick", kept, "c7-1", "c7-2", "--by", "ann")
        run("tick", kept, "c7-1", "--undo", "--by", "ann")
        assert_as_a_whole_save_writes(kept)

    def test_the_shape_is_the_users_alone_and_holds_no_content(self, kept: Path) -> None:
        tick(kept, "c1-1")
        shape = saved_shape.shape_path(kept)
        assert os.stat(shape).st_mode & 0o777 == 0o600
        assert os.stat(shape.parent).st_mode & 0o777 == 0o700
        text = shape.read_text()
        assert "Shape" not in text and "c1-1" not in text and "sam" not in text


def swapped(record: dict[str, Any]) -> list[int]:
    starts = list(record["layout"]["starts"])
    starts[2], starts[3] = starts[3], starts[2]
    return starts


def shifted(record: dict[str, Any]) -> list[int]:
    starts = record["layout"]["starts"]
    return [starts[0], *(n + 1 for n in starts[1:])]


def merged(record: dict[str, Any]) -> list[int]:
    """Component 1's chunk made empty, and component 2's holding both: patching the
    first entry of that chunk with component 2's values would write them into 1."""
    layout = record["layout"]
    components = [i for i, k in enumerate(layout["key"]) if layout["keys"][k] == "components"]
    starts = list(layout["starts"])
    starts[components[2]] = starts[components[1]]
    return starts


class TestWhatTheShapeDoesNotDescribe:
    """Each of these: the layout is scanned and the Markdown drawn whole, and right."""

    def test_a_plan_edited_by_hand(self, kept: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        kept.write_text(kept.read_text().replace('name = "c6"', 'name = "c6 renamed"'))
        counted = Counted(monkeypatch)
        tick(kept, "c1-1")
        assert counted.scans == 1 and len(counted.drawn) == COMPONENTS
        assert "c6 renamed" in kept.with_suffix(".md").read_text()
        assert_as_a_whole_save_writes(kept)

    def test_a_markdown_edited_by_hand(self, kept: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        tick(kept, "c0-1")  # the plan's layout kept, from this tick on
        markdown = kept.with_suffix(".md")
        markdown.write_text(markdown.read_text().replace("### c6", "### c6 (edited)"))
        counted = Counted(monkeypatch)
        tick(kept, "c1-1")
        assert counted.scans == 0 and len(counted.drawn) == COMPONENTS
        assert_as_a_whole_save_writes(kept)

    def test_a_shape_kept_by_other_code(self, kept: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        record = json.loads(saved_shape.shape_path(kept).read_text())
        record["code"] = "another release"
        saved_shape.shape_path(kept).write_text(json.dumps(record))
        counted = Counted(monkeypatch)
        tick(kept, "c1-1")
        assert counted.scans == 1 and len(counted.drawn) == COMPONENTS
        assert_as_a_whole_save_writes(kept)

    @pytest.mark.parametrize(
        "damage",
        [
            lambda r: "{not json",
            lambda r: json.dumps({**r, "layout": {**r["layout"], "starts": swapped(r)}}),
            lambda r: json.dumps({**r, "layout": {**r["layout"], "length": 1}}),
            lambda r: json.dumps({**r, "layout": {**r["layout"], "starts": shifted(r)}}),
            lambda r: json.dumps({**r, "layout": {**r["layout"], "starts": merged(r)}}),
            lambda r: json.dumps(
                {**r, "markdown": {**r["markdown"], "lengths": [10**9] * COMPONENTS}}
            ),
            lambda r: json.dumps({**r, "markdown": {**r["markdown"], "lengths": [-1]}}),
            lambda r: json.dumps({**r, "markdown": "x"}),
        ],
        ids=[
            "not json",
            "out of order",
            "wrong length",
            "shifted",
            "merged",
            "too long",
            "few",
            "odd",
        ],
    )
    def test_a_damaged_shape(self, kept: Path, damage: object) -> None:
        tick(kept, "c0-1")
        shape = saved_shape.shape_path(kept)
        shape.write_text(damage(json.loads(shape.read_text())))  # type: ignore[operator]
        tick(kept, "c2-1")
        assert_as_a_whole_save_writes(kept)
        tick(kept, "c3-1")  # and the next is kept right again
        assert_as_a_whole_save_writes(kept)
        assert [i.id for _, _, i in store.load(kept).plan.checklist() if i.done] == [
            "c0-1",
            "c2-1",
            "c3-1",
        ]

    def test_a_state_folder_that_cannot_be_written(
        self, kept: Path, unwritable_state_folder: Path
    ) -> None:
        """(Made unwritable once the plan was saved with its shape and values kept.)"""
        tick(kept, "c1-1")
        assert store.load(kept).plan.item("c1-1").done  # type: ignore[union-attr]
        assert_as_a_whole_save_writes(kept)


def test_old_shapes_and_too_many_are_removed_when_one_is_kept(
    kept: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plans moved or deleted leave their shapes behind: the oldest go, and so do those
    older than KEPT_DAYS, when another is kept; the plan's own stays."""
    folder = saved_shape.shape_path(kept).parent
    now = time.time()
    ages = {f"recent-{n:02}": 60.0 * (n + 1) for n in range(saved_shape.KEPT_AT_MOST)}
    ages |= {"too-many": 3_600.0, "stale": (saved_shape.KEPT_DAYS + 1) * 86_400.0}
    for name, age in ages.items():
        path = folder / f"{name}.json"
        path.write_text("{}")
        os.utime(path, (now - age, now - age))
    other = folder / "not-a-shape.txt"
    other.write_text("kept")
    os.utime(other, (0, 0))
    tick(kept, "c1-1")
    left = {path.stem for path in folder.iterdir()}
    mine = saved_shape.shape_path(kept).stem
    assert left == {mine, "not-a-shape"} | {f"recent-{n:02}" for n in range(15)}
    assert len([p for p in folder.glob("*.json")]) == saved_shape.KEPT_AT_MOST
    counted = Counted(monkeypatch)
    tick(kept, "c2-1")  # the plan's own shape is still believed
    assert counted.drawn == [2]
    assert_as_a_whole_save_writes(kept)


def test_a_short_plan_keeps_no_shape(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "plan.toml"
    monkeypatch.setattr(saved_shape, "FROM_BYTES", 0)
    store.save(store.new_file(path, plan_with(2)), force=True)
    assert saved_shape.shape_path(path).exists()
    monkeypatch.setattr(saved_shape, "FROM_BYTES", 10**9)
    tick(path, "c0-1")
    assert not saved_shape.shape_path(path).exists()


class TestMarkdownData:
    """The Markdown with some components drawn again and the others as drawn before is
    the Markdown drawn whole."""

    @pytest.mark.parametrize("redraw", [set(), {0}, {5}, {COMPONENTS - 1}, {0, 4, 11}])
    def test_spliced_is_whole(self, redraw: set[int]) -> None:
        before = plan_with(COMPONENTS)
        drawn = markdown_data(before)
        data = drawn.data()
        after = before.model_copy(deep=True)
        for i in redraw:
            set_done(after, after.components[i].steps[0].id, True, "sam")
        spliced = markdown_data(after, DrawnComponents(data, drawn.at, drawn.lengths), redraw)
        assert spliced.data() == render_markdown_data(after)
        whole = markdown_data(after)
        assert (spliced.at, spliced.lengths) == (whole.at, whole.lengths)
        # What a save keeps of the document, taken from its pieces without joining them.
        assert spliced.size == len(spliced.data())
        assert spliced.sha256() == hashlib.sha256(spliced.data()).hexdigest()

    def test_drawn_for_another_count_of_components(self) -> None:
        drawn = markdown_data(plan_with(3))
        with pytest.raises(ValueError, match="3 sections drawn for 4 components"):
            markdown_data(
                plan_with(4),
                DrawnComponents(drawn.data(), drawn.at, drawn.lengths),
            )

    def test_no_components(self) -> None:
        plan = new_plan(title="Empty")
        drawn = markdown_data(plan)
        again = markdown_data(plan, DrawnComponents(drawn.data(), 0, []), ())
        assert again.data() == drawn.data() == render_markdown_data(plan)
