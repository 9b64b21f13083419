"""Procedure: Option A (feature flag), Option B (deployment), or both."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Select, Static

from rollback_tui.plan.model import ChecklistItem, ProcedureChoice
from rollback_tui.ui.messages import PlanEdited
from rollback_tui.ui.wizard.fields import FieldInput, LabelledField
from rollback_tui.ui.wizard.row_lists import item_list
from rollback_tui.ui.wizard.steps.base import StepPane
from rollback_tui.ui.wizard.steps.lists import KEYS_HINT


class ProcedureStep(StepPane):
    """The rollback options, each a checklist with exact commands."""

    DEFAULT_CSS = """
    ProcedureStep .option { height: auto; }
    ProcedureStep .option-title { text-style: bold; margin: 1 0; }
    ProcedureStep .option.-unused { display: none; }
    """

    key = "procedure"
    title = "Rollback Procedure"
    short = "Procedure"
    intro = "Commands may use $VERSION, $TARGET_VERSION, $FEATURE_FLAG, $INCIDENT.\n" + KEYS_HINT

    def build(self) -> ComposeResult:
        proc = self.plan.procedure
        yield self.heading()
        yield self.findings_line()
        choice = Select(
            [(c.label, c.value) for c in ProcedureChoice],
            value=proc.choice.value,
            allow_blank=False,
            compact=True,
            id="choice",
        )
        yield LabelledField("Options", choice, path="procedure.choice")
        for option, name, items in (
            ("a", "Feature Flag Rollback", proc.option_a),
            ("b", "Deployment Rollback", proc.option_b),
        ):
            with Vertical(id=f"option-{option}", classes="option"):
                yield Static(Content(f"Option {option.upper()}: {name}"), classes="option-title")
                yield LabelledField(
                    "Estimate",
                    FieldInput(proc, f"option_{option}_estimate", id=f"option-{option}-estimate"),
                    path=f"procedure.option_{option}_estimate",
                )
                yield item_list(items, self._new_item(option), id=f"option-{option}-steps")

    def _new_item(self, prefix: str) -> Callable[[], ChecklistItem]:
        """Makes a step for the option whose ids start with *prefix*, in the plan then shown."""
        return lambda: self.plan.new_item(prefix)

    async def after_build(self) -> None:
        self._show_options()

    def _show_options(self) -> None:
        proc = self.plan.procedure
        self.query_one("#option-a").set_class(not proc.uses_a, "-unused")
        self.query_one("#option-b").set_class(not proc.uses_b, "-unused")

    @on(Select.Changed, "#choice")
    def _choice(self, event: Select.Changed) -> None:
        choice = ProcedureChoice(str(event.value))
        if choice != self.plan.procedure.choice:
            self.plan.procedure.choice = choice
            self._show_options()
            self.post_message(PlanEdited(structural=True))
