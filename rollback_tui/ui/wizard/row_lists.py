"""Editable lists: triggers, contacts and checklist items, one row each.

A row list adds, removes and reorders the items of the plan list it edits, then tells
the step (``PlanEdited``). It mounts, removes or moves the one row that changed and
renumbers the rows after it: the other rows stay as they are (rebuilding them all blanked
a long list for a moment, and cost a layout of every row).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Static

from rollback_tui.plan.model import MAX_TIMEOUT, ChecklistItem, Contact, Trigger
from rollback_tui.plan.text import visible
from rollback_tui.ui.keys.registry import bindings
from rollback_tui.ui.messages import PlanEdited
from rollback_tui.ui.wizard.fields import FieldInput


def removed_message(noun: str, index: int, item: Any) -> str:
    """ "Removed contact 3: Product Manager." — one wording for every list: the noun, the
    number the item had, and what it said (its name, role, trigger or text), if anything."""
    label = ""
    for attr in ("name", "role", "trigger", "text"):
        value = getattr(item, attr, "")
        if isinstance(value, str) and value.strip():
            label = " ".join(Content(value).plain.split())
            break
    if len(label) > 40:
        label = label[:39] + "…"
    return f"Removed {noun} {index + 1}: {label}." if label else f"Removed {noun} {index + 1}."


class ListRow(Vertical):
    """One item of a row list.

    Its cells are narrow at 80 columns: while the cursor is in the row, the whole value of
    each cell that is cut shows under the row (cut cells elsewhere end in "…")."""

    DEFAULT_CSS = """
    ListRow { height: auto; }
    ListRow:focus-within { background: $boost; }
    ListRow > Horizontal { height: auto; }
    ListRow > .row-whole { height: auto; color: $text-muted; padding-left: 4; }
    """

    WHOLE: ClassVar[dict[str, str]] = {}
    """How each cell's whole value is introduced under the row, by attribute."""

    def __init__(self, item: Any, index: int) -> None:
        super().__init__(classes="list-row")
        self.item = item
        self.index = index
        self.whole_shown = ""
        """The whole values shown under the row ("" while nothing shows)."""

    def set_index(self, index: int) -> None:
        """The row is now the list's *index*-th (rows show their number where they have
        one)."""
        self.index = index

    def bind_to(self, item: Any, index: int) -> None:
        """Edit *item*, the list's *index*-th, from now on: each cell shows its value, as
        a row made for it would (RowList.show)."""
        self.item = item
        self.set_index(index)
        for cell in self.query(FieldInput):
            cell.bind_to(item, cell.attr)
        self.show_whole()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.show_whole()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        self.show_whole()

    @on(Input.Changed)
    def _cell_changed(self, event: Input.Changed) -> None:
        if self.has_focus_within:
            self.show_whole()

    def on_resize(self, event: events.Resize) -> None:
        if self.has_focus_within:
            self.show_whole()

    def show_whole(self) -> None:
        """Show the whole values of the cut cells under the row while it has the cursor
        (the line is made when first needed: most rows never need one)."""
        lines = []
        if self.has_focus_within:
            for cell in self.query(FieldInput):
                if cell.attr in self.WHOLE and cell.is_cut:
                    lines.append(f"{self.WHOLE[cell.attr]}{visible(cell.value)}")
        text = "\n".join(lines)
        if text == self.whole_shown:
            return  # the same line again: no redraw (it would lay out the row again)
        self.whole_shown = text
        found = self.query_children(".row-whole")
        if found:
            line = found.first(Static)
            line.update(Content(text))
            line.display = bool(text)
        elif text:
            self.mount(Static(Content(text), classes="row-whole"))


class TriggerRow(ListRow):
    """Trigger | threshold | monitoring source, then its query on a line of its own (wide:
    an alert expression is long), and what evaluating it said (f5 in the query)."""

    DEFAULT_CSS = """
    TriggerRow .query-prompt { width: 8; color: $text-muted; }
    TriggerRow .trigger-query { width: 1fr; margin-right: 1; }
    TriggerRow .query-result { height: auto; color: $text-muted; padding-left: 8; }
    TriggerRow .query-result.-firing { color: $text-error; text-style: bold; }
    """

    WHOLE: ClassVar[dict[str, str]] = {
        "trigger": "Trigger: ",
        "threshold": "Threshold: ",
        "source": "Source: ",
        "query": "Query: ",
    }

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield FieldInput(self.item, "trigger", placeholder="Trigger", classes="cell")
            yield FieldInput(self.item, "threshold", placeholder="Threshold", classes="cell")
            yield FieldInput(self.item, "source", placeholder="Monitoring source", classes="cell")
        with Horizontal():
            yield Label("  query", classes="query-prompt")
            yield QueryInput(
                self.item,
                "query",
                placeholder="PromQL alert expression, optional · f5 evaluates",
                classes="trigger-query",
            )

    def bind_to(self, item: Any, index: int) -> None:
        super().bind_to(item, index)
        for line in self.query_children(".query-result"):
            line.remove()  # what the query of the trigger shown before said

    def show_result(self, text: str, firing: bool = False) -> None:
        """What evaluating the query said, under the row (cleaned, never markup)."""
        found = self.query_children(".query-result")
        line = found.first(Static) if found else None
        if line is None:
            line = Static("", classes="query-result", markup=False)
            self.mount(line)
        line.update(Content(visible(text, lines=False)))
        line.set_class(firing, "-firing")


class QueryInput(FieldInput):
    """A trigger's query; f5 asks for it to be evaluated now (`Evaluate`, to the step)."""

    BINDINGS = [*FieldInput.BINDINGS, *bindings("query")]

    @dataclass
    class Evaluate(Message):
        """Evaluate *trigger*'s query now and show the result in *row*."""

        trigger: Trigger
        row: TriggerRow

    def action_evaluate(self) -> None:
        row = next((a for a in self.ancestors if isinstance(a, TriggerRow)), None)
        if row is not None and isinstance(self.target, Trigger):
            self.post_message(self.Evaluate(self.target, row))


class ContactRow(ListRow):
    """Role | name | how to reach them."""

    WHOLE: ClassVar[dict[str, str]] = {"role": "Role: ", "name": "Name: ", "contact": "Contact: "}

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield FieldInput(self.item, "role", placeholder="Role", classes="cell")
            yield FieldInput(self.item, "name", placeholder="Name", classes="cell")
            yield FieldInput(
                self.item, "contact", placeholder="Slack, phone, pager", classes="cell"
            )


class IrreversibleBox(Checkbox):
    """A step's irreversible mark, "[x] irreversible" or "[ ] irreversible": it reads the
    same without colour (NO_COLOR, a monochrome terminal), where Checkbox's box differs
    only by colour."""

    DEFAULT_CSS = """
    IrreversibleBox > .toggle--button { color: $text-muted; background: transparent; }
    IrreversibleBox.-on > .toggle--button {
        color: $text-warning; background: transparent; text-style: bold;
    }
    """

    item: ChecklistItem | None = None
    """The step whose mark this is (set by its row)."""

    class Changed(Checkbox.Changed, namespace="checkbox"):
        """Checkbox.Changed, naming the step whose mark it was when it changed: a row bound
        to another step since (RowList.show) must not set it there."""

        def __init__(self, toggle_button: Checkbox, value: bool) -> None:
            super().__init__(toggle_button, value)
            self.item = getattr(toggle_button, "item", None)

    def render(self) -> Content:
        mark = "[x]" if self.value else "[ ]"
        label = self.label.pad(1, 1).stylize_before(self.get_visual_style("toggle--label"))
        return Content.assemble((mark, self.get_visual_style("toggle--button")), label)


def parse_seconds(text: str) -> int | None:
    """A command's timeout: whole seconds from 1 to a day (empty: the plan's default)."""
    text = text.strip().removesuffix("s").strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_TIMEOUT:
        raise ValueError(f"timeout: whole seconds from 1 to {MAX_TIMEOUT}")
    return int(text)


class ItemRow(ListRow):
    """A checklist item: its text, then its command, owner and whether it can be undone."""

    DEFAULT_CSS = """
    ItemRow { margin-bottom: 1; }
    ItemRow .item-number { width: 4; color: $text-muted; }
    ItemRow .item-prompt { width: 4; color: $text-muted; }
    ItemRow .item-owner-label { width: 7; color: $text-muted; padding-left: 1; }
    ItemRow .item-text, ItemRow .item-command { width: 1fr; }
    ItemRow .item-owner { width: 12; }
    ItemRow .item-irreversible { margin-left: 1; }
    ItemRow .item-run { display: none; }
    ItemRow.-run-details .item-run, ItemRow:focus-within .item-run { display: block; }
    ItemRow .item-dry-run { width: 1fr; }
    ItemRow .item-timeout-label { width: 9; color: $text-muted; padding-left: 1; }
    ItemRow .item-timeout { width: 12; }
    """

    WHOLE: ClassVar[dict[str, str]] = {
        "text": "",
        "command": "$ ",
        "owner": "owner: ",
        "dry_run": "dry run: ",
    }

    def on_mount(self) -> None:
        self._show_run_details()

    def _show_run_details(self) -> None:
        """The dry run and timeout line: shown while the row has the focus, or when set."""
        item = self.item
        self.set_class(bool(item.dry_run) or item.timeout is not None, "-run-details")

    def set_index(self, index: int) -> None:
        super().set_index(index)
        for number in self.query(".item-number").results(Label):
            number.update(f"{index + 1}.")

    def bind_to(self, item: Any, index: int) -> None:
        super().bind_to(item, index)
        for box in self.query(IrreversibleBox):
            box.item = item
            box.value = item.irreversible
        self._show_run_details()

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(f"{self.index + 1}.", classes="item-number")
            yield FieldInput(self.item, "text", placeholder="What to do", classes="item-text")
        with Horizontal():
            yield Label("  $", classes="item-prompt")
            yield FieldInput(
                self.item, "command", placeholder="command (optional)", classes="item-command"
            )
            yield Label("owner", classes="item-owner-label")
            yield FieldInput(self.item, "owner", placeholder="—", classes="item-owner")
            # Last in the tab order: text, command, owner, then this.
            box = IrreversibleBox(
                "irreversible",
                self.item.irreversible,
                compact=True,
                classes="item-irreversible",
                tooltip="Cannot be undone: checklist mode asks for a confirmation",
            )
            box.item = self.item
            yield box
        with Horizontal(classes="item-run"):
            yield Label("dry", classes="item-prompt")
            yield FieldInput(
                self.item,
                "dry_run",
                placeholder="dry run command (optional): shows what it would do",
                classes="item-dry-run",
            )
            yield Label("timeout", classes="item-timeout-label")
            yield FieldInput(
                self.item,
                "timeout",
                parse=parse_seconds,
                placeholder="900 s",
                classes="item-timeout",
            )

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        super().on_descendant_blur(event)
        self._show_run_details()

    @on(Checkbox.Changed, ".item-irreversible")
    def _irreversible_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        # The step it was ticked for, though the row shows another since.
        item = event.item if isinstance(event, IrreversibleBox.Changed) else None
        item = item or self.item
        if item.irreversible != event.value:
            item.irreversible = event.value
            self.screen.post_message(PlanEdited(target=item))


class RowList(Vertical):
    """An editable list: ctrl+o adds below, ctrl+r removes, alt+up/down reorders, and
    up/down go to the row above or below, in the same column."""

    DEFAULT_CSS = """
    RowList { height: auto; margin-bottom: 1; }
    RowList > .row-add { margin-top: 0; }
    RowList .cell { width: 1fr; margin-right: 1; }
    """

    BINDINGS = bindings("rows")

    def __init__(
        self,
        items: list[Any],
        row: Callable[[Any, int], ListRow],
        new_item: Callable[[], Any],
        *,
        noun: str,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.items = items
        self.row = row
        self.new_item = new_item
        self.noun = noun

    def compose(self) -> ComposeResult:
        for index, item in enumerate(self.items):
            yield self.row(item, index)
        yield Button(Content(f"+ Add {self.noun}"), compact=True, classes="row-add")

    def focused_index(self) -> int | None:
        """The index of the row holding the focus, if any."""
        node: Widget | None = self.screen.focused
        while node is not None and node is not self:
            if isinstance(node, ListRow) and node.parent is self:
                return node.index
            # Textual types a parent as any DOM node; under a screen, it is a widget.
            node = node.parent  # type: ignore[assignment]
        return None

    def action_go(self, delta: int) -> None:
        """Put the cursor in the same column of the row *delta* away; past the last row
        on the Add button, before the first on the field above the list."""
        rows = list(self.query_children(ListRow))
        focused = self.screen.focused
        index = self.focused_index()
        column = 0
        if index is None:  # on the Add button
            index = len(rows)
        else:
            fields = list(rows[index].query(FieldInput))
            column = fields.index(focused) if focused in fields else 0
        target = index + delta
        if 0 <= target < len(rows):
            fields = list(rows[target].query(FieldInput))
            fields[min(column, len(fields) - 1)].focus()
        elif target >= len(rows):
            if index == len(rows):
                self.screen.focus_next()
            else:
                self.query_one(".row-add", Button).focus()
        else:
            chain = self.screen.focus_chain
            first = rows[0].query(FieldInput).first() if rows else None
            at = chain.index(first) if first in chain else -1
            if at > 0:
                chain[at - 1].focus()

    async def show(self, items: list[Any], new_item: Callable[[], Any]) -> None:
        """Edit *items* from now on (another component's steps): the rows there are show
        them, bound to them, and rows are added or removed for the difference. Quicker
        than making them all again (a long list blanked while that was done)."""
        self.items = items
        self.new_item = new_item
        rows = self._rows()
        for index, (row, item) in enumerate(zip(rows, items, strict=False)):
            row.bind_to(item, index)
        if len(rows) > len(items):
            await self.remove_children(rows[len(items) :])
        elif len(items) > len(rows):
            await self.mount_all(
                [self.row(items[i], i) for i in range(len(rows), len(items))],
                before=self.query_one(".row-add", Button),
            )

    async def rebuild(self, focus: int | None) -> None:
        """Re-create the rows from the list, and focus row *focus* (or the Add button)."""
        with self.app.batch_update():  # the old rows stay drawn until the new ones are in
            await self.remove_children()
            await self.mount_all(
                [self.row(item, i) for i, item in enumerate(self.items)]
                + [Button(Content(f"+ Add {self.noun}"), compact=True, classes="row-add")]
            )
        rows = list(self.query_children(ListRow))
        if focus is not None and rows:
            target = rows[max(0, min(focus, len(rows) - 1))]
            target.query(FieldInput).first().focus()
        else:
            self.query_one(".row-add", Button).focus()

    @on(Button.Pressed, ".row-add")
    async def _add_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        await self._insert(len(self.items))

    def _rows(self) -> list[ListRow]:
        return list(self.query_children(ListRow))

    def _renumber(self, rows: list[ListRow], start: int) -> None:
        for index in range(start, len(rows)):
            if rows[index].index != index:
                rows[index].set_index(index)

    async def _insert(self, index: int) -> None:
        item = self.new_item()
        self.items.insert(index, item)
        rows = self._rows()
        row = self.row(item, index)
        before: Widget = rows[index] if index < len(rows) else self.query_one(".row-add", Button)
        await self.mount(row, before=before)
        self._renumber(self._rows(), index + 1)
        # At once, not on the app's next turn: a key typed after ctrl+o goes to the new
        # row, not to the row the cursor was on.
        self.screen.set_focus(row.query(FieldInput).first())
        self.post_message(PlanEdited(structural=True))

    async def action_add(self) -> None:
        index = self.focused_index()
        await self._insert(len(self.items) if index is None else index + 1)

    async def action_remove(self) -> None:
        index = self.focused_index()
        if index is None:
            self.app.bell()
            return
        removed = self.items.pop(index)
        await self._rows()[index].remove()
        rows = self._rows()
        self._renumber(rows, index)
        self.screen.set_focus(
            rows[min(index, len(rows) - 1)].query(FieldInput).first()
            if rows
            else self.query_one(".row-add", Button)
        )
        self.notify(removed_message(self.noun, index, removed), markup=False)
        self.post_message(PlanEdited(structural=True))

    async def action_move(self, delta: int) -> None:
        index = self.focused_index()
        if index is None or not 0 <= index + delta < len(self.items):
            self.app.bell()
            return
        items = self.items
        items[index], items[index + delta] = items[index + delta], items[index]
        rows = self._rows()
        moved, other = rows[index], rows[index + delta]
        # The row keeps its widgets, and so the cursor stays in the same cell.
        if delta > 0:
            self.move_child(moved, after=other)
        else:
            self.move_child(moved, before=other)
        moved.set_index(index + delta)
        other.set_index(index)
        self.post_message(PlanEdited(structural=True))


def trigger_list(items: list[Trigger], *, id: str | None = None) -> RowList:
    return RowList(items, TriggerRow, Trigger, noun="trigger", id=id)


def contact_list(items: list[Contact], *, id: str | None = None) -> RowList:
    return RowList(items, ContactRow, Contact, noun="contact", id=id)


def item_list(
    items: list[ChecklistItem],
    new_item: Callable[[], ChecklistItem],
    *,
    noun: str = "step",
    id: str | None = None,
) -> RowList:
    return RowList(items, ItemRow, new_item, noun=noun, id=id)
