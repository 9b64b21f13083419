"""Themes from TOML files, validated with Textual's own parsers and turned into Textual
themes.

A file that can't be used is reported (file and one-line reason) and skipped; loading never
raises. Where the files are and how one is read is `rollback_tui.theme_files` (no Textual).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from textual.color import Color, ColorParseError
from textual.css.constants import VALID_STYLE_FLAGS
from textual.theme import Theme

from rollback_tui.theme_files import (
    DEFAULT_THEME,
    THEME_NAME,
    ThemeError,
    default_theme_dirs,
    read_theme_table,
)

FALLBACK_THEME = "textual-dark"
"""Textual's own default, for when not even the default theme file could be loaded."""

_VARIABLE_NAME = re.compile(r"^[a-z][a-z0-9-]{0,63}$")
_ALPHA = re.compile(r"^(?P<color>\S+)\s+(?P<percent>\d{1,3}(?:\.\d+)?)%$")
_CSS_KEYWORDS = frozenset({"auto", "initial", "transparent"})


def _check_color(value: str) -> str:
    try:
        Color.parse(value)
    except ColorParseError as exc:
        raise ValueError(str(exc)) from None
    return value


def _check_variable(value: str) -> str:
    """A theme variable: a colour, `colour N%`, `auto N%`, a CSS keyword or text styles."""
    text = value.strip()
    if text in _CSS_KEYWORDS:
        return value
    words = text.split()
    if words and all(word in VALID_STYLE_FLAGS for word in words):
        return value
    match = _ALPHA.match(text)
    if match is not None:
        if float(match["percent"]) > 100:
            raise ValueError(f"{text!r}: the percentage must be at most 100%")
        if match["color"] == "auto":
            return value
        text = match["color"]
    return _check_color(text)


class ThemeFile(BaseModel):
    """A theme as written in a `themes/*.toml` file: the fields of a Textual `Theme`."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    name: str
    """What the user types after `--theme` and picks in the command palette."""
    dark: bool = True
    """A dark theme (light text on a dark background)."""
    primary: str
    """The main colour: focused borders, headings, the block cursor."""
    secondary: str | None = None
    """A second colour for less prominent highlights."""
    accent: str | None = None
    """Draws the eye: key bindings in the footer, links."""
    foreground: str | None = None
    """The text colour."""
    background: str | None = None
    """The screen behind everything."""
    surface: str | None = None
    """The background of widgets (inputs, lists)."""
    panel: str | None = None
    """The background of panels that set content apart (the footer, the header)."""
    boost: str | None = None
    """A colour blended over others to lift them a little (usually left unset)."""
    success: str | None = None
    """Done steps and passed checks."""
    warning: str | None = None
    """Lint warnings, unsaved changes."""
    error: str | None = None
    """Errors and invalid fields."""
    luminosity_spread: float = Field(default=0.15, ge=0.0, le=1.0)
    """How far Textual's generated lighter and darker shades are from each colour."""
    text_alpha: float = Field(default=0.95, ge=0.0, le=1.0)
    """The opacity of text."""
    ansi: bool = False
    """Send the colours as ANSI codes (for themes that use only `ansi_*` colours)."""
    variables: dict[str, str] = Field(default_factory=dict)
    """Textual theme variables to override, e.g. `"block-cursor-background" = "#ffe14d"`."""

    @field_validator("name")
    @classmethod
    def _valid_name(cls, value: str) -> str:
        if not THEME_NAME.match(value):
            raise ValueError(
                f"{value!r} is not a usable theme name (letters, digits, '-', '_' and '.', "
                "at most 64, starting with a letter or digit)"
            )
        return value

    @field_validator(
        "primary",
        "secondary",
        "accent",
        "foreground",
        "background",
        "surface",
        "panel",
        "boost",
        "success",
        "warning",
        "error",
    )
    @classmethod
    def _valid_color(cls, value: str | None) -> str | None:
        return None if value is None else _check_color(value)

    @field_validator("variables")
    @classmethod
    def _valid_variables(cls, value: dict[str, str]) -> dict[str, str]:
        for name, setting in value.items():
            if not _VARIABLE_NAME.match(name):
                raise ValueError(f"{name!r} is not a theme variable name (like 'border-blurred')")
            try:
                _check_variable(setting)
            except ValueError as exc:
                raise ValueError(f"{name}: {exc}") from None
        return value

    def to_theme(self) -> Theme:
        """The Textual theme (checked by building its colour system, as Textual will)."""
        theme = Theme(**self.model_dump())
        theme.to_color_system()
        return theme


_TYPE_MESSAGES = {
    "bool_type": "must be true or false",
    "string_type": "must be a quoted string",
    "float_type": "must be a number",
    "dict_type": "must be a table",
}


def _known_keys() -> list[str]:
    return list(ThemeFile.model_fields)


def _validation_message(exc: ValidationError) -> str:
    """The first problem, as one line naming the key."""
    error = exc.errors(include_url=False)[0]
    where = ".".join(str(part) for part in error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(where, _known_keys(), n=1)
        if close:
            return f"unknown key {where!r}; did you mean {close[0]!r}?"
        return f"unknown key {where!r} (known keys: {', '.join(_known_keys())})"
    if kind == "missing":
        return f"{where}: missing (every theme needs a name and a primary colour)"
    message = _TYPE_MESSAGES.get(kind) or error["msg"].removeprefix("Value error, ")
    if where:
        return f"{where}: {message}"
    return message


def read_theme_file(path: Path) -> ThemeFile:
    """Read and validate one theme file; `ThemeError` says in one line what is wrong."""
    raw = read_theme_table(path)
    try:
        return ThemeFile.model_validate(raw)
    except ValidationError as exc:
        raise ThemeError(_validation_message(exc)) from None


@dataclass(frozen=True)
class LoadedTheme:
    """A theme that loaded, and the file it came from."""

    theme: Theme
    path: Path
    replaces: Path | None = None
    """The file of an earlier theme with the same name that this one replaces."""

    @property
    def name(self) -> str:
        return self.theme.name

    @property
    def dark(self) -> bool:
        return self.theme.dark


@dataclass(frozen=True)
class ThemeFailure:
    """A theme file that was skipped, and why (one line)."""

    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass
class ThemeLoad:
    """Every theme found, in order (shipped first), and the files that could not be used."""

    themes: dict[str, LoadedTheme] = field(default_factory=dict)
    failures: list[ThemeFailure] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return list(self.themes)

    def get(self, name: str) -> Theme | None:
        """The theme called *name*, if it loaded."""
        loaded = self.themes.get(name)
        return None if loaded is None else loaded.theme

    def resolve(self, name: str | None) -> str:
        """The theme to use for a requested name: it, else the default, else Textual's."""
        if name and name in self.themes:
            return name
        if DEFAULT_THEME in self.themes:
            return DEFAULT_THEME
        return FALLBACK_THEME

    def failure_message(self) -> str | None:
        """All failures as one notification text, or None when every file loaded."""
        if not self.failures:
            return None
        count = len(self.failures)
        head = "A theme file was skipped:" if count == 1 else f"{count} theme files were skipped:"
        return "\n".join([head, *(str(failure) for failure in self.failures)])


def load_themes(dirs: Iterable[Path] | None = None) -> ThemeLoad:
    """Load every `*.toml` theme in *dirs* (default: shipped, then user); never raises.

    A folder that doesn't exist is skipped quietly (most users have no themes folder).
    """
    result = ThemeLoad()
    for folder in default_theme_dirs() if dirs is None else dirs:
        folder = Path(folder)
        if not folder.exists():
            continue
        try:
            files = sorted(p for p in folder.iterdir() if p.suffix == ".toml")
        except OSError as exc:
            result.failures.append(ThemeFailure(folder, f"cannot list: {exc.strerror or exc}"))
            continue
        seen_here: dict[str, Path] = {}
        for path in files:
            try:
                theme = read_theme_file(path).to_theme()
            except ThemeError as exc:
                result.failures.append(ThemeFailure(path, str(exc)))
                continue
            except Exception as exc:  # a value Textual refuses that our checks let through
                result.failures.append(ThemeFailure(path, f"not a usable theme: {exc}"))
                continue
            if theme.name in seen_here:
                result.failures.append(
                    ThemeFailure(
                        path, f"theme {theme.name!r} is already defined in {seen_here[theme.name]}"
                    )
                )
                continue
            seen_here[theme.name] = path
            earlier = result.themes.pop(theme.name, None)
            result.themes[theme.name] = LoadedTheme(
                theme, path, replaces=None if earlier is None else earlier.path
            )
    return result
