"""Cleaning of text that enters the plan, from a file, a paste or the keyboard."""

from __future__ import annotations

import re
from collections.abc import Callable

# C0 controls but tab and newline, DEL, and the C1 block. ESC (0x1b) is in C0. Lone
# surrogates too (a badly decoded paste or file name): they cannot be written as UTF-8.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\ud800-\udfff]")


def clean_text(value: str) -> str:
    """Return *value* without terminal control characters.

    CRLF and lone CR become LF first, so text pasted from Windows keeps its lines.
    """
    if not value or (value.isascii() and value.isprintable()):
        return value  # nothing to remove: most of a plan's values (a 9 MB plan has 144,000)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value)


def plural(count: int, noun: str, nouns: str = "") -> str:
    """*count* and *noun*, plural when the count is not one: "1 error", "2 errors"."""
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


def findings_summary(severities: list[str]) -> str:
    """ "3 findings (1 error, 2 warnings)", for `check` and the wizard's Review; then
    "; 2 hints" where there are hints (which are not findings that fail)."""
    errors = sum(s == "error" for s in severities)
    hints = sum(s == "hint" for s in severities)
    failing = len(severities) - hints
    text = (
        f"{plural(failing, 'finding')} ({plural(errors, 'error')}, "
        f"{plural(failing - errors, 'warning')})"
    )
    if not hints:
        return text
    return f"{text if failing else 'no findings'}; {plural(hints, 'hint')}"


_NOT_IN_SLUG = re.compile(r"[^a-z0-9]+")


def slug(value: str, fallback: str = "item") -> str:
    """A short lower-case identifier made from *value* (for generated ids)."""
    text = _NOT_IN_SLUG.sub("-", value.lower()).strip("-")
    return text[:24].strip("-") or fallback


# What must never reach a terminal as it is: C0 controls (ESC, BEL, CR, backspace...), DEL,
# the C1 block (CSI, OSC as one character), the bidirectional overrides and isolates and
# the zero-width characters (which make text read differently than it is), the byte-order
# mark, and lone surrogates (undecodable bytes of a file name). Tab and newline are shown
# too unless the text is meant to have lines.
_UNSAFE = (
    "\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u061c\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2069\ufeff\ud800-\udfff"
)
_UNSAFE_CHAR = re.compile(f"[{_UNSAFE}\t\n]")
_UNSAFE_IN_LINES = re.compile(f"[{_UNSAFE}]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _shown(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    # Invisible format characters as shell_words.show_invisible shows them in a plan's text.
    return f"\\x{code:02x}" if code < 0x100 else f"<U+{code:04X}>"


def escaped_in_lines(value: str, escape: Callable[[str], str]) -> str:
    """*value* with each character that ``visible(value, lines=True)`` shows as an escape
    replaced by ``escape(character)`` instead (JSON's ``\\uXXXX``), in one pass."""
    return _UNSAFE_IN_LINES.sub(lambda match: escape(match.group()), value)


def visible(value: str, *, lines: bool = False) -> str:
    """*value* safe to print on a terminal or show on a screen: every control character
    shown as an escape (ESC as ``\\x1b``, U+202E as ``<U+202E>``), never sent and never
    silently dropped. Tabs and newlines too, unless *lines* (text meant to have lines).

    Every string a command prints or a screen shows from outside the program (file names,
    keys and values from a plan, error text) passes through here. Applying it twice
    changes nothing more.
    """
    if not value:
        return value
    return (_UNSAFE_IN_LINES if lines else _UNSAFE_CHAR).sub(_shown, value)
