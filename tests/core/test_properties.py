"""Properties over any text: files keep it exactly, Markdown keeps its structure."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from enum import Enum
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token
from pydantic import BaseModel

from rollback_tui import store
from rollback_tui.cli.output import json_visible
from rollback_tui.plan import Contact, Plan, ProcedureChoice, Trigger, new_plan
from rollback_tui.plan.shell_words import show_invisible
from rollback_tui.plan.text import clean_text, visible
from rollback_tui.plan.timeline import record, set_done
from rollback_tui.render import markdown_syntax as markdown_text
from rollback_tui.render import render_markdown

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plan.toml"
AT = dt.datetime(2026, 11, 21, 3, 4, 5, tzinfo=dt.UTC)
NOT_TEXT = {"id", "event"}
OPTIONAL_TEXT = {"command", "owner", "done_by", "item", "text"}

SETTINGS = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
# Any text, with the characters that matter here made likely: controls, line ends,
# Markdown and TOML syntax.
TRICKY = st.sampled_from(list("\x1b\x00\x07\x7f\x85\x9b\r\n\t |`\\\"'#[]<>&*_~-=+.1!$"))
TEXT = st.text(st.one_of(st.characters(), TRICKY), max_size=40)
MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def text_fields(model: BaseModel, where: str = "plan") -> Iterator[tuple[BaseModel, str, str]]:
    """(owner, field name, path) of every free-text field, optional ones included."""
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        path = f"{where}.{name}"
        if isinstance(value, BaseModel):
            yield from text_fields(value, path)
        elif isinstance(value, list):
            for i, sub in enumerate(value):
                if isinstance(sub, BaseModel):
                    yield from text_fields(sub, f"{path}[{i}]")
        elif name in NOT_TEXT or isinstance(value, Enum):
            continue
        elif isinstance(value, str) or (
            value is None and name in OPTIONAL_TEXT and info.default is None
        ):
            yield model, name, path


def full_plan() -> Plan:
    """A plan reaching every kind of text field: items with owners, a ticked step, notes."""
    plan = new_plan(title="t", feature_flag="f", components=["api"], db_impact=True)
    set_done(plan, "a-1", True, "sam", at=AT)
    record(plan, "note", "sam", text="note", at=AT)
    return plan


def expected(owner: BaseModel, name: str, text: str) -> str | None:
    """What a field holds after a round trip: cleaned text, or None if unset and optional."""
    cleaned = clean_text(text)
    optional = type(owner).model_fields[name].default is None
    return None if optional and cleaned == "" else cleaned


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


N_FIELDS = len(list(text_fields(full_plan())))


class TestTextSurvivesFiles:
    @SETTINGS
    @given(
        everywhere=TEXT,
        some=st.dictionaries(st.integers(0, N_FIELDS - 1), TEXT, max_size=6),
        fresh=st.booleans(),
    )
    def test_any_text_in_any_field_round_trips(
        self, folder: Path, everywhere: str, some: dict[int, str], fresh: bool
    ) -> None:
        """Whatever text is in whichever field, save then load gives it back cleaned."""
        path = folder / "plan.toml"
        path.unlink(missing_ok=True)
        if fresh:
            plan_file = store.new_file(path, full_plan())
        else:
            path.write_bytes(EXAMPLE.read_bytes())
            plan_file = store.load(path)
            set_done(plan_file.plan, "b-2", True, "sam", at=AT)
            record(plan_file.plan, "note", "sam", text="note", at=AT)
        fields = list(text_fields(plan_file.plan))
        wanted = {}
        for i, (owner, name, where) in enumerate(fields):
            text = some.get(i, everywhere)
            setattr(owner, name, text)
            wanted[where] = expected(owner, name, text)
        store.save(plan_file)
        written = path.read_bytes()
        for loaded in (store.load(path).plan, store.read_plan(path)[0]):
            assert {
                where: getattr(owner, name) for owner, name, where in text_fields(loaded)
            } == wanted
        store.save(store.load(path))
        assert path.read_bytes() == written


def tables(tokens: list[Token]) -> list[list[list[str]]]:
    """Every table as rows of raw cell contents."""
    out: list[list[list[str]]] = []
    for i, t in enumerate(tokens):
        if t.type == "table_open":
            out.append([])
        elif t.type == "tr_open":
            out[-1].append([])
        elif t.type in ("th_open", "td_open"):
            out[-1][-1].append(tokens[i + 1].content)
    return out


def cell_text(token: Token) -> str:
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
    return "".join(parts)


ROW = st.tuples(TEXT, TEXT, TEXT)


class TestTablesKeepTheirShape:
    @SETTINGS
    @given(triggers=st.lists(ROW, max_size=5), contacts=st.lists(ROW, max_size=5))
    def test_three_columns_and_one_row_per_entry(
        self, triggers: list[tuple[str, str, str]], contacts: list[tuple[str, str, str]]
    ) -> None:
        """Trigger and contact tables keep three columns and one row per entry."""
        plan = new_plan()
        plan.triggers = [Trigger(trigger=a, threshold=b, source=c) for a, b, c in triggers]
        plan.contacts = [Contact(role=a, name=b, contact=c) for a, b, c in contacts]
        found = tables(MD.parse(render_markdown(plan)))
        assert len(found) == 2
        trigger_table, contact_table = found
        assert len(trigger_table) == 1 + max(1, len(triggers))
        assert len(contact_table) == 1 + max(1, len(contacts))
        assert all(len(row) == 3 for table in found for row in table)

    @SETTINGS
    @given(cells=ROW)
    def test_cells_read_back_as_typed(self, cells: tuple[str, str, str]) -> None:
        """Text without code spans reads back from the cell exactly, its lines joined by " / "
        (invisible characters shown by their code points)."""
        plan = new_plan()
        plan.triggers = [
            Trigger(
                trigger=a.replace("`", ""), threshold=b.replace("`", ""), source=c.replace("`", "")
            )
            for a, b, c in [cells]
        ]
        tokens = MD.parse(render_markdown(plan))
        row = [i for i, t in enumerate(tokens) if t.type == "td_open"][:3]
        got = [cell_text(tokens[i + 1]) for i in row]
        trigger = plan.triggers[0]
        want = []
        for value in (trigger.trigger, trigger.threshold, trigger.source):
            lines = [line.strip() for line in show_invisible(value).replace("\t", " ").split("\n")]
            want.append(" / ".join(line for line in lines if line) or "—")
        assert got == want


H2 = [
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


class TestRenderNeverFails:
    @SETTINGS
    @given(
        everywhere=TEXT,
        ticked=st.sets(st.integers(0, 60), max_size=10),
        choice=st.sampled_from(list(ProcedureChoice)),
    )
    def test_any_plan_renders(
        self, everywhere: str, ticked: set[int], choice: ProcedureChoice
    ) -> None:
        """Any text anywhere, any ticks: the plan renders, with the same sections."""
        plan = full_plan()
        plan.procedure.choice = choice
        for owner, name, _ in text_fields(plan):
            setattr(owner, name, everywhere)
        items = plan.checklist()
        for n in ticked:
            set_done(plan, items[n % len(items)][2].id, True, everywhere, at=AT)
        tokens = MD.parse(render_markdown(plan))
        heads = [
            (t.tag, tokens[i + 1].content) for i, t in enumerate(tokens) if t.type == "heading_open"
        ]
        assert [tag for tag, _ in heads].count("h1") == 1
        assert [content for tag, content in heads if tag == "h2"] == H2
        assert len(tables(tokens)) == 3
        assert not [t for t in tokens if t.type == "html_block"]


class TestPlainTextFastPath:
    @settings(max_examples=400, deadline=None)
    @given(
        text=st.one_of(
            TEXT,
            st.text(st.characters(codec="ascii"), max_size=12),
            st.text(st.sampled_from(list("ab 1٣.)#=+>-_`|\n")), max_size=8),
        ),
        table=st.booleans(),
        hashes=st.booleans(),
    )
    def test_inline_is_the_full_escaping(self, text: str, table: bool, hashes: bool) -> None:
        """Text taken by the shortcut for plain text comes out as the full escaping has it."""
        assert markdown_text.inline(text, table=table, hashes=hashes) == markdown_text._inline(
            text, table=table, hashes=hashes
        )


class TestJsonOutput:
    @settings(max_examples=300, deadline=None)
    @given(
        text=st.text(
            st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=()),
            max_size=40,
        )
    )
    def test_json_visible_escapes_what_visible_would(self, text: str) -> None:
        """Every character visible() would show as an escape is a \\uXXXX escape, and only
        those (done in one pass: `status --json` of a 9 MB plan took 3 s a character at a
        time)."""
        expected = "".join(f"\\u{ord(c):04x}" if visible(c, lines=True) != c else c for c in text)
        assert json_visible(text) == expected
