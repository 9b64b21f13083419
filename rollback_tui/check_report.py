"""`check` over many plan files, reported as text, GitHub Actions annotations or JSON.

Pure apart from reading the files: no UI. Each file gets its findings, each finding the line
of its key in the file's TOML (for annotations), and the run the worst exit code.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from rollback_tui import store
from rollback_tui.plan.lint import lint
from rollback_tui.plan.text import findings_summary, plural, visible
from rollback_tui.store.key_lines import key_lines, line_of

EXIT_CLEAN, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2
FORMATS = ("text", "github", "json")
# How store's messages name a line: "PATH:3: not UTF-8" or "PATH: line 3, column 7: ...".
_NAMED_LINE = re.compile(r"(\d+):| line (\d+),")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Located:
    """A finding in a file: severity, the field it is about, its line, the message."""

    severity: str
    where: str
    line: int
    message: str


@dataclass
class FileResult:
    path: Path
    findings: list[Located] = field(default_factory=list)
    unusable: str | None = None
    """Why the file could not be read as a plan, if it could not (one line)."""
    problems: list[Located] = field(default_factory=list)
    """An unusable file's errors, each at its line, without the file's name: every wrong
    value of a plan that does not validate, else the one error."""

    @property
    def exit_code(self) -> int:
        if self.unusable is not None:
            return EXIT_UNUSABLE
        # Hints are noted, and fail nothing.
        failing = any(f.severity != "hint" for f in self.findings)
        return EXIT_FINDINGS if failing else EXIT_CLEAN


def check_file(path: Path, as_of: dt.date | None = None) -> FileResult:
    """Read and lint one plan file; never raises for a bad file.

    Its review and drill dates are judged as of *as_of* (today, in UTC, by default).
    """
    from rollback_tui.plan.freshness import freshness

    try:
        plan, unknown = store.read_plan(path)
    except store.InvalidPlanError as exc:
        problems = [Located("error", p.where, p.line, p.message) for p in exc.problems]
        return FileResult(path, unusable=str(exc), problems=problems)
    except store.PlanFileError as exc:
        return FileResult(path, unusable=str(exc), problems=[_one_problem(path, str(exc))])
    findings = [*lint(plan, unknown), *freshness(plan, as_of or dt.datetime.now(dt.UTC).date())]
    # The file's lines are read and scanned only when there is something to point at: most
    # files a pre-commit hook passes are clean.
    lines = _key_lines(path) if findings else {}
    return FileResult(
        path, [Located(f.severity, f.where, line_of(f.where, lines), f.message) for f in findings]
    )


def _key_lines(path: Path) -> dict[str, int]:
    try:
        text = path.read_text(encoding="utf-8").removeprefix("\ufeff")
    except (OSError, UnicodeDecodeError):  # changed since it was read: no lines then
        text = ""
    return key_lines(text)


def _one_problem(path: Path, message: str) -> Located:
    """An error that is not about a value (TOML syntax, not UTF-8, no such file): at the
    line its message names (``PATH:LINE: ...``, ``PATH: line 3, column 7: ...``), else 1;
    its message without the file's name, which the annotation gives."""
    rest = message.removeprefix(f"{path}:")
    named = _NAMED_LINE.match(rest)
    line = int(named.group(1) or named.group(2)) if named else 1
    if named is not None and named.group(1):
        rest = rest[named.end() :]
    return Located("error", "", line, rest.strip() if rest != message else message)


def exit_code(results: list[FileResult]) -> int:
    """The worst of the files' exit codes."""
    return max((r.exit_code for r in results), default=EXIT_CLEAN)


def _printable(text: str) -> str:
    """One line, its control characters shown (ESC as \\x1b), never sent to the terminal."""
    return visible(text.replace("\n", " "))


def text_lines(results: list[FileResult]) -> tuple[list[str], list[str]]:
    """(stdout lines, stderr lines) in the plain format."""
    out: list[str] = []
    err: list[str] = []
    severities: list[str] = []
    unusable = 0
    for result in results:
        name = _printable(str(result.path))
        if result.unusable is not None:
            unusable += 1
            severities += [p.severity for p in result.problems]
            if not all(p.where for p in result.problems):
                err.append(f"rollback-tui: {_printable(result.unusable)}")
                continue
            for p in result.problems:
                err.append(
                    f"rollback-tui: {name}:{p.line}: {_printable(p.where)}: {_printable(p.message)}"
                )
            continue
        for f in result.findings:
            out.append(f"{name}: {f.severity}: {_printable(f.where)}: {_printable(f.message)}")
        if not result.findings:
            out.append(f"{name}: no findings")
        severities += [f.severity for f in result.findings]
    # A summary adds up several files, or findings; one unusable file's lines say it all.
    if severities and (len(results) > 1 or not unusable):
        files = f"; {plural(unusable, 'file')} unusable" if unusable else ""
        err.append(findings_summary(severities) + files)
    return out, err


def _utf8(char: str) -> bytes:
    """*char*'s bytes: UTF-8, or the byte it stands for (a file name's byte that was not
    UTF-8, as os.fsdecode gives it)."""
    try:
        return char.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that stands for no byte
        return char.encode("utf-8", "surrogatepass")


def _escaped(value: str, specials: str) -> str:
    """*value* %-escaped for a GitHub workflow command: ``%`` and *specials* as the runner
    unescapes them (%25, %0D, %0A, and %3A, %2C in a property); every character that
    visible() would not print as it is (ESC, tab, C1, bidi controls, a byte that is not
    UTF-8) as %XX of its bytes, which the runner keeps as they are: shown, never sent,
    never dropped (an escaped %, %25, keeps them apart from a name that holds "%1B")."""
    return "".join(
        "".join(f"%{byte:02X}" for byte in _utf8(char))
        if char == "%" or char in specials or visible(char) != char
        else char
        for char in value
    )


def _data(value: str) -> str:
    """A GitHub workflow command's message, escaped as the runner reads it."""
    return _escaped(value, "\r\n")


def _property(value: str) -> str:
    """A workflow command's property (file=, title=), escaped as the runner reads it."""
    return _escaped(value, "\r\n:,")


def github_lines(results: list[FileResult]) -> list[str]:
    """One ``::error``, ``::warning`` or (for a hint) ``::notice`` workflow command per
    finding, and per error of an unusable file, at its line; the message never repeats the
    file's name (``file=`` has it)."""
    out = []
    for result in results:
        name = _property(str(result.path))
        for f in result.problems or result.findings:
            title = _property(f"rollback-tui: {f.where}" if f.where else "rollback-tui")
            # A hint is a notice: the runner shows it, and it fails nothing.
            kind = "notice" if f.severity == "hint" else f.severity
            out.append(f"::{kind} file={name},line={f.line},title={title}::{_data(f.message)}")
    return out


def _valid_unicode(text: str) -> str:
    """*text* with every lone surrogate (a file name's byte that was not UTF-8) as U+FFFD:
    what strict JSON readers accept."""
    return _SURROGATE.sub("\ufffd", text)


def _file_fields(path: Path) -> dict[str, object]:
    """``file``, and ``file_bytes`` when the name is not UTF-8: its bytes percent-encoded
    (``file`` then shows each byte that is not UTF-8 as U+FFFD)."""
    name = str(path)
    if not _SURROGATE.search(name):
        return {"file": name}
    return {
        "file": _valid_unicode(name),
        "file_bytes": urllib.parse.quote_from_bytes(os.fsencode(name), safe="/"),
    }


def json_text(results: list[FileResult]) -> str:
    """Every finding as a JSON list (an unusable file's errors too: ``where`` is null for
    one that is not about a value, such as a TOML syntax error).

    Valid UTF-8 JSON for strict readers: a file name that is not UTF-8 gets ``file`` with
    U+FFFD for each such byte and ``file_bytes``, its exact bytes percent-encoded."""
    rows: list[dict[str, object]] = []
    for result in results:
        file = _file_fields(result.path)
        rows += [
            {
                **file,
                "line": f.line,
                "severity": f.severity,
                "where": _valid_unicode(f.where) if f.where else None,
                "message": _valid_unicode(f.message),
            }
            for f in result.problems or result.findings
        ]
    # ASCII: a hostile file name or text cannot reach the terminal raw.
    return json.dumps(rows, indent=2)
