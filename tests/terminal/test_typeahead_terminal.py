"""In tmux: a whole plan typed in bursts, with no pause, is the plan typed slowly.

A laggy SSH link delivers keys in bursts. Each step's keys go in one `send-keys` (and the
steps one after the other, with no pause); the saved TOML must be exactly the one that
typing with a pause after every key saves.
"""

from __future__ import annotations

import time
from pathlib import Path

from tmux_session import BIN, Tmux, wait_for_wizard

PLAN_KEYS: list[list[str]] = [
    # Basics: title, Deployment type changed through its list, incident, link, versions.
    [
        "Fast title",
        "Tab",
        "Tab",
        "Enter",
        "Down",
        "Enter",
        "Tab",
        "incident text",
        "Tab",
        "https://x.example/1",
        "Tab",
        "v9",
        "Tab",
        "v8",
        "F8",
    ],
    # Assumptions, then Triggers: a row added, filled and moved up.
    ["End", " (none)", "F8"],
    ["End", " A", "C-o", "new trigger", "Tab", "> 5%", "M-Up", "F8"],
    ["sev", "F8"],
    # Procedure: the estimate, a step edited, one added below it with its command.
    ["Tab", "5 min", "Tab", "End", " first", "C-o", "new step", "Tab", "cmd --now", "F8"],
    # Components: one added, renamed, its first step edited.
    ["C-o", "End", "-api", "Tab", "End", " first", "F8"],
    ["comm", "F8"],
    ["R", "Tab", "N", "C-o", "Role2", "Tab", "Tab", "@x", "M-Up", "F8"],
    ["End", " group", "Tab", "End", " act", "C-o", "act2", "Tab", "cmd"],
]

KEY_NAMES = {"Tab", "Enter", "Down", "F8", "End", "C-o", "M-Up"}


def typed(tmp_path: Path, name: str, *, burst: bool) -> str:
    """The saved TOML after typing the plan in bursts, or slowly."""
    plan = tmp_path / name / "plan.toml"
    plan.parent.mkdir()
    server = Tmux()
    try:
        server.start(str(BIN), "edit", str(plan))
        wait_for_wizard(server)
        for chunk in PLAN_KEYS:
            if burst:
                # -l would take the key names literally: one call, names and text mixed
                # (tmux sends a word that is not a key name as its characters).
                server.keys(*chunk)
                continue
            for key in chunk:
                for one in [key] if key in KEY_NAMES else list(key):
                    if one == " ":
                        server.keys("Space")
                    else:
                        server.tmux(
                            "send-keys", "-t", "test", "-l", one
                        ) if key not in KEY_NAMES else server.keys(one)
                    time.sleep(0.12)
        server.keys("C-s")
        # A loaded machine may take a while to catch up with the keys.
        server.wait_for(lambda s: "unsaved" not in s and plan.exists(), timeout=120)
        return plan.read_text(encoding="utf-8")
    finally:
        server.kill()


def test_a_plan_typed_in_bursts_is_the_plan_typed_slowly(tmp_path: Path) -> None:
    slow = typed(tmp_path, "slow", burst=False)
    assert 'title = "Fast title"' in slow and "new trigger" in slow and "Role2" in slow
    assert "act2" in slow and "cmd --now" in slow
    fast = typed(tmp_path, "fast", burst=True)
    assert fast == slow
