"""Where rollback-tui keeps things, and who is using it: the app's name, the user's config
folder (themes, the theme choice, the schema setting), the user's state folder (the copy
file, recovery files) and the login name the timeline records. No UI, no plan."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

APP_NAME = "rollback-tui"

CONFIG_DIR_ENV = "ROLLBACK_TUI_CONFIG_DIR"
"""Names a config folder to use instead of the platform's (the tests set it)."""
STATE_DIR_ENV = "ROLLBACK_TUI_STATE_DIR"
"""Names a state folder to use instead of the platform's (the tests set it)."""


def config_dir() -> Path:
    """The user's rollback-tui config folder (it may not exist yet).

    `$ROLLBACK_TUI_CONFIG_DIR` when set, else the platform's (`~/.config/rollback-tui`).
    """
    override = os.environ.get(CONFIG_DIR_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs  # only when no folder is given: the tests and CI never load it

    return platformdirs.user_config_path(APP_NAME)


def state_dir() -> Path:
    """The user's state folder for rollback-tui (it may not exist yet).

    `$ROLLBACK_TUI_STATE_DIR` when set, else the platform's (`~/.local/state/rollback-tui`).
    """
    override = os.environ.get(STATE_DIR_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return platformdirs.user_state_path(APP_NAME)


def default_user() -> str:
    """Who ticks: the login name, as the timeline records it."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER", "unknown")
