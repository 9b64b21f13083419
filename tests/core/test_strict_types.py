"""Plan files are read strictly: a value of the wrong type is never coerced ("no" is not
false), and is reported with its line and the type expected, by every command and by
`check` in each of its formats."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from cli_helpers import run

from rollback_tui import store
from rollback_tui.plan import new_plan
from rollback_tui.plan.model import DeploymentType, ProcedureChoice

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plan.toml"


def example_with(folder: Path, *changes: tuple[str, str], name: str = "plan.toml") -> Path:
    """The example plan with each (old, new) text replaced once, written to *folder*."""
    text = EXAMPLE.read_text()
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = folder / name
    path.write_text(text)
    return path


def line_of(path: Path, start: str) -> int:
    """The 1-based number of the first line of *path* that starts with *start*."""
    lines = path.read_text().splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(start))


WRONG = [
    ("db_impact = true", 'db_impact = "no"', "db_impact", "true or false"),
    ("irreversible = true", 'irreversible = "yes"', "irreversible", "true or false"),
    ("db_impact = true", "db_impact = 1", "db_impact", "true or false"),
    ("update_interval = 30", 'update_interval = "30"', "update_interval", "a whole number"),
    ("update_interval = 30", "update_interval = 30.0", "update_interval", "a whole number"),
    ("created = 2026-11-20", 'created = "2026-11-20"', "created", "a date"),
    ("created = 2026-11-20", "created = 2026-11-20T10:00:00Z", "created", "a date"),
]


class TestNoCoercion:
    """What TOML types wrongly is refused, never read as something else."""

    @pytest.mark.parametrize(("old", "new", "key", "expected"), WRONG)
    def test_check_refuses_in_one_line_with_line_and_type(
        self, tmp_path: Path, old: str, new: str, key: str, expected: str
    ) -> None:
        """Exit 2, one line naming the file, the line, the key and the type expected."""
        path = example_with(tmp_path, (old, new))
        result = run("check", path)
        assert result.exit_code == 2, result.output
        lines = result.stderr.splitlines()
        error = next(line for line in lines if str(path) in line)
        assert f"{path}:{line_of(path, new)}:" in error
        assert key in error and f"expected {expected}" in error
        assert "Traceback" not in result.output

    @pytest.mark.parametrize("command", [["render"], ["status"], ["tick", "a-1"]])
    def test_other_commands_refuse_and_touch_nothing(
        self, tmp_path: Path, command: list[str]
    ) -> None:
        """render, status and tick: exit 2, one line on stderr, the file as it was."""
        path = example_with(tmp_path, ("db_impact = true", 'db_impact = "no"'))
        before = path.read_bytes()
        result = run(command[0], path, *command[1:])
        assert result.exit_code == 2 and result.stdout == ""
        assert len(result.stderr.splitlines()) == 1
        assert f"{path}:{line_of(path, 'db_impact')}: db_impact: expected true or false" in (
            result.stderr
        )
        assert path.read_bytes() == before
        assert not path.with_suffix(".md").exists()

    def test_right_types_still_read(self, tmp_path: Path) -> None:
        """Dates, datetimes (with an offset or local), enums as strings and numbers read."""
        path = example_with(
            tmp_path,
            ("created = 2026-11-20", "created = 2026-11-20\nlast_reviewed = 2026-11-25"),
            ('id = "b-4"\n', 'id = "b-4"\ndone = true\ndone_at = 2026-11-22T14:03:10+01:00\n'),
            ('id = "b-5"\n', 'id = "b-5"\ndone = true\ndone_at = 2026-11-22T14:05:00\n'),
        )
        plan, _ = store.read_plan(path)
        assert plan.deployment_type is DeploymentType.ROLLING
        assert plan.procedure.choice is ProcedureChoice.BOTH
        assert plan.last_reviewed == dt.date(2026, 11, 25)
        b4, b5 = plan.item("b-4"), plan.item("b-5")
        assert b4 is not None and b4.done_at == dt.datetime(2026, 11, 22, 13, 3, 10, tzinfo=dt.UTC)
        assert b5 is not None and b5.done_at == dt.datetime(2026, 11, 22, 14, 5, tzinfo=dt.UTC)
        assert plan.communications.update_interval == 30

    def test_the_wizard_sets_python_values(self) -> None:
        """Edits made in code (as the wizard's fields make them) still validate."""
        plan = new_plan()
        plan.db_impact = True
        plan.communications.update_interval = 15
        plan.procedure.choice = ProcedureChoice.A
        plan.followup.rca_due = dt.date(2026, 12, 1)
        plan.procedure.option_b[0].irreversible = True
        assert plan.db_impact and plan.procedure.option_b[0].irreversible


class TestUnusableFileInCheck:
    """An unusable file in `check`: at the bad key's line, every error reported, counted."""

    @pytest.fixture
    def two_errors(self, tmp_path: Path) -> Path:
        return example_with(
            tmp_path,
            ("db_impact = true", 'db_impact = "no"'),
            ("irreversible = true", 'irreversible = "yes"'),
            name="bad.toml",
        )

    def test_github_annotates_each_error_at_its_line(self, two_errors: Path) -> None:
        """One ::error per wrong value, at its line, the path given once (file=)."""
        result = run("check", "--format", "github", two_errors)
        assert result.exit_code == 2
        assert result.stdout.splitlines() == [
            f"::error file={two_errors},line={line_of(two_errors, 'db_impact')},"
            'title=rollback-tui%3A db_impact::expected true or false, not the string "no"',
            f"::error file={two_errors},line={line_of(two_errors, 'irreversible')},"
            "title=rollback-tui%3A procedure.option_b[3].irreversible::"
            'expected true or false, not the string "yes"',
        ]

    def test_json_lists_each_error_with_its_line(self, two_errors: Path) -> None:
        """--format json: one row per error, with where and line."""
        rows = json.loads(run("check", "--format", "json", two_errors).stdout)
        assert [(r["line"], r["where"], r["severity"]) for r in rows] == [
            (line_of(two_errors, "db_impact"), "db_impact", "error"),
            (line_of(two_errors, "irreversible"), "procedure.option_b[3].irreversible", "error"),
        ]
        assert all(r["file"] == str(two_errors) for r in rows)

    def test_text_reports_each_error_and_counts_the_file(
        self, two_errors: Path, tmp_path: Path
    ) -> None:
        """Each error on its line of stderr; the summary counts the unusable file too."""
        good = tmp_path / "good.toml"
        good.write_bytes(EXAMPLE.read_bytes())
        result = run("check", good, two_errors)
        assert result.exit_code == 2
        err = result.stderr.splitlines()
        assert (
            f"rollback-tui: {two_errors}:{line_of(two_errors, 'db_impact')}: db_impact:" in (err[0])
        )
        assert "procedure.option_b[3].irreversible" in err[1]
        assert err[-1] == "2 findings (2 errors, 0 warnings); 1 file unusable"

    def test_syntax_error_keeps_its_line(self, tmp_path: Path) -> None:
        """A TOML syntax error is annotated at its line, with no path in the message."""
        path = tmp_path / "broken.toml"
        path.write_text('title = "x"\n\n\nbad = = 1\n')
        (line,) = run("check", "--format", "github", path).stdout.splitlines()
        assert line.startswith(f"::error file={path},line=4,title=rollback-tui::")
        assert str(path) not in line.partition("::")[2].partition("::")[2]
