"""Follow-up: post-rollback actions and the post-incident follow-up."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from rollback_tui.plan.field_values import parse_date
from rollback_tui.plan.model import ActionGroup
from rollback_tui.ui.wizard.fields import FieldInput, FieldText, LabelledField
from rollback_tui.ui.wizard.row_lists import item_list
from rollback_tui.ui.wizard.steps.base import StepPane
from rollback_tui.ui.wizard.steps.lists import KEYS_HINT


class FollowUpStep(StepPane):
    """What happens once the service is back: the report, the fix, the lessons."""

    DEFAULT_CSS = """
    FollowUpStep .sub-title { text-style: bold; margin-bottom: 1; }
    """

    key = "followup"
    title = "Post-Rollback & Follow-Up"
    short = "Follow-up"
    intro = KEYS_HINT

    def build(self) -> ComposeResult:
        f = self.plan.followup
        yield self.heading()
        yield self.findings_line()
        for n, group in enumerate(self.plan.post_rollback):
            yield from self._group(n, group)
        yield Static(Content("Post-incident follow-up"), classes="sub-title")
        yield LabelledField(
            "RCA owner",
            FieldInput(f, "rca_owner", id="rca-owner", placeholder="who leads the RCA"),
            path="followup.rca_owner",
        )
        yield LabelledField(
            "RCA due",
            FieldInput(f, "rca_due", parse=parse_date, placeholder="YYYY-MM-DD", id="rca-due"),
            path="followup.rca_due",
        )
        for label, attr in [
            ("Prevention and permanent fixes", "prevention"),
            ("Monitoring, alerting, dashboards, runbooks", "monitoring"),
            ("Retrospective", "retrospective"),
        ]:
            yield LabelledField(
                label,
                FieldText(f, attr, id=f"followup-{attr}"),
                stacked=True,
                path=f"followup.{attr}",
            )
        yield Static(Content("Action items"), classes="sub-title")
        yield item_list(
            f.items, lambda: self.plan.new_item("fu"), noun="action", id="followup-items"
        )

    def _group(self, n: int, group: ActionGroup) -> ComposeResult:
        yield LabelledField(
            f"Post-rollback {n + 1}",
            FieldInput(group, "name", id=f"group-{n}-name"),
            path=f"post_rollback[{n}].name",
        )
        yield item_list(
            group.items, lambda: self.plan.new_item("post"), noun="action", id=f"group-{n}-items"
        )
