"""What `x` (or `exec`) would run for a step: the command exactly as the Markdown shows it
(the plan's values put in by render.substitute_command), the folder and the timeout; or
why nothing can run."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from rollback_tui.plan.model import DEFAULT_TIMEOUT, ChecklistItem, Plan
from rollback_tui.render import substitute_command, unset_variable

_NAMES = ("TARGET_VERSION", "VERSION", "FEATURE_FLAG", "INCIDENT", "COMPONENT", "UPDATE_INTERVAL")


class NotRunnable(ValueError):
    """The step has no command to run (or its dry run has none), or the command uses a
    value the plan does not give."""


@dataclass(frozen=True)
class Prepared:
    """A step's command, ready to run."""

    item: ChecklistItem
    command: str
    """The text run, as the Markdown shows it."""
    dry_run: bool
    folder: Path
    timeout: int
    """Seconds."""

    @property
    def item_id(self) -> str:
        return self.item.id

    def first_line(self) -> str:
        """The command's line that says what it does (after the assignment lines and
        comments the plan's values may add), for the timeline."""
        lines = [line for line in self.command.splitlines() if line.strip()]
        body = [
            line
            for line in lines
            if not line.lstrip().startswith("#") and not re.match(r"[A-Z_]+='", line)
        ]
        shown = (body or lines or [""])[0].strip()
        more = len(body) > 1
        return shown + (" …" if more else "")


def plan_folder(path: Path, plan: Plan) -> Path:
    """The folder of the plan a session runs: beside *path*, or for a run file (a
    drill's, in PLAN.runs/) the plan's own folder."""
    real = Path(os.path.realpath(path))
    return real.parent.parent if plan.run is not None else real.parent


def component_of(plan: Plan, item_id: str) -> str | None:
    """The name of the component whose step *item_id* is (its $COMPONENT), if any."""
    for component in plan.components:
        if any(step.id == item_id for step in component.steps):
            return component.name
    return None


def prepare(
    plan: Plan, path: Path, item_id: str, *, dry_run: bool = False, timeout: int | None = None
) -> Prepared:
    """The command of step *item_id* of *plan* (loaded from *path*), ready to run.
    Raises KeyError for an unknown id, NotRunnable when there is nothing to run."""
    item = plan.item(item_id)
    if item is None:
        raise KeyError(item_id)
    written = item.dry_run if dry_run else item.command
    what = "dry run" if dry_run else "command"
    if written is None or not written.strip():
        raise NotRunnable(f"{item_id} has no {what} to run")
    variables = plan.variables(component_of(plan, item_id))
    command = substitute_command(written, variables)
    unset = [name for name in _NAMES if unset_variable(name) in command]
    if unset:
        names = ", ".join(f"${name}" for name in unset)
        raise NotRunnable(f"{item_id}: the {what} uses {names}, which the plan gives no value")
    folder = plan_folder(path, plan)
    if item.directory and item.directory.strip():
        folder = folder / os.path.expanduser(item.directory.strip())
    seconds = timeout or item.timeout or plan.command_timeout or DEFAULT_TIMEOUT
    return Prepared(item, command, dry_run, folder, seconds)
