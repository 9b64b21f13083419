"""The commands that open the app: edit, run and drill; and themes, the themes it can open
with. The app itself is imported only when a screen opens."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from rollback_tui.app_start import LaunchOptions, open_screen
from rollback_tui.cli.output import EXIT_FINDINGS, PathArg, PlainOption, ThemeOption, fail, say


def _plain(plain: bool | None) -> bool | None:
    """The command's --plain/--no-plain, else the one given before the command name."""
    if plain is not None:
        return plain
    root = click.get_current_context().find_root().obj
    return root.get("plain") if isinstance(root, dict) else None


def _publish_folder(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """--publish DIR made (if missing) and checked writable before the app opens."""
    if value is None:
        return None
    from rollback_tui.notify.publisher import PublishError, prepare

    try:
        return prepare(value)
    except PublishError as exc:
        fail(str(exc))


PublishOption = click.option(
    "--publish",
    metavar="DIR",
    type=click.Path(path_type=Path, file_okay=False),
    callback=_publish_folder,
    help="Keep a status page in DIR (index.html and status.json, see `publish`), "
    "rewritten within a second of every change.",
)


def _theme(theme: str | None) -> str | None:
    """The command's --theme, else the one given before the command name."""
    if theme is not None:
        return theme
    root = click.get_current_context().find_root().obj
    return root.get("theme") if isinstance(root, dict) else None


@click.command(short_help="Open the wizard on PATH (created if missing).")
@click.argument("path", type=PathArg, required=False)
@ThemeOption
@PlainOption
def edit(path: Path | None, theme: str | None, plain: bool | None) -> None:
    """Open the wizard on PATH (created if missing)."""
    open_screen(path, LaunchOptions(mode="edit", theme=_theme(theme), plain=_plain(plain)))


@click.command(short_help="Tick PATH's steps as a checklist, during the incident.")
@click.argument("path", type=PathArg)
@click.option("--by", help="Who ticks the steps (default: your login name).")
@click.option(
    "--git",
    "git",
    is_flag=True,
    help="Commit the plan after each tick (who ticked what), then pull --rebase and "
    "push when the repository has a remote; failures are shown and retried.",
)
@PublishOption
@ThemeOption
@PlainOption
def run(
    path: Path,
    by: str | None,
    theme: str | None,
    git: bool,
    publish: Path | None,
    plain: bool | None,
) -> None:
    """Open PATH as a checklist, to tick its steps during the incident."""
    launch = LaunchOptions(
        mode="run", by=by, theme=_theme(theme), git=git, publish=publish, plain=_plain(plain)
    )
    open_screen(path, launch)


@click.command(short_help="Rehearse PATH: its checklist, every step timed.")
@click.argument("path", type=PathArg)
@click.option("--by", help="Who does the steps (default: your login name).")
@click.option("--label", default="", help="A name for the drill, in its run file's name.")
@PublishOption
@ThemeOption
@PlainOption
def drill(
    path: Path,
    by: str | None,
    label: str,
    theme: str | None,
    publish: Path | None,
    plain: bool | None,
) -> None:
    """Rehearse PATH: its checklist with the clock running, every step timed.

    The drill is written to its own run file in PLAN.runs/ (the plan's live ticks are not
    touched); at the end, the plan records the day (last_drilled) and each option's time.
    """
    launch = LaunchOptions(
        mode="drill",
        by=by,
        theme=_theme(theme),
        label=label,
        publish=publish,
        plain=_plain(plain),
    )
    open_screen(path, launch)


@click.command("themes", short_help="List the themes found, and where they are.")
def themes_command() -> None:
    """List the themes found (name, dark or light, file), then the files that were skipped.

    Exit 0 when every theme file and the config file could be used, 1 otherwise.
    """
    from rollback_tui import theme_files, user_config
    from rollback_tui.ui import themes

    load = themes.load_themes()
    problems = [str(failure) for failure in load.failures]
    try:
        chosen: str | None = user_config.load_config().theme
    except user_config.ConfigError as exc:
        chosen = None
        problems.append(str(exc))
    width = max((len(name) for name in load.names), default=0)
    for name, loaded in load.themes.items():
        mark = "*" if name == chosen else " "
        kind = "dark" if loaded.dark else "light"
        replaces = f"  (replaces {loaded.replaces})" if loaded.replaces else ""
        say(f"{mark} {name:<{width}}  {kind:<5}  {loaded.path}{replaces}")
    if not load.themes:
        say("No theme files found.")
    if chosen is not None:
        if chosen in load.themes:
            config = user_config.config_path()
            say(f"* your theme, from {config}" if config.exists() else "* the default theme")
        else:
            say(
                f"Your config names the theme {chosen!r}, which was not found; "
                f"the app uses {load.resolve(chosen)!r}."
            )
    say(f"Add your own themes in {theme_files.user_themes_dir()}")
    if problems:
        say(f"Skipped ({len(problems)}):")
        for problem in problems:
            say(f"  {problem}")
        sys.exit(EXIT_FINDINGS)
