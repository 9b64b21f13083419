"""Keys typed ahead into a one-line dialog: the keys that arrive before its input has the
focus (a burst over SSH, right after the key that opened it) are given to the input, in
the order typed, rather than lost."""

from __future__ import annotations

from textual import events
from textual.css.query import NoMatches
from textual.widgets import Input


class KeysToInput:
    """For a modal screen with one Input, ``#{INPUT_ID}``, answered by ``answer(text)``."""

    INPUT_ID = ""
    _pending: list[tuple[str, str | None]] | None = None
    spill: list[tuple[str, str | None]] | None = None
    """Where keys typed after the answer go (the opener's held keys); else to the app."""

    def answer(self, text: str) -> None:
        """Enter in the input: the dialog's own check, then dismiss."""
        raise NotImplementedError

    def take_key(self, key: str, character: str | None) -> None:
        """Act on a key typed ahead, at once (or once the input exists)."""
        try:
            field = self.query_one(f"#{self.INPUT_ID}", Input)  # type: ignore[attr-defined]
        except NoMatches:
            self._pending = [*(self._pending or []), (key, character)]
            return
        self.set_focus(field)  # type: ignore[attr-defined]
        if key == "enter":
            self.answer(field.value)
        elif key == "backspace":
            field.action_delete_left()
        elif character and character.isprintable():
            field.insert_text_at_cursor(character)

    def on_mount(self) -> None:
        pending, self._pending = self._pending or [], None
        for n, (key, character) in enumerate(pending):
            self.take_key(key, character)
            if not self.is_active:  # type: ignore[attr-defined]
                # Answered: the keys typed after the answer are the opener's again.
                for rest_key, rest_character in pending[n + 1 :]:
                    self.pass_on(rest_key, rest_character)
                return

    def pass_on(self, key: str, character: str | None) -> None:
        """A key typed after the answer: back to the opener, in order."""
        if self.spill is not None:
            self.spill.append((key, character))
        else:
            self.app.post_message(events.Key(key, character))  # type: ignore[attr-defined]

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
    keys that reach it after the answer go back to the opener."""

    def on_key(self, event: events.Key) -> None:
        # Runs before Input's own key handling, which prevent_default() skips.
        screen = self.screen
        if isinstance(screen, KeysToInput):
            if not screen.is_active:
                event.prevent_default()
                event.stop()
                screen.pass_on(event.key, event.character)
                return
            if event.key == "enter":
                event.prevent_default()
                event.stop()
                screen.take_key(event.key, event.character)
