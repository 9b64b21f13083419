"""The command line: the only place that parses argv.

The read-only commands never import textual, so they start fast.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Literal, NoReturn, TypedDict

import click

from rollback_tui import store
from rollback_tui.app_start import LaunchOptions, open_screen
from rollback_tui.completion import complete_item_ids
from rollback_tui.locations import default_user
from rollback_tui.plan import DeploymentType, new_plan
from rollback_tui.plan.model import ItemState, utc_now
from rollback_tui.plan.text import visible
from rollback_tui.plan.timeline import (
    IRREVERSIBLE_CONFIRMED,
    Outcome,
    Progress,
    set_done,
    set_outcome,
    unconfirmed,
)
from rollback_tui.plan.update_clock import update_clock
from rollback_tui.render import render_markdown
from rollback_tui.store import sync

EXIT_FINDINGS = 1
EXIT_UNUSABLE = 2


def say(text: str, *, err: bool = False, nl: bool = True, lines: bool = True) -> None:
    """Print *text*: every line any command prints goes through here, so that a control
    character in a file name, a key, a value or an error (an escape sequence that would set
    the terminal's title or clipboard) is shown as an escape, never sent. Newlines and tabs
    stay unless *lines* is False (one line, whatever it holds)."""
    click.echo(visible(text, lines=lines), err=err, nl=nl)


def fail(message: str) -> NoReturn:
    """One clear line on stderr and exit 2: the file could not be used."""
    say(f"rollback-tui: {message}", err=True, lines=False)
    sys.exit(EXIT_UNUSABLE)


def json_visible(text: str) -> str:
    """JSON *text* with the characters visible() would escape written as \\uXXXX."""
    return "".join(f"\\u{ord(c):04x}" if visible(c, lines=True) != c else c for c in text)


PathArg = click.Path(path_type=Path, dir_okay=True)
ThemeOption = click.option(
    "--theme",
    metavar="NAME",
    help="The colour theme to open with (see `rollback-tui themes`); "
    "the palette's Switch theme changes it and remembers the choice.",
)


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


def _theme(theme: str | None) -> str | None:
    """The command's --theme, else the one given before the command name."""
    if theme is not None:
        return theme
    root = click.get_current_context().find_root().obj
    return root.get("theme") if isinstance(root, dict) else None


@main.command(short_help="Open the wizard on PATH (created if missing).")
@click.argument("path", type=PathArg, required=False)
@ThemeOption
def edit(path: Path | None, theme: str | None) -> None:
    """Open the wizard on PATH (created if missing)."""
    open_screen(path, LaunchOptions(mode="edit", theme=_theme(theme)))


@main.command(short_help="Tick PATH's steps as a checklist, during the incident.")
@click.argument("path", type=PathArg)
@click.option("--by", help="Who ticks the steps (default: your login name).")
@click.option(
    "--git",
    "git",
    is_flag=True,
    help="Commit the plan after each tick (who ticked what), then pull --rebase and "
    "push when the repository has a remote; failures are shown and retried.",
)
@ThemeOption
def run(path: Path, by: str | None, theme: str | None, git: bool) -> None:
    """Open PATH as a checklist, to tick its steps during the incident."""
    open_screen(path, LaunchOptions(mode="run", by=by, theme=_theme(theme), git=git))


@main.command(short_help="Rehearse PATH: its checklist, every step timed.")
@click.argument("path", type=PathArg)
@click.option("--by", help="Who does the steps (default: your login name).")
@click.option("--label", default="", help="A name for the drill, in its run file's name.")
@ThemeOption
def drill(path: Path, by: str | None, label: str, theme: str | None) -> None:
    """Rehearse PATH: its checklist with the clock running, every step timed.

    The drill is written to its own run file in PLAN.runs/ (the plan's live ticks are not
    touched); at the end, the plan records the day (last_drilled) and each option's time.
    """
    open_screen(path, LaunchOptions(mode="drill", by=by, theme=_theme(theme), label=label))


@main.command(short_help="Archive the current run, then clear ticks and timeline.")
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


@main.command("runs", short_help="List the plan's archived runs and drills.")
@click.argument("path", type=PathArg)
def runs_command(path: Path) -> None:
    """List the plan's archived runs and drills: kind, label, start, duration, outcomes."""
    from rollback_tui.store import run_files, runs

    _read(path)  # a plan that cannot be read is refused as everywhere
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


@main.command(short_help="Write a complete pre-filled plan and its Markdown.")
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


def _read(path: Path) -> tuple[store.Plan, list[str]]:
    try:
        return store.read_plan(path)
    except store.PlanFileError as exc:
        fail(str(exc))


@main.command(short_help="Print the plan's Markdown (or write it to a file).")
@click.argument("path", type=PathArg)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write it to this file instead of stdout.",
)
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
    plan, _ = _read(path)
    if form == "text":
        from rollback_tui.render.plain_text import render_text

        document = render_text(plan)
    else:
        document = render_markdown(plan)
    if output is None:
        say(document, nl=False)
    else:
        from rollback_tui.store.output import write_output

        try:
            write_output(output, document.encode("utf-8"))
        except store.PlanFileError as exc:
            fail(str(exc))
    _finish_markdown(path, plan)


def _finish_markdown(path: Path, plan: store.Plan) -> None:
    """Bring the plan's own Markdown up to date if a save stopped half-way (a note on
    stderr if it cannot be; what was asked for is done either way)."""
    from rollback_tui.store.lock import CLI_LOCK_TIMEOUT

    try:
        store.finish_markdown(path, plan, CLI_LOCK_TIMEOUT, missing=False)
    except store.PlanFileError as exc:
        say(f"rollback-tui: {exc}", err=True, lines=False)


@main.command(short_help="Lint plans: exit 0 if clean, 1 on findings, 2 if unusable.")
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
        for line in check_report.github_lines(results):
            say(line, lines=False)
    else:
        out, err = check_report.text_lines(results)
        for line in out:
            say(line, lines=False)
        for line in err:
            say(line, err=True, lines=False)
    sys.exit(check_report.exit_code(results))


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


@main.command(short_help="List every checklist item and its state.")
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
    plan, _ = _read(path)
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
    progress = Progress.of(item for _, _, item in plan.checklist(active=True))
    say(progress.counts())
    if clock is not None:
        say(clock.describe())


@main.command(short_help="Tick (or untick) items by id; saved at once.")
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
        # cannot be undone by this tick, nor this tick land in a run that has ended.
        with plan_lock(path, CLI_LOCK_TIMEOUT):
            journal.replay(path, CLI_LOCK_TIMEOUT)  # what a hang-up kept, first
            plan_file = store.load(path)
            missing = [i for i in ids if plan_file.plan.item(i) is None]
            if missing:
                known = ", ".join(item.id for _, _, item in plan_file.plan.checklist()[:8])
                fail(
                    f"{path}: no checklist item with id {', '.join(missing)} "
                    f"(ids look like: {known})"
                )
            ticking = reason is None and not undo
            irreversible = unconfirmed(plan_file.plan, ids) if ticking else []
            if irreversible and not confirmed:
                steps = ", ".join(f"{i.id} ({i.text.strip() or 'no text'})" for i in irreversible)
                fail(
                    f"{path}: not ticked, cannot be undone: {steps}; add --irreversible to confirm"
                )
            confirmation = {i.id: IRREVERSIBLE_CONFIRMED for i in irreversible}
            if reason is not None:
                outcome: Outcome = "skipped" if skip_reason is not None else "failed"
                changed = [i for i in ids if set_outcome(plan_file.plan, i, outcome, reason, who)]
            else:
                changed = [
                    i
                    for i in ids
                    if set_done(plan_file.plan, i, not undo, who, text=confirmation.get(i))
                ]
            if changed:
                sync.save_merging(plan_file, replace_read_only=force)
            else:  # a save that stopped half-way is finished by the next tick
                store.finish_markdown(path, plan_file.plan, CLI_LOCK_TIMEOUT)
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


@main.command("import", short_help="Read a hand-written Markdown plan into a plan file.")
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
    from rollback_tui.store.output import is_stream, write_output

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
    if output is None:
        say(text, nl=False)
        return
    try:
        write_output(output, text.encode("utf-8"))
    except store.PlanFileError as exc:
        fail(str(exc))
    say(
        f"Wrote {output}"
        + (f" ({len(unplaced)} pieces not placed, kept as comments)" if unplaced else ""),
        err=True,
    )


@main.command("schema", short_help="Print the plan file's JSON Schema.")
def schema_command() -> None:
    """Print the JSON Schema of the plan file, for editors and validators.

    Save it beside your plans and name it on a plan's first line, `#:schema ./plan.schema.json`
    (Taplo, Even Better TOML), or map it in your editor's settings.
    """
    from rollback_tui.plan_schema import schema_text

    say(schema_text(), nl=False)


# -- copy and themes -----------------------------------------------------------------------


@main.command("copy", short_help="Copy the plan's Markdown to the clipboard.")
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

    plan, _ = _read(path)
    report = copy_text(render_markdown(plan), tty_path=tty_path)
    for line in report.lines():
        say(line)
    if not report.used:
        sys.exit(EXIT_FINDINGS)


@main.command("themes", short_help="List the themes found, and where they are.")
def themes_command() -> None:
    """List the themes found (name, dark or light, file), then the files that were skipped.

    Exit 0 when every theme file and the config file could be used, 1 otherwise.
    """
    from rollback_tui import themes as theme_files

    load = theme_files.load_themes()
    problems = [str(failure) for failure in load.failures]
    try:
        chosen: str | None = theme_files.load_config().theme
    except theme_files.ConfigError as exc:
        chosen = None
        problems.append(str(exc))
    width = max((len(name) for name in load.names), default=0)
    for name, loaded in load.themes.items():
        mark = "*" if name == chosen else " "
        kind = "dark" if loaded.dark else "light"
        replaces = f"  (replaces {loaded.replaces})" if loaded.replaces else ""
        say(f"{mark} {name:<{width}}  {kind:<5}  {loaded.path}{replaces}")
    if not load.themes:
        say("No theme files found.")
    if chosen is not None:
        if chosen in load.themes:
            config = theme_files.config_path()
            say(f"* your theme, from {config}" if config.exists() else "* the default theme")
        else:
            say(
                f"Your config names the theme {chosen!r}, which was not found; "
                f"the app uses {load.resolve(chosen)!r}."
            )
    say(f"Add your own themes in {theme_files.user_themes_dir()}")
    if problems:
        say(f"Skipped ({len(problems)}):")
        for problem in problems:
            say(f"  {problem}")
        sys.exit(EXIT_FINDINGS)


# -- several responders: git ------------------------------------------------------------


@main.command("merge-driver", short_help="git's merge driver for plan files (by item id).")
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


@main.command("git-setup", short_help="Let git merge plan files by item id.")
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


if __name__ == "__main__":  # pragma: no cover
    main()
