"""Saving by patching only the changed tables gives the very bytes a whole-document save
gives, for any edit on any layout; and the common saves (a tick, a typed field) take it."""

from __future__ import annotations

import random
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from plan_edits import AT, EDITS, EXAMPLE, edit, loaded

from rollback_tui import store
from rollback_tui.plan import Plan, new_plan
from rollback_tui.plan.model import Component, Contact
from rollback_tui.plan.run_times import clear_run
from rollback_tui.plan.timeline import record, set_done
from rollback_tui.store import document as plan_document
from rollback_tui.store import layout as toml_layout
from rollback_tui.store import patch as plan_patch


def hand_edited() -> str:
    """The example as a person might leave it: comments, odd spacing, unknown keys."""
    text = EXAMPLE.read_text()
    text = text.replace(
        '[[components]]\nname = "',
        '[[components]] # owned by the web team\nteam = "web"\nname = "',
        1,
    )
    text = text.replace("[[components.steps]]", "  [[components.steps]]", 2)
    text = text.replace("[decision]", "# Agreed with the incident leads.\n\n\n[decision]")
    text = text.replace("[[contacts]]", "[[contacts]]\n# on call this week\nextra = [1, 2]", 1)
    return text + "\n# the end\n"


def _first_header(text: str, before: str, *, strip: bool = False) -> str:
    """*text* with *before* just before its first header (and, with *strip*, with no blank
    line before it)."""
    at = text.index("\n[") + 1
    keys = text[:at].rstrip("\n") + "\n" if strip else text[:at]
    return keys + before + text[at:]


def _header_first(text: str) -> str:
    """*text* with no key before its first header: they are moved to the end, commented."""
    at = text.index("\n[") + 1
    keys = "".join(f"# {line}\n" for line in text[:at].splitlines())
    return text[at:] + "\n" + keys


def generated(components: int) -> str:
    plan = new_plan(title="Gen", components=[f"c{i}" for i in range(components)])
    return plan_document.dumps(plan_document.parse(""), plan, fresh=True)[1]


SOURCES = {
    "example": EXAMPLE.read_text(),
    "hand-edited": hand_edited(),
    "crlf": EXAMPLE.read_text().replace("\n", "\r\n"),
    "unended": EXAMPLE.read_text() + "# the last line has no line end",
    # The example's one multi-line string made one line (checked just below).
    "crlf, one-line strings": EXAMPLE.read_text()
    .replace('"""Rolling back $VERSION to $TARGET_VERSION because of: $INCIDENT.\n', '"')
    .replace('Incident lead: Dana Kim. Next update in $UPDATE_INTERVAL."""', 'Incident lead."')
    .replace("\n", "\r\n"),
    "generated": generated(3),
    # Where the keys before the first header end otherwise than a plan's: a comment, no
    # blank line, no keys at all (a new key there goes where tomlkit alone knows).
    "comment before the first header": _first_header(EXAMPLE.read_text(), "# the plan\n"),
    "no blank line before the first header": _first_header(EXAMPLE.read_text(), "", strip=True),
    "header first": _header_first(EXAMPLE.read_text()),
    "bare": 'title = "Only keys"\nschema_version = 1\n',
}
assert '"""' not in SOURCES["crlf, one-line strings"], "the example's strings changed"


def whole(text: str, plan: Plan) -> str:
    """The save as the whole document gives it."""
    return plan_document.dumps(plan_document.parse(text), plan, fresh=False)[1]


def assert_shape_of(shape: toml_layout.Shape, text: str) -> None:
    """*shape* is where layout.split finds the chunks of *text*."""
    scanned = toml_layout.split(text)
    assert scanned is not None
    assert (shape.chunks, shape.cr_chunks, shape.length) == (
        scanned.chunks,
        scanned.cr_chunks,
        len(text),
    )


def assert_values_of(values: dict[str, Any] | None, text: str) -> None:
    """*values* are *text* as a reader reads it, keys in the same order."""
    assert values is not None, "values not known"
    read = tomllib.loads(text)
    assert values == read
    assert list(values) == list(read)


class TestSameBytesAsAWholeSave:
    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        source=st.sampled_from(sorted(SOURCES)),
        seed=st.integers(0, 2**32),
        saves=st.integers(1, 3),
        edits=st.integers(1, 3),
    )
    def test_any_edits_any_layout(self, source: str, seed: int, saves: int, edits: int) -> None:
        rng = random.Random(seed)
        text = SOURCES[source]
        plan = loaded(text)
        for _ in range(saves):
            done = [edit(plan, rng) for _ in range(edits)]
            expected = whole(text, plan)
            patched = plan_patch.patch(text, tomllib.loads(text), plan)
            assert patched is None or patched == expected, done
            # What a save writes: the same text, made as bytes directly.
            shaped = plan_patch.patch_data(text, tomllib.loads(text), plan)
            written = None if shaped is None else bytes(shaped[0])
            assert written == (None if patched is None else patched.encode()), done
            # And where its tables are, found without scanning it: as a scan finds them;
            # and its values, without reading it whole: as a reader finds them.
            if shaped is not None and shaped.shape is not None:
                assert_shape_of(shaped.shape, expected)
                assert shaped.values is not None
                assert_values_of(shaped.values(), expected)
            text = expected

    @pytest.mark.parametrize("source", sorted(set(SOURCES) - {"crlf"}))
    def test_no_change_is_the_text_itself(self, source: str) -> None:
        text = whole(SOURCES[source], loaded(SOURCES[source]))  # in our layout first
        assert plan_patch.patch(text, tomllib.loads(text), loaded(text)) == text


def test_a_patched_text_is_made_in_a_buffer_of_its_size() -> None:
    """What a save writes of an ASCII text is copied into a buffer of its length made
    first: one grown as the pieces came was moved about, and at its largest held 10 MB
    more on a 9 MB plan (the tick of its last component went over 200 MB)."""
    text = generated(40)
    assert text.isascii()
    for index in (0, -1):
        plan = loaded(text)
        set_done(plan, plan.checklist()[index][2].id, True, "sam")
        shaped = plan_patch.patch_data(text, tomllib.loads(text), plan)
        assert shaped is not None
        assert bytes(shaped.data) == whole(text, plan).encode()
        assert shaped.data.__alloc__() == len(shaped.data) + 1  # not one byte more


class TestTheCommonSavesArePatched:
    """The point of patching: these must not fall back to parsing the whole text."""

    def patched(self, text: str, change: Callable[[Plan], object]) -> str:
        plan = loaded(text)
        change(plan)
        result = plan_patch.patch(text, tomllib.loads(text), plan)
        assert result is not None, "fell back to the whole document"
        assert result == whole(text, plan)
        shaped = plan_patch.patch_data(text, tomllib.loads(text), plan)
        assert shaped is not None and bytes(shaped[0]) == result.encode()
        assert shaped.shape is not None, "the new text's shape not known"
        assert_shape_of(shaped.shape, result)
        assert shaped.values is not None
        assert_values_of(shaped.values(), result)
        return result

    @pytest.mark.parametrize(
        "source", ["example", "hand-edited", "generated", "unended", "crlf, one-line strings"]
    )
    def test_ticks_and_notes(self, source: str) -> None:
        text = SOURCES[source]
        text = self.patched(text, lambda p: set_done(p, p.checklist()[-1][2].id, True, "sam"))
        text = self.patched(text, lambda p: set_done(p, p.checklist()[0][2].id, True, "sam"))
        self.patched(text, lambda p: record(p, "note", "sam", text="paged the DBA"))

    def test_typing_in_a_field(self) -> None:
        def rename(plan: Plan) -> None:
            plan.title = "Checkout v3"
            plan.components[1].steps[0].text = "Drain\nthe queue"
            plan.procedure.option_a_estimate = "~2 minutes"

        self.patched(SOURCES["example"], rename)

    def test_appending_rows(self) -> None:
        def grow(plan: Plan) -> None:
            plan.components.append(Component(name="cache", steps=[plan.new_item("c", "Flush")]))
            plan.contacts.append(Contact(role="DBA", name="Ann", contact="@ann"))

        self.patched(SOURCES["hand-edited"], grow)

    def test_crlf_line_ends(self) -> None:
        """tomllib reads CRLF in a multi-line string as LF, tomlkit keeps it: only tomlkit
        can tell whether such a string changed, so the tables that hold one are parsed
        (not the whole text), and written as the whole document writes them."""
        text = self.patched(SOURCES["crlf"], lambda p: setattr(p, "title", "x"))
        self.patched(text, lambda p: set_done(p, p.checklist()[0][2].id, True, "sam"))

    @pytest.mark.parametrize("source", ["example", "hand-edited", "generated", "unended"])
    def test_a_reset(self, source: str) -> None:
        """Every outcome cleared, the timeline taken out, a new run id: the timeline's
        entries leave the text, and the next save still knows where its tables are."""
        text = self.patched(
            SOURCES[source], lambda p: set_done(p, p.checklist()[1][2].id, True, "s")
        )
        text = self.patched(text, lambda p: record(p, "note", "sam", text="paged the DBA"))
        assert "[[timeline]]" in text
        text = self.patched(text, clear_run)
        assert "[[timeline]]" not in text and "done_by" not in text

    @pytest.mark.parametrize("source", ["example", "hand-edited", "generated", "unended"])
    def test_a_new_key_before_the_first_header(self, source: str) -> None:
        """A plan's first run id (its first reset), or a field filled in for the first
        time, after the keys before the first header."""
        text = SOURCES[source].replace(
            'incident_link = "https://status.example.com/incidents/4821"\n', ""
        )
        text = self.patched(text, lambda p: setattr(p, "run_id", "r1"))
        self.patched(text, lambda p: setattr(p, "incident_link", "https://x"))

    @pytest.mark.parametrize("source", ["example", "hand-edited", "generated", "unended"])
    def test_a_drills_run_file(self, source: str) -> None:
        """A plan between runs made a drill's run file: a new run id, the timeline's first
        event and the [run] table, all new to the text and all at its end."""
        text = self.patched(SOURCES[source], clear_run)
        self.patched(text, lambda p: EDITS["drill"](p, random.Random(1)))

    @pytest.mark.parametrize("key", ["contacts", "triggers"])
    def test_an_array_of_tables_emptied(self, key: str) -> None:
        text = self.patched(SOURCES["hand-edited"], lambda p: setattr(p, key, []))
        assert f"[[{key}]]" not in text

    def test_first_timeline_event_is_added_at_the_end(self) -> None:
        text = self.patched(
            SOURCES["generated"], lambda p: set_done(p, p.checklist()[0][2].id, True, "sam")
        )
        assert text.rstrip().splitlines()[-6:-4] == ["", "[[timeline]]"]


class TestFallsBack:
    def patch(self, text: str, change: Callable[[Plan], object] = lambda plan: None) -> str | None:
        plan = loaded(text)
        change(plan)
        return plan_patch.patch(text, tomllib.loads(text), plan)

    def test_removed_rows(self) -> None:
        assert self.patch(SOURCES["example"], lambda p: p.components.pop(0)) is None

    @pytest.mark.parametrize(
        "source",
        [
            "comment before the first header",
            "no blank line before the first header",
            "header first",
            "crlf",
        ],
    )
    def test_a_new_key_before_the_first_header_after_what_is_not_a_key(self, source: str) -> None:
        assert self.patch(SOURCES[source], lambda p: setattr(p, "run_id", "r1")) is None

    def test_inline_tables(self) -> None:
        text = SOURCES["example"].replace("[decision]\n", "decision = {}\n[other]\n")
        assert toml_layout.split(text) is None

    def test_a_table_begun_with_dotted_keys_before_the_first_header(self) -> None:
        """decision.severity at the top and [decision.notes] below: one table in two
        places, which only the whole document can edit without declaring it twice."""
        text = SOURCES["example"].replace("[decision]\nseverity =", "[decision.notes]\nx = 1\n#")
        text = text.replace(
            'feature_flag = "checkout_v2"\n',
            'feature_flag = "checkout_v2"\ndecision.severity = "high"\n',
        )
        assert self.patch(text, lambda p: setattr(p.decision, "severity", "low")) is None

    @pytest.mark.parametrize(
        "text",
        [
            "[d.x]\ny = 1\n[d]\nz = 2\n",  # a sub-table before its table: tomlkit rebuilds it
            "[p]\n[[p.a]]\nx = 1\n[p.m]\nz = 1\n[[p.a]]\nx = 2\n",  # an array interrupted
        ],
    )
    def test_tables_tomlkit_would_reorder(self, text: str) -> None:
        tomllib.loads(text)
        assert toml_layout.split(text) is None

    def test_dotted_keys_before_the_first_header(self) -> None:
        text = 'schema_version = 1\ndecision.severity = "high"\n'
        assert self.patch(text, lambda p: setattr(p.decision, "severity", "low")) is None


class TestLayout:
    @pytest.mark.parametrize("source", sorted(SOURCES))
    def test_chunks_cover_the_text_in_order(self, source: str) -> None:
        text = SOURCES[source]
        layout = toml_layout.split(text)
        assert layout is not None
        assert "".join(layout.chunk_text(i) for i in range(len(layout.chunks))) == text
        raw = tomllib.loads(text)
        for key, indexes in layout.entries.items():
            assert len(indexes) == len(raw[key])
            for index, entry in zip(indexes, raw[key], strict=True):
                assert tomllib.loads(layout.chunk_text(index))[key] == [entry]

    def test_headers_inside_strings_are_text(self) -> None:
        text = (
            "a = \"\"\"\n[[components]]\n\"\"\"\nb = '''\n[x]\n'''\n"
            'c = "[y]"  # [z]\nd = [\n  [1],\n  ["[w]"],\n]\n[[components]]\nname = "n"\n'
        )
        layout = toml_layout.split(text)
        assert layout is not None
        assert [(c.key, c.entry) for c in layout.chunks] == [(None, False), ("components", True)]
        assert layout.chunk_text(1) == '[[components]]\nname = "n"\n'

    def test_plain_lines_hide_no_header_and_no_bracket(self) -> None:
        """The lines the scan crosses in one match (keys set to one-line values, comments,
        blank lines, CRLF ends) hold nothing it would have stopped at one token at a time;
        a line they cannot be sure of (an escaped quote, a triple quote, an array after a
        plain key) is read token by token."""
        text = (
            'a = "x\\"[[components]]\\\\"  # """ [y]\r\n'
            "\"q.k\".'r' . s = 'lit [z] #'\r\n"
            "n = 1979-05-27T07:32:00Z\n\n  # [[components]] in a comment\n"
            'd = ["[w]", """\n[v]\n"""]\n'
            "e = 1 # {\n"
            '[[components]]\nname = "n\\"]"\n[[components.steps]]\nid = "s"\n'
            "[[components]]\r\nname = 'm'\r\n[t]\n"
        )
        layout = toml_layout.split(text)
        assert layout is not None
        assert [(c.key, c.entry) for c in layout.chunks] == [
            (None, False),
            ("components", True),
            ("components", True),
            ("t", False),
        ]
        assert layout.chunk_text(2) == "[[components]]\r\nname = 'm'\r\n"
        assert tomllib.loads(layout.chunk_text(0))["d"] == ["[w]", "[v]\n"]

    def test_an_entry_with_its_steps_is_one_chunk_whatever_follows(self) -> None:
        """An entry and its run of sub-table entries (a component and its steps), crossed
        in one match, is cut as header by header: what follows the run in the same entry
        still decides (an array interrupted by another table is left to tomlkit), and
        headers() still lists every header."""
        steps = '[[c]]\nname = \'n\'\n[[c.s]]\nid = "1"\n\n[[c.s]]\nid = "2"\n'
        layout = toml_layout.split(steps + "[[c]]\n[[c.s]]\n[d]\n")
        assert layout is not None
        assert [layout.chunk_text(i) for i in range(len(layout.chunks))] == [
            "",
            steps,
            "[[c]]\n[[c.s]]\n",
            "[d]\n",
        ]
        assert toml_layout.split(steps + "[c.u]\n") is not None
        assert toml_layout.split(steps + "[c.u]\n[[c.s]]\n") is None
        assert toml_layout.split(steps + "[[c.t]]\n[[c.s]]\n") is None
        listed = toml_layout.headers(steps)
        second = steps.rindex("[[c.s]]")
        assert listed is not None and [h[0] for h in listed] == [0, steps.index("[[c.s]]"), second]

    def test_sub_tables_stay_with_their_entry(self) -> None:
        text = "[[c]]\n[[c.s]]\n[c.t]\n[[c]]\n[d]\n[d.e]\n"
        layout = toml_layout.split(text)
        assert layout is not None
        assert [layout.chunk_text(i) for i in range(len(layout.chunks))] == [
            "",
            "[[c]]\n[[c.s]]\n[c.t]\n",
            "[[c]]\n",
            "[d]\n[d.e]\n",
        ]
        assert layout.entries == {"c": [1, 2]} and layout.tables == {"d": 3}

    @pytest.mark.parametrize(
        "text",
        [
            '["quoted"]\n',  # a quoted key: not read here
            "[[ a . b ]]\n",  # spaces in a header: tomlkit may respell it
            "[a]\n[b]\n[a.c]\n",  # a table in two places
            "x = {a = 1}\n",  # an inline table
        ],
    )
    def test_shapes_it_leaves_to_tomlkit(self, text: str) -> None:
        tomllib.loads(text)  # valid TOML all the same
        assert toml_layout.split(text) is None


def test_save_patches_and_keeps_the_file_loadable(tmp_path: Path) -> None:
    """Through the store: a tick on a long plan is written by patching, and reads back."""
    plan = new_plan(title="Big", components=[f"c{i}" for i in range(40)])
    path = tmp_path / "plan.toml"
    store.save(store.new_file(path, plan), force=True)
    plan_file = store.load(path)
    item = plan_file.plan.components[20].steps[1]
    set_done(plan_file.plan, item.id, True, "sam", at=AT)
    before = path.read_text()
    store.save(plan_file)
    after = path.read_text()
    assert after == whole(before, plan_file.plan)
    assert plan_file._document is None, "the whole document was parsed"
    again = store.load(path).plan.item(item.id)
    assert again is not None and again.done_by == "sam"
    assert plan_file.source == after


def test_a_layout_kept_from_the_last_save_is_that_texts_layout() -> None:
    """split_again answers for the text it is given, whether or not it is the last one:
    saves in a row (tick, tick, tick), each from the text the one before wrote."""
    plan_file = store.PlanFile(Path("plan.toml"), new_plan(title="Gen", components=["a", "b"]))
    plan_file.source = generated(2)
    items = [item for _, _, item in plan_file.plan.checklist()]
    texts = []
    for item in items[:4]:
        set_done(plan_file.plan, item.id, True, "sam", at=AT)
        text = plan_patch.patch(plan_file.source, tomllib.loads(plan_file.source), plan_file.plan)
        assert text is not None
        document = plan_document.parse(plan_file.source)
        whole = plan_document.dumps(document, plan_file.plan, fresh=False)[1]
        assert text == whole
        plan_file.source = text
        texts.append(text)
    for text in [*texts, texts[0], texts[0]]:
        kept, fresh = toml_layout.split_again(text), toml_layout.split(text)
        assert kept is not None and fresh is not None
        assert kept.text == text
        assert [(c.key, c.start, c.end) for c in kept.chunks] == [
            (c.key, c.start, c.end) for c in fresh.chunks
        ]


class TestRespliced:
    """The shape of a text whose chunks were replaced, without scanning the others: as a
    scan of the whole new text finds it, or None where the scan would refuse it."""

    def replaced(self, text: str, new: dict[int, str]) -> tuple[toml_layout.Shape | None, str]:
        layout = toml_layout.split(text)
        assert layout is not None
        pieces = [new.get(i, layout.chunk_text(i)) for i in range(len(layout.chunks))]
        return toml_layout.respliced(layout, new), "".join(pieces)

    def component(self, text: str, n: int) -> int:
        layout = toml_layout.split(text)
        assert layout is not None
        return layout.entries["components"][n]

    def test_a_chunk_grown_with_a_crlf_string_and_new_entries(self) -> None:
        text = SOURCES["example"]
        at = self.component(text, 1)
        layout = toml_layout.split(text)
        assert layout is not None
        grown = (
            layout.chunk_text(at).rstrip("\n")
            + '\nnote = """two\r\nlines"""\n\n[[components]]\nname = "new"\n\n'
        )
        shape, whole_text = self.replaced(text, {at: grown, 0: layout.chunk_text(0) + "x = 1\n"})
        assert shape is not None and shape.cr_chunks == {at}
        assert_shape_of(shape, whole_text)

    def test_a_table_in_two_places_is_refused_as_a_scan_refuses_it(self) -> None:
        text = SOURCES["example"]
        at = self.component(text, 0)
        layout = toml_layout.split(text)
        assert layout is not None
        shape, whole_text = self.replaced(
            text, {at: layout.chunk_text(at) + "[decision]\nseverity = 'x'\n\n"}
        )
        assert shape is None and toml_layout.split(whole_text) is None

    def test_a_text_not_of_a_plain_shape(self) -> None:
        text = SOURCES["example"]
        at = self.component(text, 0)
        shape, _ = self.replaced(text, {at: '[[components]]\nname = "x"\ninline = {a = 1}\n'})
        assert shape is None
