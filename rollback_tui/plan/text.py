"""Cleaning of text that enters the plan, from a file, a paste or the keyboard."""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, and the C1 block. ESC (0x1b) is in C0. Lone
# surrogates too (a badly decoded paste or file name): they cannot be written as UTF-8.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\ud800-\udfff]")


def clean_text(value: str) -> str:
    """Return *value* without terminal control characters.

    CRLF and lone CR become LF first, so text pasted from Windows keeps its lines.
    """
    if not value:
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value)


def plural(count: int, noun: str, nouns: str = "") -> str:
    """*count* and *noun*, plural when the count is not one: "1 error", "2 errors"."""
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


def findings_summary(severities: list[str]) -> str:
    """"3 findings (1 error, 2 warnings)", for `check` and the wizard's Review."""
    errors = sum(s == "error" for s in severities)
    return (f"{plural(len(severities), 'finding')} ({plural(errors, 'error')}, "
            f"{plural(len(severities) - errors, 'warning')})")


def slug(value: str, fallback: str = "item") -> str:
    """A short lower-case identifier made from *value* (for generated ids)."""
    text = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
    return text[:24].strip("-") or fallback
