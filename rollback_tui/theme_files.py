"""Theme files without Textual: where they are, and each one read as a TOML table.

The shipped themes live in the repository's `themes/` folder, packaged into the wheel as
`rollback_tui/themes/`. Users add their own in `<user config dir>/themes/`; a user theme
with the name of a shipped one replaces it. What a theme's values mean (colours, styles)
is checked with Textual's own parsers, in the UI (`rollback_tui.ui.themes`): the headless
commands never load Textual for a theme.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from rollback_tui import toml_text
from rollback_tui.locations import config_dir as user_config_dir
from rollback_tui.store.errors import toml_error_message

DEFAULT_THEME = "rollback-dark"
"""The theme used when the user has chosen none (or chose one that no longer exists)."""
MAX_THEME_FILE_BYTES = 64 * 1024

THEME_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
"""What a theme may be called: what the user types after `--theme`, one line."""


class ThemeError(Exception):
    """A theme file that can't be used; the message says why in one line."""


def read_theme_table(path: Path) -> dict[str, Any]:
    """The TOML table in the theme file at *path*, its values not yet checked.

    Raises:
        ThemeError: the file cannot be read, is too large, not UTF-8 or not TOML (one
            line saying which).
    """
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_THEME_FILE_BYTES + 1)
    except OSError as exc:
        raise ThemeError(f"cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_THEME_FILE_BYTES:
        raise ThemeError(f"larger than {MAX_THEME_FILE_BYTES // 1024} KB; not a theme file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ThemeError(f"not UTF-8 (byte {exc.start})") from None
    try:
        return toml_text.loads(text)
    except toml_text.TOMLDecodeError as exc:
        raise ThemeError(toml_error_message(str(exc))) from None


def shipped_themes_dir() -> Path | None:
    """The shipped themes: inside the installed package, or the source checkout's themes/."""
    package = Path(__file__).resolve().parent
    installed = package / "themes"
    if installed.is_dir():
        return installed
    # A source checkout or an editable install: the repository's themes/ folder. The
    # pyproject.toml check keeps an installed copy from picking up a stray site-packages/themes.
    checkout = package.parent
    if (checkout / "themes").is_dir() and (checkout / "pyproject.toml").is_file():
        return checkout / "themes"
    return None


def user_themes_dir() -> Path:
    """Where users put their own theme files (it may not exist yet)."""
    return user_config_dir() / "themes"


def default_theme_dirs() -> list[Path]:
    """The shipped themes, then the user's: later folders win on a name clash."""
    shipped = shipped_themes_dir()
    return [*([shipped] if shipped is not None else []), user_themes_dir()]
