"""What the UI tests share: the terminal the app runs in, and what it has told the user."""

from __future__ import annotations

from typing import Any

from click.testing import CliRunner
from textual.app import App
from textual.command import Command, CommandList, CommandPalette
from textual.pilot import Pilot
from wizard_helpers import type_text, until

from rollback_tui.cli import main
from rollback_tui.ui.app import RollbackApp

SIZE = (80, 24)
"""The terminal of most tests: the smallest the app is made for."""


def notifications(app: RollbackApp) -> str:
    """Every notification shown so far, a "title: message" a line."""
    return "\n".join(f"{n.title}: {n.message}" for n in app._notifications)


def cli(*args: str) -> None:
    """Run the command line as another terminal would (it must succeed)."""
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output


def highlighted_command(app: App[Any]) -> str | None:
    """The command the open palette would run on Enter (None: no palette, or no choice)."""
    if not isinstance(app.screen, CommandPalette):
        return None
    option = app.screen.query_one(CommandList).highlighted_option
    return option.hit.text if isinstance(option, Command) else None


async def run_from_palette(pilot: Pilot[Any], typed: str, command: str) -> None:
    """ctrl+p, *typed*, then Enter once the palette offers *command*, as a user would."""
    await pilot.press("ctrl+p")
    await choose_in_palette(pilot, typed, command)


async def choose_in_palette(pilot: Pilot[Any], typed: str, command: str) -> None:
    """In the palette that opens (or is open): *typed*, then Enter once it offers
    *command*. The palette searches as the keys come, so a loaded machine may list it
    late, and an Enter before that runs nothing. Returns once the palette has gone (the
    command is called next: wait for what it does)."""
    await until(pilot, lambda: isinstance(pilot.app.screen, CommandPalette), timeout=10)
    palette = pilot.app.screen
    await type_text(pilot, typed)
    await until(pilot, lambda: highlighted_command(pilot.app) == command, timeout=10)
    await pilot.press("enter")
    await until(pilot, lambda: pilot.app.screen is not palette, timeout=10)
