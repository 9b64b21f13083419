"""A path field that completes with Tab like a shell, and the free name a new plan gets."""

from __future__ import annotations

import os
from pathlib import Path

from textual import events
from textual.message import Message
from textual.widgets import Input

from rollback_tui.ui.keys.registry import OwnKeys


def complete_path(text: str) -> tuple[str, list[str]]:
    """Complete the last part of *text* as a shell does: (the text completed as far as the
    names agree, the names that match). A folder gets a trailing "/"."""
    head, sep, prefix = text.rpartition("/")
    typed_folder = head + sep
    folder = Path(os.path.expanduser(typed_folder or "."))
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return text, []
    names = sorted(
        entry.name + ("/" if _is_dir(entry) else "")
        for entry in entries
        if entry.name.startswith(prefix)
        and (prefix.startswith(".") or not entry.name.startswith("."))
    )
    if not names:
        return text, []
    if len(names) == 1:
        return typed_folder + names[0], names
    common = names[0]
    for name in names[1:]:  # the characters every name starts with
        while not name.startswith(common):
            common = common[:-1]
    return (typed_folder + common if len(common) > len(prefix) else text), names


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def free_name(folder: Path, name: str = "plan.toml") -> str:
    """*name*, or the first of name-2, name-3… that no file in *folder* has yet."""
    stem, suffix = os.path.splitext(name)
    candidate, n = name, 1
    while (folder / candidate).exists():
        n += 1
        candidate = f"{stem}-{n}{suffix}"
    return candidate


class PathInput(Input):
    """An input for a path: Tab completes file and folder names. Keys typed ahead (a name,
    then Enter) act in the order typed, as in the wizard's fields."""

    OWN_KEYS = OwnKeys(Input.BINDINGS)

    class Candidates(Message):
        """Tab found several names (or none): the dialog shows them for a moment."""

        def __init__(self, names: list[str]) -> None:
            super().__init__()
            self.names = names

    async def on_key(self, event: events.Key) -> None:
        if event.key != "tab":
            await self.OWN_KEYS.act(self, event)
            return
        event.prevent_default()
        event.stop()
        completed, names = complete_path(self.value)
        if completed != self.value:
            self.value = completed
            self.cursor_position = len(completed)
        if len(names) != 1:
            if not names:
                self.app.bell()
            self.post_message(self.Candidates(names))
