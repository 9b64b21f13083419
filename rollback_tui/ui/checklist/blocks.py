"""The pieces the checklist is drawn from, each drawn as a whole: a group's heading, a
row (its line, its command box, its outcome line), the gap after a group, the key help.
The view (checklist_view.py) keeps them in order, measures them once per width and draws
the lines in sight."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from textual.content import Content
from textual.css.styles import RulesMap
from textual.geometry import Spacing
from textual.strip import Strip
from textual.style import Style
from textual.visual import Padding, Visual
from textual.widget import Widget

from rollback_tui.ui.checklist.checklist_rows import ChecklistGroup, ChecklistRow

COMMAND_INDENT = 4
"""Cells between an item's box and its command or its outcome line."""
SIDES = Spacing(0, 1, 0, 1)


@dataclass(frozen=True, eq=False)
class Block:
    """A piece of the checklist drawn as a whole: a heading, a row, a gap, the help."""

    kind: Literal["heading", "row", "gap", "help"]
    group: ChecklistGroup | None = None
    row: ChecklistRow | None = None

    def version(self) -> int:
        if self.row is not None:
            return self.row.version
        return self.group.version if self.group is not None else 0


def measure(block: Block, width: int, rules: RulesMap, help_text: Content) -> int:
    """The lines *block* takes at *width*: its text wrapped, not drawn (a plan opened
    is measured whole, but only the lines in sight are drawn)."""
    inner = width - SIDES.width
    if block.kind == "gap":
        return 1
    if block.kind == "help":
        return help_text.get_height(rules, inner)
    if block.kind == "heading":
        assert block.group is not None
        return block.group.heading(inner).get_height(rules, inner)
    row = block.row
    assert row is not None
    height = row.line.get_height(rules, inner)
    room = inner - COMMAND_INDENT
    box = command_box(row, room)
    if row.command_line is not None and box:
        height += row.command_line.get_height(rules, box - SIDES.width)
    if row.meta is not None and room > 0:
        height += row.meta.get_height(rules, room)
    return height


def render_block(
    widget: Widget, block: Block, width: int, help_text: Content, *, cursor: bool
) -> list[Strip]:
    """The lines of *block* drawn by *widget* at *width* (with the cursor on it or not)."""
    style = widget.get_visual_style
    if block.kind == "gap":
        return [Strip.blank(width, style().rich_style)]
    if block.kind == "help":
        return draw(widget, help_text, width, style("checklist--help"))
    if block.kind == "heading":
        assert block.group is not None
        heading = block.group.heading(width - SIDES.width)
        return draw(widget, heading, width, style("checklist--heading"))
    row = block.row
    assert row is not None
    on = ("checklist--cursor",) if cursor else ()
    base = style(*on)
    strips = draw(widget, row.line, width, base)
    indent = Strip.blank(SIDES.left + COMMAND_INDENT, base.rich_style)
    room = width - SIDES.width - COMMAND_INDENT
    below: list[Strip] = []
    box = command_box(row, room)
    if row.command_line is not None and box:
        below += draw(widget, row.command_line, box, style(*on, "checklist--command"))
    if row.meta is not None and room > 0:
        below += draw(widget, row.meta, room, style(*on, f"checklist--meta-{row.state}"), 0)
    return strips + [
        Strip.join([indent, strip]).extend_cell_length(width, base.rich_style) for strip in below
    ]


def draw(widget: Widget, content: Content, width: int, style: Style, sides: int = 1) -> list[Strip]:
    """*content* wrapped to *width* with *sides* cells either side, in *style*."""
    visual: Visual = Padding(content, Spacing(0, sides, 0, sides)) if sides else content
    strips = Visual.to_strips(widget, visual, width, None, style, apply_selection=False)
    rich_style = style.rich_style
    return [strip.extend_cell_length(width, rich_style) for strip in strips]


def command_box(row: ChecklistRow, room: int) -> int:
    """The cells a row's command box takes (its text and a cell either side, as wide as its
    longest line, at most *room*), or 0: no command, or no room for one."""
    if row.command_line is None or room <= 2:
        return 0
    widest = max(Content(line).cell_length for line in row.command_line.plain.split("\n"))
    return min(widest + SIDES.width, room)
