"""`check` over many files, as text, GitHub Actions annotations and JSON, with key lines."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
from cli_helpers import run

from rollback_tui.store.key_lines import key_lines, line_of

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plan.toml"


def line_number(path: Path, text: str, after: int = 0) -> int:
    """The 1-based number of the first line from *after* on that starts with *text*."""
    lines = path.read_text().splitlines()
    return next(n for n, line in enumerate(lines, 1) if n > after and line.startswith(text))


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """A clean plan, one with an error and an unknown key, and one that is not TOML."""
    good = tmp_path / "good.toml"
    good.write_bytes(EXAMPLE.read_bytes())
    text = EXAMPLE.read_text()
    bad = tmp_path / "bad.toml"
    bad.write_text(
        text.replace('threshold = "Any severity"', 'threshold = ""').replace(
            "db_impact = true", "db_impact = true\nreviewer = 'kim'", 1
        )
    )
    broken = tmp_path / "broken.toml"
    broken.write_text('title = "x"\nbad = = 1\n')
    return {"good": good, "bad": bad, "broken": broken}


class TestManyFiles:
    def test_every_file_is_checked(self, files: dict[str, Path]) -> None:
        """Two plans on one command line: each is reported; exit 1 for the findings."""
        result = run("check", files["good"], files["bad"])
        assert result.exit_code == 1
        assert f"{files['good']}: no findings" in result.stdout
        assert f"{files['bad']}: error: triggers[3].threshold:" in result.stdout
        assert f"{files['bad']}: warning: reviewer: unknown key" in result.stdout

    def test_exit_code_is_the_worst(self, files: dict[str, Path]) -> None:
        """An unusable file among good ones: 2, and the others are still checked."""
        result = run("check", files["broken"], files["good"], files["bad"])
        assert result.exit_code == 2
        assert "no findings" in result.stdout and "triggers[3].threshold" in result.stdout
        assert f"rollback-tui: {files['broken']}: line 2" in result.stderr
        assert run("check", files["good"], files["good"]).exit_code == 0

    def test_no_path_is_a_usage_error(self) -> None:
        """`check` alone is refused by the command line (exit 2)."""
        assert run("check").exit_code == 2


class TestGithubFormat:
    def test_annotations_point_at_the_key(self, files: dict[str, Path]) -> None:
        """Each finding is a workflow command at the line of its key in the TOML."""
        result = run("check", "--format", "github", files["good"], files["bad"], files["broken"])
        assert result.exit_code == 2
        lines = result.stdout.splitlines()
        bad = files["bad"]
        threshold = line_number(bad, 'threshold = ""')
        assert (
            f"::error file={bad},line={threshold},title=rollback-tui%3A "
            f"triggers[3].threshold::trigger 'Security incident' has no threshold"
        ) in lines
        assert (
            f"::warning file={bad},line={line_number(bad, 'reviewer')},"
            "title=rollback-tui%3A reviewer::unknown key (kept as is, but rollback-tui "
            "does not use it)"
        ) in lines
        assert any(line.startswith(f"::error file={files['broken']},line=2,") for line in lines)
        assert not any(str(files["good"]) in line for line in lines)

    def test_message_cannot_break_out(self, tmp_path: Path) -> None:
        """A contact role with a newline and %: one annotation line, escaped."""
        text = EXAMPLE.read_text().replace(
            'role = "Engineering Lead"\nname = "Dana Kim"',
            'role = "Lead 100%0A\\n::error file=x::x"\nname = ""',
        )
        path = tmp_path / "plan.toml"
        path.write_text(text)
        result = run("check", "--format", "github", path)
        lines = result.stdout.splitlines()
        name = line_number(path, 'name = ""')
        assert lines == [
            f"::error file={path},line={name},"
            "title=rollback-tui%3A contacts[0].name::"
            "Lead 100%250A%0A::error file=x::x has no name"
        ]


class TestJsonFormat:
    def test_list_of_findings(self, files: dict[str, Path]) -> None:
        """--format json: one object per finding, with file, line, severity and field."""
        result = run("check", "--format", "json", files["good"], files["bad"], files["broken"])
        rows = json.loads(result.stdout)
        assert result.exit_code == 2
        by_where = {row["where"]: row for row in rows}
        row = by_where["triggers[3].threshold"]
        assert row["file"] == str(files["bad"]) and row["severity"] == "error"
        assert row["line"] == line_number(files["bad"], 'threshold = ""')
        assert by_where[None]["file"] == str(files["broken"])
        assert {row["file"] for row in rows} == {str(files["bad"]), str(files["broken"])}


HOSTILE = "p\x1b]2;T\x07 a,b:c%d\u202e"
"""A file name with an OSC title, the runner's separators, a % and a bidi override."""
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u202a-\u202e\ud800-\udfff]")


def check_child(*args: str | Path) -> subprocess.CompletedProcess[bytes]:
    """`rollback-tui check` as CI runs it: a child process, its raw output bytes."""
    return subprocess.run(
        [sys.executable, "-m", "rollback_tui", "check", *map(str, args)],
        capture_output=True,
        check=False,
    )


def runner_unescape(value: str, *, property: bool) -> str:
    """What the Actions runner makes of an escaped value (ActionCommand.cs): %0D, %0A,
    (%3A, %2C in a property), then %25; any other %XX is kept as it is."""
    pairs = [("%0D", "\r"), ("%0A", "\n")]
    pairs += [("%3A", ":"), ("%2C", ",")] if property else []
    for escaped, char in [*pairs, ("%25", "%")]:
        value = value.replace(escaped, char)
    return value


def runner_parse(line: str) -> tuple[str, dict[str, str], str]:
    """A workflow command line as the runner parses it: command, properties, message."""
    assert line.startswith("::"), line
    head, _, message = line[2:].partition("::")
    command, _, properties = head.partition(" ")
    pairs = (pair.partition("=") for pair in properties.split(","))
    props = {key: runner_unescape(value, property=True) for key, _, value in pairs}
    return command, props, runner_unescape(message, property=False)


class TestHostileFileNames:
    """File names holding escape sequences, or bytes that are not UTF-8, in the github and
    JSON formats: escaped, never sent raw, never dropped, and read back by strict readers."""

    def test_github_escapes_what_it_cannot_print(self, tmp_path: Path) -> None:
        """ESC, BEL and U+202E in file= are %-escaped (%1B, %07, %E2%80%AE), as are the
        runner's separators: parsed as the runner does, the name comes back with each
        such character as its %XX; nothing raw reaches the terminal."""
        plan = tmp_path / f"{HOSTILE}.toml"
        plan.write_text(EXAMPLE.read_text().replace('threshold = "Any severity"', 'threshold = ""'))
        broken = tmp_path / f"{HOSTILE}-broken.toml"
        broken.write_text("title = = 1\n")
        done = check_child("--format", "github", plan, broken)
        out = done.stdout.decode("utf-8")
        assert done.returncode == 2 and RAW.search(out) is None, out
        shown = str(tmp_path) + "/p%1B]2;T%07 a,b:c%d%E2%80%AE"
        parsed = [runner_parse(line) for line in out.splitlines()]
        assert {props["file"] for _, props, _ in parsed} == {
            f"{shown}.toml",
            f"{shown}-broken.toml",
        }
        assert "p%251B]2;T%2507 a%2Cb%3Ac%25d%25E2" not in out  # escaped once, not twice
        assert "file=" + str(tmp_path) + "/p%1B]2;T%07 a%2Cb%3Ac%25d%E2%80%AE.toml," in out
        message = next(m for c, p, m in parsed if p["file"] == f"{shown}-broken.toml")
        assert message.startswith("line 1"), message  # file= names the file, not the message

    def test_json_is_valid_utf8_for_strict_readers(self, tmp_path: Path) -> None:
        """A name with ESC and a byte that is not UTF-8: strict UTF-8, no lone surrogate;
        file shows the byte as U+FFFD, file_bytes holds the exact name; jq and node agree."""
        name = os.fsdecode(b"plan\xff\x1b]2;T\x07.toml")
        plan = tmp_path / name
        plan.write_text(EXAMPLE.read_text().replace('threshold = "Any severity"', 'threshold = ""'))
        done = check_child("--format", "json", plan, tmp_path / f"gone{name}")
        assert done.returncode == 2, done.stderr
        assert RAW.search(done.stdout.decode("ascii")) is None
        rows = json.loads(done.stdout.decode("utf-8", "strict"))
        for row in rows:
            for value in row.values():
                if isinstance(value, str):
                    value.encode("utf-8", "strict")  # no lone surrogate
        files = {row["file"] for row in rows}
        shown = "plan\ufffd\x1b]2;T\x07.toml"
        assert files == {f"{tmp_path}/{shown}", f"{tmp_path}/gone{shown}"}
        exact = {urllib.parse.unquote_to_bytes(row["file_bytes"]) for row in rows}
        assert exact == {bytes(plan), bytes(tmp_path / f"gone{name}")}
        if shutil.which("jq"):
            again = subprocess.run(
                ["jq", "-c", "."], input=done.stdout, capture_output=True, check=True
            )
            assert json.loads(again.stdout.decode("utf-8", "strict")) == rows
        if shutil.which("node"):
            script = (
                "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{"
                "const v=JSON.parse(s).flatMap(r=>Object.values(r));"
                "process.stdout.write(v.every(x=>typeof x!=='string'||x.isWellFormed())"
                "?'ok':'lone')})"
            )
            judged = subprocess.run(
                ["node", "-e", script], input=done.stdout, capture_output=True, check=True
            )
            assert judged.stdout == b"ok", judged.stderr


class TestKeyLines:
    TEXT = """# a comment
title = "t"
notes = \"\"\"
[not.a.table]
x = 1
\"\"\"
list = [
  "[x]",
]

[assumptions]
sla = "s"

[[components]]
name = "a"

[[components.steps]]
text = "one"

[[components]]
name = "b"

[[components.steps]]
text = "two"

[[components.steps]]
text = "three"
"""

    def test_paths_to_lines(self) -> None:
        """Array-of-tables entries are counted per parent; strings hide what looks like
        keys; a missing key falls back to its table, then to line 1."""
        lines = key_lines(self.TEXT)
        assert line_of("title", lines) == 2
        assert line_of("assumptions.sla", lines) == 12
        assert line_of("assumptions.backups", lines) == 11
        assert line_of("components[1].name", lines) == 21
        assert line_of("components[1].steps[1].text", lines) == 27
        assert line_of("components[0].steps[0].text", lines) == 18
        assert line_of("components[1].steps", lines) == 23
        assert "not.a.table" not in lines and "x" not in lines
        assert line_of("followup.rca_owner", lines) == 1

    def test_keys_as_toml_spells_them(self) -> None:
        """Bare keys of ASCII letters, digits, _ and -, quoted keys, dotted keys with or
        without spaces; a word TOML would not take as a key is none."""
        lines = key_lines('é = 1\n"q k" = 2\na . b = 3\nx=4\nkey-1 = 5\n= 6\n1a = "b = c"\n')
        assert lines == {"q k": 2, "a.b": 3, "x": 4, "key-1": 5, "1a": 7}
