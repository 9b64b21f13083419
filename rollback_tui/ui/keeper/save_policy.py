"""How the screen shown saves: given to the keeper by the screen that knows it.

The wizard's plan is a draft until ctrl+s, and a save that finds the file changed asks
what to do. The checklist saves each change as it is made, merging by item id: while it is
the screen under any dialogs, a hang-up saves its ticks and kept wizard edits wait for the
wizard; while nothing is over it, ctrl+s and quit save its way too.
"""

from __future__ import annotations

from typing import Protocol


class SavePolicy(Protocol):
    """The way the screen that gave it saves."""

    def saves_at_once(self) -> bool:
        """Changes are saved as they are made (the screen is shown, dialogs over it or not)."""

    def shown_saves_at_once(self) -> bool:
        """And no dialog is over it: ctrl+s and quit save its way."""


class Drafts:
    """The wizard's way, and the keeper's until a screen says otherwise: a draft until
    saved, a change on disk asked about."""

    def saves_at_once(self) -> bool:
        return False

    def shown_saves_at_once(self) -> bool:
        return False


DRAFTS = Drafts()
