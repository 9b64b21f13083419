"""A user's own keys: ``keys.toml`` in the user's config folder renames bindings by id.

    # ~/.config/rollback-tui/keys.toml
    "checklist.skip" = "x"
    "checklist.done" = "space,enter,d"

Ids are the registry's (registry.py); keys are Textual's names. The app hands the keymap
to Textual (`App.set_keymap`), so the footer shows the user's keys, and to the widgets
that act on keys as they arrive (`registry.use_keymap`). A file that cannot be used
changes nothing and is told in one notification.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rollback_tui import toml_text
from rollback_tui.locations import config_dir
from rollback_tui.plan.text import visible
from rollback_tui.ui.keys.registry import IDS

KEYMAP_FILE = "keys.toml"


@dataclass
class UserKeys:
    """The user's keymap, and what was wrong with the file."""

    keymap: dict[str, str] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)


def load_keymap(path: Path | None = None) -> UserKeys:
    """The keymap in *path* (the user's keys.toml by default); none when it is missing."""
    path = config_dir() / KEYMAP_FILE if path is None else path
    try:
        data = toml_text.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return UserKeys()
    except (OSError, UnicodeDecodeError, toml_text.TOMLDecodeError) as exc:
        return UserKeys(notices=[visible(f"{path}: not used: {exc}")])
    found = UserKeys()
    for key_id, keys in data.items():
        if key_id not in IDS:
            found.notices.append(visible(f"{path}: {key_id!r} is no key's id; left out"))
        elif not isinstance(keys, str) or not keys.strip():
            found.notices.append(visible(f"{path}: {key_id!r} needs keys as a string"))
        else:
            found.keymap[key_id] = keys
    return found
