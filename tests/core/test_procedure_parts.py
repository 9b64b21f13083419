"""Immediate containment before the options, and the services restored after Option B:
defaults per deployment type, the Markdown and plain text, `check`, old plans, the
deployment type followed in the wizard, import, and merges by item id."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rollback_tui import store
from rollback_tui.importing.reader import parse_markdown
from rollback_tui.plan import DeploymentType, ProcedureChoice, new_plan
from rollback_tui.plan.choices import Choices, choose
from rollback_tui.plan.defaults import default_part
from rollback_tui.plan.lint import lint
from rollback_tui.plan.model import Plan
from rollback_tui.plan.three_way import merge_three
from rollback_tui.plan.timeline import set_done
from rollback_tui.plan_schema import plan_schema
from rollback_tui.render import render_markdown, render_sections
from rollback_tui.render.plain_text import render_text

OLD_PLAN = Path(__file__).resolve().parents[1] / "data" / "plan-written-by-v1.toml"
"""examples/plan.toml as a release before these parts wrote it."""
TYPES = list(DeploymentType)
CONTAINMENT = "### Immediate Containment (Throttle, Route Traffic)"
RESTORE = "### Service Restarts, Config Reversion and Cache Invalidation (As Required)"


def section(markdown: str, heading: str) -> str:
    """The Markdown from *heading* to the next heading of the same level or above."""
    start = markdown.index(heading + "\n")
    end = re.search(r"^#{1,3} ", markdown[start + len(heading) :], re.M)
    return markdown[start : start + len(heading) + end.start()] if end else markdown[start:]


def fences(markdown: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)\n *```", markdown, re.S)


class TestDefaults:
    """`new` writes both parts for every deployment type, with exact commands."""

    @pytest.mark.parametrize("kind", TYPES)
    def test_containment_throttles_and_routes_traffic(self, kind: DeploymentType) -> None:
        """Steps to route traffic away and to throttle, each with a command, first in the
        procedure: before Option A and Option B."""
        plan = new_plan(title="t", deployment_type=kind, feature_flag="f")
        texts = [item.text for item in plan.procedure.containment]
        assert any(t.startswith("Route traffic:") for t in texts)
        assert any(t.startswith("Throttle:") for t in texts)
        assert all(item.command for item in plan.procedure.containment)
        markdown = render_markdown(plan)
        assert markdown.index(CONTAINMENT) < markdown.index("### Option A")
        assert markdown.index("### Option A") < markdown.index("### Option B")
        assert [i.id for i in plan.procedure.containment] == [
            "contain-1",
            "contain-2",
            "contain-3",
            "contain-4",
        ]

    @pytest.mark.parametrize(
        ("kind", "route"),
        [
            (DeploymentType.CANARY, "kubectl argo rollouts abort <rollout>"),
            (DeploymentType.BLUE_GREEN, '"selector":{"color":"<previous-colour>"}'),
            (DeploymentType.ROLLING, "kubectl rollout pause deployment/<deployment>"),
            (DeploymentType.FEATURE_FLAG, "kubectl rollout pause deployment/<deployment>"),
        ],
    )
    def test_the_platform_decides_how_traffic_is_routed(
        self, kind: DeploymentType, route: str
    ) -> None:
        """Canary: abort; blue-green: the service back on the old colour; rolling: pause.
        Any type: a rate limit and a maintenance page at the ingress."""
        commands = [
            item.command or "" for item in new_plan(deployment_type=kind).procedure.containment
        ]
        assert route in commands[0]
        assert any("limit-rps" in c for c in commands)
        assert any("<maintenance-service>" in c for c in commands)

    @pytest.mark.parametrize("kind", TYPES)
    @pytest.mark.parametrize("db_impact", [True, False])
    def test_restore_steps_follow_option_b(self, kind: DeploymentType, db_impact: bool) -> None:
        """Config reverted, services restarted, caches purged: "as required", with
        commands, after Option B and before the components."""
        plan = new_plan(title="t", deployment_type=kind, db_impact=db_impact, components=["api"])
        texts = [item.text.lower() for item in plan.procedure.restore]
        assert plan.procedure.restore[0].id == "restore-1"
        assert "config" in texts[0] and "restart" in texts[1]
        assert sum("cache" in t for t in texts) == 2
        assert all("(as required)" in t for t in texts)
        assert all(item.command for item in plan.procedure.restore)
        markdown = render_markdown(plan)
        assert markdown.index("### Option B") < markdown.index(RESTORE)
        assert markdown.index(RESTORE) < markdown.index("## Component Rollback Steps")

    def test_commands_get_values_as_every_command_does(self) -> None:
        """$TARGET_VERSION in a restore command: a plain name written in, any other value
        set on a line of its own first and the command kept as it is."""
        plain = render_markdown(new_plan(title="t", target_version="v2.3.1"))
        assert "git -C <config-repo> checkout v2.3.1 -- <config-dir>" in plain
        odd = render_markdown(new_plan(title="t", target_version="v2 $(reboot)"))
        restore = fences(section(odd, RESTORE))[0]
        assert restore.splitlines()[0].strip() == "TARGET_VERSION='v2 $(reboot)'"
        assert 'checkout "$TARGET_VERSION" --' in restore

    def test_defaults_for_a_plan_that_has_none(self) -> None:
        """The wizard's "Add the defaults" gives the deployment type's steps, with ids
        not yet used in the plan."""
        plan = new_plan(deployment_type=DeploymentType.CANARY)
        plan.procedure.containment = []
        steps = default_part(plan, "containment")
        assert steps[0].command == "kubectl argo rollouts abort <rollout>"
        assert not {s.id for s in steps} & plan.used_ids()


class TestRendering:
    def test_plain_text_has_both_parts_in_order(self) -> None:
        """The plain text shows containment first and the restore steps after Option B."""
        text = render_text(new_plan(title="t", feature_flag="f"))
        order = [
            text.index("Immediate Containment (Throttle, Route Traffic)\n"),
            text.index("Option A: Feature Flag Rollback"),
            text.index("Option B: Deployment Rollback"),
            text.index("Service Restarts, Config Reversion and Cache Invalidation"),
        ]
        assert order == sorted(order)

    def test_restore_steps_go_when_option_b_does(self) -> None:
        """Option A only: no restore section, and its steps are not checklist items."""
        plan = new_plan(title="t", feature_flag="f")
        plan.procedure.choice = ProcedureChoice.A
        assert RESTORE not in render_markdown(plan)
        assert "restore-1" not in [i.id for _, _, i in plan.checklist(active=True)]
        assert not [f for f in lint(plan) if f.where.startswith("procedure.restore")]

    def test_an_empty_part_is_not_shown(self) -> None:
        """No containment steps: the procedure opens with Option A, no empty heading."""
        plan = new_plan(title="t", feature_flag="f")
        plan.procedure.containment, plan.procedure.restore = [], []
        keys = [s.key for s in render_sections(plan)]
        assert "containment" not in keys and "restore" not in keys
        assert render_markdown(plan).count("## Rollback Procedure") == 1


class TestCheck:
    """No containment step is a finding only when there is no feature flag either."""

    @staticmethod
    def containment_findings(plan: Plan) -> list[str]:
        return [f.severity for f in lint(plan) if f.where == "procedure.containment"]

    def test_no_containment_and_no_flag_is_a_warning(self) -> None:
        """Option B alone, nothing to throttle or route: a warning."""
        plan = new_plan(title="t")
        plan.procedure.containment = []
        assert self.containment_findings(plan) == ["warning"]

    def test_a_feature_flag_is_containment_enough(self) -> None:
        """A named flag that Option A turns off: no finding."""
        plan = new_plan(title="t", feature_flag="f")
        plan.procedure.containment = []
        assert self.containment_findings(plan) == []

    def test_containment_steps_answer_it(self) -> None:
        """A plan with containment steps and no flag: no finding."""
        assert self.containment_findings(new_plan(title="t")) == []

    def test_their_fields_are_checked_like_the_options(self) -> None:
        """A containment step without text is an error on that step."""
        plan = new_plan(title="t")
        plan.procedure.containment[1].text = ""
        assert "procedure.containment[1].text" in [f.where for f in lint(plan)]


class TestOldPlans:
    """A plan written before these parts is not changed on load."""

    def test_loads_without_them_and_saves_without_them(self, tmp_path: Path) -> None:
        """No containment or restore steps, the template's six triggers; a save writes
        no new keys."""
        path = tmp_path / "plan.toml"
        path.write_bytes(OLD_PLAN.read_bytes())
        plan_file = store.load(path)
        plan = plan_file.plan
        assert plan.procedure.containment == [] and plan.procedure.restore == []
        assert len(plan.triggers) == 6
        store.save(plan_file)
        assert path.read_text() == OLD_PLAN.read_text()


class TestDeploymentTypeFollowed:
    """Changing the deployment type in the wizard brings the new type's steps."""

    def test_untouched_steps_follow_edited_ones_stay(self) -> None:
        """Rolling to canary: the route step becomes the abort; an edited step is kept."""
        plan = new_plan(title="t")
        plan.procedure.containment[1].command = "our own rate limit"
        followed = choose(plan, Choices(DeploymentType.CANARY))
        assert "Immediate containment" in followed.changed
        assert "the restore steps" in followed.changed
        assert plan.procedure.containment[0].command == "kubectl argo rollouts abort <rollout>"
        assert plan.procedure.containment[1].command == "our own rate limit"
        assert plan.procedure.restore[0].command == (
            "argocd app sync <app> --revision $TARGET_VERSION"
        )

    def test_a_plan_without_them_gets_none(self) -> None:
        """Parts removed (or never there) are not brought back by a type change."""
        plan = new_plan(title="t")
        plan.procedure.containment, plan.procedure.restore = [], []
        choose(plan, Choices(DeploymentType.BLUE_GREEN))
        assert plan.procedure.containment == [] and plan.procedure.restore == []


class TestImport:
    def test_headings_of_a_hand_written_plan_become_the_parts(self) -> None:
        """ "Immediate containment" and "Service restarts / cache invalidation" headings:
        their lists are the containment and restore steps, not Option B's."""
        plan, unplaced = parse_markdown(
            "# Rollback Plan: Shop\n\n"
            "## Immediate containment\n\n- [ ] Shed load at the edge\n\n"
            "## Option B: Deployment Rollback\n\n1. [ ] Roll back\n\n"
            "## Service restarts and cache invalidation\n\n"
            "1. [ ] Restart the API\n2. [x] Purge the CDN\n"
        )
        assert unplaced == []
        assert [i.text for i in plan.procedure.containment] == ["Shed load at the edge"]
        assert [i.text for i in plan.procedure.option_b] == ["Roll back"]
        assert [(i.text, i.done) for i in plan.procedure.restore] == [
            ("Restart the API", False),
            ("Purge the CDN", True),
        ]
        assert plan.procedure.choice is ProcedureChoice.B

    def test_a_rendered_plan_comes_back_with_both_parts(self) -> None:
        """import(render(new plan)) has the same steps and ids in both parts."""
        plan = new_plan(title="t", version="v2", target_version="v1", feature_flag="f")
        back, _ = parse_markdown(render_markdown(plan))
        for part in ("containment", "restore"):
            assert [(i.id, i.text, i.command) for i in getattr(back.procedure, part)] == [
                (i.id, i.text, i.command) for i in getattr(plan.procedure, part)
            ]


class TestMerge:
    def test_ticks_and_edits_of_both_parts_merge_by_id(self) -> None:
        """One clone ticks a containment step, the other rewords a restore step: both."""
        base = new_plan(title="t")
        ours, theirs = base.model_copy(deep=True), base.model_copy(deep=True)
        set_done(ours, "contain-2", True, "sam")
        theirs.procedure.restore[1].text = "Restart api, then worker"
        merged = merge_three(base, ours, theirs)
        assert merged.conflicts == []
        item = merged.plan.item("contain-2")
        assert item is not None and item.done and item.done_by == "sam"
        assert merged.plan.procedure.restore[1].text == "Restart api, then worker"

    def test_an_old_clone_and_a_new_one_merge(self) -> None:
        """One side added the parts (from the wizard's defaults), the other ticked a step."""
        base = store.read_plan(OLD_PLAN)[0]
        ours, theirs = base.model_copy(deep=True), base.model_copy(deep=True)
        ours.procedure.containment = default_part(ours, "containment")
        set_done(theirs, "a-1", True, "lee")
        merged = merge_three(base, ours, theirs)
        assert merged.conflicts == []
        assert len(merged.plan.procedure.containment) == 4
        assert merged.plan.item("a-1").done  # type: ignore[union-attr]


def test_the_schema_describes_both_parts() -> None:
    """The JSON Schema has both lists, each with its description."""
    schema = plan_schema()
    procedure = schema["$defs"]["Procedure"]["properties"]
    assert "throttle" in procedure["containment"]["description"]
    assert "caches" in procedure["restore"]["description"]
