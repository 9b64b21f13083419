"""Components: the affected components, each with its own rollback steps."""

from __future__ import annotations

import re

from pydantic import BaseModel
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from rollback_tui.plan.defaults import new_component
from rollback_tui.plan.model import ChecklistItem, Component
from rollback_tui.plan.text import plural, slug
from rollback_tui.ui.keys.registry import bindings
from rollback_tui.ui.messages import PlanEdited
from rollback_tui.ui.wizard.fields import FieldInput, LabelledField
from rollback_tui.ui.wizard.row_lists import RowList, item_list, removed_message
from rollback_tui.ui.wizard.steps.base import StepPane
from rollback_tui.ui.wizard.steps.lists import KEYS_HINT


class ComponentPicker(OptionList):
    """The components by name: enter edits one (with none yet, adds the first)."""

    DEFAULT_CSS = """
    ComponentPicker { height: auto; max-height: 8; margin-bottom: 1; }
    """

    class AddFirst(Message):
        """Enter on the empty list: the one thing to do is to add a component."""

    def action_select(self) -> None:
        if self.option_count == 0:
            self.post_message(self.AddFirst())
        else:
            super().action_select()


def _label(component: Component, index: int) -> Content:
    name = component.name.strip() or f"(component {index + 1})"
    steps = plural(len(component.steps), "step")
    return Content.assemble(f"{index + 1:>3}. ", name, (f"  {steps}", "dim"))


class ComponentsStep(StepPane):
    """Pick a component from the list; its name and steps are edited below it."""

    # In the picker these act on components; in a component's steps, on its steps.
    BINDINGS = bindings("components")

    DEFAULT_CSS = """
    ComponentsStep #component-editor { height: auto; margin-top: 1; }
    """

    key = "components"
    title = "Component Rollback Steps"
    short = "Components"
    intro = "Enter picks a component to edit; $COMPONENT in a command is its name.\n" + KEYS_HINT

    # The plan is typed by StepPane.__init__, which this only extends.
    def __init__(self, plan, *, built: bool = False) -> None:  # type: ignore[no-untyped-def]
        super().__init__(plan, built=built)
        self.selected = 0

    def build(self) -> ComposeResult:
        yield self.heading()
        yield self.findings_line()
        yield ComponentPicker(*self._options(), id="component-picker", compact=True)
        yield Button(Content("+ Add component"), compact=True, id="add-component")
        yield Vertical(id="component-editor")

    def _options(self) -> list[Option]:
        return [Option(_label(c, i), id=f"c{i}") for i, c in enumerate(self.plan.components)]

    async def after_build(self) -> None:
        await self._show_editor()

    async def _show_editor(self, focus_name: bool = False) -> None:
        # No frame is drawn between the old component's editor going and the new one's
        # coming (a quarter of a second for a long one): the editor never shows blank.
        with self.app.batch_update():
            await self._fill_editor(focus_name)

    async def _fill_editor(self, focus_name: bool) -> None:
        editor = self.query_one("#component-editor", Vertical)
        components = self.plan.components
        if not components:
            await editor.remove_children()
            await editor.mount(
                Static(Content("No components yet: add the first one."), classes="empty")
            )
            return
        self.selected = max(0, min(self.selected, len(components) - 1))
        component = components[self.selected]
        picker = self.query_one(ComponentPicker)
        picker.highlighted = self.selected
        prefix = slug(component.name, "component")
        path = f"components[{self.selected}].name"

        def new_step() -> ChecklistItem:
            return self.plan.new_item(prefix)

        holders = editor.query_children(LabelledField)
        if holders:
            # The editor shows another component: its fields and rows are bound to this
            # one (making them again took a quarter of a second on a long plan).
            holder = holders.first(LabelledField)
            name = holder.query_one("#component-name", FieldInput)
            name.bind_to(component, "name")
            holder.path = path
            holder.show_error("")
            steps = editor.query_one("#component-steps", RowList)
            await steps.show(component.steps, new_step)
            self.show_findings(self._findings)
        else:
            await editor.remove_children()
            name = FieldInput(component, "name", placeholder="component name", id="component-name")
            await editor.mount_all(
                [
                    LabelledField("Name", name, path=path),
                    item_list(component.steps, new_step, id="component-steps"),
                ]
            )
        if focus_name:
            if name.has_focus:  # still in it: its text selected, as the focus arriving does
                name.select_all()
            name.focus()

    async def focus_field(self, where: str) -> bool:
        # The editor shows one component: the one the path names is picked first.
        match = re.match(r"components\[(\d+)\]", where)
        if match and int(match.group(1)) < len(self.plan.components):
            if int(match.group(1)) != self.selected:
                self.selected = int(match.group(1))
                await self._show_editor()
        elif where == "components":
            self.query_one("#add-component", Button).focus()
            return True
        return await super().focus_field(where)

    def _refresh_picker(self) -> None:
        picker = self.query_one(ComponentPicker)
        picker.set_options(self._options())
        if self.plan.components:
            picker.highlighted = self.selected

    @on(OptionList.OptionSelected, "#component-picker")
    async def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.selected = event.option_index
        await self._show_editor(focus_name=True)

    def field_edited(self, target: BaseModel, attr: str) -> None:
        components = self.plan.components
        shown = components[self.selected] if self.selected < len(components) else None
        if isinstance(target, Component) and target is not shown:
            self._refresh_picker()  # renamed as the editor went to another: not its line
        else:
            self._refresh_picker_line()

    @on(PlanEdited)
    def _edited(self, event: PlanEdited) -> None:
        self._refresh_picker_line()

    def _refresh_picker_line(self) -> None:
        # A rename or a step count changes the picker's line for this component.
        if self.plan.components:
            picker = self.query_one(ComponentPicker)
            index = self.selected
            if index < picker.option_count:
                picker.replace_option_prompt_at_index(
                    index, _label(self.plan.components[index], index)
                )

    @on(Button.Pressed, "#add-component")
    @on(ComponentPicker.AddFirst)
    async def _add_pressed(self, event: Button.Pressed | ComponentPicker.AddFirst) -> None:
        event.stop()
        await self.add_component(len(self.plan.components))

    def focus_first(self) -> None:
        # With no component yet, the cursor goes where Enter adds the first.
        if not self.plan.components:
            self.query_one("#add-component", Button).focus()
        else:
            super().focus_first()

    async def add_component(self, index: int) -> None:
        """Add a component with the template's steps, and put the cursor on its name."""
        name = f"component-{len(self.plan.components) + 1}"
        self.plan.components.insert(index, new_component(self.plan, name))
        self.selected = index
        self._refresh_picker()
        await self._show_editor(focus_name=True)
        self.post_message(PlanEdited(structural=True))

    async def action_add_component(self) -> None:
        picker = self.query_one(ComponentPicker)
        index = picker.highlighted
        await self.add_component(len(self.plan.components) if index is None else index + 1)

    async def action_remove_component(self) -> None:
        picker = self.query_one(ComponentPicker)
        index = picker.highlighted
        if index is None or not self.plan.components:
            self.app.bell()
            return
        removed = self.plan.components.pop(index)
        self.selected = min(index, len(self.plan.components) - 1)
        self._refresh_picker()
        await self._show_editor()
        picker.focus()
        self.notify(removed_message("component", index, removed), markup=False)
        self.post_message(PlanEdited(structural=True))

    async def action_move_component(self, delta: int) -> None:
        picker = self.query_one(ComponentPicker)
        index = picker.highlighted
        components = self.plan.components
        if index is None or not 0 <= index + delta < len(components):
            self.app.bell()
            return
        components[index], components[index + delta] = components[index + delta], components[index]
        self.selected = index + delta
        self._refresh_picker()
        await self._show_editor()
        self.post_message(PlanEdited(structural=True))
