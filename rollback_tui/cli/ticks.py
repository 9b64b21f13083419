"""The run from the command line: tick, status, and the archived runs (reset, runs)."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Literal, TypedDict

import click

from rollback_tui import store
from rollback_tui.bulk_work import many_objects
from rollback_tui.cli.output import PathArg, fail, json_visible, read_plan, say
from rollback_tui.completion import complete_item_ids
from rollback_tui.locations import default_user
from rollback_tui.plan.model import ItemState, utc_now
from rollback_tui.plan.timeline import (
    IRREVERSIBLE_CONFIRMED,
    Outcome,
    Progress,
    mark_item,
    tick_item,
    unconfirmed,
)
from rollback_tui.plan.trigger_states import last_states
from rollback_tui.plan.update_clock import update_clock
from rollback_tui.store import sync


@click.command(short_help="Tick (or untick) items by id; saved at once.")
@click.argument("path", type=PathArg)
@click.argument("ids", nargs=-1, required=True, shell_complete=complete_item_ids)
@click.option("--undo", is_flag=True, help="Take back the outcome: the items are open again.")
@click.option(
    "--skip", "skip_reason", metavar="REASON", help="Mark the items skipped on purpose, saying why."
)
@click.option(
    "--failed",
    "fail_reason",
    metavar="REASON",
    help="Mark the items failed, saying what went wrong.",
)
@click.option(
    "--irreversible",
    "confirmed",
    is_flag=True,
    help="Confirm ticking a step that cannot be undone (a database down-migration): "
    "without it such a step is refused. Not needed to skip, fail or undo.",
)
@click.option("--by", help="Who did it (default: your login name).")
@click.option("--force", is_flag=True, help="Save even if the plan is read-only.")
def tick(
    path: Path,
    ids: tuple[str, ...],
    undo: bool,
    skip_reason: str | None,
    fail_reason: str | None,
    confirmed: bool,
    by: str | None,
    force: bool,
) -> None:
    """Tick checklist items by id (or skip them, fail them, or undo); both files are
    saved at once.

    Ticking an irreversible step done needs --irreversible, as the checklist asks for the
    word typed: without it nothing is saved (exit 2), and with it the timeline records who
    confirmed. Skipping it, failing it or taking an outcome back runs nothing, so they
    need no confirmation.
    """
    if sum([undo, skip_reason is not None, fail_reason is not None]) > 1:
        fail("tick: use one of --undo, --skip and --failed")
    reason = skip_reason if skip_reason is not None else fail_reason
    if reason is not None and not reason.strip():
        fail("tick: --skip and --failed need a reason")
    from rollback_tui.store import journal
    from rollback_tui.store.lock import CLI_LOCK_TIMEOUT, plan_lock

    who = by or default_user()
    problem = None
    try:
        # Read, change and write under the lock: a reset or a save by the app in between
        # cannot be undone by this tick, nor this tick land in a run that has ended. The
        # cycle collector waits until the tick is saved (many_objects): a pass over a long
        # plan's objects once it is read cost more than the tick (0.4 s at 9 MB).
        with plan_lock(path, CLI_LOCK_TIMEOUT), many_objects():
            journal.replay(path, CLI_LOCK_TIMEOUT)  # what a hang-up kept, first
            plan_file = store.load(path)
            plan = plan_file.plan
            found = plan.items_held(ids)  # one walk of a long plan for them all
            missing = [i for i in ids if i not in found]
            if missing:
                known = ", ".join(item.id for _, _, item in plan.checklist()[:8])
                fail(
                    f"{path}: no checklist item with id {', '.join(missing)} "
                    f"(ids look like: {known})"
                )
            items = {i: found[i][0] for i in ids}
            ticking = reason is None and not undo
            irreversible = unconfirmed(items.values()) if ticking else []
            if irreversible and not confirmed:
                steps = ", ".join(f"{i.id} ({i.text.strip() or 'no text'})" for i in irreversible)
                fail(
                    f"{path}: not ticked, cannot be undone: {steps}; add --irreversible to confirm"
                )
            confirmation = {i.id: IRREVERSIBLE_CONFIRMED for i in irreversible}
            if reason is not None:
                outcome: Outcome = "skipped" if skip_reason is not None else "failed"
                changed = [i for i in items if mark_item(plan, items[i], outcome, reason, who)]
            else:
                changed = [
                    i
                    for i in items
                    if tick_item(plan, items[i], not undo, who, text=confirmation.get(i))
                ]
            if changed:
                # The save compares only the tables that hold them with the text.
                plan_file.changed_only(changed, [found[i][1] for i in changed])
                sync.save_merging(plan_file, replace_read_only=force)
            else:  # a save that stopped half-way is finished by the next tick
                store.finish_markdown(path, plan_file.plan, CLI_LOCK_TIMEOUT)
            # Let go of the plan while the collector still waits: back, it would first pass
            # over every object of a long plan still held (0.13 s at 9 MB).
            del plan_file, plan, found, items, irreversible
    except store.PartialSaveError as exc:
        problem = str(exc)  # the ticks are saved: say so, then what was not written
    except store.PlanFileError as exc:
        fail(str(exc))
    if skip_reason is not None:
        verb, state = "Skipped", "skipped"
    elif fail_reason is not None:
        verb, state = "Marked failed", "failed"
    else:
        verb, state = ("Unticked", "unticked") if undo else ("Ticked", "ticked")
    for i in ids:
        say(f"{verb} {i}" if i in changed else f"{i} was already {state}")
    if problem is not None:
        fail(problem)


class _StatusRow(TypedDict):
    """One checklist item as `status` lists it (and `status --json` prints it)."""

    id: str
    section: str
    text: str
    done: bool
    done_at: str | None
    done_by: str | None
    state: ItemState
    outcome: Literal["skipped", "failed"] | None
    reason: str | None
    irreversible: bool


@click.command(short_help="List every checklist item and its state.")
@click.argument("path", type=PathArg)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def status(path: Path, as_json: bool) -> None:
    """List every checklist item: id, section, text and state (open, done, skipped or
    failed); then when the next status update is due."""
    from rollback_tui.store import journal

    if journal.journals(path):  # what a hang-up kept: merged in first, where it can be
        from rollback_tui.store.lock import CLI_LOCK_TIMEOUT

        with contextlib.suppress(store.PlanFileError, OSError):
            journal.replay(path, CLI_LOCK_TIMEOUT)
    plan, _ = read_plan(path)
    rows: list[_StatusRow] = [
        {
            "id": item.id,
            "section": section,
            "text": item.text,
            "done": item.done,
            "done_at": item.done_at.isoformat() if item.done_at else None,
            "done_by": item.done_by,
            "state": item.state,
            "outcome": item.outcome,
            "reason": item.reason,
            "irreversible": item.irreversible,
        }
        for section, _, item in plan.checklist(active=True)
    ]
    clock = update_clock(plan, utc_now())
    if as_json:
        # JSON escapes C0 controls itself; the others become \\uXXXX escapes (valid JSON).
        say(json_visible(json.dumps(rows, indent=2, ensure_ascii=False)))
        return
    width = max((len(r["id"]) for r in rows), default=2)
    marks = {"open": " ", "done": "x", "skipped": "s", "failed": "f"}
    for row in rows:
        when = ""
        if row["state"] != "open":  # only what is known: an imported [x] has no who or when
            known = [
                row["state"],
                row["done_at"] or "",
                f"by {row['done_by']}" if row["done_by"] else "",
            ]
            when = f"  ({' '.join(part for part in known if part)}"
            when += f": {row['reason']})" if row["reason"] else ")"
        say(f"[{marks[row['state']]}] {row['id']:<{width}}  {row['section']}: {row['text']}{when}")
    progress = Progress.of(plan.all_items(active=True))
    say(progress.counts())
    if clock is not None:
        say(clock.describe())
    for name, last in last_states(plan).items():
        said = last.text.removeprefix(f"{name} ")  # "firing: 0.074", "quiet again"
        say(f"Trigger {name}: {said} (measured {last.at:%Y-%m-%d %H:%M:%S} UTC)")


@click.command(short_help="Archive the current run, then clear ticks and timeline.")
@click.argument("path", type=PathArg)
@click.option("--label", default="", help="A name for the run: the incident's ticket, ...")
def reset(path: Path, label: str) -> None:
    """Archive the plan's current run in PLAN.runs/, then clear its ticks and timeline.

    The run file (TOML and Markdown) is written and synced before the plan is cleared; if a
    reset is cut short, running it again finishes it without a second archive.
    """
    from rollback_tui.plan.model import utc_now
    from rollback_tui.store import runs

    try:
        result = runs.reset(path, label, utc_now())
    except store.PlanFileError as exc:
        fail(str(exc))
    if result.archive is None:
        say(f"{path}: no run to archive (no outcomes, no timeline); nothing changed", lines=False)
        return
    again = " (found from an earlier reset)" if result.resumed else ""
    say(
        f"Archived the run in {result.archive}{again}; {path} is cleared for the next run",
        lines=False,
    )


@click.command("runs", short_help="List the plan's archived runs and drills.")
@click.argument("path", type=PathArg)
def runs_command(path: Path) -> None:
    """List the plan's archived runs and drills: kind, label, start, duration, outcomes."""
    from rollback_tui.store import run_files, runs

    read_plan(path)  # a plan that cannot be read is refused as everywhere
    try:
        found, problems = runs.list_runs(path)
    except store.PlanFileError as exc:
        fail(str(exc))
    if not found:
        say(f"No runs yet in {run_files.runs_dir(path)}", lines=False)
    for r in found:
        say(r.line(), lines=False)
    for problem in problems:
        say(f"rollback-tui: skipped {problem}", err=True, lines=False)
