"""The console script's entry point: the commands that open a screen, without click.

`rollback-tui`, `rollback-tui edit [PATH]` and `rollback-tui run PATH`, with no option, are
what an engineer types at 2 a.m.; they go straight to the app, so that importing click and
the other commands (~15 ms) does not delay the first frame. Everything else (any option,
any other command, --help, shell completion) goes to the click commands in cli.py, which
behave exactly as these do for these forms.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn


def screen_command(args: Sequence[str]) -> tuple[str, Path | None] | None:
    """(mode, path) when *args* only open the wizard or the checklist, else None (click
    parses them)."""
    if any(not arg or arg.startswith("-") for arg in args):
        return None  # an option, --help, `--`, or an empty path click reports
    match list(args):
        case []:
            return "edit", None
        case ["edit"]:
            return "edit", None
        case ["edit", path]:
            return "edit", Path(path)
        case ["run", path]:
            return "run", Path(path)
    return None


def open_screen(
    path: Path | None,
    mode: str,
    by: str | None = None,
    theme: str | None = None,
    label: str = "",
    git: bool = False,
) -> NoReturn:
    """Run the app in this terminal, then exit with its code."""
    # Textual paints at most 60 times a second by default, which adds up to 17 ms to each
    # keystroke's way to the screen; a user's own TEXTUAL_FPS still wins.
    os.environ.setdefault("TEXTUAL_FPS", "120")
    # Until the first frame, nearly every object made lives as long as the app: collecting
    # garbage while the UI is imported and built only slows the start. The app turns the
    # collector back on after its first frame (see RollbackApp.first_frame_drawn).
    gc.disable()
    try:
        from rollback_tui.ui.factory import run_app
    except ImportError:  # pragma: no cover - the UI ships with the package
        sys.stderr.write("rollback-tui: the wizard is not available in this installation\n")
        sys.exit(2)
    sys.exit(run_app(path, mode=mode, by=by, theme=theme, label=label, git=git))


def main() -> None:
    """`rollback-tui`: a screen straight away, or the click commands."""
    command = None if "_ROLLBACK_TUI_COMPLETE" in os.environ else screen_command(sys.argv[1:])
    if command is None:
        from rollback_tui.cli import main as commands

        commands()
        return
    mode, path = command
    open_screen(path, mode)
