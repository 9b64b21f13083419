"""The command line: the only place that parses argv.

The click group is here; its commands live by group in this package's modules (the plan
file's, the run's, the app's, git's), with what they share in output.py. The read-only
commands never import textual, so they start fast.
"""

from __future__ import annotations

import click

from rollback_tui.app_start import LaunchOptions, open_screen
from rollback_tui.cli import measures, plans, repository, screens, ticks
from rollback_tui.cli.screens import ThemeOption


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="rollback-tui")
@ThemeOption
@click.pass_context
def main(ctx: click.Context, theme: str | None) -> None:
    """Write emergency rollback plans, and run them as a checklist.

    With no command, opens the wizard on a new plan.
    """
    ctx.obj = {"theme": theme}
    if ctx.invoked_subcommand is None:
        open_screen(None, LaunchOptions(mode="edit", theme=theme))


for command in (
    screens.edit,
    screens.run,
    screens.drill,
    screens.themes_command,
    plans.new,
    plans.render,
    plans.copy_command,
    plans.check,
    plans.import_command,
    plans.schema_command,
    ticks.tick,
    ticks.status,
    ticks.reset,
    ticks.runs_command,
    repository.merge_driver_command,
    repository.git_setup_command,
    measures.triggers,
):
    main.add_command(command)
