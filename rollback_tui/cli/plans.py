"""The commands on a plan file: new, render, copy, check, import and schema."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from rollback_tui import store
from rollback_tui.cli.output import (
    EXIT_FINDINGS,
    OutputOption,
    PathArg,
    fail,
    json_visible,
    print_or_write,
    read_plan,
    say,
    say_lines,
)
from rollback_tui.plan.model import DeploymentType


@click.command(short_help="Write a complete pre-filled plan and its Markdown.")
@click.argument("path", type=PathArg)
@click.option("--title", default="", help="The feature or change being rolled back.")
@click.option("--incident", default="", help="The incident summary or link.")
@click.option("--version", "version_", default="", help="The live version ($VERSION).")
@click.option("--target-version", default="", help="The last known good version.")
@click.option(
    "--db-impact",
    type=click.Choice(["yes", "no"]),
    default="no",
    help="Does the change touch the database?",
)
@click.option("--feature-flag", default="", help="The feature flag that gates the change.")
@click.option(
    "--deployment-type",
    type=click.Choice([t.value for t in DeploymentType]),
    default="rolling",
    help="How the change was deployed.",
)
@click.option("--component", "components", multiple=True, help="An affected component.")
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
@click.option(
    "--schema",
    "schema_location",
    metavar="URL-OR-PATH",
    help="Start the file with a `#:schema` directive naming the plan's JSON Schema "
    "(see `rollback-tui schema`), for editors with Taplo / Even Better TOML; "
    "default: plan_schema in the user config, if set.",
)
def new(
    path: Path,
    title: str,
    incident: str,
    version_: str,
    target_version: str,
    db_impact: str,
    feature_flag: str,
    deployment_type: str,
    components: tuple[str, ...],
    force: bool,
    schema_location: str | None,
) -> None:
    """Write a complete pre-filled plan to PATH and its Markdown beside it."""
    if path.exists() and not force:
        fail(f"{path}: already exists; use --force to replace it, or `edit` to change it")
    from rollback_tui.plan.choices import new_plan

    plan = new_plan(
        title=title,
        incident=incident,
        version=version_,
        target_version=target_version,
        db_impact=db_impact == "yes",
        feature_flag=feature_flag,
        deployment_type=DeploymentType(deployment_type),
        components=components,
    )
    from rollback_tui import plan_schema

    if schema_location is not None and not plan_schema.valid_location(schema_location):
        fail(f"new: --schema must be a path or URL on one line, not {schema_location!r}")
    plan_file = store.new_file(path, plan)
    # Kept above the plan by every save; the user config may name one for every new plan.
    plan_schema.start_with_directive(
        plan_file, schema_location or plan_schema.configured_location()
    )
    try:
        store.save(plan_file, force=True, replace_read_only=force)
    except store.PlanFileError as exc:
        fail(str(exc))
    say(f"Wrote {path} and {plan_file.markdown_path}")


@click.command(short_help="Print the plan's Markdown (or write it to a file).")
@click.argument("path", type=PathArg)
@OutputOption
@click.option(
    "--format",
    "form",
    type=click.Choice(["markdown", "text"]),
    default="markdown",
    show_default=True,
    help="text: plain text for ticket systems that show Markdown raw (no escapes, "
    "no table pipes, checkboxes as [ ] and [x]).",
)
def render(path: Path, output: Path | None, form: str) -> None:
    """Print the plan's Markdown, or plain text (or write it to a file)."""
    plan, _ = read_plan(path)
    if form == "text":
        from rollback_tui.render.plain_text import render_text

        document = render_text(plan)
    else:
        from rollback_tui.render import render_markdown

        document = render_markdown(plan)
    print_or_write(document, output)
    _finish_markdown(path, plan)


def _finish_markdown(path: Path, plan: store.Plan) -> None:
    """Bring the plan's own Markdown up to date if a save stopped half-way (a note on
    stderr if it cannot be; what was asked for is done either way)."""
    from rollback_tui.store.lock import CLI_LOCK_TIMEOUT

    try:
        store.finish_markdown(path, plan, CLI_LOCK_TIMEOUT, missing=False)
    except store.PlanFileError as exc:
        say(f"rollback-tui: {exc}", err=True, lines=False)


@click.command("copy", short_help="Copy the plan's Markdown to the clipboard.")
@click.argument("path", type=PathArg)
@click.option(
    "--tty",
    "tty_path",
    envvar="ROLLBACK_TUI_TTY",
    default="/dev/tty",
    hidden=True,
    help="Where to write the OSC 52 sequence instead of /dev/tty.",
)
def copy_command(path: Path, tty_path: str) -> None:
    """Copy the plan's Markdown to the clipboard, and say which ways worked.

    It goes through the terminal (OSC 52: works over SSH and inside tmux), to the local
    clipboard where there is one (a display, macOS, Windows), and always into a file only
    you can read, whose path is printed. Exit 0 if any of these worked.

    The environment variable ROLLBACK_TUI_TTY names a file or terminal to write the OSC 52
    sequence to instead of /dev/tty (the tests use it).
    """
    from rollback_tui.clipboard import copy_text

    plan, _ = read_plan(path)
    from rollback_tui.render import render_markdown

    report = copy_text(render_markdown(plan), tty_path=tty_path)
    for line in report.lines():
        say(line)
    if not report.used:
        sys.exit(EXIT_FINDINGS)


@click.command(short_help="Lint plans: exit 0 if clean, 1 on findings, 2 if unusable.")
@click.argument("paths", nargs=-1, required=True, type=PathArg)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "github", "json"]),
    default="text",
    show_default=True,
    help="text for people; github for GitHub Actions annotations (::error "
    "file=...,line=...::...); json for a list of findings.",
)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(["%Y-%m-%d"]),
    metavar="DATE",
    envvar="ROLLBACK_TUI_AS_OF",
    help="Judge the review and drill dates as of DATE (YYYY-MM-DD) instead of "
    "today (default: $ROLLBACK_TUI_AS_OF, else today).",
)
def check(paths: tuple[Path, ...], output_format: str, as_of: dt.datetime | None) -> None:
    """Validate and lint each PATH: exit 0 clean, 1 with findings, 2 if a file is unusable.

    A review overdue (last_reviewed, or created, plus review_every days, 90 by default) and
    a plan never drilled within that time are warnings. With many files (as a pre-commit
    hook passes them), every file is checked and the exit code is the worst of them.
    """
    from rollback_tui import check_report

    day = as_of.date() if as_of is not None else None
    results = [check_report.check_file(path, day) for path in paths]
    if output_format == "json":
        say(json_visible(check_report.json_text(results)))
    elif output_format == "github":
        say_lines(check_report.github_lines(results))
    else:
        out, err = check_report.text_lines(results)
        say_lines(out)
        say_lines(err, err=True)
    sys.exit(check_report.exit_code(results))


@click.command("import", short_help="Read a hand-written Markdown plan into a plan file.")
@click.argument("markdown", type=PathArg)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the plan to this file instead of stdout.",
)
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
def import_command(markdown: Path, output: Path | None, force: bool) -> None:
    """Read a rollback plan written by hand in Markdown and print it as a plan file (TOML).

    Follows the plan template and the strategy brief's sections; what cannot be placed is
    listed on stderr and kept as comments in the TOML. Exit 2 if MARKDOWN is not a plan.
    """
    from rollback_tui.importing import build as import_plan
    from rollback_tui.importing import reader as importer
    from rollback_tui.store.output import is_stream

    if output is not None and output.exists() and not is_stream(output) and not force:
        fail(f"{output}: already exists; use --force to replace it")
    try:
        plan, unplaced = importer.read_file(markdown)
    except importer.NotAPlan as exc:
        fail(str(exc))
    text = store.dumps(store.new_file(output or Path("plan.toml"), plan))
    source = import_plan.printable(markdown.name)
    text = import_plan.with_notes(text, unplaced, source)
    for note in unplaced:
        say(import_plan.note_line(markdown, note), err=True)
    print_or_write(text, output)
    if output is None:
        return
    say(
        f"Wrote {output}"
        + (f" ({len(unplaced)} pieces not placed, kept as comments)" if unplaced else ""),
        err=True,
    )


@click.command("schema", short_help="Print the plan file's JSON Schema.")
@click.option(
    "--status",
    "status_format",
    is_flag=True,
    help="The schema of the status page's status.json instead (see `publish`).",
)
def schema_command(status_format: bool) -> None:
    """Print the JSON Schema of the plan file, for editors and validators.

    Save it beside your plans and name it on a plan's first line, `#:schema ./plan.schema.json`
    (Taplo, Even Better TOML), or map it in your editor's settings. With --status, the
    schema of status.json, which `publish` and `run --publish` write.
    """
    if status_format:
        import json

        from rollback_tui.render.status_model import status_schema

        say(json.dumps(status_schema(), indent=2, ensure_ascii=False) + "\n", nl=False)
        return
    from rollback_tui.plan_schema import schema_text

    say(schema_text(), nl=False)
