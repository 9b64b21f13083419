"""What the Markdown reader finds in a hand-written plan, before it is built into a plan.

The reader (reader.py) fills these pieces as it walks the Markdown; build.py makes the plan
from them, knowing nothing of the walk (the reader imports build, never the other way).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from rollback_tui.importing.unplaced import Unplaced
from rollback_tui.importing.unrender import unsubstitute
from rollback_tui.render import OWN_HEADINGS


@dataclass
class ReadItem:
    """A checklist step as read: its text and command as written, its outcome."""

    text: str
    command: str | None = None
    owner: str | None = None
    done: bool = False
    done_at: dt.datetime | None = None
    done_by: str | None = None
    outcome: str | None = None
    reason: str | None = None
    irreversible: bool = False

    def data(self, variables: dict[str, str]) -> dict[str, Any]:
        """The item's table in the plan, with *variables*' values written back as names."""
        out: dict[str, Any] = {
            "text": unsubstitute(self.text, variables),
            "done": self.done,
            "irreversible": self.irreversible,
        }
        if self.command is not None:
            out["command"] = unsubstitute(self.command, variables, command=True)
        for name in ("owner", "done_at", "done_by", "outcome", "reason"):
            if getattr(self, name) is not None:
                out[name] = getattr(self, name)
        return out


@dataclass
class ReadPieces:
    """What the reader found, piece by piece, before it is built into a plan."""

    header: dict[str, str] = field(default_factory=dict)
    header_at: dict[str, int] = field(default_factory=dict)
    """The line of each header field."""
    title: str | None = None
    titled: bool = False
    """The first heading says "Rollback Plan"."""
    fields: dict[str, dict[str, str]] = field(default_factory=dict)
    triggers: list[dict[str, str]] = field(default_factory=list)
    contacts: list[dict[str, str]] = field(default_factory=list)
    options: dict[str, list[ReadItem]] = field(default_factory=dict)
    estimates: dict[str, str] = field(default_factory=dict)
    components: list[tuple[str, list[ReadItem]]] = field(default_factory=list)
    component_headings: set[str] = field(default_factory=lambda: set(OWN_HEADINGS))
    """The headings a component's heading is numbered against (render's, earlier ones)."""
    actions: list[ReadItem] = field(default_factory=list)
    templates: dict[str, str] = field(default_factory=dict)
    groups: list[tuple[str, list[ReadItem]]] = field(default_factory=list)
    followup_items: list[ReadItem] = field(default_factory=list)
    timeline: list[dict[str, Any]] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
    sections_seen: set[str] = field(default_factory=set)
    section: str = "header"
    sub: str | None = None
    level: int = 1
    """The level of the current section's heading."""
