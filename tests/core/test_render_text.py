"""`render --format text`: the plan as plain text for ticket systems that show Markdown raw."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from rollback_tui import store
from rollback_tui.cli import main
from rollback_tui.plan import ActionGroup, Contact, DeploymentType, Plan, Trigger, new_plan
from rollback_tui.plan.text import clean_text
from rollback_tui.plan.timeline import record, set_done
from rollback_tui.render import render_markdown
from rollback_tui.render.plain_text import render_text

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plan.toml"
AT = dt.datetime(2026, 11, 21, 3, 4, 5, tzinfo=dt.UTC)
HEADINGS = [
    "Assumptions & Data Safety",
    "Rollback Triggers",
    "Rollback Decision Criteria",
    "Rollback Procedure",
    "Component Rollback Steps",
    "Communication Plan",
    "Post-Rollback Actions",
    "Post-Incident Follow-Up",
    "Emergency Contacts",
    "Timeline",
]
HOSTILE = [
    "a | b || c",
    "*emphasis* _emphasis_ **strong** ~~strike~~ `code` [link](https://x.io) <b>x</b>",
    "# not a heading",
    "1. not a list",
    "- [x] fake task",
    "&amp; \\* \\_",
    "Timeline\n--------",
    "ROLLBACK PLAN: evil\n==================",
    "line one\nline two",
]


def example() -> Plan:
    return store.read_plan(EXAMPLE)[0]


def busy_plan(text: str) -> Plan:
    """A plan with *text* in the places the text form writes user text."""
    plan = new_plan(
        title=text, incident=text, version="v2", feature_flag="ff", components=[text, "api"]
    )
    plan.triggers = [Trigger(trigger=text, threshold=text, source=text)]
    plan.contacts = [Contact(role=text, name=text, contact=text)]
    plan.assumptions.backups = text
    plan.post_rollback.append(ActionGroup(name=text, items=[plan.new_item("post", text)]))
    plan.communications.internal_template = text
    for _, _, item in plan.checklist():
        item.text, item.owner = text, text
    record(plan, "incident-start", text, at=AT)
    set_done(plan, "a-1", True, text, at=AT)
    record(plan, "note", text, text=text, at=AT)
    return plan


def underlined(text: str) -> list[str]:
    """The lines the text form underlines (its headings)."""
    lines = text.split("\n")
    return [
        line
        for line, under in itertools.pairwise(lines)
        if line and re.fullmatch(r"=+|-+", under) and len(under) == len(line)
    ]


class TestPlainText:
    def test_sections_in_the_markdown_order(self) -> None:
        """The title, then the Markdown's sections, each underlined, in the same order."""
        text = render_text(example())
        assert underlined(text) == ["ROLLBACK PLAN: Checkout v2", *HEADINGS[:-1]]

    def test_no_escapes_no_table_pipes_no_fences(self) -> None:
        """Nothing a ticket system would show raw: no backslashes, pipes, fences or **."""
        text = render_text(example())
        assert "\\" not in text and "```" not in text and "**" not in text
        # Commands (indented under their step) are the plan's own: a pipe there is the shell's.
        prose = [line for line in text.split("\n") if not line.startswith(" " * 6)]
        assert not [line for line in prose if "|" in line]
        assert (
            "- Error rate spike — threshold: >0.5% increase over baseline; monitoring "
            "source: Error tracking" in text
        )
        assert "- Engineering Lead — name: Dana Kim; contact: @dana on Slack, +1 555 0100" in text

    def test_checkboxes_and_ticks(self) -> None:
        """Items are [ ] until done, then [x] with when and by whom."""
        plan = example()
        set_done(plan, "a-1", True, "sam", at=AT)
        text = render_text(plan)
        assert "1. [x] Disable feature flag in dashboard (done 2026-11-21 03:04 UTC by sam)" in text
        assert "2. [ ] Verify flag change propagated" in text
        assert "- [ ] Check for data inconsistencies" in text

    def test_commands_indented_under_their_step_and_quoted(self) -> None:
        """A step's command sits indented under it, its values quoted as in the Markdown."""
        plan = new_plan(deployment_type=DeploymentType.CANARY, components=["web|edge `canary` "])
        text = render_text(plan)
        assert (
            "- [ ] Revert to previous state\n"
            "      COMPONENT='web|edge `canary` '\n"
            '      kubectl argo rollouts undo "$COMPONENT"\n'
        ) in text
        line = next(x for x in text.split("\n") if "COMPONENT='web" in x)
        assert shlex.split(line)[-1] == "COMPONENT=web|edge `canary` "

    def test_markdown_is_unchanged(self) -> None:
        """The text form is its own: the Markdown still has its tables and task lists."""
        assert "| --- | --- | --- |" in render_markdown(example())

    @pytest.mark.parametrize("text", HOSTILE)
    def test_hostile_text_shows_as_typed_and_cannot_make_a_heading(self, text: str) -> None:
        """User text is shown without escapes, one-line values keep to their line, and
        the headings are only the document's own."""
        out = render_text(busy_plan(text))
        one_line = " ".join(line.strip() for line in text.split("\n"))
        assert f"ROLLBACK PLAN: {one_line}\n" in out
        assert f"Component: {one_line}\n" in out
        assert f"1. [x] {one_line} — owner: {one_line} (done" in out
        assert underlined(out) == [f"ROLLBACK PLAN: {one_line}", *HEADINGS]
        if "\\" not in text:
            assert "\\" not in out

    def test_multi_line_text_is_indented_under_its_label(self) -> None:
        """Each further line of a long field is indented, so it reads as part of it."""
        plan = new_plan()
        plan.assumptions.backups = "nightly\nTimeline\n--------"
        text = render_text(plan)
        assert "Backups: nightly\n  Timeline\n  --------\n" in text

    def test_invisible_characters_are_shown(self) -> None:
        """A right-to-left override is shown by its code point, and left out of commands."""
        plan = new_plan(title="evil\u202etxt.exe", feature_flag="f\u202ef", components=["api"])
        text = render_text(plan)
        assert "ROLLBACK PLAN: evil<U+202E>txt.exe" in text
        assert "Feature Flag: ff\n" in text
        assert "\u202e" not in text

    @settings(max_examples=60, deadline=None)
    @given(value=st.text(max_size=30))
    def test_any_text_renders_and_keeps_the_layout(self, value: str) -> None:
        """Whatever the text, the headings are the document's own."""
        value = clean_text(value)
        heads = underlined(render_text(busy_plan(value)))
        assert heads[1:] == HEADINGS
        assert heads[0].startswith("ROLLBACK PLAN: ")


class TestCommandLine:
    def test_render_format_text(self) -> None:
        """`render --format text` prints the plain text; the default stays Markdown."""
        runner = CliRunner()
        text = runner.invoke(main, ["render", "--format", "text", str(EXAMPLE)])
        assert text.exit_code == 0
        assert text.output == render_text(example())
        markdown = runner.invoke(main, ["render", str(EXAMPLE)])
        assert markdown.output == render_markdown(example())

    def test_render_text_to_a_file(self, tmp_path: Path) -> None:
        """-o writes the plain text to the file."""
        out = tmp_path / "plan.txt"
        result = CliRunner().invoke(
            main, ["render", str(EXAMPLE), "--format", "text", "-o", str(out)]
        )
        assert result.exit_code == 0
        assert out.read_text() == render_text(example())

    def test_unknown_format_is_refused(self) -> None:
        """Another format is one clear error and exit code 2."""
        result = CliRunner().invoke(main, ["render", "--format", "html", str(EXAMPLE)])
        assert result.exit_code == 2
        assert "'html' is not one of 'markdown', 'text'" in result.output
