"""How the app is opened, as the command line says it: one typed value that travels from
the console script (launch.py) and the click commands (cli.py) through app_start.py and
the UI's factory to the app. No UI here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Mode = Literal["edit", "run", "drill"]
"""edit: the wizard; run: the checklist; drill: the checklist as a rehearsal, saved to
the drill's own run file."""


@dataclass(frozen=True)
class LaunchOptions:
    """What the app opens with, besides the plan's path."""

    mode: Mode = "edit"
    by: str | None = None
    """Who ticks, as the timeline records it (None: the login name)."""
    theme: str | None = None
    """--theme (None: the theme the user picked last, else the default)."""
    label: str = ""
    """A drill's name, in its run file's name."""
    git: bool = False
    """run --git: each saved tick committed, pulled and pushed."""
    plain: bool | None = None
    """--plain (True) or --no-plain (False); None: plain mode where the terminal or the
    environment asks for it (plain/detect.py)."""
    publish: Path | None = None
    """run/drill --publish DIR: the status page rewritten in DIR on every change."""

    @property
    def checklist(self) -> bool:
        """The checklist opens first (a run or a drill), on a plan that must exist."""
        return self.mode != "edit"
