"""When plain mode is on: asked for (--plain, ROLLBACK_TUI_PLAIN=1, ACCESSIBLE=1), or
needed (TERM dumb or unset, standard input or output not a terminal); --no-plain wins."""

from __future__ import annotations

from collections.abc import Mapping

TRUE = frozenset({"1", "true", "yes", "on"})
"""What an environment variable says to ask for plain mode."""


def plain_wanted(
    choice: bool | None, environ: Mapping[str, str], stdin_tty: bool, stdout_tty: bool
) -> bool:
    """Whether the screens open in plain mode.

    Args:
        choice: --plain (True) or --no-plain (False); None where neither was given.
        environ: the environment (ROLLBACK_TUI_PLAIN, ACCESSIBLE, TERM).
        stdin_tty, stdout_tty: whether standard input and output are terminals.

    Returns:
        True for plain mode, False for the full-screen app.
    """
    if choice is not None:
        return choice
    for name in ("ROLLBACK_TUI_PLAIN", "ACCESSIBLE"):
        if environ.get(name, "").strip().lower() in TRUE:
            return True
    term = environ.get("TERM", "").strip().lower()
    return term in ("", "dumb") or not (stdin_tty and stdout_tty)
