"""The example plan's Markdown, checked against the golden file in snapshots/golden/."""

from __future__ import annotations

import difflib
from pathlib import Path

from markdown_it import MarkdownIt

from rollback_tui import store
from rollback_tui.render import render_markdown

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "plan.toml"
GOLDEN = ROOT / "snapshots" / "golden" / "plan.md"


def same_text(actual: str, expected: str, name: str) -> None:
    """Assert *actual* equals *expected*, showing a diff against *name* if not."""
    diff = "".join(
        difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), name, "rendered")
    )
    assert actual == expected, f"rendered Markdown differs from {name}:\n{diff}"


class TestGoldenMarkdown:
    def test_render_of_the_example_matches(self) -> None:
        """Rendering the example plan (loaded for editing) gives the golden Markdown."""
        plan = store.load(EXAMPLE).plan
        same_text(render_markdown(plan), GOLDEN.read_text(encoding="utf-8"), str(GOLDEN))

    def test_fast_reader_renders_the_same(self) -> None:
        """The read-only path (tomllib) renders the same golden Markdown."""
        plan, unknown = store.read_plan(EXAMPLE)
        assert unknown == []
        same_text(render_markdown(plan), GOLDEN.read_text(encoding="utf-8"), str(GOLDEN))

    def test_checked_in_example_markdown_matches(self) -> None:
        """examples/plan.md, written beside the example plan, is the golden file."""
        assert (ROOT / "examples" / "plan.md").read_bytes() == GOLDEN.read_bytes()

    def test_golden_file_is_plain_lf_text(self) -> None:
        """The golden file is UTF-8 with LF line ends and one final newline."""
        data = GOLDEN.read_bytes()
        assert b"\r" not in data
        assert data.endswith(b"\n") and not data.endswith(b"\n\n")
        data.decode("utf-8")

    def test_golden_file_is_well_formed(self) -> None:
        """The golden Markdown has one title, both tables, and no raw HTML."""
        tokens = MarkdownIt("commonmark").enable("table").parse(GOLDEN.read_text())
        assert [t.tag for t in tokens if t.type == "heading_open"].count("h1") == 1
        assert sum(t.type == "table_open" for t in tokens) == 2
        assert not [t for t in tokens if t.type == "html_block"]
