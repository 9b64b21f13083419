"""An item and a group as the checklist shows them: their text, built once per change.

The view (checklist_view.py) draws them; the keys read an item's id, state and command from
its row.
"""

from __future__ import annotations

from textual.content import Content

from rollback_tui.plan.model import ChecklistItem, ItemState
from rollback_tui.plan.shell_words import show_invisible
from rollback_tui.render import substitute, substitute_command
from rollback_tui.ui.checklist.items import Group, progress_bar, progress_counts

_BOXES: dict[ItemState, tuple[str, str]] = {
    "open": ("[ ]", "bold"),
    "done": ("[x]", "bold $text-success"),
    "skipped": ("[-]", "bold $text-muted"),
    "failed": ("[!]", "bold $text-error"),
}
_TEXT_STYLES: dict[ItemState, str] = {
    "open": "",
    "done": "$text-muted",
    "skipped": "$text-muted strike",
    "failed": "",
}
_MARKS: dict[ItemState, str] = {"done": "✓ done", "skipped": "↷ skipped", "failed": "✗ failed"}


class ChecklistRow:
    """One item as the checklist shows it: its line (box, text, owner), its command, and
    who settled it when; and what the keys need (its id, state and command)."""

    def __init__(
        self, item: ChecklistItem, label: str, variables: dict[str, str], group_key: str
    ) -> None:
        self.item_id = item.id
        self.label = label
        """The item's number in its group ("1."), or empty."""
        self.variables = variables
        self.group_key = group_key
        self.command: str | None = None
        """The command with the plan's values filled in, as `c` copies it."""
        self.done = False
        self.pending = False
        self.state: ItemState = "open"
        self.line = Content("")
        self.command_line: Content | None = None
        self.meta: Content | None = None
        """The outcome line ("✓ done 14:02:03 UTC by sam"), for a settled item."""
        self.version = 0
        """Counts the changes to what the row shows: the view's cache is kept by it."""
        self._shown: tuple[object, ...] | None = None
        self.show(item)

    def show(self, item: ChecklistItem, pending: bool = False) -> bool:
        """Take the item's state (after a tick, or a change read from disk); *pending*: its
        change is not saved yet (a … after the box). Whether what the row shows changed."""
        shown = (
            pending,
            item.state,
            item.text,
            item.command,
            item.owner,
            item.irreversible,
            item.done_at,
            item.done_by,
            item.reason,
            item.id,
            self.variables,
        )
        if shown == self._shown:
            return False
        self._shown = shown
        self.version += 1
        self.done = item.done
        self.pending = pending
        self.state = item.state
        text = show_invisible(substitute(item.text, self.variables)).strip() or "(no text)"
        parts: list[Content | tuple[str, str] | str] = [
            _BOXES[item.state],
            ("…", "bold $text-warning") if pending else " ",
        ]
        if self.label:
            parts += [(self.label, "$text-muted"), " "]
        parts.append((text, _TEXT_STYLES[item.state]))
        if item.irreversible:
            parts.append((" · irreversible", "bold $text-warning"))
        if item.owner:
            parts.append((f" · owner: {show_invisible(item.owner)}", "$text-muted"))
        parts.append((f"  {item.id}", "$text-muted italic"))
        self.line = Content.assemble(*parts)
        command = substitute_command(item.command, self.variables).strip() if item.command else ""
        self.command = command or None
        self.command_line = Content(f"$ {command}") if command else None
        self.meta = None
        if item.state != "open":
            when = f"{item.done_at:%Y-%m-%d %H:%M:%S} UTC" if item.done_at else "time unknown"
            who = f" by {show_invisible(item.done_by)}" if item.done_by else ""
            reason = f": {show_invisible(item.reason)}" if item.reason else ""
            self.meta = Content(f"{_MARKS[item.state]} {when}{who}{reason}")
        return True


class ChecklistGroup:
    """A part of the plan as the checklist shows it: a heading with its progress, then
    its rows."""

    def __init__(self, group: Group) -> None:
        self.group = group
        self.key = group.key
        self.rows = [
            ChecklistRow(item, f"{n}." if group.numbered else "", group.variables, group.key)
            for n, item in enumerate(group.items, 1)
        ]
        self.version = 0
        self._progress = group.progress

    def heading(self, width: int = 0) -> Content:
        """The title, then a progress bar and the counts: on a line of their own where the
        whole does not fit in *width* cells (0: any width), never cut in two."""
        progress = self._progress
        mark = ("✓ ", "$text-success") if progress.complete else ("", "")
        title = Content.assemble(mark, self.group.title)
        bar = Content.assemble(progress_bar(progress, 8), progress_counts(progress))
        heading = Content.assemble(title, "  ", bar)
        if width and heading.cell_length > width:
            return Content("\n").join([title, bar])
        return heading

    def show(self, group: Group, pending: set[str]) -> bool:
        """Take the group's items as they are now (*pending*: ids changed, not saved yet);
        whether its heading or any row's text changed."""
        self.group = group
        progress = group.progress
        changed = progress != self._progress
        if changed:
            self._progress = progress
            self.version += 1
        rows = {row.item_id: row for row in self.rows}
        for item in group.items:
            row = rows.get(item.id)
            if row is None:
                continue
            row.variables = group.variables  # the plan's values, as edited since
            changed |= row.show(item, pending=item.id in pending)
        return changed
