"""A table of the wizard as lines: its rows numbered, then `add`, `edit N`, `remove N`
or `done` (Enter is done). Each cell of a row is asked as a field is: its label, its value
now, Enter keeps it."""

from __future__ import annotations

from typing import Any, Protocol

from rollback_tui.plain.lines import one_line
from rollback_tui.plain.wizard_steps import Components, Rows, component_steps
from rollback_tui.plan.model import Plan

YES = ("y", "yes", "true", "1")
NO = ("n", "no", "false", "0")


class Asking(Protocol):
    """What the tables need of the wizard."""

    @property
    def plan(self) -> Plan: ...

    def say(self, text: str) -> None: ...

    def ask(self, prompt: str) -> str:
        """A line typed (the wizard's own commands, `:next` and the rest, are done)."""

    def edited(self) -> None:
        """The plan changed: it is kept in the recovery file until saved."""


def row_lines(rows: Rows, items: list[Any]) -> list[str]:
    """Each row numbered, its cells on the lines under its first."""
    lines = []
    for n, item in enumerate(items, 1):
        cells = [(label, getattr(item, attr)) for attr, label in rows.columns]
        first = one_line(str(cells[0][1] or "")) or "(empty)"
        lines.append(f"  {n}. {first}")
        for label, value in cells[1:]:
            if value not in (None, "", False):
                shown = "yes" if value is True else one_line(str(value))
                lines.append(f"     {label.split(' (')[0]}: {shown}")
    return lines


def edit_rows(wizard: Asking, rows: Rows) -> None:
    """List the rows, then take add, edit N, remove N until done."""
    items = rows.items(wizard.plan)
    while True:
        wizard.say(f"{rows.label}: {len(items)} {rows.noun}{'s' * (len(items) != 1)}.")
        for line in row_lines(rows, items):
            wizard.say(line)
        answer = wizard.ask(f"{rows.label}: add, edit N, remove N or done: ").strip().lower()
        words = answer.split()
        if not words or words[0] == "done":
            return
        if words == ["add"]:
            item = rows.new(wizard.plan)
            items.append(item)
            wizard.edited()
            _edit_row(wizard, rows, item, len(items))
            continue
        index = _index(words, len(items))
        if index is None:
            wizard.say(
                f"Not understood: type add, edit N or remove N (1 to {len(items)}), or done."
            )
        elif words[0] == "edit":
            _edit_row(wizard, rows, items[index], index + 1)
        else:
            removed = items.pop(index)
            wizard.edited()
            first = getattr(removed, rows.columns[0][0]) or "(empty)"
            wizard.say(f"Removed {rows.noun} {index + 1}: {one_line(str(first))}.")


def _index(words: list[str], count: int) -> int | None:
    if len(words) != 2 or words[0] not in ("edit", "remove") or not words[1].isdigit():
        return None
    index = int(words[1]) - 1
    return index if 0 <= index < count else None


def _edit_row(wizard: Asking, rows: Rows, item: Any, number: int) -> None:
    wizard.say(f"{rows.noun.capitalize()} {number}: Enter keeps a value, :clear empties it.")
    for attr, label in rows.columns:
        value = getattr(item, attr)
        if isinstance(value, bool):
            now = "yes" if value else "no"
            while True:
                answer = wizard.ask(f"{label} [{now}]: ").strip().lower()
                if answer in YES + NO or not answer:
                    break
                wizard.say("Answer yes or no.")
            if answer and (answer in YES) != value:
                setattr(item, attr, answer in YES)
                wizard.edited()
            continue
        shown = one_line(value or "") or "empty"
        answer = wizard.ask(f"{label} [{shown}]: ").strip()
        if answer == ":clear":
            answer = ""
            new: str | None = None if value is None else ""
        elif not answer:
            continue
        else:
            new = answer
        if new != value:
            setattr(item, attr, new)
            wizard.edited()


def edit_components(wizard: Asking, part: Components) -> None:
    """List the components, then take add, edit N, remove N until done."""
    from rollback_tui.plain.wizard_steps import new_named_component

    plan = wizard.plan
    while True:
        count = len(plan.components)
        wizard.say(f"Components: {count}.")
        for n, component in enumerate(plan.components, 1):
            name = one_line(component.name) or f"(component {n})"
            wizard.say(f"  {n}. {name}, {len(component.steps)} steps")
        answer = wizard.ask("Components: add, edit N, remove N or done: ").strip().lower()
        words = answer.split()
        if not words or words[0] == "done":
            return
        if words == ["add"]:
            plan.components.append(new_named_component(plan))
            wizard.edited()
            _edit_component(wizard, count)
            continue
        index = _index(words, count)
        if index is None:
            wizard.say(f"Not understood: add, edit N or remove N (1 to {count}), or done.")
        elif words[0] == "edit":
            _edit_component(wizard, index)
        else:
            removed = plan.components.pop(index)
            wizard.edited()
            wizard.say(f"Removed component {index + 1}: {one_line(removed.name) or '(no name)'}.")


def _edit_component(wizard: Asking, index: int) -> None:
    component = wizard.plan.components[index]
    answer = wizard.ask(f"Name [{one_line(component.name) or 'empty'}]: ").strip()
    if answer and answer != component.name:
        component.name = answer
        wizard.edited()
    edit_rows(wizard, component_steps(wizard.plan, index))
