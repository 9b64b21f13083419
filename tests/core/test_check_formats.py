"""`check` over many files, as text, GitHub Actions annotations and JSON, with key lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from rollback_tui.cli import main
from rollback_tui.store.key_lines import key_lines, line_of

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plan.toml"


def run(*args: str | Path) -> Result:
    result = CliRunner().invoke(main, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


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
