"""Every key binding of the app, in one registry: the footer shows them (each screen's and
widget's BINDINGS are made here), the README's key tables list them (a test holds the two
together), and a user's keymap renames them by id (keymap.py, through Textual's public
`App.set_keymap`).

A key's id is ``where.what``: ``checklist.skip``, ``wizard.next-step``. Keys that Textual
itself binds (tab between fields, ctrl+p for the palette) are here too, unbound, so that
the README's tables and the registry list the same keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from textual import events
from textual.binding import Binding, BindingsMap, BindingType
from textual.widget import Widget

Keymap = Mapping[str, str]
"""A user's keys by binding id: ``{"checklist.skip": "x"}``."""


@dataclass(frozen=True)
class KeySpec:
    """One binding: where it is bound, its keys, what it does and how the footer says it."""

    id: str
    """The name a user's keymap gives it (``where.what``)."""
    keys: str
    """Textual's key names, comma-separated (``space,enter``)."""
    action: str
    description: str
    where: str
    """The screen or widget that binds it (see `bindings`)."""
    tables: tuple[str, ...] = ()
    """The README key tables that list it: "wizard", "checklist"."""
    show: bool = True
    """In the footer."""
    priority: bool = False
    bound: bool = True
    """False: Textual binds it itself; listed for the README and the keymap's checks."""

    def binding(self) -> Binding:
        return Binding(
            self.keys,
            self.action,
            self.description,
            show=self.show,
            priority=self.priority,
            id=self.id,
        )


W, C = ("wizard",), ("checklist",)
BOTH = ("wizard", "checklist")

KEYS: tuple[KeySpec, ...] = (
    # The app, on every screen: priority, so that a field's own keys never take them.
    KeySpec("app.save", "ctrl+s", "save", "Save", "app", W, priority=True),
    KeySpec("app.quit", "ctrl+q", "quit", "Quit", "app", W, priority=True),
    KeySpec("app.palette", "ctrl+p", "command_palette", "Palette", "app", BOTH, bound=False),
    KeySpec("focus.next", "tab", "focus_next", "Next", "app", BOTH, bound=False),
    KeySpec("focus.previous", "shift+tab", "focus_previous", "Previous", "app", BOTH, bound=False),
    # The wizard. Priority: a text area binds f7 to "select all", and the step keys must
    # always work.
    KeySpec(
        "wizard.previous-step", "f7,alt+left", "previous_step", "Back", "wizard", W, priority=True
    ),
    KeySpec("wizard.next-step", "f8,alt+right", "next_step", "Next", "wizard", W, priority=True),
    KeySpec("wizard.preview", "ctrl+t", "toggle_preview", "Preview", "wizard", W),
    # A step: a one-line field has no use for up and down: they go to the field above or
    # below (a table's rows keep their column; text areas, lists and drop-downs keep theirs).
    KeySpec("step.next-field", "down", "next_field", "Next field", "step", W, show=False),
    KeySpec("step.previous-field", "up", "previous_field", "Previous field", "step", W, show=False),
    # The wizard's fields. ctrl+l selects the whole text: a text area's own key for it,
    # f7, is the previous step, and ctrl+a goes to the line start; ctrl+l is one byte on
    # any terminal, so it arrives whole over SSH and through tmux (whose prefix is ctrl+b).
    KeySpec("field.select-all", "ctrl+l", "select_all", "Select all", "field", W, show=False),
    KeySpec("field.undo", "ctrl+z", "undo", "Undo", "line", W, show=False),
    KeySpec("field.redo", "ctrl+y", "redo", "Redo", "line", W, show=False),
    # A table's rows (triggers, steps, contacts, actions). The step's heading tells the
    # moves: an 80-column footer has no room for them.
    # A trigger's query: evaluated now against Prometheus (a person's action, in a thread).
    KeySpec("query.evaluate", "f5", "evaluate", "Evaluate query", "query", W, show=False),
    KeySpec("rows.add", "ctrl+o", "add", "Add", "rows", W),
    KeySpec("rows.remove", "ctrl+r", "remove", "Remove", "rows", W),
    KeySpec("rows.move-up", "alt+up", "move(-1)", "Move up", "rows", W, show=False),
    KeySpec("rows.move-down", "alt+down", "move(1)", "Move down", "rows", W, show=False),
    KeySpec("rows.above", "up", "go(-1)", "Row above", "rows", W, show=False),
    KeySpec("rows.below", "down", "go(1)", "Row below", "rows", W, show=False),
    # The component picker: short, and no moves in the footer, which must keep room for
    # Back, Next and Save.
    KeySpec("components.add", "ctrl+o", "add_component", "Add", "components", W),
    KeySpec("components.remove", "ctrl+r", "remove_component", "Remove", "components", W),
    KeySpec(
        "components.move-up", "alt+up", "move_component(-1)", "Move up", "components", W, show=False
    ),
    KeySpec(
        "components.move-down",
        "alt+down",
        "move_component(1)",
        "Move down",
        "components",
        W,
        show=False,
    ),
    # The checklist's list: the screen's outcome actions, run as the key is handled, and
    # the list's own moves.
    KeySpec("checklist.done", "space,enter", "screen.toggle_item", "Done", "checklist-list", C),
    KeySpec("checklist.skip", "s", "screen.skip_item", "Skip", "checklist-list", C),
    KeySpec("checklist.fail", "f", "screen.fail_item", "Failed", "checklist-list", C),
    KeySpec("checklist.copy", "c", "screen.copy_command", "Copy", "checklist-list", C),
    # Not in the footer (full at 80 columns): the keys below the list and the palette
    # name x and d; ctrl+c shows while a command runs.
    KeySpec("checklist.run", "x", "screen.run_command", "Run", "checklist-list", C, show=False),
    KeySpec(
        "checklist.dry-run",
        "d",
        "screen.dry_run_command",
        "Dry run",
        "checklist-list",
        C,
        show=False,
    ),
    KeySpec("checklist.down", "down,j", "next_row", "Next", "checklist-list", C, show=False),
    KeySpec("checklist.up", "up,k", "previous_row", "Previous", "checklist-list", C, show=False),
    KeySpec("checklist.first", "home", "first_row", "First", "checklist-list", C, show=False),
    KeySpec("checklist.last", "end", "last_row", "Last", "checklist-list", C, show=False),
    KeySpec(
        "checklist.page-down", "pagedown", "next_page", "Page down", "checklist-list", C, show=False
    ),
    KeySpec(
        "checklist.page-up", "pageup", "previous_page", "Page up", "checklist-list", C, show=False
    ),
    # The checklist screen. Not in the footer, which must fit 80 columns with the outcome
    # keys and the contacts: the summary line names i until the start is marked, and m
    # beside the update clock; t is in the keys below the list (and from 120 columns the
    # timeline is beside the list anyway).
    KeySpec("checklist.next-open", "u", "next_unticked", "To do", "checklist", C),
    KeySpec(
        "checklist.incident-start",
        "i",
        "incident_start",
        "Incident start",
        "checklist",
        C,
        show=False,
    ),
    KeySpec("checklist.note", "n", "note", "Note", "checklist", C),
    KeySpec(
        "checklist.send-update", "m", "send_update", "Status update", "checklist", C, show=False
    ),
    KeySpec("checklist.timeline", "t", "toggle_timeline", "Timeline", "checklist", C, show=False),
    KeySpec("checklist.contacts", "e", "show_contacts", "Contacts", "checklist", C),
    # Shown in the footer only while a command runs (check_action).
    KeySpec(
        "checklist.interrupt", "ctrl+c", "interrupt_command", "Stop", "checklist", C, priority=True
    ),
    # Dialogs and the drill's summary: escape leaves them.
    KeySpec("choice.cancel", "escape", "dismiss('cancel')", "Cancel", "choice"),
    KeySpec("question.cancel", "escape", "dismiss('cancel')", "Cancel", "question"),
    KeySpec("differences.close", "escape", "dismiss(None)", "Close", "differences"),
    KeySpec("contacts.close", "escape", "dismiss(None)", "Close", "contacts"),
    KeySpec("contacts.close-again", "e", "dismiss(None)", "Close", "contacts", show=False),
    KeySpec("reason.cancel", "escape", "dismiss(None)", "Cancel", "reason"),
    KeySpec("confirm.cancel", "escape", "dismiss(False)", "Cancel", "confirm"),
    KeySpec("ask-path.cancel", "escape", "dismiss(None)", "Cancel", "ask-path"),
    KeySpec("note.cancel", "escape", "dismiss(None)", "Cancel", "note"),
    KeySpec("fresh-question.cancel", "escape", "dismiss('cancel')", "Cancel", "fresh-question"),
    KeySpec("send-update.cancel", "escape", "dismiss(None)", "Cancel", "send-update"),
    KeySpec(
        "drill-summary.back", "escape", "app.pop_screen", "Back to the checklist", "drill-summary"
    ),
)
"""Every binding, in the order each screen and widget lists them (the footer's order)."""

IDS = frozenset(spec.id for spec in KEYS)


def bindings(where: str) -> list[BindingType]:
    """The BINDINGS of *where* (a screen's or a widget's), in the registry's order."""
    return [spec.binding() for spec in KEYS if spec.where == where and spec.bound]


def binding(key_id: str) -> Binding:
    """The one binding with *key_id*."""
    return next(spec.binding() for spec in KEYS if spec.id == key_id)


def table_keys(table: str) -> set[str]:
    """Every key the README's *table* ("wizard", "checklist") lists, as Textual names it."""
    return {key.strip() for spec in KEYS if table in spec.tables for key in spec.keys.split(",")}


# -- the user's keymap, as the in-order keys read it ---------------------------------------

_active: dict[str, str] = {}
"""The user's keymap the app was given (keymap.py): the keys a widget acts on as they
arrive follow it, as Textual's own bindings do."""
_version = 0


def use_keymap(keymap: Keymap) -> None:
    """The user's keymap, from now on, for the keys acted on as they arrive (the app sets
    the same keymap on Textual with `App.set_keymap`)."""
    global _version
    _active.clear()
    _active.update(keymap)
    _version += 1


class OwnKeys:
    """The keys a widget acts on itself as each arrives, and their actions: its bindings,
    as the user's keymap has them.

    Textual runs a widget's bindings only once the key has bubbled up to the app, while
    typed characters are inserted at once: in a burst (typing ahead, or a slow SSH link)
    `end` then `x` could insert the `x` before moving to the end. A widget that hands its
    keys to `act` keeps every key in the order it was typed. (Across widgets, the app
    routes each key only once the one before it has settled: order.py; this keeps a
    field's own keys from a round trip to the app.)
    """

    def __init__(self, bindings: Iterable[object]) -> None:
        self._own = [b for b in bindings if isinstance(b, Binding)]
        self._version = -1
        self._actions: dict[str, str] = {}

    def action(self, key: str) -> str | None:
        """The action *key* runs here, if any."""
        if self._version != _version:
            self._version = _version
            bindings_map = BindingsMap(self._own)
            if _active:
                bindings_map.apply_keymap(_active)
            self._actions = {
                key: found[-1].action for key, found in bindings_map.key_to_bindings.items()
            }
        return self._actions.get(key)

    async def act(self, widget: Widget, event: events.Key) -> bool:
        """Run *widget*'s action for *event* now, if the key is one of its own; whether
        it was."""
        action = self.action(event.key)
        if action is None:
            return False
        event.prevent_default()
        event.stop()
        await widget.run_action(action)
        return True
