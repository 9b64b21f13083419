"""Dialogs that keep edits: restore a recovery file, see what it changes, and settle a
save that found the plan changed on disk."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from rollback_tui.plan.text import visible


class Differences(ModalScreen[None]):
    """A unified diff, as plain text; escape or Close returns."""

    DEFAULT_CSS = """
    Differences { align: center middle; }
    Differences > Vertical { width: 100; max-width: 100%; height: 90%; border: round $primary;
                             background: $panel; padding: 0 1; }
    Differences VerticalScroll { height: 1fr; }
    Differences .diff { width: auto; }
    Differences Button { margin-top: 1; }
    """

    BINDINGS = [Binding("escape", "dismiss(None)", "Close")]

    def __init__(self, title: str, diff: str) -> None:
        super().__init__()
        self.title_text = visible(title, lines=True)
        self.diff = visible(diff, lines=True)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self.title_text), classes="title")
            with VerticalScroll():
                yield Static(Content(self.diff), classes="diff", markup=False)
            yield Button("Close", id="close", compact=True)

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.dismiss(None)


class _Question(ModalScreen[str]):
    """A question with buttons; escape answers "cancel"."""

    DEFAULT_CSS = """
    _Question { align: center middle; }
    _Question > Vertical { width: 76; max-width: 100%; height: auto; border: round $warning;
                           background: $panel; padding: 1 2; }
    _Question .question { margin-bottom: 1; }
    _Question .why { color: $text-muted; margin-top: 1; }
    _Question Horizontal { height: auto; }
    _Question Button { min-width: 0; width: auto; margin-right: 2; }
    """

    BINDINGS = [Binding("escape", "dismiss('cancel')", "Cancel")]

    def __init__(self, question: str, answers: list[tuple[str, str, bool]],
                 why: str = "") -> None:
        super().__init__()
        self.question = visible(question, lines=True)
        self.answers = answers
        """(answer, label, enabled) for each button."""
        self.why = visible(why, lines=True)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self.question), classes="question")
            with Horizontal():
                for answer, label, enabled in self.answers:
                    yield Button(Content(label), id=f"answer-{answer}", compact=True,
                                 disabled=not enabled)
            if self.why:
                yield Static(Content(self.why), classes="why")

    @on(Button.Pressed)
    def _answered(self, event: Button.Pressed) -> None:
        if event.button.id and event.button.id.startswith("answer-"):
            self.answered(event.button.id.removeprefix("answer-"))

    def answered(self, answer: str) -> None:
        self.dismiss(answer)


class RestoreDialog(_Question):
    """A recovery file newer than the plan: restore it, see the differences, or discard it.

    Show differences opens a diff above the dialog, which stays.
    """

    def __init__(self, path: str, saved_at: str, diff: str, *, never_saved: bool = False
                 ) -> None:
        super().__init__(
            f"Edits of a new plan, never saved, were kept at {saved_at} (the app was "
            "closed or lost its terminal before saving)." if never_saved else
            f"Unsaved edits of {path} were kept at {saved_at}, after the plan was last "
            "saved (the app was closed or lost its terminal before saving).",
            [("restore", "Restore them", True), ("diff", "Show differences", True),
             ("discard", "Discard them", True)])
        self.diff = diff
        self.path = path

    def answered(self, answer: str) -> None:
        if answer == "diff":
            self.app.push_screen(Differences(f"What restoring changes in {self.path}:",
                                             self.diff))
        else:
            self.dismiss(answer)


class ConflictDialog(_Question):
    """The plan changed on disk since it was opened: how to save without losing either."""

    def __init__(self, message: str, mergeable: bool) -> None:
        why = ("Merge keeps the file's version with your ticks and timeline added, by item "
               "id." if mergeable else
               "Merge (by item id) is offered only when the two versions differ in ticks and "
               "the timeline alone; here the plan's text differs too.")
        super().__init__(
            f"{message}.\nSaving now would overwrite the other change. Reload discards "
            "your edits and shows the file's version.",
            [("reload", "Reload", True), ("merge", "Merge", mergeable),
             ("save-as", "Save as…", True), ("overwrite", "Overwrite", True),
             ("cancel", "Cancel", True)], why)
