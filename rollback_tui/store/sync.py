"""Keeping an open plan in step with its file while someone else writes to it too.

A `rollback-tui tick` from another terminal or a hand edit changes the file under an open
checklist. Here it is noticed cheaply (a stat, and a hash only when the time or size
moved) and merged by item id, and a save that finds the file changed merges instead of
overwriting. No UI: the checklist tells the user what happened.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import replace
from pathlib import Path

from rollback_tui import store
from rollback_tui.plan.merge import MergeSummary, merge, summarize
from rollback_tui.store import file_safety

MERGE_ATTEMPTS = 3
"""A save that finds the file changed again and again gives up after this many merges."""


def changed_on_disk(plan_file: store.PlanFile) -> bool:
    """Whether the file's content differs from what was last loaded or saved.

    A stat first; the file is read and hashed only when its time or size moved. A file
    rewritten with the same bytes (touched) is not a change: its new time is remembered.
    A file that cannot be read now is not reported as changed.
    """
    identity = plan_file.identity
    if identity is None:
        return False
    try:
        st = os.stat(plan_file.path)
    except OSError:
        return False
    if (st.st_mtime_ns, st.st_size) == (identity.mtime_ns, identity.size):
        return False
    try:
        data = file_safety.read_regular(Path(plan_file.path))
    except store.PlanFileError:
        return st.st_size > file_safety.MAX_PLAN_BYTES  # loading it says why
    digest = hashlib.sha256(data).hexdigest()
    if digest == identity.sha256:
        plan_file.identity = store.FileIdentity(st.st_mtime_ns, st.st_size, digest)
        return False
    return True


def merge_from_disk(plan_file: store.PlanFile) -> MergeSummary:
    """Load the file as it is now and merge this side's ticks, unticks and notes into it.

    The text read from disk replaces the one in memory, so the next save keeps the
    other side's edits and comments. Raises PlanFileError if the file cannot be used; the
    plan in memory is then left as it was.
    """
    disk = store.load(plan_file.path)
    summary = summarize(plan_file.plan, disk.plan)
    if summary.other_run:  # reset since: this run's outcomes go to its archive
        from rollback_tui.store.run_files import carry_to_archive

        with contextlib.suppress(store.PlanFileError):
            archive, carried = carry_to_archive(plan_file.path, plan_file.plan)
            if archive is not None:
                summary = replace(summary, archive=archive.name, carried=carried)
    plan_file.plan = merge(plan_file.plan, disk.plan)
    plan_file.use_source(disk)
    plan_file.identity = disk.identity
    plan_file.unknown_keys = disk.unknown_keys
    return summary


def save_merging(
    plan_file: store.PlanFile, *, replace_read_only: bool = False
) -> list[MergeSummary]:
    """Save now; if the file changed since it was read, merge it in and save again.

    Returns the merges made (usually none). Raises PlanFileError when the file cannot be
    read or written, or kept changing through every attempt: never overwrites it blindly.
    """
    merges: list[MergeSummary] = []
    for _ in range(MERGE_ATTEMPTS):
        try:
            store.save(plan_file, replace_read_only=replace_read_only)
        except store.ConflictError:
            merges.append(merge_from_disk(plan_file))
            continue
        except store.PartialSaveError as exc:  # the plan is saved, with these merges in it
            exc.merges = merges
            raise
        return merges
    raise store.ConflictError(
        f"{plan_file.path}: kept changing on disk while saving; not saved (try again)"
    )


def merge_message(name: str, summary: MergeSummary) -> str:
    """What a merge did, in a sentence or two, for a notification."""
    if summary.other_run:
        message = f"{name} was reset for a new run: showing the new run, nothing ticked yet"
        if summary.carried:
            message += (
                f"; {summary.carried} outcome{'s' * (summary.carried != 1)} made here went to "
                f"the old run's record, {summary.archive}"
            )
        elif summary.archive:
            message += f" (the last run is kept in {summary.archive})"
        return message + "."
    theirs, mine = len(summary.disk), len(summary.local)
    if theirs:
        message = (
            f"{name} changed on disk: merged {theirs} timeline "
            f"event{'s' * (theirs != 1)} from there"
        )
    else:
        message = f"{name} changed on disk: reloaded it (no new timeline events there)"
    if mine:
        message += f"; your {mine} kept"
    if summary.lost_items:
        message += f". No longer in the plan: {', '.join(summary.lost_items)}"
    return message + "."
