"""Plans with commands to run, and what /proc says is still running."""

from __future__ import annotations

import random
import time
from pathlib import Path

PLAN = """\
schema_version = 1
title = "Commands"
version = "v2.4.0"
incident = "checkout 5xx; \\"paid\\" orders lost"

[[components]]
name = "shop"
{steps}
"""


def step(item_id: str, command: str, **fields: str | int | bool) -> str:
    """A component step as TOML."""
    lines = ["", "[[components.steps]]", f'id = "{item_id}"', f'text = "Step {item_id}"']
    lines.append(f"command = '''{command}'''")
    for key, value in fields.items():
        if isinstance(value, bool):
            lines.append(f"{key} = {'true' if value else 'false'}")
        elif isinstance(value, int):
            lines.append(f"{key} = {value}")
        else:
            lines.append(f"{key} = '''{value}'''")
    return "\n".join(lines) + "\n"


def write_plan(folder: Path, *steps: str) -> Path:
    path = folder / "plan.toml"
    path.write_text(PLAN.format(steps="".join(steps)), "utf-8")
    return path


def token() -> str:
    """A number no other process has on its command line (a `sleep` to find in /proc)."""
    return str(random.randint(10**8, 10**9))


def processes_with(text: str) -> list[int]:
    """The pids whose command line holds *text* (and are not zombies)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if text in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def wait_for(check: object, seconds: float = 10.0) -> bool:
    """Wait until *check()* is true (a callable), up to *seconds*."""
    assert callable(check)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.05)
    return bool(check())


def logs(path: Path) -> list[Path]:
    """The command logs of the plan at *path*, oldest first."""
    return sorted((path.parent / "plan.runs" / "logs").glob("*/*.log"))
