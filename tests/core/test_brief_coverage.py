"""Every bullet of the strategy brief has its place in a plan made by `new`, for every
deployment type, with and without database impact; and the hints `check` gives from the
brief (detection signals left uncovered, 4–6 bullets a section) fail nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_helpers import run

from rollback_tui.plan import DeploymentType, Plan, new_plan
from rollback_tui.plan.brief_hints import SIGNALS, uncovered_signals
from rollback_tui.plan.lint import lint
from rollback_tui.render import render_markdown

DATA = Path(__file__).resolve().parents[1] / "data"
BRIEF = DATA / "rollback-strategy-brief.md"
OLD_PLAN = DATA / "plan-written-by-v1.toml"
"""A plan written before the brief's last two detection signals were defaults."""

Check = Callable[[Plan, str], bool]


def brief_bullets() -> list[tuple[str, str]]:
    """(section, bullet) for every bullet of the brief, its formatting rules included."""
    out: list[tuple[str, str]] = []
    section = ""
    for line in BRIEF.read_text(encoding="utf-8").splitlines():
        if line.startswith("## ") or line == "Formatting rules":
            section = re.sub(r"^## (\d\. )?", "", line)
        elif line.startswith("- ") and section:
            out.append((section, line[2:]))
    return out


def has(*texts: str) -> Check:
    return lambda plan, markdown: all(text in markdown for text in texts)


def part(heading: str, *steps: str) -> Check:
    """The part under *heading* has a step starting with each of *steps*, with a command."""

    def check(plan: Plan, markdown: str) -> bool:
        start = markdown.index(heading)
        end = markdown.find("\n### ", start + 1)
        body = markdown[start : end if end > 0 else None]
        return all(re.search(rf"^\d+\. \[ \] {step}", body, re.M) for step in steps) and (
            body.count("```sh") >= len(steps)
        )

    return check


def trigger(name: str) -> Check:
    """A trigger row for *name*, with a threshold and a source."""
    return lambda plan, markdown: (
        any(t.trigger == name and t.threshold.strip() and t.source.strip() for t in plan.triggers)
        and f"| {name} |" in markdown
    )


def database(plan: Plan, markdown: str) -> bool:
    """Database impact said; migrations' reversibility; a down-migration step if yes."""
    said = f"**Database Impact:** {'Yes' if plan.db_impact else 'No'}" in markdown
    step = "Run database rollback migration" in markdown
    return said and "**Migration Reversibility:**" in markdown and step == plan.db_impact


def steps_with_commands(plan: Plan, markdown: str) -> bool:
    """Option B's numbered steps, each with its command; $VERSION (and the version to go
    back to) named in the header."""
    start = markdown.index("### Option B: Deployment Rollback")
    body = markdown[start : markdown.index("\n### ", start + 1)]
    steps = re.findall(r"^\d+\. \[ \] ", body, re.M)
    return (
        len(steps) >= 4
        and body.count("```sh") == len(steps)
        and "**Current Version:** `v2.4.0`" in markdown
        and "**Target Version:** `v2.3.1`" in markdown
    )


def flag_and_containment(plan: Plan, markdown: str) -> bool:
    """Option A turns $FEATURE_FLAG off; containment throttles and routes traffic."""
    flag = "features/checkout_v2/environments/production/off" in markdown
    contained = part(
        "### Immediate Containment (Throttle, Route Traffic)", "Route traffic:", "Throttle:"
    )(plan, markdown)
    return flag and contained and markdown.index("### Immediate") < markdown.index("### Option A")


def bullets_per_section(plan: Plan, markdown: str) -> bool:
    """No hint that a list of the brief's sections has fewer than 4 or more than 6."""
    return not [f for f in lint(plan) if f.severity == "hint"]


PLACES: dict[str, Check] = {
    # A new plan asks the team to confirm what nobody has checked yet ([Confirm: …], which
    # `check` lists): the place is there, filled or to be confirmed.
    "Assumptions about data mutations, backups, and migration reversibility": has(
        "**Data Mutations:** The", "**Backups:** ", "**Migration Reversibility:**"
    ),
    "SLAs and user impact tolerance during rollback": has(
        "**SLAs:** ", "**User Impact Tolerance:** "
    ),
    "Error rates, latency spikes, or service degradation indicators": lambda p, m: (
        trigger("Error rate spike")(p, m) and trigger("Latency regression")(p, m)
    ),
    "User reports or support tickets": trigger("User complaints"),
    "Monitoring alerts or dashboard anomalies": has(
        "| APM dashboard |", "| Security alerts |", "| Support dashboard |"
    ),
    "Database or infrastructure issues": trigger("Database or infrastructure issues"),
    "Critical functionality failures": trigger("Critical functionality failures"),
    "Severity assessment (data loss, security breach, service outage)": has("**Severity:** Data"),
    "Impact scope (users affected, revenue impact, SLA violations)": has("**Impact Scope:** More"),
    "Time to resolution estimate": has("**Time to Resolution:** Roll back"),
    "Rollback vs. hotfix decision factors": has("**Rollback vs. Hotfix:** Prefer"),
    "Immediate containment (disable `$FEATURE_FLAG`, throttle, route traffic)": (
        flag_and_containment
    ),
    "Step-by-step rollback to `$VERSION` with exact commands": steps_with_commands,
    "Database considerations: migrations reversible? `$DB_IMPACT` data fix needed?": database,
    "Service restarts/config reversion; cache invalidation as required": part(
        "### Service Restarts, Config Reversion and Cache Invalidation (As Required)",
        "Revert the config",
        "Restart services in order",
        "Purge the CDN cache",
        "Flush the application and query caches",
    ),
    "Stakeholder notification (team, management, users)": has("**Stakeholders:** The engineering"),
    "Status update channels and frequency": has(
        "**Status Update Channels:**", "**Update Cadence:** Every 30"
    ),
    "Incident timeline documentation": has("**Incident Timeline:** every tick"),
    "User-facing communication templates": has("### User-Facing Message", "### Status Page Update"),
    "Post-rollback status updates": has("### Post-Rollback Status Update"),
    "Root cause analysis plan with owners and timeline": has("**Root Cause Analysis:**"),
    "Incident report, evidence, and action items": has(
        "- [ ] Write the incident report with evidence and action items"
    ),
    "Prevention measures and permanent fixes": has(
        "**Prevention:**", "- [ ] Ship the permanent fix and prevention measures"
    ),
    "Monitoring/alerting improvements; dashboards and runbooks updates": has(
        "**Monitoring & Alerting:**", "- [ ] Update monitoring, alerting, dashboards and runbooks"
    ),
    "Team retrospective and lessons learned": has(
        "**Retrospective:**", "- [ ] Hold the team retrospective and record lessons learned"
    ),
    "Use concise bullets; headers in Title Case": has("## Rollback Decision Criteria"),
    "Use monospace for `commands`, `paths`, and code identifiers": has("```sh\n", "`v2.4.0`"),
    "Provide exact, copy-pasteable commands and owners where possible": has(
        "```sh\n   kubectl ", "| Engineering Lead |", "| On-Call Engineer |"
    ),
    "Prefer 4–6 bullets per section": bullets_per_section,
}
"""Each bullet of the brief, and where a new plan answers it."""


class TestEveryBulletHasItsPlace:
    def test_every_bullet_of_the_brief_is_placed(self) -> None:
        """The brief's bullets are exactly those placed here: a bullet added to the brief
        fails this test until the plan answers it."""
        assert sorted(bullet for _, bullet in brief_bullets()) == sorted(PLACES)

    @pytest.mark.parametrize("kind", list(DeploymentType))
    @pytest.mark.parametrize("db_impact", [True, False])
    def test_a_new_plan_answers_each_bullet(self, kind: DeploymentType, db_impact: bool) -> None:
        """`new` with the brief's inputs: every bullet's place is in the plan."""
        plan = new_plan(
            title="Checkout v2",
            incident="Card payments fail",
            version="v2.4.0",
            target_version="v2.3.1",
            db_impact=db_impact,
            feature_flag="checkout_v2",
            deployment_type=kind,
            components=["checkout-api"],
        )
        markdown = render_markdown(plan)
        missing = [bullet for bullet, check in PLACES.items() if not check(plan, markdown)]
        assert missing == []


class TestDetectionSignals:
    def test_signals_are_the_brief_s(self) -> None:
        """The hint names the brief's five detection signals, in its words."""
        bullets = [b for s, b in brief_bullets() if s == "Incident Detection Signals"]
        assert [name for name, _ in SIGNALS] == bullets

    def test_a_new_plan_covers_all_five(self) -> None:
        """The default triggers watch for every kind of signal."""
        assert uncovered_signals(new_plan()) == []

    def test_an_old_plan_is_told_which_it_leaves_out(self, tmp_path: Path) -> None:
        """The template's six triggers: two hints naming the signals, exit code 0."""
        path = tmp_path / "plan.toml"
        path.write_bytes(OLD_PLAN.read_bytes())
        result = run("check", path, "--as-of", "2026-11-21")
        assert result.exit_code == 0
        assert result.stdout.splitlines() == [
            f"{path}: hint: triggers: no trigger watches for the brief's detection signal "
            f"'{name}' (add a trigger with its threshold and source)"
            for name in ("Database or infrastructure issues", "Critical functionality failures")
        ]
        assert result.stderr == "no findings; 2 hints\n"

    def test_a_trigger_in_other_words_covers_a_signal(self) -> None:
        """A replication lag alert counts as a database signal."""
        plan = new_plan()
        plan.triggers = [t for t in plan.triggers if not t.trigger.startswith("Database")]
        plan.triggers[0].source = "Replication lag alert"
        assert "Database or infrastructure issues" not in uncovered_signals(plan)


class TestBulletsPerSection:
    def test_too_few_and_too_many_are_hints(self) -> None:
        """Option B with 3 steps and 7 communication actions: a hint on each list."""
        plan = new_plan(title="t")
        del plan.procedure.option_b[3:]
        for n in range(3):
            plan.communications.actions.append(plan.new_item("comm", f"Extra {n}"))
        hints = {f.where: f.message for f in lint(plan) if f.severity == "hint"}
        assert hints == {
            "procedure.option_b": "Option B: 3 steps; the brief prefers 4–6 bullets a section",
            "communications.actions": (
                "Communication actions: 7 steps; the brief prefers 4–6 bullets a section"
            ),
        }

    def test_an_empty_list_is_left_to_its_own_finding(self) -> None:
        """No containment steps: the containment finding, no bullet hint."""
        plan = new_plan(title="t")
        plan.procedure.containment = []
        found = [(f.severity, f.where) for f in lint(plan) if "containment" in f.where]
        assert found == [("warning", "procedure.containment")]

    def test_hints_in_each_format_fail_nothing(self, tmp_path: Path) -> None:
        """GitHub: a notice, not a warning; JSON: severity "hint"; exit code 0."""
        path = tmp_path / "plan.toml"
        path.write_bytes(OLD_PLAN.read_bytes())
        github = run("check", path, "--format", "github", "--as-of", "2026-11-21")
        assert github.exit_code == 0
        assert [line.split(" ", 1)[0] for line in github.stdout.splitlines()] == ["::notice"] * 2
        rows = run("check", path, "--format", "json", "--as-of", "2026-11-21")
        assert rows.exit_code == 0 and '"severity": "hint"' in rows.stdout
        assert '"severity": "warning"' not in rows.stdout
