"""One wording for TOML syntax errors, whichever file they are in (plans, themes, config)."""

from __future__ import annotations


def toml_error_message(message: str) -> str:
    """tomllib's "Invalid value (at line 3, column 9)" as "line 3, column 9: TOML syntax
    error: invalid value"."""
    if message.endswith(")") and "(at line " in message:
        what, _, where = message[:-1].rpartition(" (at line ")
        line, _, column = where.partition(", column ")
        return f"line {line}, column {column}: TOML syntax error: {what[:1].lower()}{what[1:]}"
    return f"TOML syntax error: {message}"
