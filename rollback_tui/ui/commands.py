"""The command palette (ctrl+p): the app's commands, then the shown screen's own."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol

from textual.app import SystemCommand
from textual.screen import Screen

from rollback_tui.ui.checklist.checklist_screen import ChecklistScreen
from rollback_tui.ui.checklist.from_wizard import run_checklist
from rollback_tui.ui.wizard.steps import STEPS
from rollback_tui.ui.wizard.wizard_screen import WizardScreen

if TYPE_CHECKING:
    from rollback_tui.run.drill import Drill
    from rollback_tui.ui.flows.plan_flows import PlanFlows


class Commanding(Protocol):
    """What the palette needs of the app (this module never imports it)."""

    flows: PlanFlows
    drill: Drill | None

    def checklist_screen(self) -> ChecklistScreen: ...
    def action_save(self) -> None: ...
    def action_save_as(self) -> None: ...
    def action_open(self) -> None: ...
    def action_copy(self) -> None: ...
    def action_change_theme(self) -> None: ...
    async def action_quit(self) -> None: ...


def system_commands(
    app: Commanding, screen: Screen[Any], inherited: Iterable[SystemCommand]
) -> Iterator[SystemCommand]:
    """Every palette entry for *screen*; *inherited* are Textual's own (Keys, Screenshot,
    …), kept except the two ours replace."""
    yield SystemCommand("Save", "Save the plan (TOML and Markdown)", app.action_save)
    yield SystemCommand("Save as…", "Save the plan under a new path", app.action_save_as)
    if app.drill is None:  # a drill's ticks must never reach another plan's run
        yield SystemCommand("Open…", "Open another plan", app.action_open)
    yield SystemCommand("Copy Markdown", "Copy the rendered plan to the clipboard", app.action_copy)
    if isinstance(screen, WizardScreen):
        yield from wizard_commands(screen)
        yield SystemCommand(
            "Run checklist",
            "Save, then tick the plan's steps",
            partial(run_checklist, app.flows, app.checklist_screen),
        )
    if isinstance(screen, ChecklistScreen):
        yield from screen.system_commands()
    yield SystemCommand(
        "Switch theme", "Pick a colour theme; the choice is remembered", app.action_change_theme
    )
    for command in inherited:
        if command.title not in ("Quit", "Theme"):  # ours ask first, and say more
            yield command
    yield SystemCommand("Quit", "Quit (asks first if there are unsaved changes)", app.action_quit)


def wizard_commands(screen: WizardScreen) -> Iterator[SystemCommand]:
    for step in STEPS:
        yield SystemCommand(
            f"Go to {step.title}",
            f"Show the {step.title} step",
            partial(screen.show_step, step.key),
        )
    yield SystemCommand("Next step", "Show the next step", screen.action_next_step)
    yield SystemCommand("Previous step", "Show the previous step", screen.action_previous_step)
    yield SystemCommand(
        "Toggle preview", "Show or hide the Markdown preview", screen.action_toggle_preview
    )
