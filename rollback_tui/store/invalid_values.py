"""What a plan file holds that is not a plan, said as its reader would: the key, its line
and the type expected (``db_impact: expected true or false, not the string "no"``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from rollback_tui.store.errors import Problem
from rollback_tui.store.key_lines import key_lines, line_of

_EXPECTED = {
    "bool": "true or false",
    "int": "a whole number",
    "float": "a number",
    "string": "text in quotes",
    "date": "a date (2026-11-20, no quotes)",
    "datetime": "a date and time (2026-11-22T14:03:10Z, no quotes)",
    "list": "an array",
    "model": "a table",
    "dict": "a table",
}
"""What each type of a pydantic error's ``{type}_type`` / ``{type}_parsing`` asks for."""


def field_path(loc: tuple[int | str, ...]) -> str:
    """``("procedure", "option_b", 3, "irreversible")`` as procedure.option_b[3].irreversible."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "plan"


def found(value: Any) -> str:
    """What a TOML value is, in words: ``the string "no"``, ``30.0``, ``a table``."""
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:39] + "…"
        return f'the string "{shown}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.datetime):
        return "a date and time"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return type(value).__name__


def describe(error: ErrorDetails) -> str:
    """One error's message: the type expected and what was found, else pydantic's words."""
    kind = error["type"]
    for suffix in ("_type", "_parsing", "_attributes_type"):
        if kind.endswith(suffix) and kind.removesuffix(suffix) in _EXPECTED:
            return f"expected {_EXPECTED[kind.removesuffix(suffix)]}, not {found(error['input'])}"
    message = error["msg"].removeprefix("Value error, ")
    if message.startswith("Input should be "):
        message = "expected " + message.removeprefix("Input should be ")
        if kind == "enum" or kind == "literal_error":
            message += f", not {found(error['input'])}"
    return message


def problems(exc: ValidationError, text: str) -> list[Problem]:
    """Every error of *exc*, at the line of its key in the file's *text*."""
    lines = key_lines(text)
    out = []
    for error in exc.errors():
        where = field_path(error["loc"])
        out.append(Problem(line_of(where, lines), where, describe(error)))
    return out
