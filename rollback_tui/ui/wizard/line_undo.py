"""Undo and redo for a one-line field (Textual's Input has neither).

Each entry is the text and the selection before an edit. Typing is undone a word at a
time: characters typed one after the other join the edit before them, and a space after a
word, a cursor move or any other edit (a deletion, a paste, a selection replaced) starts a
new one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LIMIT = 100
"""Edits kept to undo, per field."""


@dataclass(frozen=True)
class LineState:
    """A field's text and selection (start, end) at one moment."""

    text: str
    start: int
    end: int


@dataclass
class LineUndo:
    """The edits of one field that ctrl+z and ctrl+y step through."""

    undos: list[LineState] = field(default_factory=list)
    redos: list[LineState] = field(default_factory=list)
    typing_at: int | None = None
    """Where a character typed next continues the word being typed (None: nowhere)."""

    def edited(self, before: LineState, after: str) -> None:
        """The text was *before* and is *after* now: an edit to undo."""
        start, end = sorted((before.start, before.end))
        old = before.text
        typed = (
            len(after) == len(old) - (end - start) + 1
            and after.startswith(old[:start])
            and after.endswith(old[end:])
        )
        character = after[start] if typed else ""
        word_goes_on = not (character.isspace() and not old[start - 1 : start].isspace())
        if not (typed and start == end and self.typing_at == start and word_goes_on):
            self.undos.append(before)
            del self.undos[:-LIMIT]
        self.redos.clear()
        self.typing_at = start + 1 if typed else None

    def undo(self, now: LineState) -> LineState | None:
        """The state to go back to (None: nothing to undo); *now* can be redone."""
        if not self.undos:
            return None
        self.redos.append(now)
        self.typing_at = None
        return self.undos.pop()

    def redo(self, now: LineState) -> LineState | None:
        """The state an undo left (None: nothing to redo); *now* can be undone again."""
        if not self.redos:
            return None
        self.undos.append(now)
        self.typing_at = None
        return self.redos.pop()
