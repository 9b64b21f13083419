"""The command line: the only place that parses argv.

The click group is here; its commands live by group in this package's modules (the plan
file's, the run's, the app's, git's), with what they share in output.py. A command's module
is imported only when that command runs (or --help lists them all): `status` or `check` in a
pre-commit hook loads neither the wizard's defaults nor the renderer nor textual.
"""

from __future__ import annotations

import importlib

import click

from rollback_tui.cli.output import PlainOption, ThemeOption

COMMANDS: dict[str, tuple[str, str]] = {
    "edit": ("screens", "edit"),
    "run": ("screens", "run"),
    "drill": ("screens", "drill"),
    "themes": ("screens", "themes_command"),
    "new": ("plans", "new"),
    "render": ("plans", "render"),
    "copy": ("plans", "copy_command"),
    "check": ("plans", "check"),
    "import": ("plans", "import_command"),
    "schema": ("plans", "schema_command"),
    "tick": ("ticks", "tick"),
    "status": ("ticks", "status"),
    "reset": ("ticks", "reset"),
    "runs": ("ticks", "runs_command"),
    "merge-driver": ("repository", "merge_driver_command"),
    "git-setup": ("repository", "git_setup_command"),
    "publish": ("publishing", "publish"),
    "update": ("publishing", "update"),
    "report": ("publishing", "report"),
    "triggers": ("measures", "triggers"),
    "exec": ("exec_step", "exec_command"),
}
"""Each command's name: its module in this package and its name there."""


class Commands(click.Group):
    """A group whose commands are imported when used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, name = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(f"rollback_tui.cli.{module}"), name)
        assert isinstance(command, click.Command)
        return command


@click.group(
    cls=Commands,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(package_name="rollback-tui")
@ThemeOption
@PlainOption
@click.pass_context
def main(ctx: click.Context, theme: str | None, plain: bool | None) -> None:
    """Write emergency rollback plans, and run them as a checklist.

    With no command, opens the wizard on a new plan.
    """
    ctx.obj = {"theme": theme, "plain": plain}
    if ctx.invoked_subcommand is None:
        from rollback_tui.app_start import LaunchOptions, open_screen

        open_screen(None, LaunchOptions(mode="edit", theme=theme, plain=plain))
