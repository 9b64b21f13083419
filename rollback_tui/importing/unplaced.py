"""What the importer found and could not put in the plan, reported with its line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Unplaced:
    """Text the importer found but could not put in the plan."""

    section: str
    """The plan section it was found in (``header``, ``triggers``, ...)."""
    line: int
    text: str
