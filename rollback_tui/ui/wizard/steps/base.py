"""What every step shares: binding its fields to the plan, and showing its findings."""

from __future__ import annotations

import asyncio
import re
from typing import Any, ClassVar

from pydantic import BaseModel, ValidationError
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Button, Input, Static, TextArea

from rollback_tui.plan.findings import Finding, place
from rollback_tui.plan.model import Plan
from rollback_tui.plan.text import visible
from rollback_tui.ui.keys.registry import bindings
from rollback_tui.ui.messages import PlanEdited
from rollback_tui.ui.wizard.fields import (
    FieldInput,
    FieldText,
    LabelledField,
    cleaned,
    focus_unselected,
)
from rollback_tui.ui.wizard.row_lists import RowList

FINDINGS_SHOWN = 3
"""A step lists at most this many of its findings above its fields."""

_PATH_PART = re.compile(r"([A-Za-z_]\w*)|\[(\d+)\]")


def path_targets(root: object, where: str) -> list[tuple[object, str | None]]:
    """What a finding's path (``contacts[2].contact``) names in the plan, deepest first:
    (object, attribute) for a field, (list or model, None) for the rows that hold it."""
    node: Any = root
    found: list[tuple[object, str | None]] = []
    for match in _PATH_PART.finditer(where):
        name, index = match.groups()
        if name is not None:
            if not hasattr(node, name):
                break
            found.append((node, name))
            node = getattr(node, name)
        else:
            if not isinstance(node, list) or int(index) >= len(node):
                break
            node = node[int(index)]
        if isinstance(node, (list, BaseModel)):
            found.append((node, None))
    return found[::-1]


class StepHeading(Static):
    """The step's title and what it is for."""

    DEFAULT_CSS = """
    StepHeading { margin-bottom: 1; color: $text-muted; }
    """


class StepPane(VerticalScroll):
    """One step of the wizard: a scrolling form over part of the plan."""

    # The scrollbar's place is kept: a form that grows taller than the screen (its findings
    # shown, a row added, the step first drawn) would otherwise get a scrollbar that narrows
    # it, and the whole step would be laid out and drawn a second time.
    DEFAULT_CSS = """
    StepPane { padding: 0 1; scrollbar-gutter: stable; }
    StepPane .step-findings { color: $text-warning; margin-bottom: 1; display: none; }
    StepPane .step-findings.-shown { display: block; }
    """

    BINDINGS = bindings("step")

    key: ClassVar[str]
    title: ClassVar[str]
    short: ClassVar[str]
    """The step's name in the step list."""
    intro: ClassVar[str] = ""

    def __init__(self, plan: Plan, *, built: bool = False) -> None:
        super().__init__(id=self.key, can_focus=False)
        self.plan = plan
        self.built = built
        """Steps are built when first shown, so that the wizard starts fast; the step it
        opens on is built with the screen, so that its first frame shows it."""
        self._set_up = False
        self._building: asyncio.Event | None = None
        """Set once the build under way is done."""
        self._findings: list[Finding] = []
        self._findings_text = ""
        """What the step's findings line shows."""

    def compose(self) -> ComposeResult:
        if self.built:
            yield from self.build()

    def build(self) -> ComposeResult:
        """The step's widgets."""
        raise NotImplementedError

    @property
    def ready(self) -> bool:
        """The step's widgets are built and set up (or being so)."""
        return self._set_up

    async def ensure_built(self) -> None:
        """Build the step's widgets and set them up, if that has not been done yet; a
        build under way (the wizard builds steps ahead) is waited for."""
        if self._set_up:
            if self._building is not None:
                await self._building.wait()
            return
        self._set_up = True
        self._building = asyncio.Event()
        try:
            if not self.built:
                self.built = True
                await self.recompose()
            await self.after_build()
            self.show_findings(self._findings)
        finally:
            self._building.set()
            self._building = None

    async def rebuild(self) -> None:
        """Build the step again from the plan (when it is next shown, if it is not now)."""
        if not self.built:
            return
        self._set_up = False
        self.built = False
        with self.app.batch_update():  # shown, the old fields stay until the new are in
            await self.remove_children()
            if (
                self.display
                and self.parent is not None
                and getattr(self.parent, "current", None) == self.id
            ):
                await self.ensure_built()

    async def after_build(self) -> None:
        """Set-up that needs the step's widgets mounted."""

    def heading(self) -> StepHeading:
        text = (
            Content.assemble((self.title, "bold"), "\n", self.intro)
            if self.intro
            else Content.assemble((self.title, "bold"))
        )
        return StepHeading(text)

    def findings_line(self) -> Static:
        self._findings_text = ""  # what a new line shows
        return Static("", classes="step-findings", markup=False)

    # -- edits -------------------------------------------------------------------------

    def _apply(
        self,
        widget: FieldInput | FieldText,
        text: str,
        bound: tuple[BaseModel, str] | None = None,
    ) -> str | None:
        """Set the attribute the widget edited (*bound*, when the text was typed; else the
        one it edits) from *text*; returns an error message, if any."""
        target, attr = bound or (widget.target, widget.attr)
        value: object = text
        if isinstance(widget, FieldInput) and widget.parse is not None:
            if not text.strip():
                value = None
            else:
                try:
                    value = widget.parse(text.strip())
                except ValueError as exc:
                    return str(exc)
        elif getattr(target, attr) is None and text == "":
            value = None
        if getattr(target, attr) == value:
            return ""
        try:
            setattr(target, attr, value)
        except ValidationError as exc:
            return exc.errors()[0]["msg"]
        self.field_edited(target, attr)
        # Straight to the screen: bubbling through each container would add a queue hop
        # per level to every keystroke's way to the preview.
        self.screen.post_message(PlanEdited(target=target))
        return ""

    def field_edited(self, target: BaseModel, attr: str) -> None:
        """A field of this step changed ``target.attr`` in the plan (steps may follow it):
        what the field edits, or what it edited before it was bound to another object."""

    def _report(self, widget: FieldInput | FieldText, error: str | None) -> None:
        holder = next((a for a in widget.ancestors if isinstance(a, LabelledField)), None)
        if holder is not None and error is not None:
            holder.show_error(error)
        elif error:
            self.notify(error, severity="warning", markup=False)

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        widget = event.input
        if not isinstance(widget, FieldInput):
            return
        event.stop()
        text = cleaned(event.value)
        bound = event.bound if isinstance(event, FieldInput.Changed) else None
        if bound is not None and bound != widget.binding:
            # Typed just before the field was bound to another object (the next component
            # shown in the same fields): the text was that object's.
            error = self._apply(widget, text, bound)
            if error:
                self.notify(error, severity="warning", markup=False)
            return
        if text != event.value:
            widget.value = text  # a paste carried control characters
            return
        self._report(widget, self._apply(widget, text))

    @on(TextArea.Changed)
    def _text_changed(self, event: TextArea.Changed) -> None:
        widget = event.text_area
        if not isinstance(widget, FieldText):
            return
        event.stop()
        text = cleaned(widget.text)
        if text != widget.text:
            widget.load_text(text)
            return
        self._report(widget, self._apply(widget, text))

    # -- findings ----------------------------------------------------------------------

    def show_findings(self, findings: list[Finding]) -> None:
        """Show this step's findings: beside their field where it has one, else on top."""
        self._findings = findings
        by_path: dict[str, list[str]] = {}
        for finding in findings:
            by_path.setdefault(finding.where, []).append(visible(finding.message))
        placed: set[str] = set()
        for holder in self.query(LabelledField):
            if holder.path:
                messages = by_path.get(holder.path, [])
                holder.show_findings("; ".join(messages))
                if messages:
                    placed.add(holder.path)
        # The rest (findings about rows, or the step as a whole) in a few lines, each naming
        # its place; the Review step lists them all.
        rest = [
            f"{place(f.where, self.plan)}: {visible(f.message)}"
            for f in findings
            if f.where not in placed
        ]
        shown = [f"• {r}" for r in rest[:FINDINGS_SHOWN]]
        if len(rest) > FINDINGS_SHOWN:
            shown.append(f"… {len(rest) - FINDINGS_SHOWN} more — see Review")
        text = "\n".join(shown)
        if text == self._findings_text:
            return  # unchanged: redrawing it would cost a layout after every pause in typing
        self._findings_text = text
        for line in self.query(".step-findings").results(Static):
            line.update(Content(text))
            line.set_class(bool(rest), "-shown")

    def action_next_field(self) -> None:
        self.screen.focus_next()

    def action_previous_field(self) -> None:
        self.screen.focus_previous()

    def focus_first(self) -> None:
        """Put the cursor in the step's first field, its text unselected (a stray key after
        F7 or F8 must not replace it). A field not shown is passed over (Review's list of
        findings, when there is none: the cursor was nowhere to be seen, and Tab went to the
        list of steps)."""
        shown = set(self.screen.focus_chain)  # (the widgets that can take the focus now)
        for widget in self.query("*"):
            if widget in shown:
                focus_unselected(widget)
                return

    async def focus_field(self, where: str) -> bool:
        """Put the cursor in the field that *where* names, if the step shows it: the exact
        field, row included, else the nearest thing that holds it (its row, its list)."""
        for holder in self.query(LabelledField):
            if holder.path == where:
                focus_unselected(holder.field)
                return True
        fields = list(self.query(FieldInput)) + list(self.query(FieldText))
        for target, attr in path_targets(self.plan, where):
            for field in fields:
                if field.target is target and attr in (None, field.attr):
                    field.focus_unselected()
                    return True
            for rows in self.query(RowList):
                if rows.items is target:
                    first = rows.query(FieldInput)
                    (first.first() if first else rows.query_one(".row-add", Button)).focus()
                    return True
        return False
