"""Where a key of a plan file is written: the line of ``triggers[1].threshold`` in its TOML.

For CI annotations, which point at a line. A small scan of the text rather than a parser:
table headers (``[a]``, ``[[a.b]]``, counted per parent) and ``key =`` lines, skipping the
inside of multi-line strings and arrays. What cannot be found falls back to the nearest
enclosing key that can, then to line 1.
"""

from __future__ import annotations

import functools
import re

# The key runs to the last non-blank before the first ]: found by one greedy run, as a
# lazy one tried the blank space after each character again (quadratic in a long run).
_HEADER = re.compile(r"^\s*+(\[\[?)\s*+([^\]]*[^\]\s])\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(
    r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
    r"""(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=\s*(.*)$"""
)
_PART = re.compile(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""")
_LAST = re.compile(r"(?:\.[^.\[]+|\[\d+\])$")


_MAY_OPEN = ('"""', "'''", "[")
"""How a value that goes on over the next lines starts."""


@functools.lru_cache(maxsize=1024)
def _parts(dotted: str) -> tuple[str, ...]:
    """The parts of a dotted key, unquoted (kept: a plan repeats its headers)."""
    return tuple(p.strip("\"'") for p in _PART.findall(dotted))


def _opens_multiline(value: str) -> str | None:
    """The delimiter a value opens and does not close on its line (\"\"\", ''' or ])."""
    if not value.startswith(_MAY_OPEN):
        return None  # most values: a one-line string, a number
    for quote in ('"""', "'''"):
        if value.startswith(quote):
            return quote if value.count(quote) == 1 else None
    if value.startswith("[") and value.count("[") > value.count("]"):
        return "]"
    return None


def _key(line: str) -> tuple[str, str] | None:
    """The dotted key a ``key = value`` line sets (its parts joined by dots, unquoted) and
    its value, stripped; None for another line."""
    name, equals, value = line.partition("=")
    path = name.strip()
    if equals and path.isascii() and path.isidentifier():  # a bare key of letters, digits, _
        return path, value.strip()
    key = _KEY.match(line)
    if key is None:
        return None
    return ".".join(_parts(key.group(1))), key.group(2).strip()


def key_lines(text: str) -> dict[str, int]:
    """Every table and key of *text*, as a path like ``components[0].steps[1].text``, and its
    1-based line."""
    lines: dict[str, int] = {}
    arrays: dict[str, int] = {}  # resolved path of an array of tables -> its last index
    table = ""
    closing: str | None = None
    depth = 0
    # Lines as TOML counts them (LF or CRLF): U+2028 and the like are text in a string.
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.removesuffix("\r")
        if closing is not None:
            if closing == "]":
                depth += line.count("[") - line.count("]")
                if depth <= 0:
                    closing = None
            elif closing in line:
                closing = None
            continue
        start = line.lstrip()[:1]
        if start in ("", "#"):
            continue  # a blank line or a comment: most of a plan's other lines are keys
        header = _HEADER.match(line) if start == "[" else None
        if header is not None and not _KEY.match(line):
            resolved = ""
            parts = _parts(header.group(2))
            for i, part in enumerate(parts):
                resolved = f"{resolved}.{part}" if resolved else part
                lines.setdefault(resolved, number)  # [a.b] also stands for a, if not written
                last = i == len(parts) - 1
                if last and header.group(1) == "[[":
                    arrays[resolved] = arrays.get(resolved, -1) + 1
                    resolved += f"[{arrays[resolved]}]"
                elif resolved in arrays:
                    resolved += f"[{arrays[resolved]}]"
            table = resolved
            lines.setdefault(table, number)
            continue
        key = _key(line)
        if key is None:
            continue
        path, value = key
        lines.setdefault(f"{table}.{path}" if table else path, number)
        closing = _opens_multiline(value)
        if closing == "]":
            depth = value.count("[") - value.count("]")
    return lines


def line_of(where: str, lines: dict[str, int]) -> int:
    """The line of the key at *where*, or of the nearest enclosing key found, or 1."""
    while where:
        if where in lines:
            return lines[where]
        shorter = _LAST.sub("", where)
        if shorter == where:
            break
        where = shorter
    return 1
