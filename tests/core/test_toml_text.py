"""The two TOML readers: tomli, and the compiled reader (toml-rs) a long plan is read with.

The compiled reader must read what tomli reads, to the same values (types and offsets
included), and refuse what tomli refuses; it must never be given a text nested deep enough
to overflow its stack (it recurses per level, and a few thousand levels end the process);
and the memory a parse takes must be given back.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import tomli
import tomlkit
from cli_helpers import cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tomlkit.items import AoT, Array, InlineTable

from rollback_tui import store, toml_text
from rollback_tui.plan.model import ChecklistItem, Component
from rollback_tui.store import layout, toml_scan
from rollback_tui.store.errors import PlanFileError, toml_error_message

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plan.toml"
SETTINGS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def typed(value: Any) -> Any:
    """*value* with what == does not tell apart made visible: 1, 1.0 and True; a NaN's
    sign; a datetime's offset (two instants with different offsets compare equal)."""
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}, list(value)
    if isinstance(value, list):
        return [typed(item) for item in value]
    if isinstance(value, float) and math.isnan(value):
        return ("nan", math.copysign(1, value))
    if isinstance(value, dt.datetime | dt.time):
        return (type(value).__name__, value, value.utcoffset())
    return (type(value).__name__, value)


def outcome(read: Any, text: str) -> Any:
    try:
        return typed(read(text))
    except ValueError:  # both readers' errors are ValueErrors
        return "refused"


def compiled(text: str) -> dict[str, Any]:
    reader = toml_text.compiled()
    data: dict[str, Any] = reader.loads(text, toml_version="1.0.0")
    return data


# -- the same values -----------------------------------------------------------------------

KEYS = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=6)
SCALARS = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(),
    st.booleans(),
    st.dates(),
    st.times(),
    st.datetimes(timezones=st.none() | st.timezones()),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=12,
)
DOCUMENTS = st.dictionaries(KEYS, VALUES, max_size=6)


def as_toml(document: dict[str, Any]) -> str | None:
    try:
        return tomlkit.dumps(document)
    except (ValueError, TypeError):  # a value TOML cannot hold (a time with an offset)
        return None


@SETTINGS
@given(DOCUMENTS)
def test_a_document_reads_the_same(document: dict[str, Any]) -> None:
    """Any document (any keys, strings, numbers, dates, nested tables and arrays, arrays
    of tables) written as tomlkit writes it reads to the same values with both readers."""
    text = as_toml(document)
    if text is not None:
        assert outcome(compiled, text) == outcome(tomli.loads, text)


TRICKY = st.sampled_from(
    [*"\"'#[]{}=,.\\\n\r\t 0123456789+-_:eEtTzZ", "\x00", "\x1b", "\x7f", "\u00e9", '"""', "'''"]
)


@SETTINGS
@given(DOCUMENTS, st.lists(st.tuples(st.floats(0, 1), st.integers(0, 3), TRICKY), max_size=4))
def test_a_damaged_document_is_refused_or_read_the_same(
    document: dict[str, Any], edits: list[tuple[float, int, str]]
) -> None:
    """A document with characters put in, taken out or replaced (TOML's own syntax made
    likely): what the compiled reader accepts, tomli accepts, to the same values."""
    text = as_toml(document) or "a = 1\n"
    for where, cut, put in edits:
        at = int(where * len(text))
        text = text[:at] + put + text[at + cut :]
    if outcome(compiled, text) != "refused":
        assert outcome(compiled, text) == outcome(tomli.loads, text)


@pytest.mark.parametrize(
    "text",
    [
        'a = "\\e"',  # TOML 1.1 escapes, inline tables over lines, times without seconds
        'a = "\\xff"',
        "a = {x = 1,\n y = 2}",
        "a = {x = 1,}",
        "a = 07:32",
        "a = 1979-05-27 07:32Z",
        "a = 1979-05-27T07:32:00.1234567Z",  # beyond microseconds: cut, not rounded
        "a = 1979-05-27T07:32:00+00:00",
        "a = 1979-05-27t07:32:00z",
        "a = 1979-02-30",
        "a = 9223372036854775808",  # past 64 bits: both read it
        "a = -0.0\nb = -nan\nc = +inf",
        "a = 0x_1",
        "a = 01",
        "a = 1__2",
        "a = 1\na = 2",
        "[a]\n[a]",
        "[[a]]\n[a]",
        "a = []\n[[a]]",
        "a = {}\n[a.b]",
        "a.b = 1\n[a]\nc = 1",
        "[a.b]\n[a]\nb = 1",
        "a = 1 # \x7f",
        "a = 1 # \x01",
        'a = "\x7f"',
        "a = '''\r\n'''",
        "a = 1\rb = 2",
        'a = """\\\n  b"""',
        "a = '''''x'''''",
        '"\ud7ff" = 1',
        "a = [1,]\nb = [\n# c\n1\n]",
    ],
)
def test_the_edges_of_toml_1_0(text: str) -> None:
    """What differs between TOML readers (1.1's additions among them): the compiled
    reader's answer is tomli's."""
    assert outcome(compiled, text) == outcome(tomli.loads, text)


def test_a_byte_order_mark_is_left_to_tomli() -> None:
    """The compiled reader skips a byte order mark that tomli refuses: a text starting
    with one is not given to it (a plan file's is taken off before reading)."""
    text = "\ufeffa = 1\n" + PAD
    assert outcome(compiled, text) != "refused"
    with pytest.raises(tomli.TOMLDecodeError):
        toml_text.loads(text, shallow=lambda _: True)


# -- which reader, and the messages --------------------------------------------------------


def long_plan(folder: Path, count: int = 600) -> Path:
    """The example with *count* more components, as rollback-tui writes it (≥ 64 KB)."""
    plan_file = store.load(EXAMPLE)
    plan_file.plan.components += [
        Component(
            name=f"svc-{n}",
            steps=[
                ChecklistItem(id=f"svc-{n}-{i}", text=f"Step {i}", command=f"restart svc-{n}")
                for i in (1, 2, 3)
            ],
        )
        for n in range(count)
    ]
    path = folder / "plan.toml"
    store.save(store.new_file(path, plan_file.plan))
    assert path.stat().st_size >= toml_text.COMPILED_FROM
    return path


@pytest.fixture
def compiled_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The lengths of the texts the compiled reader is given."""
    reader = toml_text.compiled()
    real = reader.loads
    reads: list[int] = []

    def spy(text: str, **options: Any) -> Any:
        reads.append(len(text))
        return real(text, **options)

    monkeypatch.setattr(reader, "loads", spy)
    return reads


def test_a_long_plan_is_read_by_the_compiled_reader(
    tmp_path: Path, compiled_reads: list[int]
) -> None:
    """Loading a long plan hands its text to the compiled reader once, and the values are
    tomli's; a short plan (the example) is read by tomli alone."""
    path = long_plan(tmp_path)
    plan_file = store.load(path)
    assert compiled_reads == [len(path.read_text())]
    assert typed(plan_file.raw) == typed(tomli.loads(path.read_text()))
    store.load(EXAMPLE)
    assert len(compiled_reads) == 1


def test_an_error_in_a_long_plan_is_told_in_tomlis_words(
    tmp_path: Path, compiled_reads: list[int]
) -> None:
    """The compiled reader refuses a long plan with a duplicate key; tomli reads it
    again, and its message (line and column) is the one shown."""
    path = long_plan(tmp_path)
    text = path.read_text().replace('name = "svc-300"\n', 'name = "svc-300"\nname = "x"\n')
    path.write_text(text)
    with pytest.raises(tomli.TOMLDecodeError) as expected:
        tomli.loads(text)
    with pytest.raises(PlanFileError) as error:
        store.load(path)
    assert compiled_reads == [len(text)]
    assert str(error.value) == f"{path}: {toml_error_message(str(expected.value))}"
    assert str(error.value).endswith(
        f"line {expected.value.lineno}, column 11: TOML syntax error: cannot overwrite a value"
    )


# -- never given a deep nesting ----------------------------------------------------------

PAD = "# " + "x" * toml_text.COMPILED_FROM + "\n"
DEEP = 20_000  # the compiled reader ends the process between 3,000 and 10,000 levels


@pytest.mark.parametrize(
    "text",
    [
        PAD + "a = " + "[" * DEEP + "]" * DEEP + "\n",
        PAD + "a = " + "{b = " * DEEP + "1" + "}" * DEEP + "\n",
        PAD + "s = '" + "]" * DEEP + "'\na = " + "[" * DEEP + "]" * DEEP + "\n",
        PAD + 's = """' + "]\n" * DEEP + '"""\na = ' + "[" * DEEP + "]" * DEEP + "\n",
        PAD + "# " + "]" * DEEP + "\na = " + "[\n" * DEEP + "]" * DEEP + "\n",
        PAD + "a = [" + "1, [" * DEEP + "]" * (DEEP + 1) + "\n",
        PAD + 'a = "' + "[" * DEEP + "\n",  # a string that never ends
        PAD + "a = [\n" + "[[1]]\n,\n" * DEEP + "[" * DEEP + "]" * DEEP + "]\n",
        PAD + "[[t]]\n" * DEEP + "a = " + "[" * DEEP + "]" * DEEP + "\n",
    ],
    ids=[
        "arrays",
        "inline tables",
        "after a string of closing brackets",
        "after a multi-line string of them",
        "after a comment of them",
        "arrays between values",
        "in a string that never ends",
        "after lines spelled as headers inside the array",
        "after many headers",
    ],
)
def test_a_deep_nesting_never_reaches_the_compiled_reader(text: str, tmp_path: Path) -> None:
    """Neither the count of brackets nor the layout's scan finds these shallow, so loads
    keeps them from the compiled reader; `check` on such a file, in a process of its own,
    ends with a clear error (not a crash: -11 would be a segmentation fault)."""
    assert not layout.found_shallow(text)
    path = tmp_path / "plan.toml"
    path.write_text('schema_version = 1\ntitle = "t"\n' + text)
    done = cli("check", path)
    assert done.returncode in (1, 2), (done.returncode, done.stderr[-300:])
    assert "Traceback" not in done.stderr
    assert str(path) in done.stderr


@pytest.mark.parametrize(
    ("deep", "brackets", "reads"),
    [
        (layout.MAX_ARRAY_DEPTH, toml_scan.FEW_BRACKETS, 1),
        (layout.MAX_ARRAY_DEPTH + 1, toml_scan.FEW_BRACKETS, 0),
        (toml_scan.FEW_BRACKETS - 2, 0, 1),
        (toml_scan.FEW_BRACKETS - 1, 0, 0),
    ],
    ids=["as deep as the scan takes", "one deeper", "as few as counted", "one more"],
)
def test_one_level_more_than_a_plan_may_have_is_read_by_tomli(
    deep: int, brackets: int, reads: int, tmp_path: Path, compiled_reads: list[int]
) -> None:
    """Arrays nested as deep as the scan takes, in a plan with brackets in its values
    too, or as deep as the count of brackets lets through, in a plan with none besides
    its headers, are read by the compiled reader; one level deeper, the plan is read all
    the same, by tomli."""
    text = long_plan(tmp_path).read_text()
    assert toml_scan.few_brackets(text)  # its headers' brackets are not counted
    path = tmp_path / "plan.toml"
    path.write_text(f"s = '{'[' * brackets}'\na = {'[' * deep}{']' * deep}\n{text}")
    assert layout.found_shallow(path.read_text()) == bool(reads)
    assert toml_scan.few_brackets(path.read_text()) == (brackets == 0 and reads == 1)
    assert store.load(path).unknown_keys == ["s", "a"]
    assert len(compiled_reads) == reads


def probe(code: str, *args: str | Path) -> str:
    """What *code* prints, run by a Python of its own with *args*, in an environment
    without a MIMALLOC_PURGE_DELAY of the user's."""
    env = {key: value for key, value in os.environ.items() if key != "MIMALLOC_PURGE_DELAY"}
    done = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


ADDRESS_PROBE = """
import resource, sys
from rollback_tui import toml_text
_soft, hard = resource.getrlimit(resource.RLIMIT_AS)
if sys.argv[2] == "limited":
    soft = 16 << 30 if hard == resource.RLIM_INFINITY else min(16 << 30, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
else:  # as far as the hard limit lets it (none, on most machines)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
toml_text.loads(open(sys.argv[1]).read(), shallow=lambda _: True)
print(hard != resource.RLIM_INFINITY or sys.argv[2] == "limited", "toml_rs" in sys.modules)
"""


def test_under_a_limit_of_the_address_space_tomli_reads(tmp_path: Path) -> None:
    """Under ``ulimit -v`` the compiled reader is not used: it reserves far more address
    space than it touches, and a refused allocation aborts the process (a tick beside a
    9.8 MB title did, under 200 MB: test_input_costs.py). Without one (where the machine
    allows none), it reads the long text."""
    path = tmp_path / "plan.toml"
    path.write_text(components_text(400))
    for limit in ("none", "limited"):
        limited, used = probe(ADDRESS_PROBE, path, limit).split()
        assert (limited, used) in (("True", "False"), ("False", "True")), limit
    assert probe(ADDRESS_PROBE, path, "limited").split() == ["True", "False"]


@SETTINGS
@given(DOCUMENTS)
def test_what_the_scan_finds_shallow_is(document: dict[str, Any]) -> None:
    """Any document (as tomlkit writes it: a table in an array inline, for one) that the
    layout's scan goes through holds no inline table and no array nested deeper than
    MAX_ARRAY_DEPTH, as tomlkit reads the text."""
    text = as_toml(document)
    if text is None or layout.split(text) is None:
        return

    def depth(item: Any) -> int:
        assert not isinstance(item, InlineTable), text
        if isinstance(item, AoT):
            return max((depth(table) for table in item.body), default=0)
        if isinstance(item, Array):
            return 1 + max((depth(value) for value in item), default=0)
        if isinstance(item, dict):
            return max((depth(value) for value in item.values()), default=0)
        return 0

    assert depth(tomlkit.parse(text)) <= layout.MAX_ARRAY_DEPTH


def nested(depth: int, element: str) -> str:
    """An array *depth* deep around *element*, over several lines."""
    return "[\n" * depth + element + "\n]" * depth


@st.composite
def bracketed_texts(draw: st.DrawFn) -> tuple[str, int]:
    """A TOML text with headers, and brackets where a count could be misled by them:
    values spelled as headers on lines of their own inside arrays, arrays and inline
    tables nested, header lines inside a multi-line string, brackets in comments and
    strings; and how deep its arrays and inline tables nest."""
    lines, deepest = [], 0
    for n in range(draw(st.integers(0, 30))):
        kind = draw(st.sampled_from(["headers", "array", "inline", "string", "comment"]))
        depth = draw(st.integers(0, 20))
        if kind == "headers":
            lines += [f"[[t{n}]]", "x = 1"] * depth + [f"[u{n}]"]
        elif kind == "array":
            element = "\n,\n".join(["[[1]]", "[1.5]", "[[-2]]"][: depth % 3 + 1])
            lines.append(f"a{n} = " + nested(depth, element))
            deepest = max(deepest, depth + 2)
        elif kind == "inline":
            lines.append(f"i{n} = " + "{b = " * depth + "[1]" + "}" * depth)
            deepest = max(deepest, depth + 1)
        elif kind == "string":
            lines.append(f"s{n} = '''\n[[t]]\n" + "[" * depth + "\n[x]\n'''")
        else:
            lines.append("# " + "[" * depth)
    return "\n".join(lines) + "\n", deepest


@SETTINGS
@given(bracketed_texts())
def test_few_brackets_means_a_shallow_nesting(case: tuple[str, int]) -> None:
    """A text the count of brackets finds few of nests no array or inline table deeper
    than FEW_BRACKETS (the compiled reader's stack holds 32 on the smallest thread): the
    brackets of header lines, counted apart, are at most two levels of it."""
    text, deepest = case
    tomli.loads(text)  # the generated text is TOML
    if toml_scan.few_brackets(text):
        assert deepest <= toml_scan.FEW_BRACKETS


def test_the_count_of_brackets_leaves_out_only_header_lines() -> None:
    """Header lines' brackets are left out of the count, and only theirs: a header with a
    comment, or indented, or a line with more on it, counts whole."""
    headers = "[[t]]\n[u]\n[[v.w]]\r\n" * 1000
    for line, few in [
        ("", True),
        ("a = " + "[" * 14 + "]" * 14, True),
        ("a = " + "[" * 15 + "]" * 15, False),
        ("[[t]] # [" + "[" * 20, False),
        ("  [[t]]\n" * 20, False),
        ("[[t]], [[t]]\n" * 10, False),
    ]:
        assert toml_scan.few_brackets(f"x = 1\n{headers}{line}\n") is few, line


# -- the memory given back -----------------------------------------------------------------

MEMORY_PROBE = """
import gc, json, os, sys
from rollback_tui import toml_text

def rss():
    with open("/proc/self/status") as status:
        line = next(row for row in status if row.startswith("VmRSS:"))
    return int(line.split()[1]) // 1024

text = open(sys.argv[1]).read()
reader = toml_text.compiled()
before = rss()
data = reader.loads(text, toml_version="1.0.0")
held = rss()
del data
gc.collect()
print(json.dumps({"held": held - before, "kept": rss() - before,
                  "variable": os.environ.get("MIMALLOC_PURGE_DELAY")}))
"""


def components_text(count: int) -> str:
    """A plan's components as rollback-tui writes them, *count* of them (220 bytes each)."""
    return "".join(
        f'[[components]]\nname = "svc-{n}"\n\n'
        + "".join(
            f'[[components.steps]]\nid = "svc-{n}-{i}"\ntext = "Step {i}"\n'
            f'command = "restart svc-{n}"\n\n'
            for i in (1, 2, 3)
        )
        for n in range(count)
    )


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_the_memory_of_a_parse_is_given_back(tmp_path: Path) -> None:
    """After a long plan's values are freed, the compiled reader's allocator keeps little
    of what the parse took: without being told, it kept 47 of this 4 MB text's 77 MB (and
    67 MB after a 9 MB plan, which the rest of a tick then took again, to 265 MB); and
    the variable that tells it is gone from the environment the commands of a run
    inherit."""
    path = tmp_path / "plan.toml"
    path.write_text(components_text(15_000))
    figures = json.loads(probe(MEMORY_PROBE, path))
    assert figures["held"] >= 20, figures  # the probe sees the parse's memory at all
    assert figures["kept"] <= min(20, figures["held"] / 3), figures
    assert figures["variable"] is None
