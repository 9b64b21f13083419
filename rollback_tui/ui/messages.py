"""Messages that carry edits from the widgets up to the screen and the app."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class PlanEdited(Message):
    """A step changed the plan; the app marks it dirty and the preview follows."""

    structural: bool = False
    """True when items were added, removed or reordered (the step's rows are rebuilt)."""
    target: object | None = None
    """The part of the plan whose value changed (the plan, a step, a trigger...), when one
    value of one part changed; None when unknown. The preview then redraws only what shows
    it."""


@dataclass
class StepsReshaped(Message):
    """Steps whose parts of the plan were replaced (a Basics choice rewrote its defaults):
    the wizard rebuilds them from the plan."""

    steps: tuple[str, ...]


class PlanShown(Message):
    """A screen drew a plan it was given (its first, or another one): the app may freeze
    the collector's view of the objects made for it (see RollbackApp.freeze_gc)."""


class Settled(Message):
    """The wizard's steps are built and the user pauses (build_ahead.py): the app may
    freeze the collector's view of what was made since it last did."""


@dataclass
class GoToStep(Message):
    """Ask the wizard to show a step (from the review's findings, for instance)."""

    step: str
    where: str = ""
    """The field to put the cursor in, as ``check`` names it."""


class ReviewedToday(Message):
    """ "Mark reviewed today" was pressed: the wizard dates the plan's review."""
