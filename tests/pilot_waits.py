"""Waiting for an app driven by Pilot, for the tests of every folder."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot


async def until(pilot: Pilot[Any], condition: Callable[[], object], timeout: float = 5.0) -> None:
    """Let the app run until *condition()* holds (a loaded machine may need a while)."""
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    assert condition(), "the app never got there"
