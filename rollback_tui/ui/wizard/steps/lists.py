"""Triggers and Emergency Contacts: editable tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

from rollback_tui.plan.model import Trigger
from rollback_tui.ui.wizard.row_lists import QueryInput, TriggerRow, contact_list, trigger_list
from rollback_tui.ui.wizard.steps.base import StepPane

if TYPE_CHECKING:  # loaded by the first f5 only: the wizard's first frame does without it
    from rollback_tui.metrics.triggers import Result

KEYS_HINT = "ctrl+o add · ctrl+r remove · alt+↑/↓ move"


class TriggersStep(StepPane):
    """The conditions that start a rollback."""

    DEFAULT_CSS = """
    TriggersStep .table-head { height: 1; color: $text-muted; text-style: bold; }
    TriggersStep .table-head Label { width: 1fr; margin-right: 1; }
    """

    key = "triggers"
    title = "Rollback Triggers"
    short = "Triggers"
    intro = f"Initiate rollback immediately if ANY of these conditions are met.\n{KEYS_HINT}"

    def build(self) -> ComposeResult:
        yield self.heading()
        yield self.findings_line()
        with Horizontal(classes="table-head"):
            yield Label("Trigger")
            yield Label("Threshold")
            yield Label("Monitoring source")
        yield trigger_list(self.plan.triggers, id="trigger-list")

    @on(QueryInput.Evaluate)
    def _evaluate(self, event: QueryInput.Evaluate) -> None:
        event.stop()
        event.row.show_result("evaluating…")
        self._measure(event.trigger.model_copy(), event.row)

    @work(thread=True, group="query")
    def _measure(self, trigger: Trigger, row: TriggerRow) -> None:
        """Ask Prometheus on a thread of its own: a slow one never holds up a key."""
        from rollback_tui.metrics.triggers import measure, source

        try:
            where = source(self.plan)
        except ValueError as exc:
            self.app.call_from_thread(row.show_result, str(exc))
            return
        if where is None and trigger.query.strip():
            said = "no Prometheus: set [metrics] prometheus_url or ROLLBACK_TUI_PROMETHEUS_URL"
            self.app.call_from_thread(row.show_result, said)
            return
        self.app.call_from_thread(row.show_result, *result_text(measure(trigger, where)))


def result_text(result: Result) -> tuple[str, bool]:
    """What evaluating a query said, and whether it fires."""
    from rollback_tui.plan.trigger_states import value_text

    when = f" (measured {result.at:%H:%M:%S} UTC)" if result.at else ""
    if result.state == "firing":
        return f"firing: {value_text(result.value)}{when}", True
    if result.state == "quiet":
        return f"quiet: no sample{when}", False
    return f"{result.state}: {result.reason}", False


class ContactsStep(StepPane):
    """Who to reach, and how."""

    DEFAULT_CSS = """
    ContactsStep .table-head { height: 1; color: $text-muted; text-style: bold; }
    ContactsStep .table-head Label { width: 1fr; margin-right: 1; }
    """

    key = "contacts"
    title = "Emergency Contacts"
    short = "Contacts"
    intro = f"Role, name and how to reach them at 3 a.m.\n{KEYS_HINT}"

    def build(self) -> ComposeResult:
        yield self.heading()
        yield self.findings_line()
        with Horizontal(classes="table-head"):
            yield Label("Role")
            yield Label("Name")
            yield Label("Contact")
        yield contact_list(self.plan.contacts, id="contact-list")
