"""Procedure: immediate containment, Option A (feature flag), Option B (deployment), or
both, and the services restored after Option B."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Button, Select, Static

from rollback_tui.plan.defaults import default_part
from rollback_tui.plan.model import ChecklistItem, ProcedureChoice
from rollback_tui.ui.messages import PlanEdited
from rollback_tui.ui.wizard.fields import FieldInput, LabelledField
from rollback_tui.ui.wizard.row_lists import RowList, item_list, parse_seconds
from rollback_tui.ui.wizard.steps.base import StepPane
from rollback_tui.ui.wizard.steps.lists import KEYS_HINT

PARTS = {
    "containment": (
        "Immediate Containment: throttle, route traffic",
        "First, before either option; each step optional.",
        "contain",
    ),
    "restore": (
        "After Option B: config, restarts, caches (restore services)",
        "As required; services restart in the order of the steps.",
        "restore",
    ),
}
"""The procedure's parts around the options: title, what they are for, id prefix."""


class ProcedureStep(StepPane):
    """The rollback options, each a checklist with exact commands, with containment
    before them and the restore steps after Option B."""

    DEFAULT_CSS = """
    ProcedureStep .option { height: auto; }
    ProcedureStep .option-title { text-style: bold; margin: 1 0; }
    ProcedureStep .part-title { text-style: bold; margin: 1 0 0 0; }
    ProcedureStep .part-intro { color: $text-muted; margin-bottom: 1; }
    ProcedureStep .option.-unused { display: none; }
    ProcedureStep .part-defaults { margin-bottom: 1; }
    ProcedureStep .part-defaults.-hidden { display: none; }
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
        yield from self._part("containment", proc.containment)
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
        yield from self._part("restore", proc.restore)
        yield LabelledField(
            "Command timeout",
            FieldInput(
                self.plan,
                "command_timeout",
                parse=parse_seconds,
                id="command-timeout",
                placeholder="900 s: how long a step's command may run (x, exec)",
            ),
            path="command_timeout",
        )

    def _part(self, part: str, items: list[ChecklistItem]) -> ComposeResult:
        title, intro, prefix = PARTS[part]
        with Vertical(id=f"part-{part}", classes="option"):
            yield Static(Content(title), classes="part-title")
            yield Static(Content(intro), classes="part-intro")
            # A plan written before these parts has none: one press brings `new`'s.
            yield Button(
                Content(f"+ Add the {self.plan.deployment_type.label} defaults"),
                compact=True,
                id=f"{part}-defaults",
                classes="part-defaults" + ("" if not items else " -hidden"),
            )
            yield item_list(items, self._new_item(prefix), id=f"{part}-steps")

    def _new_item(self, prefix: str) -> Callable[[], ChecklistItem]:
        """Makes a step for the option whose ids start with *prefix*, in the plan then shown."""
        return lambda: self.plan.new_item(prefix)

    async def after_build(self) -> None:
        self._show_options()

    def _show_options(self) -> None:
        proc = self.plan.procedure
        self.query_one("#option-a").set_class(not proc.uses_a, "-unused")
        self.query_one("#option-b").set_class(not proc.uses_b, "-unused")
        self.query_one("#part-restore").set_class(not proc.uses_b, "-unused")

    @on(Select.Changed, "#choice")
    def _choice(self, event: Select.Changed) -> None:
        choice = ProcedureChoice(str(event.value))
        if choice != self.plan.procedure.choice:
            self.plan.procedure.choice = choice
            self._show_options()
            self.post_message(PlanEdited(structural=True))

    @on(Button.Pressed, ".part-defaults")
    async def _add_defaults(self, event: Button.Pressed) -> None:
        event.stop()
        part = (event.button.id or "").removesuffix("-defaults")
        items: list[ChecklistItem] = getattr(self.plan.procedure, part)
        items.extend(default_part(self.plan, part))
        await self.query_one(f"#{part}-steps", RowList).rebuild(0)
        self.post_message(PlanEdited(structural=True))

    @on(PlanEdited)
    def _parts_changed(self, event: PlanEdited) -> None:
        # Not stopped: the screen takes it too. The defaults are offered to an empty part.
        if event.structural and self.built:
            for part in PARTS:
                empty = not getattr(self.plan.procedure, part)
                for button in self.query(f"#{part}-defaults").results(Button):
                    button.set_class(not empty, "-hidden")
