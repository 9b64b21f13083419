"""Triggers and Emergency Contacts: editable tables."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

from rollback_tui.ui.wizard.row_lists import contact_list, trigger_list
from rollback_tui.ui.wizard.steps.base import StepPane

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
