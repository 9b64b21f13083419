"""What a TOML text holds that would make the parsers slow, found without parsing it.

tomllib and tomlkit spend time and memory that grow with the square of a dotted key's
length: a key of 40,000 parts (``a.a.a…``, 80 KB of text) took 21 s and 6.3 GB to read.
No plan needs more than a few parts, so a key with more than MAX_KEY_PARTS is refused
before either parser sees the text.

The patterns that find where a string ends live here too, for layout's scan: each runs
through the string in runs of plain characters, never one character at a time through a
group (which took 1.2 GB to cross a 9.8 MB string).
"""

from __future__ import annotations

import re

MAX_KEY_PARTS = 16
"""The most parts a key may have (``a.b.c`` has three); a plan's deepest has two or three."""

BASIC_END = re.compile(r'[^"\\\n]*+(?:\\.[^"\\\n]*+)*+"')
"""From just after a ``"``: up to and including the ``"`` that ends the string."""
LITERAL_END = re.compile(r"[^'\n]*+'")
ML_BASIC_END = re.compile(r'(?:[^"\\]++|\\.|"{1,2}+(?!"))*+"{3,5}', re.S)
"""From just after a ``\"\"\"``: up to and including the quotes that end it."""
ML_LITERAL_END = re.compile(r"(?:[^']++|'{1,2}+(?!'))*+'{3,5}", re.S)
STRING_END = {
    '"""': ML_BASIC_END,
    "'''": ML_LITERAL_END,
    '"': BASIC_END,
    "'": LITERAL_END,
}

_KEY_PART = r"""(?:[A-Za-z0-9_-]++|"[^"\\\n]*+(?:\\.[^"\\\n]*+)*+"|'[^'\n]*+')"""
_MANY_DOTS = re.compile(rf"\.(?:[^.\n]*+\.){{{MAX_KEY_PARTS - 1}}}")
"""As many dots on one line as a key too long has (a key lies on one line): quick to rule
out, as the search goes from dot to dot."""
_LONG_KEY_LIKE = re.compile(
    rf"(?<![A-Za-z0-9_\-\"']){_KEY_PART}(?:[ \t]*+\.[ \t]*+{_KEY_PART}){{{MAX_KEY_PARTS}}}"
)
"""Something spelled like a key too long, maybe inside a string."""
_TOKEN = re.compile(r'"""|\'\'\'|["\'#.]')
_KEY_BREAK = re.compile(r"[\n=,\[\]{}]")
"""What ends a key (or starts the next): between two dots, they are not of one key."""


def long_key(text: str) -> int | None:
    """The 1-based line of the first key of *text* with more than MAX_KEY_PARTS parts, or
    None. Linear in the text; two quick searches unless something in it looks like one.

    Dots are counted outside strings and comments, from the start of a key (a line, a
    ``[``, ``{`` or ``,``) to its end (``=``, ``]``): a value has at most one dot (``1.5``),
    so only a key, or text that is not TOML, has many.
    """
    if _MANY_DOTS.search(text) is None or _LONG_KEY_LIKE.search(text) is None:
        return None
    pos = since = dots = 0
    size = len(text)
    while (token := _TOKEN.search(text, pos)) is not None:
        kind, at, pos = token.group(), token.start(), token.end()
        if _KEY_BREAK.search(text, since, at) is not None:
            dots = 0
        if kind == ".":
            dots += 1
            if dots >= MAX_KEY_PARTS:
                return text.count("\n", 0, at) + 1
        elif kind == "#":
            end = text.find("\n", pos)
            pos = size if end < 0 else end
        else:
            end_match = STRING_END[kind].match(text, pos)
            if end_match is None:
                return None  # not TOML: the parser says where
            pos = end_match.end()
        since = pos
    return None


def long_key_message(line: int) -> str:
    """The one line that says why a text with a key that long is not read."""
    return (
        f"line {line}: a key of more than {MAX_KEY_PARTS} dotted parts; not read "
        "(no plan nests that deep)"
    )


FEW_BRACKETS = 16
"""How deep a nesting few_brackets lets through. toml_text's compiled reader recurses on
the stack for each level of arrays and inline tables: on a thread with a 128 KB stack (the
smallest a C library gives) it reads 32 levels and ends the process at 100."""
_HEADER_LINES = {
    2: re.compile(r"\n\[\[[A-Za-z0-9_.-]++\]\](?=\r?\n|\Z)"),
    1: re.compile(r"\n\[[A-Za-z0-9_.-]++\](?=\r?\n|\Z)"),
}
"""A line that is only a header spelled plainly, by its brackets (a plan's 96,000 are)."""


def few_brackets(text: str) -> bool:
    """Whether *text* has so few ``[`` and ``{`` that no reader of it can go more than
    FEW_BRACKETS arrays or inline tables deep, found without reading it (20 ms for a 9 MB
    plan, a fifth of layout's scan), counting the brackets of its plain header lines apart.

    Why it holds: a reader reaches a depth only at a point before which the text is valid
    TOML, and each array or inline table open there began at a ``[`` or ``{`` of its own.
    Those of a line that is only ``[[key]]`` or ``[key]`` (bare key characters, nothing
    else) are not among them, but on the line that point is on: such a line is a header,
    or inside a multi-line string, or a value inside an array (``[[1]]``, closed on the
    line itself; a bare word such as ``[[a]]`` is an error there, and the reading stops
    at it). So the depth is at most the other brackets, plus two. A plan's brackets are
    nearly all in its headers; one whose values hold many (a ``[ -f x ]`` in every step)
    is not found few, and its layout's scan decides (store/layout.py's found_shallow).
    """
    openers = text.count("[") + text.count("{")
    if openers <= FEW_BRACKETS - 2:
        return True
    for brackets, line in _HEADER_LINES.items():
        for _ in line.finditer(text):
            openers -= brackets
    return openers + 2 <= FEW_BRACKETS
