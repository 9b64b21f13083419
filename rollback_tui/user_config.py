"""The user config file, `<user config dir>/config.toml`: the theme the app opens with
(the last one picked in the palette) and the schema new plans name. Read with toml_text,
written back with tomlkit so that the user's comments survive; no Textual.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from rollback_tui import toml_text
from rollback_tui.locations import config_dir as user_config_dir
from rollback_tui.store.errors import toml_error_message
from rollback_tui.theme_files import DEFAULT_THEME, THEME_NAME


class ConfigError(Exception):
    """The user config file can't be read or written; the message names the file."""


class NotifySettings(BaseModel):
    """`[notify]`: where status updates are sent."""

    model_config = ConfigDict(extra="forbid", strict=True)

    webhook_url: str | None = None
    """A Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat) that status
    updates are posted to; `$ROLLBACK_TUI_WEBHOOK_URL` wins over it. A credential: it is
    never printed, logged or written into a plan."""


class UserConfig(BaseModel):
    """The user config file, `<user config dir>/config.toml`."""

    model_config = ConfigDict(extra="forbid", strict=True)

    theme: str = DEFAULT_THEME
    """The theme the app opens with; the last one picked in the theme switcher."""
    plan_schema: str | None = None
    """A JSON Schema location (path or URL) named by a `#:schema` first line in every new
    plan, from `new` and the wizard (see `rollback-tui schema`)."""
    notify: NotifySettings | None = None
    """Status updates: `[notify] webhook_url`."""
    cursor_blink: bool = True
    """Whether the text cursor blinks; `false` keeps it steady (easier to follow for some,
    and a blinking cursor redraws its cell twice a second, over SSH too)."""


def config_path() -> Path:
    """The user config file (it may not exist yet)."""
    return user_config_dir() / "config.toml"


def _read_config_text(path: Path) -> str | None:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 (byte {exc.start})") from None


def load_config(path: Path | None = None) -> UserConfig:
    """The user config; defaults when the file is missing. Bad files raise `ConfigError`."""
    path = config_path() if path is None else path
    text = _read_config_text(path)
    if text is None:
        return UserConfig()
    try:
        raw: dict[str, Any] = toml_text.loads(text)
    except toml_text.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {toml_error_message(str(exc))}") from None
    try:
        return UserConfig.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in error["loc"])
        if error["type"] == "extra_forbidden":
            known = ", ".join(UserConfig.model_fields)
            raise ConfigError(f"{path}: unknown key {where!r} (known keys: {known})") from None
        raise ConfigError(f"{path}: {where}: {error['msg']}") from None


def save_theme_choice(name: str, path: Path | None = None) -> Path:
    """Remember *name* as the user's theme, keeping the rest of the file and its comments.

    Written atomically; a config file that isn't valid TOML is left alone (`ConfigError`).
    Returns the path written.
    """
    import tomlkit
    from tomlkit.exceptions import ParseError

    from rollback_tui.store import PlanFileError, write_atomic

    if not THEME_NAME.match(name):
        raise ConfigError(f"{name!r} is not a theme name")
    path = config_path() if path is None else path
    text = _read_config_text(path)
    try:
        document = tomlkit.parse(text or "")
    except ParseError as exc:
        raise ConfigError(f"{path}: not saved, the file is not valid TOML: {exc}") from None
    if "theme" in document:
        document["theme"] = name
    else:
        if text is None:
            document.add(tomlkit.comment("rollback-tui settings"))
        document.add("theme", name)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, tomlkit.dumps(document).encode("utf-8"))
    except (OSError, PlanFileError) as exc:
        raise ConfigError(f"{path}: cannot save the theme choice: {exc}") from None
    return path
