"""What every command shares: its output, its exit codes, its PATH argument, reading a plan.

Every line a command prints goes through say(), so that no control character from a file
reaches the terminal.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import NoReturn

import click

from rollback_tui import store
from rollback_tui.plan.text import escaped_in_lines, visible

EXIT_FINDINGS = 1
EXIT_UNUSABLE = 2


def say(text: str, *, err: bool = False, nl: bool = True, lines: bool = True) -> None:
    """Print *text*: every line any command prints goes through here, so that a control
    character in a file name, a key, a value or an error (an escape sequence that would set
    the terminal's title or clipboard) is shown as an escape, never sent. Newlines and tabs
    stay unless *lines* is False (one line, whatever it holds)."""
    click.echo(visible(text, lines=lines), err=err, nl=nl)


def say_lines(lines: Iterable[str], *, err: bool = False) -> None:
    """Print each of *lines* as one line, as say(line, lines=False) does, in one write:
    `check` of many files prints thousands."""
    shown = [visible(line) for line in lines]
    if shown:
        click.echo("\n".join(shown), err=err)


def fail(message: str) -> NoReturn:
    """One clear line on stderr and exit 2: the file could not be used."""
    say(f"rollback-tui: {message}", err=True, lines=False)
    sys.exit(EXIT_UNUSABLE)


def json_visible(text: str) -> str:
    """JSON *text* with the characters visible() would escape written as \\uXXXX."""
    return escaped_in_lines(text, lambda char: f"\\u{ord(char):04x}")


PathArg = click.Path(path_type=Path, dir_okay=True)

OutputOption = click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write it to this file instead of stdout.",
)

ThemeOption = click.option(
    "--theme",
    metavar="NAME",
    help="The colour theme to open with (see `rollback-tui themes`); "
    "the palette's Switch theme changes it and remembers the choice.",
)

PlainOption = click.option(
    "--plain/--no-plain",
    "plain",
    default=None,
    help="Plain mode: the wizard as questions and the checklist as commands, lines of "
    "text for screen readers, dumb terminals and pipes (default: on where TERM is dumb "
    "or unset, ROLLBACK_TUI_PLAIN=1 or ACCESSIBLE=1 is set, or there is no terminal).",
)


def read_plan(path: Path) -> tuple[store.Plan, list[str]]:
    """The plan at *path* and the keys in it that no plan has; refused with fail() (exit 2)
    if it cannot be read."""
    try:
        return store.read_plan(path)
    except store.PlanFileError as exc:
        fail(str(exc))


def print_or_write(text: str, output: Path | None) -> None:
    """*text* on stdout, or into *output* (a file, or a stream such as /dev/stdout, never
    through a link); a file that cannot be written is one line and exit 2."""
    if output is None:
        say(text, nl=False)
        return
    from rollback_tui.store.output import write_output

    try:
        write_output(output, text.encode("utf-8"))
    except store.PlanFileError as exc:
        fail(str(exc))
