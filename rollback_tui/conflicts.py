"""Two writers of one plan: a lock on a sidecar file around each save, and what a change
made by someone else allows (a merge by item id only when ticks and the timeline alone
differ). No UI: the app and the command line say what happened.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from rollback_tui.plan.model import Plan
from rollback_tui.store import PlanFileError

LOCK_TIMEOUT = 0.5
"""Seconds a save in the app waits for another writer; the UI must never hang for long."""
CLI_LOCK_TIMEOUT = 5.0
"""The command line can wait longer: nobody is typing into it."""


class LockBusyError(PlanFileError):
    """Another rollback-tui holds the plan's lock: it is saving the same plan."""


def lock_path(path: Path) -> Path:
    """The sidecar lock file of the plan at *path* (beside its real file, hidden)."""
    target = Path(os.path.realpath(path))
    return target.with_name(f".{target.name}.lock")


@contextmanager
def plan_lock(path: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the plan's lock; raises LockBusyError after *timeout* seconds.

    Re-entrant within one process (the command line holds it from load to save, and the
    save takes it again). Where no lock file can be made (a missing or read-only folder)
    the save goes on unlocked and reports its own, clearer, error.
    """
    where = lock_path(path)
    if not where.parent.is_dir():  # filelock would make the folder: the save must refuse
        yield
        return
    lock = FileLock(where, is_singleton=True)
    try:
        lock.acquire(timeout=timeout)
    except Timeout:
        raise LockBusyError(f"{path}: another rollback-tui is saving this plan; "
                            "try again in a moment") from None
    except OSError:
        yield
        return
    try:
        yield
    finally:
        lock.release()


def _content(plan: Plan) -> Plan:
    """*plan* without its outcomes and timeline: what a merge by item id would not carry."""
    bare = plan.model_copy(deep=True)
    bare.timeline = []
    for _, _, item in bare.checklist():
        item.done, item.done_at, item.done_by = False, None, None
        item.outcome, item.reason = None, None
    return bare


def ticks_only(a: Plan, b: Plan) -> bool:
    """Whether *a* and *b* differ in ticks and the timeline alone."""
    return _content(a) == _content(b)


def can_merge(mine: Plan, disk: Plan, base: Plan | None) -> bool:
    """Whether merging *mine* into *disk* by item id loses nothing of either side.

    True when this side changed only ticks and the timeline since *base* (what was
    loaded), or when the two differ only there.
    """
    return ticks_only(mine, disk) or (base is not None and ticks_only(mine, base))
