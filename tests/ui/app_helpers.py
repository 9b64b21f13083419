"""What the UI tests share: the terminal the app runs in, and what it has told the user."""

from __future__ import annotations

from click.testing import CliRunner

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
