"""Opening the app in this terminal: shared by the console script's quick way in
(launch.py) and the click commands (cli.py), neither of which imports the other's way."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import NoReturn


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
    # collector back on after its first frame (see RollbackApp.on_ready).
    gc.disable()
    try:
        from rollback_tui.ui.factory import run_app
    except ImportError:  # pragma: no cover - the UI ships with the package
        sys.stderr.write("rollback-tui: the wizard is not available in this installation\n")
        sys.exit(2)
    sys.exit(run_app(path, mode=mode, by=by, theme=theme, label=label, git=git))
