"""The plan's inputs: a variable with no value is reported and shown as unset, and the
Basics choices (deployment type, database impact) keep the defaults that follow them."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path

import click
from cli_helpers import run
from click.testing import CliRunner
from markdown_it import MarkdownIt

from rollback_tui.cli import main
from rollback_tui.importing.reader import parse_markdown
from rollback_tui.plan import DeploymentType, Plan, new_plan
from rollback_tui.plan.choices import Choices, choose
from rollback_tui.plan.defaults import number_items
from rollback_tui.plan.lint import lint
from rollback_tui.plan.text import findings_summary, plural
from rollback_tui.plan.timeline import set_done
from rollback_tui.render import render_markdown
from rollback_tui.ui.checklist.items import timeline_text

T0 = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plan.toml"


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
            f"{path}: error: version: not set, but $VERSION is used in "
            "assumptions.migrations, communications.internal_template",
            f"{path}: error: incident: not set, but $INCIDENT is used in "
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
            "procedure.option_b[0].command"
        ]

    def test_markdown_shows_them_as_unset_and_stays_valid(self, tmp_path: Path) -> None:
        """The internal update reads ‹version unset› and ‹incident unset›, not $VERSION."""
        path = without_inputs(tmp_path, "version", "incident", "target_version")
        result = run("render", path)
        assert result.exit_code == 0
        markdown = result.stdout
        assert not re.search(r"\$\{?(TARGET_VERSION|VERSION|INCIDENT|FEATURE_FLAG)\b", markdown)
        assert (
            "Rolling back ‹version unset› to ‹target version unset› because of: ‹incident unset›."
        ) in markdown
        tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
        assert not [t for t in tokens if t.type == "html_block"]

    def test_unset_component_variable_in_option_b_is_not_raw(self) -> None:
        plan = new_plan(title="t", version="v2", target_version="v1", incident="i")
        plan.procedure.option_b[0].command = "kubectl rollout undo deployment/$COMPONENT"
        assert "deployment/‹component unset›" in render_markdown(plan)
        assert "$COMPONENT" not in render_markdown(plan)


class TestTimelineNamesTheSection:
    """A tick of a component's step says which component, in the Markdown and on screen."""

    def test_component_step_row_names_its_component(self) -> None:
        """ "Done component-1-1 Revert to previous state" names checkout-api and web."""
        plan = new_plan(title="t", components=["checkout-api", "web"])
        for component in plan.components:
            set_done(plan, component.steps[0].id, True, "sam", at=T0)
        rows = [line for line in render_markdown(plan).splitlines() if "| Done " in line]
        assert [row.split(" | ")[2].removesuffix(" |") for row in rows] == [
            "Done `checkout-api-1` checkout-api: Revert to previous state",
            "Done `web-1` web: Revert to previous state",
        ]
        panel = timeline_text(plan).plain
        assert "Done checkout-api-1 checkout-api: Revert to previous state" in panel
        assert "Done web-1 web: Revert to previous state" in panel


class TestWording:
    """Counts in the right number, and a --help whose summaries are whole sentences."""

    def test_one_finding_is_singular(self, tmp_path: Path) -> None:
        """ "1 finding (1 error, 0 warnings)", never "1 findings (1 errors"."""
        path = without_inputs(tmp_path, "incident")
        result = run("check", path)
        assert result.stderr == "1 finding (1 error, 0 warnings)\n"

    def test_plural_helper(self) -> None:
        assert plural(1, "step") == "1 step"
        assert plural(0, "step") == "0 steps"
        assert (
            findings_summary(["warning", "error", "warning"]) == "3 findings (1 error, 2 warnings)"
        )

    def test_hints_are_counted_apart(self) -> None:
        """Hints are not findings that fail: they follow the count, or stand alone."""
        assert findings_summary(["error", "hint", "hint"]) == (
            "1 finding (1 error, 0 warnings); 2 hints"
        )
        assert findings_summary(["hint"]) == "no findings; 1 hint"

    def test_top_level_help_cuts_no_summary(self) -> None:
        """At 80 columns each command's line in --help is its whole short help."""
        result = CliRunner().invoke(main, ["--help"], terminal_width=80)
        commands = result.output.split("Commands:\n", 1)[1].splitlines()
        with click.Context(main) as ctx:
            names = main.list_commands(ctx)
            assert len(commands) == len(names)
            for line in commands:
                name, summary = line.split(None, 1)
                assert not summary.endswith("..."), line
                assert len(line) <= 80
                command = main.get_command(ctx, name)
                assert command is not None
                assert summary == command.short_help
                assert summary.endswith(".")


class TestChoicesFollow:
    """choose: what `new` would write for the new choice, the user's edits kept."""

    def test_any_choice_from_any_other_is_what_new_writes(self) -> None:
        """Choices Y made on `new`'s plan for choices X, then numbered as a first save
        does, give `new`'s plan for Y: every X and Y (type, database, flag)."""
        every = [
            Choices(t, db, flag)
            for t, db, flag in itertools.product(DeploymentType, [False, True], ["", "f"])
        ]
        for x, y in itertools.product(every, every):
            plan = new_plan(
                deployment_type=x.deployment_type,
                db_impact=x.db_impact,
                feature_flag=x.feature_flag,
                components=["api"],
            )
            choose(plan, y)
            number_items(plan)
            expected = new_plan(
                deployment_type=y.deployment_type,
                db_impact=y.db_impact,
                feature_flag=y.feature_flag,
                components=["api"],
            )
            assert plan.model_dump(exclude={"created"}) == expected.model_dump(
                exclude={"created"}
            ), (x, y)

    def test_a_step_added_by_the_user_keeps_its_place_and_id(self) -> None:
        plan = new_plan(title="t")
        added = plan.new_item("b", "Purge the CDN", "cdnctl purge --all")
        plan.procedure.option_b.insert(2, added)
        before = [i.id for i in plan.procedure.option_b]
        followed = choose(plan, Choices(DeploymentType.BLUE_GREEN))
        steps = plan.procedure.option_b
        assert followed.kept == []  # a step of the user's own is not a stale default
        assert [i.text for i in steps] == [
            "Identify last known good version (the idle colour)",
            "Switch the router back to the previous colour",
            "Purge the CDN",
            "Wait for traffic to drain from the new colour",
            "Verify all health checks passing",
        ]
        assert steps[2] is added and steps[-1].id == before[-1]
        assert len({i.id for i in steps}) == len(steps)

    def test_database_step_comes_and_goes_with_the_choice(self) -> None:
        plan = new_plan(title="t")
        choose(plan, Choices(db_impact=True))
        added = [i for i in plan.procedure.option_b if i.text == "Run database rollback migration"]
        assert [i.irreversible for i in added] == [True]
        choose(plan, Choices(db_impact=False))
        assert steps(plan) == steps(new_plan(title="t"))

    def test_a_ticked_step_is_never_removed(self) -> None:
        plan = new_plan(title="t")
        set_done(plan, plan.procedure.option_b[0].id, True, "sam", at=T0)
        choose(plan, Choices(DeploymentType.CANARY))
        assert plan.procedure.option_b[0].done

    def test_check_flags_an_assumption_that_says_no_migrations(self, tmp_path: Path) -> None:
        """Database impact yes, and the migrations assumption still says there are none."""
        text = EXAMPLE.read_text()
        old = 'migrations = "'
        start = text.index(old)
        end = text.index("\n", start)
        path = tmp_path / "plan.toml"
        path.write_text(
            text[:start] + 'migrations = "This release has no schema migrations."' + text[end:]
        )
        result = run("check", path)
        assert result.stdout.splitlines() == [
            f"{path}: warning: assumptions.migrations: database impact is yes, but this says "
            "'no schema migrations'"
        ]


def steps(plan: Plan) -> list[tuple[str, str | None]]:
    return [(i.text, i.command) for i in plan.procedure.option_b]


class TestTimelineReadBack:
    def test_import_reads_a_row_naming_its_section_as_a_plain_tick(self) -> None:
        """ "Done `api-1` api: Revert to previous state" is a tick of api-1, no note."""
        plan = new_plan(
            title="t", version="v1", target_version="v0", incident="i", components=["api"]
        )
        set_done(plan, "api-1", True, "sam", at=T0)
        imported, unplaced = parse_markdown(render_markdown(plan))
        assert unplaced == []
        assert [(e.event, e.item, e.text) for e in imported.timeline] == [("tick", "api-1", None)]
