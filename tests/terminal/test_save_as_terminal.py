"""Save as in a real terminal (tmux, 80×24), keys sent in bursts as over a laggy SSH link:
two Enters never replace a plan, and a name typed then Enter is saved under that name."""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tmux_session import Tmux

BIN = Path(sys.executable).parent / "rollback-tui"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plan.toml"

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(
        shutil.which("tmux") is None,
        reason="tmux is not installed (`make test` installs it with scripts/ensure-tmux)",
    ),
]


class Pane(Tmux):
    """A private tmux server running one 80×24 session, keys sent in one write each."""

    def burst(self, *keys: str) -> None:
        """Every key in one write, as a laggy link delivers them."""
        self.keys(*keys)


@pytest.fixture
def pane() -> Iterator[Pane]:
    server = Pane()
    try:
        yield server
    finally:
        server.kill()


def test_two_enters_keep_the_plan_and_a_typed_name_is_used(
    pane: Pane, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bare `rollback-tui` beside plan.toml: Save as proposes plan-2.toml; typing plan.toml
    then Enter Enter in one burst leaves plan.toml as it was; a name typed then Enter in
    one burst is saved under exactly that name."""
    monkeypatch.setenv("ROLLBACK_TUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("ROLLBACK_TUI_STATE_DIR", str(tmp_path / "state"))
    folder = tmp_path / "svc"
    folder.mkdir()
    (folder / "plan.toml").write_bytes(EXAMPLE.read_bytes())
    pane.start(str(BIN), cwd=folder)
    pane.wait_for("Current version")
    pane.burst("C-s")
    assert "plan-2.toml" in pane.wait_for("Save the plan as")
    backspaces = ["BSpace"] * 12
    pane.burst("End", *backspaces, "plan.toml", "Enter", "Enter")
    time.sleep(1.5)  # let both Enters arrive and be dealt with
    assert (folder / "plan.toml").read_bytes() == EXAMPLE.read_bytes()
    # The second Enter answered the question with its default (Keep it), or, if it came
    # before the question did, was not taken as a second Save: either way, nothing replaced.
    if "Replace it?" in pane.screen():
        pane.burst("Enter")  # Keep it
    pane.wait_for("Save the plan as")
    time.sleep(0.5)
    assert "Replace it?" not in pane.screen()
    pane.burst("End", *backspaces, "checkout.toml", "Enter")
    pane.wait_for("Saved checkout.toml")
    assert (folder / "checkout.toml").exists() and (folder / "checkout.md").exists()
    assert (folder / "plan.toml").read_bytes() == EXAMPLE.read_bytes()
