"""Opening the app in this terminal: shared by the console script's quick way in
(launch.py) and the click commands (cli/), neither of which imports the other's way."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import NoReturn

from rollback_tui.launch_options import LaunchOptions

__all__ = ["LaunchOptions", "open_screen"]


def open_screen(path: Path | None, launch: LaunchOptions) -> NoReturn:
    """Run the app on *path* in this terminal, as *launch* says, then exit with its code.
    Plain mode (lines of text, no Textual) where it is asked for or the terminal needs it."""
    from rollback_tui.plain.detect import plain_wanted

    if plain_wanted(launch.plain, os.environ, os.isatty(0), os.isatty(1)):
        from rollback_tui.plain.start import run_plain

        sys.exit(run_plain(path, launch))
    # Textual paints at most 60 times a second by default, which adds up to 17 ms to each
    # keystroke's way to the screen; a user's own TEXTUAL_FPS still wins.
    os.environ.setdefault("TEXTUAL_FPS", "120")
    # Until the first frame, nearly every object made lives as long as the app: collecting
    # garbage while the UI is imported and built only slows the start. The app turns the
    # collector back on after its first frame (see RollbackApp.on_ready).
    gc.disable()
    try:
        from rollback_tui.ui.factory import run_app
    except ImportError:  # pragma: no cover - the UI ships with the package
        sys.stderr.write("rollback-tui: the wizard is not available in this installation\n")
        sys.exit(2)
    sys.exit(run_app(path, launch))
