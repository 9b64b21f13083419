"""A save of the open plan, wherever it runs: the copy that is saved, what the save did,
and taking what it wrote as the open plan's file state.

The checklist's saves run in a thread (ui/keeper/background_save.py) and a headless run
saves on its own thread (run/holder.py); both make the copy, run the save and adopt its
outcome the same way, here. No UI, no thread of its own.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable
from dataclasses import dataclass, field

from rollback_tui import store
from rollback_tui.plan.copying import copy_model
from rollback_tui.plan.defaults import number_items
from rollback_tui.plan.merge import MergeSummary, merge

Job = Callable[[store.PlanFile], list[MergeSummary]]
"""The save itself, run on the copy; returns the merges it made."""


@dataclass
class SaveOutcome:
    """What a save did."""

    copy: store.PlanFile
    """The copy that was saved (its text, identity and, after a merge, its plan)."""
    edits: int
    """The count of edits when the copy was made."""
    merges: list[MergeSummary] = field(default_factory=list)
    error: store.PlanFileError | None = None
    """Why nothing was saved."""
    partial: store.PartialSaveError | None = None
    """The plan was saved but its Markdown was not: a save all the same, with a warning."""


def copy_of(plan_file: store.PlanFile) -> store.PlanFile:
    """A copy of *plan_file* whose plan a thread may save while the UI changes the original.

    The plan is copied field by field (`copy_model`: no list or model shared, about a
    quarter of the time of pydantic's deep copy on the UI thread). The parsed document is
    shared: only saves use it, and they run one at a time.
    """
    scratch = copy.copy(plan_file)
    scratch.plan = copy_model(plan_file.plan)
    scratch.unknown_keys = list(plan_file.unknown_keys)
    return scratch


def save_copy(scratch: store.PlanFile, edits: int, job: Job) -> SaveOutcome:
    """Run *job* on *scratch* (made when the count of edits was *edits*) and say what it
    did. Never raises: a failure, even a bug, is the outcome's error."""
    outcome = SaveOutcome(scratch, edits)
    try:
        outcome.merges = job(scratch)
    except store.PartialSaveError as exc:
        outcome.merges, outcome.partial = exc.merges, exc
    except store.PlanFileError as exc:
        outcome.error = exc
    except Exception as exc:  # a bug must not leave the save pending forever
        outcome.error = store.PlanFileError(
            f"{scratch.path}: not saved: {exc or type(exc).__name__}"
        )
    if outcome.error is None:
        with contextlib.suppress(Exception):
            scratch.read_back()
    return outcome


def adopt(plan_file: store.PlanFile, outcome: SaveOutcome, *, edited_since: bool) -> None:
    """Take what a successful save wrote as *plan_file*'s file state.

    After a merge the saved plan holds the other side's changes: it becomes the plan,
    with any edit made here since the copy merged into it again (by item id).
    """
    saved = outcome.copy
    plan_file.source, plan_file._raw = saved.source, saved._raw
    plan_file._document, plan_file.fresh = saved._document, saved.fresh
    plan_file.identity = saved.identity
    plan_file.unknown_keys = saved.unknown_keys
    if outcome.merges:
        plan_file.plan = merge(plan_file.plan, saved.plan) if edited_since else saved.plan


def number_before_first_save(plan_file: store.PlanFile) -> None:
    """A plan never saved has its items numbered in step order, as `new` numbers them
    (choices and added steps took free numbers); once saved, its ids stay: ticks and
    merges refer to them. Every wizard (the full-screen one, plain mode) calls it before
    a save."""
    if plan_file.fresh:
        number_items(plan_file.plan)


def save_draft(plan_file: store.PlanFile, *, force: bool = False) -> None:
    """The wizard's save, on this thread: the items numbered if the plan was never saved,
    then the plan and its Markdown written. Refuses (ConflictError) when the file changed
    since it was read, unless *force*. Raises PlanFileError (PartialSaveError: the plan
    was saved, its Markdown was not)."""
    number_before_first_save(plan_file)
    store.save(plan_file, force=force)
