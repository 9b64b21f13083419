"""The store's errors, at the bottom of it: every module of the store raises these, and
the app and the command line catch them. And one wording for TOML syntax errors, whichever
file they are in (plans, themes, config)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


class PlanFileError(Exception):
    """A plan file that cannot be read or written; the message names the file and place."""


@dataclass(frozen=True)
class Problem:
    """One value of a plan file that does not make a plan."""

    line: int
    """Its 1-based line in the file (1 when it cannot be found)."""
    where: str
    """The key, as ``procedure.option_b[3].irreversible``."""
    message: str
    """What is wrong, without the file or the key: ``expected true or false, not ...``."""


class InvalidPlanError(PlanFileError):
    """A plan file whose values do not make a plan: every problem, each at its line. The
    message is one line, the first problem's (``PATH:4: db_impact: expected ...``)."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{path}:{first.line}: {first.where}: {first.message}{more}")
        self.path, self.problems = path, problems


class ConflictError(PlanFileError):
    """The file on disk changed since it was loaded."""


class PartialSaveError(PlanFileError):
    """The plan was saved but its Markdown was not: ``written`` says what was."""

    def __init__(self, message: str, written: tuple[Path, ...], failed: Path) -> None:
        super().__init__(message)
        self.written, self.failed = written, failed
        self.merges: list[Any] = []
        """The merges by item id made before the save (sync.save_merging fills it in)."""


class LockBusyError(PlanFileError):
    """Another rollback-tui holds the plan's lock: it is saving the same plan."""


def toml_error_message(message: str) -> str:
    """tomllib's "Invalid value (at line 3, column 9)" as "line 3, column 9: TOML syntax
    error: invalid value"."""
    if message.endswith(")") and "(at line " in message:
        what, _, where = message[:-1].rpartition(" (at line ")
        line, _, column = where.partition(", column ")
        return f"line {line}, column {column}: TOML syntax error: {what[:1].lower()}{what[1:]}"
    return f"TOML syntax error: {message}"
