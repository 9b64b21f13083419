"""Communications: who is told what, where, how often; the message templates."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from rollback_tui.plan.field_values import parse_minutes
from rollback_tui.plan.update_clock import update_interval
from rollback_tui.ui.wizard.fields import FieldInput, FieldText, LabelledField
from rollback_tui.ui.wizard.row_lists import item_list
from rollback_tui.ui.wizard.steps.base import StepPane
from rollback_tui.ui.wizard.steps.lists import KEYS_HINT


class CommunicationsStep(StepPane):
    """The communication plan and its templates."""

    DEFAULT_CSS = """
    CommunicationsStep .sub-title { text-style: bold; margin-bottom: 1; }
    CommunicationsStep .update-interval { margin-bottom: 1; }
    """

    key = "communications"
    title = "Communication Plan"
    short = "Communications"
    intro = "Templates may use $INCIDENT, $VERSION and $TARGET_VERSION."

    def build(self) -> ComposeResult:
        c = self.plan.communications
        yield self.heading()
        yield self.findings_line()
        for label, attr in [
            ("Stakeholders", "stakeholders"),
            ("Status update channels", "channels"),
            ("Update cadence", "cadence"),
        ]:
            yield LabelledField(
                label,
                FieldText(c, attr, id=f"comms-{attr}"),
                stacked=True,
                path=f"communications.{attr}",
            )
        read = update_interval(self.plan) if c.update_interval is None else None
        interval = LabelledField(
            "Update interval",
            FieldInput(
                c,
                "update_interval",
                parse=parse_minutes,
                id="comms-update-interval",
                placeholder=f"{read} (read from the cadence)" if read else "minutes, e.g. 30",
            ),
            path="communications.update_interval",
        )
        interval.add_class("update-interval")
        yield interval
        yield Static(
            Content.assemble(("Communication actions", "bold"), "  ", (KEYS_HINT, "dim")),
            classes="sub-title",
        )
        yield item_list(
            c.actions, lambda: self.plan.new_item("comm"), noun="action", id="comms-actions"
        )
        for label, attr in [
            ("Internal update", "internal_template"),
            ("Status page update", "status_page_template"),
            ("User-facing message", "user_template"),
            ("Post-rollback status update", "post_rollback_update"),
        ]:
            yield LabelledField(
                label,
                FieldText(c, attr, id=f"comms-{attr}"),
                stacked=True,
                path=f"communications.{attr}",
            )
