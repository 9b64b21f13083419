"""`exec`: run a step's command from a script or a second shell, as `x` does in the
checklist: asked first (or --yes), its output streamed, the step marked done (exit 0) or
failed (exit 1), the log and the timeline row written."""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import click

from rollback_tui import store
from rollback_tui.cli.output import EXIT_FINDINGS, PathArg, fail, say
from rollback_tui.completion import complete_item_ids
from rollback_tui.locations import default_user

if TYPE_CHECKING:
    from rollback_tui.commands import Finished, StepRun
    from rollback_tui.run.session import RunSession

EXIT_INTERRUPTED = 130


@contextlib.contextmanager
def _signals_end(run: StepRun) -> Iterator[None]:
    """While the command runs: ctrl+c interrupts it, a hang-up or SIGTERM too (the step
    stays open); either way its whole process group is ended."""
    from rollback_tui.commands.step_run import HANG_UP

    def interrupted(signum: int, frame: FrameType | None) -> None:
        run.process.interrupt("interrupted" if signum == signal.SIGINT else HANG_UP)

    wanted = (signal.SIGINT, signal.SIGHUP, signal.SIGTERM)
    previous = {s: signal.signal(s, interrupted) for s in wanted}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _asked(prepared_text: str, folder: Path, item_label: str, dry_run: bool) -> bool:
    """Show what will run and ask; False when the answer is not yes."""
    what = "dry run" if dry_run else "command"
    say(f"{item_label}\nThe {what} that will run, in {folder}:\n\n{prepared_text}\n", err=True)
    try:
        return click.confirm("Run it?", default=False, err=True)
    except click.Abort:
        return False


@click.command("exec", short_help="Run a step's command; mark it done or failed.")
@click.argument("path", type=PathArg)
@click.argument("item_id", metavar="ID", shell_complete=complete_item_ids)
@click.option("--yes", is_flag=True, help="Run without asking (needed when stdin is no terminal).")
@click.option(
    "--irreversible",
    "confirmed",
    is_flag=True,
    help="Confirm running (and so ticking) a step that cannot be undone.",
)
@click.option(
    "--timeout",
    type=click.IntRange(1, 86400),
    metavar="SECONDS",
    help="End the command after this long (default: the step's, else the plan's, else 900).",
)
@click.option("--dry-run", is_flag=True, help="Run the step's dry_run command instead.")
@click.option("--by", help="Who runs it (default: your login name).")
def exec_command(
    path: Path,
    item_id: str,
    yes: bool,
    confirmed: bool,
    timeout: int | None,
    dry_run: bool,
    by: str | None,
) -> None:
    """Run step ID's command (the plan's values put in, as the Markdown shows it) in the
    plan's folder, with `bash -o pipefail -c`, stdin from /dev/null, in a process group
    of its own; stream its output (secrets masked); keep a log in PLAN.runs/logs/ and a
    timeline row. Exit 0 marks the step done, any other exit marks it failed (exit 1);
    a dry run (--dry-run) never changes the step. Exit 2: refused (not confirmed, stdin
    no terminal without --yes, an irreversible step without --irreversible), an unknown
    id, a step with no command, or an unusable plan. Ctrl+c or a hang-up ends the whole
    process group and leaves the step open (exit 130).
    """
    from rollback_tui.commands import NotRunnable, StepRun, prepare
    from rollback_tui.run import events
    from rollback_tui.run.session import RunSession

    who = by or default_user()
    with contextlib.suppress(store.PlanFileError, OSError):
        from rollback_tui.store import journal
        from rollback_tui.store.lock import CLI_LOCK_TIMEOUT

        journal.replay(path, CLI_LOCK_TIMEOUT)  # what a hang-up kept, first
    try:
        session = RunSession.open(path, by=who)
    except store.PlanFileError as exc:
        fail(str(exc))
    try:
        prepared = prepare(session.plan, path, item_id, dry_run=dry_run, timeout=timeout)
    except KeyError:
        known = ", ".join(i.id for _, _, i in session.plan.checklist()[:8])
        fail(f"{path}: no checklist item with id {item_id} (ids look like: {known})")
    except NotRunnable as exc:
        fail(f"{path}: {exc}")
    item = prepared.item
    label = f"{item.id}: {item.text.strip() or '(no text)'}"
    if item.irreversible and not dry_run and not confirmed:
        fail(f"{path}: not run, {label} cannot be undone; add --irreversible to confirm")
    if not yes:
        if not sys.stdin.isatty():
            fail(f"{path}: not run: stdin is not a terminal to ask on; add --yes to run it")
        if not _asked(prepared.command, prepared.folder, label, dry_run):
            fail(f"{path}: not run: not confirmed")
    problems: list[str] = []
    session.listen(
        lambda event: problems.append(event.message) if isinstance(event, events.NotSaved) else None
    )
    run = StepRun(session, prepared, on_line=lambda line: say(line))
    with _signals_end(run):
        try:
            run.start()
        except NotRunnable as exc:
            fail(f"{path}: {exc}")
        finished = run.wait()
    say(finished.row, err=True)
    if finished.log is not None:
        say(f"Log: {finished.log}", err=True, lines=False)
    if finished.problem is not None:
        say(f"rollback-tui: {finished.problem}", err=True, lines=False)
    code = _outcome(session, prepared.item_id, finished, dry_run, confirmed)
    for problem in problems:
        say(f"rollback-tui: not saved: {problem}", err=True, lines=False)
    sys.exit(code if not problems else 2)


def _outcome(
    session: RunSession, item_id: str, finished: Finished, dry_run: bool, confirmed: bool
) -> int:
    """Mark the step as the run ended; the exit code."""
    ended = finished.ended
    if dry_run:
        return 0 if finished.succeeded else EXIT_FINDINGS
    if ended.stopped is not None and ended.stopped.startswith("interrupted"):
        say(f"{item_id} is left open ({ended.stopped})", err=True)
        return EXIT_INTERRUPTED
    if finished.succeeded:
        session.done(item_id, confirmed=confirmed)
        say(f"Marked {item_id} done", err=True)
        return 0
    reason = finished.fail_reason or finished.summary
    session.fail(item_id, reason)
    say(f"Marked {item_id} failed: {reason}", err=True)
    return EXIT_FINDINGS
