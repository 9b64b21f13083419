"""The terminal tests: each gets a private tmux server (its own socket, no config file),
killed whatever happens. The server itself is tests/tmux_session.py's Tmux."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tmux_session import Tmux


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    """A private tmux server, killed after the test."""
    server = Tmux()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture
def term(tmux: Tmux) -> Tmux:
    """The same server, by the name the recovery and checklist tests use."""
    return tmux
