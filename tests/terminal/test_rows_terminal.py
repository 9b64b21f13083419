"""In a real terminal: a list that changes never shows blank while it does. Removing the
component being edited puts the next one in its editor; every frame in between shows one
editor or the other, never an empty one."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from tmux_session import BIN, Tmux, wait_for_wizard

from rollback_tui import store
from rollback_tui.plan import new_plan

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(
        shutil.which("tmux") is None,
        reason="tmux is not installed (`make test` installs it with scripts/ensure-tmux)",
    ),
]

EDITOR = re.compile(r"Name +c[01]\b")
"""The first line of the component editor, showing the removed component or the next."""


def heading(title: str) -> Callable[[str], bool]:
    """Whether the step shown is the one *title* begins."""
    return lambda screen: title in screen.splitlines()[1]


def test_removing_a_component_never_blanks_its_editor(tmux: Tmux, tmp_path: Path) -> None:
    plan = tmp_path / "plan.toml"
    components = [f"c{i}" for i in range(200)]  # a long one: its editor takes a while
    store.save(store.new_file(plan, new_plan(title="Rows", components=components)), force=True)
    tmux.start(
        str(BIN),
        "edit",
        str(plan),
        env={"ROLLBACK_TUI_STATE_DIR": os.environ["ROLLBACK_TUI_STATE_DIR"]},
    )
    wait_for_wizard(tmux)
    for title in ("Assumptions", "Rollback Triggers", "Decision", "Procedure", "Component"):
        tmux.keys("F8")
        tmux.wait_for(heading(title))
    tmux.wait_for(lambda screen: EDITOR.search(screen) is not None)
    tmux.keys("Tab")  # to the list of components: its keys are in the footer
    tmux.wait_for(lambda screen: "^r Remove" in screen.splitlines()[-1])
    tmux.keys("C-r")
    frames = [tmux.screen() for _ in range(40)]  # as fast as tmux can draw them
    blank = [frame for frame in frames if EDITOR.search(frame) is None]
    assert not blank, f"the editor showed blank:\n{blank[0]}"
    screen = tmux.wait_for(lambda s: re.search(r"Name +c1\b", s) is not None)
    assert "1. c1  3 steps" in screen
    assert [c.name for c in store.load(plan).plan.components][:1] == ["c0"]  # not saved yet
