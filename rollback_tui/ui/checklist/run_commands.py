"""The checklist palette's entries that depend on the mode: a plan's run (Edit plan, Start
a new run, which archives the run first) or a drill (Finish drill)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import SystemCommand

from rollback_tui import store
from rollback_tui.store import run_files, runs

if TYPE_CHECKING:
    from rollback_tui.ui.checklist.checklist_screen import ChecklistScreen


def run_commands(screen: ChecklistScreen) -> list[SystemCommand]:
    if screen.drill is not None:
        return [
            SystemCommand(
                "Finish drill", "End the drill now and show its times", screen.drill.finish
            )
        ]
    return [
        SystemCommand("Edit plan", "Back to the wizard, on this plan", screen.edit_plan),
        SystemCommand(
            "Start a new run",
            "Archive this run (outcomes, timeline) beside the plan, then clear it (asks first)",
            lambda: ask_new_run(screen),
        ),
    ]


def ask_new_run(screen: ChecklistScreen) -> None:
    from rollback_tui.ui.dialogs.choice import Choice

    keeper = screen.keeper
    folder = run_files.runs_dir(keeper.plan_file.path).name

    def answered(answer: str | None) -> None:
        if answer == "reset":
            keeper.app.call_later(new_run, screen)

    keeper.app.push_screen(
        Choice(
            f"Archive this run (every outcome, the timeline, the incident "
            f"start) in {folder}/, then clear the plan's ticks and timeline "
            "for the next run?",
            [("reset", "Archive and clear"), ("cancel", "Cancel")],
        ),
        answered,
    )


async def new_run(screen: ChecklistScreen) -> None:
    """Archive the run and clear the plan (under its lock, merged with the file first)."""
    from rollback_tui.store.lock import LOCK_TIMEOUT

    keeper = screen.keeper
    await keeper.saves.idle()  # a tick being saved is part of this run: no two writers
    try:  # ticks not saved yet are archived too: the plan in memory is the run
        result = runs.reset_loaded(keeper.plan_file, "", keeper.clock(), LOCK_TIMEOUT)
    except store.PlanFileError as exc:
        keeper.notify(str(exc), title="Not reset", severity="error")
        return
    keeper.mark_clean()
    await screen.refresh_plan()  # the same items, all open now: shown in place
    if result.archive is None:
        keeper.notify("Nothing to archive: no outcomes, no timeline.")
    else:
        keeper.notify(
            f"Archived the run in {result.archive.parent.name}/{result.archive.name}; "
            "the checklist is clear for the next run.",
            title="New run",
        )
