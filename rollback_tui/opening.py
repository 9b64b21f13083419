"""Opening a plan for the wizard or the checklist, whichever front end shows it (the app,
plain mode): a new plan made as `new` makes it, or a plan read with what a hang-up kept
merged in first. No UI."""

from __future__ import annotations

import contextlib
from pathlib import Path

from rollback_tui import plan_schema, store
from rollback_tui.plan import new_plan


def open_plan(path: Path | None) -> tuple[store.PlanFile, bool, bool]:
    """The plan file to edit: (plan file, untitled, loaded). Raises PlanFileError."""
    if path is not None and (path.exists() or path.is_symlink()):
        return load_replayed(path), False, True
    plan_file = store.new_file(Path("plan.toml") if path is None else path, new_plan())
    plan_schema.start_with_directive(plan_file, plan_schema.configured_location())
    return plan_file, path is None, False


def load_replayed(path: Path) -> store.PlanFile:
    """The plan at *path*, with the outcomes a hang-up kept in a journal merged in first
    (left for later if the plan is locked or cannot be written now). Raises PlanFileError
    if the plan cannot be used."""
    from rollback_tui.store import journal

    if journal.journals(path):  # rare: the lock and the merge are loaded only then
        from rollback_tui.store.lock import CLI_LOCK_TIMEOUT

        with contextlib.suppress(store.PlanFileError, OSError):
            journal.replay(path, CLI_LOCK_TIMEOUT)
    return store.load(path)
