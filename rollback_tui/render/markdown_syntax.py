"""Escaping of user text for CommonMark/GFM, so that nothing typed can break the layout.

Inline code spans the user writes (`like this`) are kept; web addresses and e-mail
addresses become autolinks (``<https://…>``, which show their own text); everything else
that Markdown would read as syntax is escaped. The result is also clean under
markdownlint's default rules: no raw HTML, no bare URLs, no hard tabs, no code spans with
stray spaces inside.
"""

from __future__ import annotations

import re

from rollback_tui.plan.shell_words import INVISIBLE, show_invisible

_BACKTICKS = re.compile(r"`+")
_ALWAYS = re.compile(r"([\\*\[\]<|~$])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_UNDERSCORES = re.compile(r"_+")
_LINE_START = re.compile(r"^([#=+>-])")
_NUMBERED = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
# What GitHub would make a link of by itself (a "bare URL"): web and e-mail addresses,
# and www. names. Trailing punctuation is not part of an address, as in GFM.
_ADDRESS = re.compile(
    r"(?P<url>https?://[^\s<>`\\|]*[^\s<>`\\|.,:;!?*_~'\"()])"
    r"|(?P<mail>[A-Za-z0-9._+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+)"
    r"|(?P<www>(?i:www)\.)"
)
# Text with none of these, and no line start that opens a block, needs no escaping.
# One character class, so the search is quick; "://" and "www." are looked for apart.
_SPECIAL = re.compile(rf"[\\*\[\]<|~&_`#\n\t@$:{INVISIBLE.pattern[1:-1]}]")
TABLE_LINE_BREAK = " / "
"""What a line break in a table cell becomes (GFM cells hold no breaks but raw HTML)."""
_BLOCK_START = "=+>-"
_SPACES = (
    " \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
"""What markdownlint (MD038, JavaScript's \\s) reads as a space at the end of a code span."""


def _escape_plain(text: str, hashes: bool = False) -> str:
    """*text* escaped, with its web and e-mail addresses as autolinks."""
    if "@" not in text and "://" not in text and "." not in text:
        return _escape_words(text, hashes)
    out = []
    pos = 0
    for match in _ADDRESS.finditer(text):
        out.append(_escape_words(text[pos : match.start()], hashes))
        if match.group("www"):  # not an address by itself: keep GitHub from linking it
            out.append(match.group()[:-1] + "\\.")
        else:
            out.append(f"<{match.group()}>")
        pos = match.end()
    out.append(_escape_words(text[pos:], hashes))
    return "".join(out)


def _escape_words(text: str, hashes: bool) -> str:
    text = _ALWAYS.sub(r"\\\1", text).replace("`", "\\`")
    if hashes:
        text = text.replace("#", "\\#")
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
    """One line of user text as inline Markdown (newlines become spaces, or " / " in tables).

    With *hashes*, every ``#`` outside code spans is escaped too (for headings).
    """
    # Most text has nothing to escape (and this is much faster).
    if _SPECIAL.search(text) is None and not ("." in text and "www." in text.lower()):
        line = text.strip()
        if table or not line or not (line[0] in _BLOCK_START or line[0].isdecimal()):
            return line
    return _inline(text, table=table, hashes=hashes)


def _inline(text: str, *, table: bool, hashes: bool) -> str:
    text = show_invisible(text).replace("\t", " ")
    lines = [line.strip() for line in text.split("\n")]
    out = []
    for line in lines:
        pieces = []
        for is_code, part in _split_code_spans(line):
            if is_code:
                part = _tidy_code_span(part)
                pieces.append(part.replace("|", "\\|") if table else part)
            else:
                pieces.append(_escape_plain(part, hashes))
        rendered = "".join(pieces)
        if not table:
            # What would open a block (heading, quote, list) at the start of a line.
            rendered = _NUMBERED.sub(r"\1\\\2", _LINE_START.sub(r"\\\1", rendered))
        out.append(rendered)
    return (TABLE_LINE_BREAK if table else " ").join(part for part in out if part)


def _tidy_code_span(span: str) -> str:
    """A code span the user wrote, without spaces inside its fences (markdownlint MD038).

    Spaces (no-break and other Unicode spaces too) at either end of inline code show as
    nothing a reader can tell apart.
    """
    fence = span[: len(span) - len(span.lstrip("`"))]
    inner = span[len(fence) : -len(fence)]
    if not inner.strip(_SPACES):
        return span
    return code_span(inner.strip(_SPACES))


def block(text: str, indent: str) -> str:
    """Multi-line user text as lines of one paragraph, kept apart by hard line breaks."""
    lines = [inline(line) for line in text.split("\n")]
    lines = [line for line in lines if line]
    return ("\\\n" + indent).join(lines)


def code_span(text: str, *, table: bool = False) -> str:
    """*text* as an inline code span whose fence cannot be closed by its content."""
    text = show_invisible(" ".join(text.split("\n"))).replace("\t", " ").strip(_SPACES)
    longest = max((len(m.group()) for m in _BACKTICKS.finditer(text)), default=0)
    fence = "`" * (longest + 1)
    if text.startswith("`") or text.endswith("`") or (text[:1] == " " and text[-1:] == " "):
        text = f" {text} "
    if table:
        text = text.replace("|", "\\|")
    return f"{fence}{text}{fence}"


def fenced(text: str, indent: str, info: str = "") -> str:
    """*text* as a fenced code block indented by *indent*, with a fence it cannot close."""
    text = show_invisible(text)
    if "\n" not in text and "`" not in text and "\t" not in text:  # one plain line: most
        return f"{indent}```{info}\n{indent + text if text else ''}\n{indent}```"
    if "\t" in text:
        text = text.expandtabs(4)
    longest = max((len(m.group()) for m in _BACKTICKS.finditer(text)), default=0)
    fence = "`" * max(3, longest + 1)
    body = "\n".join(f"{indent}{line}" if line else "" for line in text.split("\n"))
    return f"{indent}{fence}{info}\n{body}\n{indent}{fence}"


def heading(text: str) -> str:
    """User text in a heading: also escapes # so no closing sequence is read.

    Escaped once, outside code spans only: a second escape would show a backslash.
    """
    return inline(text, hashes=True)
