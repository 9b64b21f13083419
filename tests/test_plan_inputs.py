"""The plan's inputs: a variable with no value is reported and shown as unset, and the
Basics choices (deployment type, database impact) keep the defaults that follow them."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner, Result
from markdown_it import MarkdownIt

from rollback_tui.cli import main
from rollback_tui.plan import new_plan
from rollback_tui.plan.lint import lint
from rollback_tui.render import render_markdown

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "plan.toml"


def run(*args: str | Path) -> Result:
    result = CliRunner().invoke(main, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def without_inputs(tmp_path: Path, *keys: str) -> Path:
    """The example plan with the top-level *keys* deleted by hand."""
    lines = EXAMPLE.read_text().splitlines(keepends=True)
    kept = [line for line in lines if not any(line.startswith(f"{k} = ") for k in keys)]
    assert len(kept) == len(lines) - len(keys)
    path = tmp_path / "plan.toml"
    path.write_text("".join(kept))
    return path


class TestUnsetVariables:
    """$VERSION and the others with no value: a finding, and never raw in the Markdown."""

    def test_check_names_the_field_and_every_use(self, tmp_path: Path) -> None:
        """Deleting version and incident gives one finding each, on the field, naming every
        place that uses the variable."""
        path = without_inputs(tmp_path, "version", "incident")
        result = run("check", path)
        assert result.exit_code == 1
        assert result.stdout.splitlines() == [
            f"{path}: error: version: the current version is not set, but $VERSION is used in "
            "assumptions.migrations, communications.internal_template",
            f"{path}: error: incident: the incident is not set, but $INCIDENT is used in "
            "communications.internal_template",
        ]

    def test_unused_variables_are_not_reported(self) -> None:
        """A field left empty that nothing uses is not a finding."""
        plan = new_plan(title="t", version="v2", target_version="v1", incident="i")
        plan.communications.internal_template = "No variables here."
        plan.incident = ""
        assert not [f for f in lint(plan) if f.where == "incident"]

    def test_component_variable_outside_a_component_is_reported_where_used(self) -> None:
        """$COMPONENT has a value only in a component's steps."""
        plan = new_plan(title="t", version="v2", target_version="v1", incident="i")
        plan.procedure.option_b[0].command = "kubectl rollout undo deployment/$COMPONENT"
        assert [f.where for f in lint(plan) if "$COMPONENT" in f.message] == [
            "procedure.option_b[0].command"]

    def test_markdown_shows_them_as_unset_and_stays_valid(self, tmp_path: Path) -> None:
        """The internal update reads ‹version unset› and ‹incident unset›, not $VERSION."""
        path = without_inputs(tmp_path, "version", "incident", "target_version")
        result = run("render", path)
        assert result.exit_code == 0
        markdown = result.stdout
        assert not re.search(r"\$\{?(TARGET_VERSION|VERSION|INCIDENT|FEATURE_FLAG)\b",
                             markdown)
        assert ("Rolling back ‹version unset› to ‹target version unset› because of: "
                "‹incident unset›.") in markdown
        tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
        assert not [t for t in tokens if t.type == "html_block"]

    def test_unset_component_variable_in_option_b_is_not_raw(self) -> None:
        plan = new_plan(title="t", version="v2", target_version="v1", incident="i")
        plan.procedure.option_b[0].command = "kubectl rollout undo deployment/$COMPONENT"
        assert "deployment/‹component unset›" in render_markdown(plan)
        assert "$COMPONENT" not in render_markdown(plan)
