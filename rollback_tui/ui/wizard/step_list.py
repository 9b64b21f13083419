"""The list of steps on the left: where the user is, and each step's state."""

from __future__ import annotations

from typing import Literal

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

StepState = Literal["untouched", "findings", "complete"]

MARKS: dict[StepState, tuple[str, str]] = {
    "untouched": ("○", "dim"),
    "findings": ("!", "bold $warning"),
    "complete": ("✓", "bold $success"),
}


class StepList(OptionList):
    """Steps by name; enter or a click goes to one."""

    DEFAULT_CSS = """
    StepList { width: 18; height: 1fr; border: none; padding: 0; }
    """

    def __init__(self, steps: list[tuple[str, str]], *, id: str | None = None) -> None:
        self.steps = steps
        self.states: dict[str, StepState] = {key: "untouched" for key, _ in steps}
        super().__init__(
            *[Option(self._prompt(key, title), id=key) for key, title in steps], id=id, compact=True
        )

    def _prompt(self, key: str, title: str) -> Content:
        mark, style = MARKS[self.states[key]]
        return Content.assemble((mark, style), " ", title)

    def set_state(self, key: str, state: StepState) -> None:
        """Show *state* beside step *key*."""
        if self.states.get(key) == state:
            return
        self.states[key] = state
        title = dict(self.steps)[key]
        self.replace_option_prompt(key, self._prompt(key, title))

    def show_current(self, key: str) -> None:
        """Highlight the step being shown."""
        self.highlighted = self.get_option_index(key)
