"""A plan that cannot be used is refused before any screen is drawn: one line on the
terminal, exit code 2, the file untouched. The quick way in (`rollback-tui edit PATH`,
`run PATH`, no option) and the click commands (an option given) alike."""

from __future__ import annotations

import shlex
import time
from pathlib import Path

import pytest
from tmux_session import BIN, Tmux

ALTERNATE_SCREEN = b"\x1b[?1049h"
"""What Textual sends first when it takes over the terminal."""

BAD_PLANS = {
    "not-toml": 'title = "Checkout v2\n',
    "wrong-value": 'schema_version = 1\ntitle = "Checkout v2"\ndeployment_type = "yolo"\n',
}


def exit_status(status: Path, timeout: float = 15.0) -> int:
    """The exit code the shell around the program wrote to *status* (the shell reaps it
    itself: tmux may not, when started from a process whose signal mask it inherits)."""
    deadline = time.monotonic() + timeout
    while not (status.exists() and status.read_text().strip()):
        if time.monotonic() > deadline:
            raise AssertionError("the program has not ended")
        time.sleep(0.1)
    return int(status.read_text())


@pytest.mark.parametrize("kind", sorted(BAD_PLANS))
@pytest.mark.parametrize(
    "args", [["edit"], ["run"], ["edit", "--theme", "rollback-dark"]], ids=["edit", "run", "click"]
)
def test_refused_before_any_screen(tmux: Tmux, tmp_path: Path, kind: str, args: list[str]) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_text(BAD_PLANS[kind], encoding="utf-8")
    before = plan.read_bytes()
    log = tmp_path / "pane.log"
    command = shlex.join([str(BIN), *args[:1], str(plan), *args[1:]])
    status = tmp_path / "status"
    # The pause lets every byte the program writes be logged from its first one.
    tmux.start("sh", "-c", f"sleep 0.5; {command}; echo $? > {shlex.quote(str(status))}")
    tmux.tmux("pipe-pane", "-t", "test", f"cat >> {shlex.quote(str(log))}")
    assert exit_status(status) == 2
    written = log.read_bytes()
    assert ALTERNATE_SCREEN not in written  # no screen was ever shown
    # The whole pane, history too, wrapped lines joined.
    shown = tmux.tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "test").stdout
    lines = [
        line for line in shown.splitlines() if line.strip() and not line.startswith("Pane is dead")
    ]
    assert len(lines) == 1 and lines[0].startswith("rollback-tui: "), lines
    assert "plan.toml" in lines[0]
    assert plan.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pane.log", "plan.toml", "status"]
