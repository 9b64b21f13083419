"""Form fields bound to one attribute of a plan model.

A field knows which object and attribute it edits; the step that holds it sets the value
on the model from the field's own change event (one direction, no back-and-forth).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from rich.cells import cell_len
from rich.segment import Segment
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.geometry import Size
from textual.reactive import Reactive
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, TextArea

from rollback_tui.plan.text import clean_text, visible
from rollback_tui.ui.keys.registry import OwnKeys, binding
from rollback_tui.ui.wizard.line_undo import LineState, LineUndo

Parser = Callable[[str], Any]


SELECT_ALL = binding("field.select-all")
"""Select a field's whole text (then backspace clears it, or typing replaces it); the
registry (ui/keys/registry.py) says why ctrl+l."""


UNDO = [binding("field.undo"), binding("field.redo")]
"""A one-line field's undo and redo, on the keys a text area uses for them."""


class FieldInput(Input):
    """A one-line input bound to ``target.attr``; it acts on its own keys as each arrives
    (ui/keys/registry.py, OwnKeys), so a burst of keys edits in the order typed."""

    BINDINGS = [SELECT_ALL, *UNDO]
    OWN_KEYS = OwnKeys([*Input.BINDINGS, SELECT_ALL, *UNDO])

    async def on_key(self, event: events.Key) -> None:
        await self.OWN_KEYS.act(self, event)

    # Input sets its virtual size from the text's width on every keystroke, and Widget's
    # virtual_size asks for a layout of the whole screen when it changes. A field's own
    # size never depends on its text here, so a repaint is enough; it keeps each key off
    # a full-screen reflow.
    virtual_size = Reactive(Size(0, 0), repaint=True)

    history: LineUndo | None = None
    """The field's edits, for ctrl+z and ctrl+y (from the end of __init__: the value
    Input.__init__ sets is no edit)."""
    restoring = False
    """An undo or redo is setting the value (no edit of its own)."""
    before = LineState("", 0, 0)
    """The text and selection the next edit is made on."""

    def __init__(
        self,
        target: BaseModel,
        attr: str,
        *,
        parse: Parser | None = None,
        placeholder: str = "",
        id: str | None = None,
        classes: str = "",
    ) -> None:
        value = getattr(target, attr)
        super().__init__(
            "" if value is None else str(value),
            placeholder=placeholder,
            compact=True,
            id=id,
            classes=classes,
        )
        self.target = target
        self.attr = attr
        self.parse = parse
        self.history = LineUndo()
        self.before = self._state()

    @dataclass
    class Changed(Input.Changed, namespace="input"):
        """Input.Changed, naming what the field edited when its text changed: a field
        bound to another object since (bind_to) must not write it there."""

        bound: tuple[BaseModel, str] | None = None

        def __post_init__(self) -> None:
            super().__post_init__()
            if self.bound is None and isinstance(self.input, FieldInput):
                self.bound = self.input.binding

    @property
    def binding(self) -> tuple[BaseModel, str] | None:
        """(target, attribute) the field edits (None while it is being made)."""
        target = getattr(self, "target", None)
        return None if target is None else (target, self.attr)

    def bind_to(self, target: BaseModel, attr: str) -> None:
        """Edit ``target.attr`` from now on, as a field made for it would: its text is the
        value's, its cursor at the end, and nothing to undo (the edits made before were
        to the object it edited then)."""
        self.target, self.attr = target, attr
        value = getattr(target, attr)
        self.history = None  # the text set here is no edit
        self.value = "" if value is None else str(value)
        self.cursor_position = len(self.value)
        self.history = LineUndo()
        self.before = self._state()
        if not self.has_focus:
            self.scroll_to(x=0, animate=False, force=True, immediate=True)

    def on_mount(self) -> None:
        self.cursor_blink = getattr(self.app, "cursor_blink", True)

    def watch_selection(self) -> None:
        # The selection an edit is made on: Input clamps it to the new text before the
        # edit is seen (watch_value), so it is kept here while the text is unchanged.
        if self.history is not None and self.value == self.before.text:
            self.before = self._state()

    def watch_value(self, old: str, new: str) -> None:
        if self.history is None or old == new:
            return
        if not self.restoring:
            before = self.before if self.before.text == old else LineState(old, len(old), len(old))
            self.history.edited(before, new)
        self.before = self._state()

    def action_undo(self) -> None:
        if self.history is not None:
            self._restore(self.history.undo(self._state()))

    def action_redo(self) -> None:
        if self.history is not None:
            self._restore(self.history.redo(self._state()))

    def _state(self) -> LineState:
        return LineState(self.value, *self.selection)

    def _restore(self, state: LineState | None) -> None:
        if state is None:
            self.app.bell()
            return
        self.restoring = True
        try:
            self.value = state.text
        finally:
            self.restoring = False
        # The cursor where the edit began, nothing selected: the next key adds, never
        # replaces.
        self.cursor_position = max(state.start, state.end)

    # Input selects its whole text when it gets the focus (so that typing replaces it):
    # right for Tab, wrong when the focus only comes back (closing the preview), where the
    # next key would replace the title.
    _select_next_focus = True

    @property
    def select_on_focus(self) -> bool:
        select, self._select_next_focus = self._select_next_focus, True
        return select and self._select_on_focus

    @select_on_focus.setter
    def select_on_focus(self, value: bool) -> None:
        self._select_on_focus = value

    def focus_unselected(self) -> None:
        """Put the focus in the field, its cursor where it was and nothing selected (a
        step shown, the preview closed: the next key must not replace the text)."""
        self._select_next_focus = False
        self.cursor_position = self.selection.end
        self.focus()

    def on_blur(self, event: events.Blur) -> None:
        # A field the cursor has left shows the start of its text, not wherever the
        # cursor was (the end, after typing).
        self.scroll_to(x=0, animate=False, force=True, immediate=True)

    @property
    def is_cut(self) -> bool:
        """The text is wider than the field: part of it is out of sight."""
        return cell_len(self.value) > self.scrollable_content_region.width

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        width = self.scrollable_content_region.width
        if y or self.has_focus or width < 2 or not self.is_cut:
            return strip
        # A cut field without the cursor says that its text goes on: "…" in its last cell.
        last = list(strip.crop(width - 1, width))
        style = last[0].style if last else None
        return Strip.join(
            [strip.crop(0, width - 1), Strip([Segment("…", style)], 1), strip.crop(width)]
        )

    def on_paste(self, event: events.Paste) -> None:
        lines = [line.strip() for line in event.text.splitlines() if line.strip()]
        if len(lines) > 1:
            # Input would keep the first line and drop the rest without a word.
            event.text = " ".join(lines)
            self.notify(f"Pasted {len(lines)} lines as one, joined with spaces.", markup=False)


class FieldText(TextArea):
    """A multi-line text area bound to ``target.attr``; it acts on its own keys as each
    arrives, as FieldInput does."""

    BINDINGS = [SELECT_ALL]
    OWN_KEYS = OwnKeys([*TextArea.BINDINGS, SELECT_ALL])

    async def on_key(self, event: events.Key) -> None:
        await self.OWN_KEYS.act(self, event)

    DEFAULT_CSS = """
    FieldText { height: auto; min-height: 2; max-height: 6; }
    """

    def __init__(self, target: BaseModel, attr: str, *, id: str | None = None) -> None:
        super().__init__(
            getattr(target, attr) or "",
            compact=True,
            soft_wrap=True,
            show_line_numbers=False,
            tab_behavior="focus",
            id=id,
        )
        self.target = target
        self.attr = attr
        self.select_next_focus = True
        """Select the whole text when the focus arrives (Tab, shift+Tab), as Input does."""

    def on_mount(self) -> None:
        self.cursor_blink = getattr(self.app, "cursor_blink", True)

    def on_focus(self, event: events.Focus) -> None:
        select, self.select_next_focus = self.select_next_focus, True
        if select and not event.from_app_focus:  # not the terminal's own focus coming back
            self.select_all()

    def focus_unselected(self) -> None:
        """Put the focus in the text area, its cursor where it was and nothing selected."""
        self.select_next_focus = False
        self.focus()

    def on_resize(self, event: events.Resize) -> None:
        # TextArea wraps its lines again for the new width, but lines already drawn at the
        # new size with the old wrap stay on the screen (until the next resize): drawn
        # again once TextArea has rewrapped, after this event.
        self.call_later(self.refresh)


def focus_unselected(widget: Widget) -> None:
    """Focus *widget*; a field's text is left unselected (see FieldInput.select_on_focus)."""
    if isinstance(widget, (FieldInput, FieldText)):
        widget.focus_unselected()
    else:
        widget.focus()


class LabelledField(Vertical):
    """A label, its field and, once there is one, a line for the field's message."""

    DEFAULT_CSS = """
    LabelledField { height: auto; }
    LabelledField.-stacked { margin-bottom: 1; }
    LabelledField > Horizontal { height: auto; }
    LabelledField .field-label { width: 18; color: $text-muted; }
    LabelledField .field-message { color: $text-warning; padding-left: 18; display: none; }
    LabelledField .field-message.-shown { display: block; }
    LabelledField.-stacked .field-label { width: 1fr; }
    LabelledField.-stacked .field-message { padding-left: 0; }
    """

    def __init__(
        self,
        label: str,
        field: Input | TextArea | Select[Any],
        *,
        stacked: bool = False,
        path: str = "",
    ) -> None:
        super().__init__(classes="-stacked" if stacked else "")
        self.label = label
        self.field = field
        self.stacked = stacked
        self.path = path
        """The plan field this edits, as ``check`` names it, for its findings."""
        self._message = ""
        self._error = ""
        """What was typed and could not be taken (not a number, not a date): shown before
        the plan's findings, which describe the value the plan kept."""
        self._findings = ""

    def compose(self) -> ComposeResult:
        label = Label(Content(self.label), classes="field-label")
        if self.stacked:
            yield label
            yield self.field
        else:
            with Horizontal():
                yield label
                yield self.field

    def show_error(self, error: str) -> None:
        """Say that what was typed could not be taken (an empty string: it was)."""
        self._error = error
        self.show_message(error or self._findings)

    def show_findings(self, findings: str) -> None:
        """The plan's findings about this field; a typing error stays in front of them."""
        self._findings = findings
        self.show_message(self._error or findings)

    def show_message(self, message: str) -> None:
        """Show (or, with an empty string, hide) the message under the field."""
        if message == self._message:
            return  # redrawing an unchanged line would cost a layout on every keystroke
        self._message = message
        lines = self.query(".field-message")
        if lines:
            line = lines.first(Static)
        else:  # mounted when first needed: most fields never have anything to say
            line = Static("", classes="field-message", markup=False)
            self.mount(line)
        line.update(Content(visible(message, lines=True)))
        line.set_class(bool(message), "-shown")


def cleaned(value: str) -> str:
    """Text as it may enter the plan (terminal control characters removed). What is shown
    from outside the plan goes through plan.text.visible instead (shown, not removed)."""
    return clean_text(value)
