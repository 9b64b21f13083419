"""A new plan's defaults: what only the team can know is a placeholder that `check` lists,
and the communication templates follow the plan's update interval."""

from __future__ import annotations

from pathlib import Path

import pytest

from rollback_tui import store
from rollback_tui.importing.reader import parse_markdown
from rollback_tui.plan import new_plan
from rollback_tui.plan.lint import lint
from rollback_tui.render import render_markdown
from rollback_tui.render.plain_text import render_text

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plan.toml"
CLAIMS = [
    "assumptions.backups",
    "assumptions.migrations",
    "assumptions.sla",
    "assumptions.user_impact",
    "communications.channels",
]
"""The default texts that state a fact about the team's systems."""


def errors_at(plan: object, where: str) -> list[str]:
    return [f.message for f in lint(plan) if f.where == where and f.severity == "error"]  # type: ignore[arg-type]


class TestClaimsArePlaceholders:
    """Nobody checked a default: it says so until someone writes what is true."""

    @pytest.mark.parametrize("where", CLAIMS)
    def test_check_lists_each_claim_until_edited(self, where: str) -> None:
        """Each default that claims a fact is a [Confirm: …] placeholder; edited, it is not."""
        plan = new_plan(db_impact=True)
        (message,) = errors_at(plan, where)
        assert message.startswith("placeholder [Confirm: ") and "still to be filled in" in message
        section, name = where.split(".")
        setattr(getattr(plan, section), name, "Checked by Dana on 2026-11-18.")
        assert errors_at(plan, where) == []

    def test_the_snapshot_claim_reads_as_a_question(self) -> None:
        """The backup default asks to confirm what it used to assert."""
        backups = new_plan().assumptions.backups
        assert backups.startswith("[Confirm: ") and "restoring it has been tested" in backups
        assert "\\[Confirm: " in render_markdown(new_plan())

    def test_the_example_keeps_its_own_texts(self) -> None:
        """examples/plan.toml states its facts (edited): no placeholder there."""
        plan, unknown = store.read_plan(EXAMPLE)
        assert not [f for f in lint(plan, unknown) if "placeholder" in f.message]


class TestTemplatesFollowTheInterval:
    """$UPDATE_INTERVAL in the templates and the cadence: the interval, in minutes."""

    def test_rendered_with_the_plans_interval(self) -> None:
        """An interval of 15: the templates say 15 minutes, in the Markdown and plain text."""
        plan = new_plan(version="v2", target_version="v1", incident="INC-1")
        plan.communications.update_interval = 15
        for document in (render_markdown(plan), render_text(plan)):
            assert "next update in 15 minutes" in document.lower()
            assert "Every 15 minutes until resolved" in document
            assert "30 minutes" not in document.split("Communication Plan")[1].split("##")[0]
        plan.communications.update_interval = 1
        assert "next update in 1 minute." in render_markdown(plan).lower()

    def test_no_interval_is_a_finding_and_shows_unset(self) -> None:
        """With no interval the Markdown says so, and check names the templates using it."""
        plan = new_plan()
        plan.communications.update_interval = None
        assert "‹update interval unset›" in render_markdown(plan)
        (message,) = errors_at(plan, "communications.update_interval")
        assert "$UPDATE_INTERVAL" in message and "communications.internal_template" in message

    def test_import_writes_the_interval_back_as_its_variable(self) -> None:
        """Rendered then imported: the templates hold $UPDATE_INTERVAL again."""
        plan = new_plan(version="v2", target_version="v1", incident="INC-1")
        plan.communications.update_interval = 20
        imported, _ = parse_markdown(render_markdown(plan))
        comms, want = imported.communications, plan.communications
        assert comms.update_interval == 20
        assert (comms.cadence, comms.internal_template, comms.status_page_template) == (
            want.cadence,
            want.internal_template,
            want.status_page_template,
        )
        assert "$UPDATE_INTERVAL" in comms.status_page_template
