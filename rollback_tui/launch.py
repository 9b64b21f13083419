"""The console script's entry point: the commands that open a screen, without click.

`rollback-tui`, `rollback-tui edit [PATH]` and `rollback-tui run PATH`, with no option, are
what an engineer types at 2 a.m.; they go straight to the app, so that importing click and
the other commands (~15 ms) does not delay the first frame. Everything else (any option,
any other command, --help, shell completion) goes to the click commands in cli/, which
behave exactly as these do for these forms.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from rollback_tui.app_start import open_screen
from rollback_tui.launch_options import LaunchOptions, Mode


def screen_command(args: Sequence[str]) -> tuple[Mode, Path | None] | None:
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


def main() -> None:
    """`rollback-tui`: a screen straight away, or the click commands."""
    command = None if "_ROLLBACK_TUI_COMPLETE" in os.environ else screen_command(sys.argv[1:])
    if command is None:
        commands()
        return
    mode, path = command
    open_screen(path, LaunchOptions(mode=mode))


def commands() -> None:
    """The click commands, then the end of the process (end_now)."""
    from rollback_tui.cli import main as click_main

    try:
        click_main()
    except SystemExit as done:
        end_now(done.code)
        raise
    end_now(0)


def end_now(code: object) -> None:
    """End the process with *code* (as SystemExit takes it) without Python's teardown,
    once a command is done: its files are written and synced, and freeing each of the
    objects it made (a long plan's 72,000 steps and its schemas), module by module, took
    50 ms of a tick. Its output is flushed first. Returns, for the usual exit, where
    another thread still runs (the interpreter waits for it) or the output cannot be
    flushed (a closed pipe: Python says so, and exits with 120)."""
    if threading.active_count() != 1:
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # a message: printed, as the interpreter would, and 1
        try:
            print(code, file=sys.stderr, flush=True)
        except (OSError, ValueError):
            return
        status = 1
    os._exit(status & 0xFF)
