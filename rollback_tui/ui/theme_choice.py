"""Themes in the app: which one it opens with, registering them, remembering the user's pick.

The app opens with `--theme NAME` when given, else the theme remembered in the user config
file, else rollback-dark. Every theme from `themes/` and the user's themes folder is
registered, beside Textual's own, so the palette's theme switcher lists them all; a pick
made there is written back to the config file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from textual.app import App
from textual.theme import BUILTIN_THEMES, Theme

from rollback_tui import user_config
from rollback_tui.theme_files import DEFAULT_THEME
from rollback_tui.ui import themes


class UnknownThemeError(ValueError):
    """`--theme` names no theme; the message lists the names there are."""


def known_names(load: themes.ThemeLoad) -> list[str]:
    """Every theme the app can open with: ours (shipped and the user's), then Textual's."""
    return [*load.names, *sorted(name for name in BUILTIN_THEMES if name not in load.themes)]


def _unknown(name: str, load: themes.ThemeLoad) -> str:
    builtin = [name for name in known_names(load) if name not in load.themes]
    ours = ", ".join(load.names) or "none found"
    return (
        f"no theme called {name!r}; the themes are {ours} (and Textual's own: {', '.join(builtin)})"
    )


@dataclass
class ThemeSetup:
    """The themes an app starts with, the one it opens with, and what to tell the user."""

    load: themes.ThemeLoad
    start: str
    """The theme the app opens with."""
    notices: list[str] = field(default_factory=list)
    """Problems to show in one notification once the app is up (broken files...)."""
    cursor_blink: bool = True
    """Whether the cursor blinks: the config's `cursor_blink`, read with the theme (the
    config file is read once at start)."""

    @classmethod
    def find(cls, requested: str | None = None) -> ThemeSetup:
        """Load every theme and pick *requested*, else the user's choice, else the default.

        Raises `UnknownThemeError` when *requested* names no theme; a broken theme file or
        config file only adds a notice.
        """
        load = themes.load_themes()
        notices = [message] if (message := load.failure_message()) else []
        known = known_names(load)
        try:
            config: user_config.UserConfig | None = user_config.load_config()
        except user_config.ConfigError as exc:
            config, problem = None, exc
        blink = config.cursor_blink if config is not None else True
        if requested is not None:
            if requested not in known:
                raise UnknownThemeError(_unknown(requested, load))
            return cls(load, requested, notices, blink)
        if config is None:
            notices.append(f"{problem}\nUsing the default theme.")
            chosen = DEFAULT_THEME
        else:
            chosen = config.theme
        start = chosen if chosen in known else load.resolve(chosen)
        if start != chosen:
            path = user_config.config_path()
            notices.append(f"The theme {chosen!r} in {path} was not found; using {start!r}.")
        return cls(load, start, notices, blink)

    def ansi_color(self) -> bool | None:
        """The `ansi_color` to build the app with (`App(ansi_color=...)`).

        Under NO_COLOR, Textual picks its colour filter once, when the app is built, from
        the theme it has then: it greys out a colour theme, and strips every colour from an
        ANSI theme. Greying an ANSI theme would turn the terminal's default colours black on
        black, so an app that opens with an ANSI theme must be built as one.
        """
        theme = self.load.get(self.start) or BUILTIN_THEMES.get(self.start)
        if "NO_COLOR" in os.environ and theme is not None and theme.ansi:
            return True
        return None

    def install(self, app: App[Any]) -> None:
        """Register every loaded theme with *app* and switch it to the starting theme."""
        for loaded in self.load.themes.values():
            app.register_theme(loaded.theme)
        app.theme = self.start


class ThemeMemory:
    """Writes the theme the user picks to the config file; reports a file it can't write."""

    def __init__(self, app: App[Any], start: str) -> None:
        self.app = app
        self.remembered = start
        """The theme the config file holds (or that the app opened with)."""
        self._shown = start
        """The theme the app shows."""
        self._restoring: str | None = None
        """A theme put back by this class, not picked by the user: not to be remembered."""

    def theme_changed(self, theme: Theme) -> None:
        """The app's theme changed (the palette's theme switcher): remember it."""
        name, previous = theme.name, self._shown
        self._shown = name
        if name == self._restoring:
            self._restoring = None
            return
        if name == self.remembered:
            return
        try:
            user_config.save_theme_choice(name)
        except user_config.ConfigError as exc:
            self.app.notify(
                str(exc), title="Theme not remembered", severity="warning", markup=False
            )
            return
        self.remembered = name
        if self.app.no_color and theme.ansi and self.app.ansi_color is not True:
            # Under NO_COLOR this app greys colours out, which would draw an ANSI theme
            # black on black (see ThemeSetup.ansi_color): keep the old one until a restart.
            self._restoring = previous
            self.app.theme = previous
            self.app.notify(
                f"NO_COLOR is set: {name} is used from the next start.",
                title="Theme remembered",
                markup=False,
            )
