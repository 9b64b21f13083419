"""git's side of plan files: the merge driver git runs, and git-setup that installs it."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from rollback_tui import store
from rollback_tui.cli.output import PathArg, fail, say


@click.command("merge-driver", short_help="git's merge driver for plan files (by item id).")
@click.argument("base", type=PathArg)
@click.argument("ours", type=PathArg)
@click.argument("theirs", type=PathArg)
@click.argument("name", required=False, default="")
def merge_driver_command(base: Path, ours: Path, theirs: Path, name: str) -> None:
    """git's merge driver for plan files: `merge-driver %O %A %B %P`.

    Merges the plan by item id into OURS (ticks, outcomes and notes of both sides) and
    re-renders the Markdown beside NAME. Exit 0 when merged, 1 on a conflict (conflict
    markers in OURS around the fields both sides changed). Set up by `git-setup`.
    """
    from rollback_tui.git import driver as merge_driver

    try:
        outcome = merge_driver.main(str(base), str(ours), str(theirs), name)
    except store.PlanFileError as exc:
        fail(str(exc))
    say(f"rollback-tui: {outcome.message}", err=True)
    sys.exit(outcome.code)


@click.command("git-setup", short_help="Let git merge plan files by item id.")
@click.argument("plans", nargs=-1, type=PathArg)
@click.option(
    "-C",
    "repo",
    type=click.Path(path_type=Path, file_okay=False),
    default=".",
    help="The repository (default: the current folder).",
)
def git_setup_command(plans: tuple[Path, ...], repo: Path) -> None:
    """Let git merge plan files by item id: the merge driver in .git/config, the plans
    (PLANS, or every tracked plan file) and their Markdown in .gitattributes.

    Run it once in every clone (.git/config is not shared); commit .gitattributes.
    Running it again changes nothing.
    """
    from rollback_tui.git import configure as git_setup

    try:
        report = git_setup.setup(repo, list(plans) or None)
    except git_setup.SetupError as exc:
        fail(str(exc))
    if not report.plans:
        say("No plan files tracked in this repository: name them, `rollback-tui git-setup PATH...`")
    for change in report.changes:
        say(f"Set {change}", lines=False)
    if not report.changes:
        say("Already set up; nothing changed.")
    elif any(c.startswith(".gitattributes") for c in report.changes):
        say("Commit .gitattributes so that every clone merges plans this way.")
