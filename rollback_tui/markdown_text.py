"""Escaping of user text for CommonMark/GFM, so that nothing typed can break the layout.

Inline code spans the user writes (`like this`) are kept; everything else that Markdown
would read as syntax is escaped.
"""

from __future__ import annotations

import re

from rollback_tui.shell_words import INVISIBLE

_BACKTICKS = re.compile(r"`+")
_ALWAYS = re.compile(r"([\\*\[\]<|~])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_UNDERSCORES = re.compile(r"_+")
_LINE_START = re.compile(r"^([#=+>-])")
_NUMBERED = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
# Text with none of these, and no line start that opens a block, needs no escaping.
_SPECIAL = re.compile(rf"[\\*\[\]<|~&_`#\n]|{INVISIBLE.pattern}")
_BLOCK_START = "=+>-"


def visible(text: str) -> str:
    """*text* with each invisible or direction-changing character shown as ``<U+202E>``."""
    return INVISIBLE.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def _escape_plain(text: str) -> str:
    text = _ALWAYS.sub(r"\\\1", text)
    text = _ENTITY.sub(r"\\&", text)

    def underscores(match: re.Match[str]) -> str:
        # A run of _ between two letters or digits can neither open nor close emphasis.
        start, end = match.span()
        inner = start > 0 and end < len(text) and text[start - 1].isalnum() and text[end].isalnum()
        return match.group() if inner else "\\_" * len(match.group())

    return _UNDERSCORES.sub(underscores, text)


def _split_code_spans(text: str) -> list[tuple[bool, str]]:
    """Split *text* into (is_code, part), matching backtick runs as CommonMark does."""
    parts: list[tuple[bool, str]] = []
    runs = list(_BACKTICKS.finditer(text))
    pos = 0
    i = 0
    while i < len(runs):
        opening = runs[i]
        closing = next(
            (j for j in range(i + 1, len(runs)) if len(runs[j].group()) == len(opening.group())),
            None,
        )
        if closing is None:
            i += 1
            continue
        parts.append((False, text[pos : opening.start()]))
        parts.append((True, text[opening.start() : runs[closing].end()]))
        pos = runs[closing].end()
        i = closing + 1
    parts.append((False, text[pos:]))
    return parts


def inline(text: str, *, table: bool = False, hashes: bool = False) -> str:
    """One line of user text as inline Markdown (newlines become spaces, or <br> in tables).

    With *hashes*, every ``#`` outside code spans is escaped too (for headings).
    """
    if _SPECIAL.search(text) is None:  # most text: nothing to escape (and much faster)
        line = text.strip()
        if table or not line or not (line[0] in _BLOCK_START or line[0].isdecimal()):
            return line
    return _inline(text, table=table, hashes=hashes)


def _inline(text: str, *, table: bool, hashes: bool) -> str:
    text = visible(text)
    lines = [line.strip() for line in text.split("\n")]
    out = []
    for line in lines:
        pieces = []
        for is_code, part in _split_code_spans(line):
            if is_code:
                pieces.append(part.replace("|", "\\|") if table else part)
            else:
                plain = _escape_plain(part).replace("`", "\\`")
                pieces.append(plain.replace("#", "\\#") if hashes else plain)
        rendered = "".join(pieces)
        if not table:
            # What would open a block (heading, quote, list) at the start of a line.
            rendered = _NUMBERED.sub(r"\1\\\2", _LINE_START.sub(r"\\\1", rendered))
        out.append(rendered)
    return ("<br>" if table else " ").join(part for part in out if part)


def block(text: str, indent: str) -> str:
    """Multi-line user text as lines of one paragraph, kept apart by hard line breaks."""
    lines = [inline(line) for line in text.split("\n")]
    lines = [line for line in lines if line]
    return ("\\\n" + indent).join(lines)


def code_span(text: str, *, table: bool = False) -> str:
    """*text* as an inline code span whose fence cannot be closed by its content."""
    text = visible(" ".join(text.split("\n")))
    longest = max((len(m.group()) for m in _BACKTICKS.finditer(text)), default=0)
    fence = "`" * (longest + 1)
    if text.startswith("`") or text.endswith("`") or (text[:1] == " " and text[-1:] == " "):
        text = f" {text} "
    if table:
        text = text.replace("|", "\\|")
    return f"{fence}{text}{fence}"


def fenced(text: str, indent: str, info: str = "") -> str:
    """*text* as a fenced code block indented by *indent*, with a fence it cannot close."""
    text = visible(text)
    longest = max((len(m.group()) for m in _BACKTICKS.finditer(text)), default=0)
    fence = "`" * max(3, longest + 1)
    body = "\n".join(f"{indent}{line}" if line else "" for line in text.split("\n"))
    return f"{indent}{fence}{info}\n{body}\n{indent}{fence}"


def heading(text: str) -> str:
    """User text in a heading: also escapes # so no closing sequence is read.

    Escaped once, outside code spans only: a second escape would show a backslash.
    """
    return inline(text, hashes=True)
