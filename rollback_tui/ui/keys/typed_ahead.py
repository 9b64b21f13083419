"""Keys typed ahead into a one-line dialog: the keys that arrive before its input has the
focus (a burst over SSH, right after the key that opened it) are given to the input, in
the order typed, rather than lost; the keys typed after its answer go back to whoever
asked (`KeyOrder.ask`), to act once the answer is recorded.

`KeyTaker` is what the key order asks of such a dialog; `OneLineDialog` is one.
"""

from __future__ import annotations

from typing import Protocol, TypeVar, runtime_checkable

from textual import events
from textual.css.query import NoMatches
from textual.screen import ModalScreen
from textual.widgets import Input

TypedKeys = list[tuple[str, str | None]]
"""Keys as typed: (key, character)."""
AnswerT = TypeVar("AnswerT")


@runtime_checkable
class KeyTaker(Protocol):
    """A dialog that takes keys typed ahead of its input, in the order typed."""

    spill: TypedKeys | None
    """Where the keys typed after its answer go (the asker's held keys); else to the app."""

    def take_key(self, key: str, character: str | None) -> None:
        """Act on a key typed ahead, at once (or once the input exists)."""


class OneLineDialog(ModalScreen[AnswerT]):
    """A modal screen with one Input, ``#{INPUT_ID}`` (an `AnswerInput`), answered by
    ``answer(text)``."""

    INPUT_ID = ""

    def __init__(self) -> None:
        super().__init__()
        self.spill: TypedKeys | None = None
        self._early: TypedKeys | None = None
        """Keys that came before the input existed."""

    def answer(self, text: str) -> None:
        """Enter in the input: the dialog's own check, then dismiss."""
        raise NotImplementedError

    def take_key(self, key: str, character: str | None) -> None:
        try:
            field = self.query_one(f"#{self.INPUT_ID}", Input)
        except NoMatches:
            self._early = [*(self._early or []), (key, character)]
            return
        self.set_focus(field)
        if key == "enter":
            self.answer(field.value)
        elif key == "backspace":
            field.action_delete_left()
        elif character and character.isprintable():
            field.insert_text_at_cursor(character)

    def on_mount(self) -> None:
        early, self._early = self._early or [], None
        for n, (key, character) in enumerate(early):
            self.take_key(key, character)
            if not self.is_active:
                # Answered: the keys typed after the answer are the asker's again.
                for rest_key, rest_character in early[n + 1 :]:
                    self.pass_on(rest_key, rest_character)
                return

    def pass_on(self, key: str, character: str | None) -> None:
        """A key typed after the answer: back to the asker, in order."""
        if self.spill is not None:
            self.spill.append((key, character))
        else:
            self.app.post_message(events.Key(key, character))

    def on_key(self, event: events.Key) -> None:
        if event.key == "escape" or not (
            event.key in ("enter", "backspace") or (event.is_printable and event.character)
        ):
            return  # the screen's bindings (escape), or keys the input has handled
        # Printable keys that reach the screen were sent here before the input had the
        # focus; enter and backspace are handled here either way (and stopped, so that
        # the input's own binding does not act a second time).
        event.prevent_default()
        event.stop()
        self.take_key(event.key, event.character)


class AnswerInput(Input):
    """The dialog's input: enter answers at once, in the order of the keys around it, and
    keys that reach it after the answer go back to the asker."""

    def on_key(self, event: events.Key) -> None:
        # Runs before Input's own key handling, which prevent_default() skips.
        screen = self.screen
        if isinstance(screen, OneLineDialog):
            if not screen.is_active:
                event.prevent_default()
                event.stop()
                screen.pass_on(event.key, event.character)
                return
            if event.key == "enter":
                event.prevent_default()
                event.stop()
                screen.take_key(event.key, event.character)
