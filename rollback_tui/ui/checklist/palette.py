"""The checklist's entries in the command palette: the screen's actions, the templates to
copy, and those of the mode: a plan's run (Edit plan, Start a new run, which archives the
run first) or a drill (Finish drill)."""

from __future__ import annotations

from functools import partial
from typing import Protocol

from textual.app import SystemCommand

from rollback_tui import store
from rollback_tui.run.session import RunSession
from rollback_tui.store import run_files
from rollback_tui.ui.keeper import PlanKeeper


class ChecklistActions(Protocol):
    """What the palette runs on the checklist screen (this module never imports it)."""

    @property
    def keeper(self) -> PlanKeeper: ...
    @property
    def session(self) -> RunSession: ...
    async def action_incident_start(self) -> None: ...
    def action_note(self) -> None: ...
    def action_toggle_timeline(self) -> None: ...
    def action_next_unticked(self) -> None: ...
    def action_skip_item(self) -> None: ...
    def action_fail_item(self) -> None: ...
    def action_run_command(self) -> None: ...
    def action_dry_run_command(self) -> None: ...
    async def send_update(self, title: str, text: str) -> None: ...
    async def edit_plan(self) -> None: ...
    async def refresh_plan(self) -> None: ...


def checklist_commands(screen: ChecklistActions) -> list[SystemCommand]:
    """The checklist's entries in the command palette."""
    commands = [
        *run_commands(screen),
        SystemCommand(
            "Mark incident start", "Record when the incident started", screen.action_incident_start
        ),
        SystemCommand("Add note", "Add a note to the timeline", screen.action_note),
        SystemCommand(
            "Toggle timeline", "Show or hide the timeline", screen.action_toggle_timeline
        ),
        SystemCommand(
            "Next unticked item", "Go to the next item not yet done", screen.action_next_unticked
        ),
        SystemCommand(
            "Skip step", "Mark the focused step skipped, saying why (s)", screen.action_skip_item
        ),
        SystemCommand(
            "Mark step failed",
            "Mark the focused step failed, saying why (f)",
            screen.action_fail_item,
        ),
        SystemCommand(
            "Run step's command",
            "Show the focused step's command as it will run, and ask (x)",
            screen.action_run_command,
        ),
        SystemCommand(
            "Dry run step's command",
            "Run the focused step's dry run: recorded, the step unchanged (d)",
            screen.action_dry_run_command,
        ),
    ]
    for title, text in screen.session.templates():
        commands.append(
            SystemCommand(
                f"Copy the {title} template",
                "With the plan's values filled in; records the update sent, restarts the clock",
                partial(screen.send_update, title, text),
            )
        )
    return commands


def run_commands(screen: ChecklistActions) -> list[SystemCommand]:
    """The entries of the mode: Finish drill, or Edit plan and Start a new run."""
    session = screen.session
    if session.drill is not None:
        return [
            SystemCommand(
                "Finish drill", "End the drill now and show its times", session.finish_drill
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


def ask_new_run(screen: ChecklistActions) -> None:
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


async def new_run(screen: ChecklistActions) -> None:
    """Archive the run and clear the plan (under its lock, merged with the file first)."""
    keeper = screen.keeper
    await keeper.saves.idle()  # a tick being saved is part of this run: no two writers
    try:
        result = screen.session.new_run()
    except store.PlanFileError as exc:
        keeper.notify(str(exc), title="Not reset", severity="error")
        return
    await screen.refresh_plan()  # the same items, all open now: shown in place
    if result.archive is None:
        keeper.notify("Nothing to archive: no outcomes, no timeline.")
    else:
        keeper.notify(
            f"Archived the run in {result.archive.parent.name}/{result.archive.name}; "
            "the checklist is clear for the next run.",
            title="New run",
        )
