"""The checklist itself: one widget that draws every group and item line by line.

A plan of a few hundred components has thousands of items; a widget per item would have
Textual lay out thousands of widgets when the checklist opens and again after each tick.
Here an item is a `ChecklistRow` (what it shows, as text) and the view draws the lines in
sight, from a cache kept per item and width. A tick changes one row and its group's heading:
only those are drawn again, and nothing else on the screen is laid out.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import cast

from textual import events
from textual.content import Content
from textual.css.styles import RulesMap
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from rollback_tui.ui.checklist.blocks import Block, measure, render_block
from rollback_tui.ui.checklist.checklist_rows import ChecklistGroup, ChecklistRow
from rollback_tui.ui.checklist.items import Group
from rollback_tui.ui.keys.order import FOCUS_ORDER_KEYS, KeyOrder
from rollback_tui.ui.keys.registry import OwnKeys, bindings


class ChecklistView(ScrollView, can_focus=True):
    """Every group and row of the checklist, and a cursor on one row, which the view moves
    itself (arrows, pages, the next open step, a click)."""

    COMPONENT_CLASSES = {
        "checklist--heading",
        "checklist--cursor",
        "checklist--command",
        "checklist--meta-done",
        "checklist--meta-skipped",
        "checklist--meta-failed",
        "checklist--help",
    }

    DEFAULT_CSS = """
    ChecklistView { overflow-x: hidden; }
    ChecklistView > .checklist--heading { background: $panel; text-style: bold; }
    ChecklistView:focus > .checklist--cursor { background: $accent 25%; }
    ChecklistView > .checklist--command { background: $foreground 8%; color: $text-accent; }
    ChecklistView > .checklist--meta-done { color: $text-success; }
    ChecklistView > .checklist--meta-skipped { color: $text-muted; }
    ChecklistView > .checklist--meta-failed { color: $text-error; }
    ChecklistView > .checklist--help { color: $text-muted; }
    """

    # The outcome keys are the screen's actions and the moves the view's own, all run as
    # the key is handled rather than through a message: keys typed ahead (space, down,
    # space) then act on the rows in the order typed.
    BINDINGS = bindings("checklist-list")
    OWN_KEYS = OwnKeys(BINDINGS)

    def __init__(
        self, groups: list[Group], help_text: Content, keys: KeyOrder, *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.help_text = help_text
        self.keys = keys
        """The app's key order: keys typed ahead of a dialog go to it, in order."""
        self.groups: list[ChecklistGroup] = []
        self.rows: list[ChecklistRow] = []
        self.cursor = 0
        """The index in `rows` of the row the keys act on."""
        self._blocks: list[Block] = []
        self._starts: list[int] = []
        """The first line of each block, for the width they were laid out at."""
        self._row_blocks: dict[int, int] = {}
        """Each row's block, by the row's id()."""
        self._heights: dict[int, tuple[tuple[int, int], int]] = {}
        """Each block's height, by the block's id(), with the version and width it is for."""
        self._strips: dict[tuple[int, bool], tuple[tuple[int, int], list[Strip]]] = {}
        """Each block's lines drawn (with the cursor on it or not), as for `_heights`."""
        self._laid_out_at = -1
        self._scroll_to_cursor = False
        self.show_groups(groups)

    # -- what it shows ---------------------------------------------------------------------

    def show_groups(self, groups: list[Group]) -> None:
        """Show these groups from scratch (a plan opened, items added or removed)."""
        self.groups = [ChecklistGroup(group) for group in groups]
        self.rows = [row for group in self.groups for row in group.rows]
        self.cursor = min(self.cursor, max(0, len(self.rows) - 1))
        self._blocks = []
        for group in self.groups:
            self._blocks.append(Block("heading", group))
            self._blocks += [Block("row", group, row) for row in group.rows]
            self._blocks.append(Block("gap", group))
        self._blocks.append(Block("help"))
        self._row_blocks = {
            id(block.row): n for n, block in enumerate(self._blocks) if block.row is not None
        }
        self._heights.clear()
        self._strips.clear()
        self._relayout()

    def update(self, groups: dict[str, Group], pending: set[str]) -> None:
        """Take the items' states as they are now: only what changed is drawn again."""
        changed = False
        for group in self.groups:
            if group.key in groups:
                changed |= group.show(groups[group.key], pending)
        if changed:
            self._relayout()

    def row(self, item_id: str) -> ChecklistRow:
        """The row of the item with *item_id*."""
        for row in self.rows:
            if row.item_id == item_id:
                return row
        raise KeyError(item_id)

    def group(self, key: str) -> ChecklistGroup:
        """The group with *key* ("option-a", "component-2", "followup"...)."""
        for group in self.groups:
            if group.key == key:
                return group
        raise KeyError(key)

    @property
    def cursor_row(self) -> ChecklistRow | None:
        return self.rows[self.cursor] if self.rows else None

    def move_to(self, row: ChecklistRow) -> None:
        """Put the cursor on *row* and scroll it into sight."""
        self.cursor = self.rows.index(row)
        self._scroll_to_cursor = True
        self.refresh()
        self._show_cursor()

    def rebuild(self, groups: list[Group]) -> None:
        """Show these groups from scratch, the cursor kept on its item (focused if it was),
        else on the first open step."""
        cursor = self.cursor_row
        was_focused = self.screen.focused is self
        self.show_groups(groups)
        target = next((r for r in self.rows if cursor and r.item_id == cursor.item_id), None)
        if target is None:
            self.next_open(from_start=True)
            return
        self.move_to(target)
        if was_focused:
            self.screen.set_focus(self)

    # -- moving ----------------------------------------------------------------------------

    def focused_row(self) -> ChecklistRow | None:
        """The row under the cursor, while the list has the focus (not the timeline)."""
        return self.cursor_row if self.screen.focused is self else None

    def focus_row(self, row: ChecklistRow) -> None:
        """Put the cursor on *row*, the list focused. Focus is set at once (Widget.focus()
        waits a turn), so that keys typed ahead act on the row the previous key moved to."""
        self.move_to(row)
        self.screen.set_focus(self)

    def move(self, step: int) -> None:
        """The cursor *step* rows down (up, if negative), the list focused."""
        if not self.rows:
            return
        index = self.cursor if self.focused_row() is not None else -1
        self.focus_row(self.rows[max(0, min(len(self.rows) - 1, index + step))])

    def next_open(self, from_start: bool = False) -> None:
        """Go to the next item not yet ticked (the first one, *from_start*)."""
        rows = self.rows
        if not rows:
            return
        start = 0 if from_start or self.focused_row() is None else self.cursor + 1
        order = rows[start:] + rows[:start]
        target = next((row for row in order if row.state == "open"), None)
        self.focus_row(target or rows[0])

    def action_next_row(self) -> None:
        self.move(1)

    def action_previous_row(self) -> None:
        self.move(-1)

    def action_first_row(self) -> None:
        if self.rows:
            self.focus_row(self.rows[0])

    def action_last_row(self) -> None:
        if self.rows:
            self.focus_row(self.rows[-1])

    def action_next_page(self) -> None:
        self._page(1)

    def action_previous_page(self) -> None:
        self._page(-1)

    def _page(self, pages: int) -> None:
        target = self.row_a_page_away(pages)
        if target is not None:
            self.focus_row(target)

    # -- lines -----------------------------------------------------------------------------

    @property
    def _width(self) -> int:
        return self.scrollable_content_region.width

    def _relayout(self) -> None:
        self._laid_out_at = -1
        self.refresh()
        self._lay_out()

    def _lay_out(self) -> None:
        """Work out where each block starts at the current width (cached heights)."""
        width = self._width
        if width <= 0 or width == self._laid_out_at:
            return
        self._laid_out_at = width
        starts, line = [], 0
        for block in self._blocks:
            starts.append(line)
            line += self._height(block, width)
        self._starts = starts
        self._set_virtual_size(Size(width, line))

    def _set_virtual_size(self, size: Size) -> None:
        """Take the checklist's new length. Its own size never depends on it: unless the
        scroll bar comes or goes, the bar and the lines are drawn again without laying out
        the screen (which a tick's new outcome line would otherwise cost)."""
        old, height = self.virtual_size, self.size.height
        if size == old:
            return
        if size.width == old.width and old.height > height and size.height > height:
            # The bar stays: give it the new length and keep the offset in range, as
            # Textual does when the size changes, without the layout a reactive would ask.
            self.set_reactive(ChecklistView.virtual_size, size)
            bar = self.vertical_scrollbar
            bar.window_virtual_size = size.height
            bar.refresh()
            self.scroll_y = self.validate_scroll_y(self.scroll_y)
            self.refresh()
        else:
            self.virtual_size = size

    def _height(self, block: Block, width: int) -> int:
        drawn = (block.version(), width)
        kept = self._heights.get(id(block))
        if kept is not None and kept[0] == drawn:
            return kept[1]
        height = measure(block, width, cast(RulesMap, self.styles), self.help_text)
        self._heights[id(block)] = (drawn, height)
        return height

    def notify_style_update(self) -> None:
        # Another theme, or the cursor's style now that focus moved: draw everything again.
        self._strips.clear()
        super().notify_style_update()

    def lines_of(self, block_of: ChecklistRow | ChecklistGroup) -> list[str]:
        """The text of a row's lines, or a group heading's, as drawn at the current width."""
        width = self._width or self.size.width or 80
        for block in self._blocks:
            if block.row is block_of or (block.kind == "heading" and block.group is block_of):
                strips = render_block(self, block, width, self.help_text, cursor=False)
                return [strip.text.rstrip() for strip in strips]
        raise KeyError(block_of)

    def _row_region(self, index: int) -> Region | None:
        """Where the row at *index* is drawn, in lines from the top of the checklist."""
        self._lay_out()
        if not 0 <= index < len(self.rows) or self._laid_out_at <= 0:
            return None
        n = self._row_blocks[id(self.rows[index])]
        height = self._height(self._blocks[n], self._laid_out_at)
        return Region(0, self._starts[n], self._laid_out_at, height)

    def row_a_page_away(self, pages: int) -> ChecklistRow | None:
        """The row a page of lines below the cursor (*pages* 1) or above it (-1)."""
        region = self._row_region(self.cursor)
        if region is None:
            return None
        line = region.y + pages * max(1, self.scrollable_content_region.height)
        index = bisect_right(self._starts, max(0, line)) - 1
        if pages > 0:
            below = (b.row for b in self._blocks[index:] if b.row is not None)
            return next(below, self.rows[-1])
        above = (b.row for b in reversed(self._blocks[: index + 1]) if b.row is not None)
        return next(above, self.rows[0])

    def _show_cursor(self) -> None:
        if not self._scroll_to_cursor or self._width <= 0:
            return
        region = self._row_region(self.cursor)
        if region is not None:
            self._scroll_to_cursor = False
            if self.cursor == len(self.rows) - 1:  # the last row: the key help below it too
                region = Region(0, region.y, region.width, self.virtual_size.height - region.y)
            n = self._row_blocks[id(self.rows[self.cursor])]
            if self._blocks[n - 1].kind == "heading":  # a group's first row: its heading too
                top = self._starts[n - 1]
                region = Region(0, top, region.width, region.bottom - top)
            # Out of sight (or partly), it comes to the middle, as a focused widget would:
            # the steps after it show too, not only the row at the bottom edge.
            window = self.scrollable_content_region.at_offset(self.scroll_offset)
            self.scroll_to_region(
                region,
                animate=False,
                force=True,
                immediate=True,
                center=not window.contains_region(region),
                origin_visible=True,
            )

    def on_resize(self) -> None:
        self._lay_out()
        self._scroll_to_cursor = True
        self._show_cursor()

    def render_lines(self, crop: Region) -> list[Strip]:
        self._lay_out()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self._width
        line = self.scroll_offset.y + y
        index = bisect_right(self._starts, line) - 1
        if index < 0 or index >= len(self._blocks) or width != self._laid_out_at:
            return Strip.blank(width, self.get_visual_style().rich_style)
        block = self._blocks[index]
        cursor = block.row is not None and block.row is self.cursor_row and self.has_focus
        drawn = (block.version(), width)
        kept = self._strips.get((id(block), cursor))
        if kept is not None and kept[0] == drawn:
            strips = kept[1]
        else:
            strips = render_block(self, block, width, self.help_text, cursor=cursor)
            self._strips[id(block), cursor] = (drawn, strips)
        if len(strips) != self._height(block, width):  # measured wrong: lay out again
            self._heights[id(block)] = ((block.version(), width), len(strips))
            self._laid_out_at = -1
            self.call_after_refresh(self._relayout)
        offset = line - self._starts[index]
        if offset >= len(strips):
            return Strip.blank(width, self.get_visual_style().rich_style)
        return strips[offset]

    # -- keys and the mouse ----------------------------------------------------------------

    async def on_key(self, event: events.Key) -> None:
        """Run the row keys as they arrive; keys typed after one that opened a dialog
        (s, f, or space on an irreversible step) go to the dialog, in the order typed, and
        keys typed while its answer is recorded wait for it (the key order's part)."""
        if self.keys.redirect(event, self.screen):
            return
        if event.key in FOCUS_ORDER_KEYS:
            event.prevent_default()
            event.stop()
            self._tab(1 if event.key == "tab" else -1)
            return
        await self.OWN_KEYS.act(self, event)

    def _tab(self, step: int) -> None:
        """tab and shift+tab go from row to row, as they did when each row took the focus;
        past the last row (or before the first) the focus goes on to the timeline beside,
        or, with nothing else to take it, comes round to the other end of the list."""
        if not self.rows:
            return
        target = self.cursor + step
        if 0 <= target < len(self.rows):
            self.move(step)
            return
        screen = self.screen
        taker = screen.focus_next() if step > 0 else screen.focus_previous()
        if taker is None or taker is self:
            self.focus_row(self.rows[0] if step > 0 else self.rows[-1])

    def on_click(self, event: events.Click) -> None:
        """A click puts the cursor on the row clicked."""
        self._lay_out()
        line = self.scroll_offset.y + event.y
        index = bisect_right(self._starts, line) - 1
        if 0 <= index < len(self._blocks):
            row = self._blocks[index].row
            if row is not None:
                self.move_to(row)

    def on_focus(self) -> None:
        self.refresh()  # the cursor shows only while the checklist has focus

    def on_blur(self) -> None:
        self.refresh()
