"""Text read back from Markdown, for `import`: the user's text as render wrote it.

render escapes user text (markdown_text.inline) and substitutes the plan's variables; this
module undoes both as far as they can be undone:

- Markdown syntax is read by markdown-it, so escapes and entities are undone by the same
  rules that made them; code spans come back with their backticks, emphasis with its
  markers, hard line breaks as newlines, ``<br>`` in table cells as newlines.
- A variable's value is written back as the variable (``v2.4.0`` -> ``$VERSION``) where
  render would have substituted it, when the value is known from the header and stands on
  its own (not part of a longer name). A value that happens to appear in the text without
  having been a variable is read as the variable too: it renders the same, but then
  follows the plan's value. Two variables with the same value cannot be told apart (the
  first, in the order below, is written back).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from markdown_it.tree import SyntaxTreeNode

from rollback_tui.plan.shell_words import is_plain_name, quoting_at, single_quoted

# The order render's variables are written back in when two share a value.
VARIABLES = (
    "VERSION",
    "TARGET_VERSION",
    "FEATURE_FLAG",
    "INCIDENT",
    "COMPONENT",
    "UPDATE_INTERVAL",
)
_NAME_CHAR = r"[A-Za-z0-9_]"
_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_LOOK_AROUND = len(rf"(?<!{_NAME_CHAR})(?!{_NAME_CHAR})")


def _occurrences(text: str, value: str, *, alone: bool) -> Iterator[tuple[int, int]]:
    """(start, end) of each *value* in *text*, left to right, none overlapping, as a
    pattern finds them; *alone*: not beside a name character."""
    start = text.find(value)
    while start >= 0:
        end = start + len(value)
        if alone and (
            (start and text[start - 1] in _NAME_CHARS) or text[end : end + 1] in _NAME_CHARS
        ):
            start = text.find(value, start + 1)
            continue
        yield start, end
        start = text.find(value, end)


def _code(node: SyntaxTreeNode) -> str:
    """A code span as it was typed (CommonMark drops one space on each side)."""
    content = node.content
    pad = (
        content.startswith("`")
        or content.endswith("`")
        or (content[:1] == " " and content[-1:] == " " and content.strip() != "")
    )
    fence = node.markup or "`"
    return f"{fence} {content} {fence}" if pad else f"{fence}{content}{fence}"


def plain(nodes: list[SyntaxTreeNode], *, table: bool = False) -> str:
    """Inline nodes as the text the user typed: soft breaks are spaces, hard breaks (and
    ``<br>`` in a table cell) newlines."""
    out: list[str] = []
    for node in nodes:
        kind = node.type
        if kind == "text":
            out.append(node.content)
        elif kind == "code_inline":
            out.append(_code(node))
        elif kind == "softbreak":
            out.append(" ")
        elif kind == "hardbreak":
            out.append("\n")
        elif kind == "html_inline":
            out.append(
                "\n"
                if table and node.content.lower() in ("<br>", "<br/>", "<br />")
                else node.content
            )
        elif kind in ("em", "strong", "s"):
            out.append(f"{node.markup}{plain(node.children, table=table)}{node.markup}")
        elif kind == "link":
            inner = plain(node.children, table=table)
            out.append(inner if node.markup == "autolink" else f"[{inner}]({node.attrs['href']})")
        elif kind == "image":
            out.append(f"![{node.content}]({node.attrs.get('src', '')})")
        else:
            out.append(node.content)
    return "".join(out)


def inline_of(node: SyntaxTreeNode) -> list[SyntaxTreeNode]:
    """The inline children of a block node that holds one (paragraph, heading, cell)."""
    for child in node.children:
        if child.type == "inline":
            # markdown-it leaves empty text nodes around emphasis: they say nothing.
            return [c for c in child.children if c.type != "text" or c.content]
    return []


def split_lines(nodes: list[SyntaxTreeNode]) -> list[list[SyntaxTreeNode]]:
    """Inline nodes cut at line breaks (soft or hard)."""
    lines: list[list[SyntaxTreeNode]] = [[]]
    for node in nodes:
        if node.type in ("softbreak", "hardbreak"):
            lines.append([])
        else:
            lines[-1].append(node)
    return lines


# In runs, not a character at a time through a group: that kept a note of every one (a
# 2 MB value took 376 MB).
_ASSIGNMENT = re.compile(rf"({'|'.join(VARIABLES)})='((?:[^']++|'\\'')*+)'\n")
_LEFT_UNSET = re.compile(rf"# (?:(?:{'|'.join(VARIABLES)})(?:, )?)+ left unset: [^\n]*\n")


def _assigned(text: str, variables: dict[str, str]) -> tuple[str, set[str]]:
    """*text* without the lines render puts before a command for the variables whose
    values are not plain names (``COMPONENT='a b'``, or the comment saying they were left
    unset), and the names those lines were for. An assignment of another value than the
    plan's is the user's own and stays."""
    names: set[str] = set()
    while True:
        if (unset := _LEFT_UNSET.match(text)) is not None:
            names.update(re.findall("|".join(VARIABLES), unset.group().split(" left unset")[0]))
            text = text[unset.end() :]
        elif (given := _ASSIGNMENT.match(text)) is not None and given.group(2).replace(
            "'\\''", "'"
        ) == variables.get(given.group(1)):
            names.add(given.group(1))
            text = text[given.end() :]
        else:
            return text, names


def _unquoted(text: str, names: set[str]) -> str:
    """The quotes render put around ``$NAME`` taken off again (``"$NAME"`` where it stood
    bare, ``'"$NAME"'`` inside single quotes), in one pass from the left."""
    if not names:
        return text
    ref = "|".join(rf"\${name}\b|\${{{name}}}" for name in sorted(names))
    return re.sub(rf"'\"({ref})\"'|\"({ref})\"", lambda m: m.group(1) or m.group(2), text)


def unsubstitute(text: str, variables: dict[str, str], *, command: bool = False) -> str:
    """*text* with each variable's value that stands on its own written back as $NAME.

    In a command, the lines render puts first for a value that is not a plain name
    (``COMPONENT='a b'``) go, and so do the quotes it put around ``$COMPONENT`` in the
    command (shell_words). A command rendered by an older release, with such a value
    written in its quoted form (``'a b'`` bare, ``"'a b'"`` inside double quotes, the value
    with a ``'`` as ``'\\''`` inside single quotes), comes back too; where the value began
    or ended a double-quoted string (``"$X"``), it reads back bare (``$X``): the shell
    reads both the same. A value written unquoted, as by hand, is its variable too.
    """
    if command and text:
        text, names = _assigned(text, variables)
        text = _unquoted(text, names)
    values = [
        (name, value)
        for name in VARIABLES
        if (value := variables.get(name, "")) and len(value.strip()) > 1
    ]
    if not values or not text:
        return text
    seen: set[str] = set()
    # (the text to find, whether alone (not beside a name character), its variable, the
    # quoting it stands in); found with str.find, not a pattern: a pattern made of a
    # long value took minutes and hundreds of MB to compile.
    alternatives: list[tuple[str, bool, str, frozenset[str] | None]] = []
    for name, value in values:
        if value in seen:
            continue
        seen.add(value)
        if command and not is_plain_name(value):
            quoted = single_quoted(value)
            ticked = quoted.replace("\\", "\\\\").replace("`", "\\`")
            alternatives += [
                (f'"{quoted}"', False, name, frozenset({"double"})),
                (quoted, False, name, frozenset({"bare", "subshell"})),
                (ticked, False, name, frozenset({"tick"})),
                (value.replace("'", "'\\''"), False, name, frozenset({"single"})),
            ]
            # Written by hand, unquoted: the value on its own below is its variable too.
        alternatives.append((value, True, name, None))
    # Longest first, so that "v2.4.10" is not read as "$VERSION0" when VERSION is "v2.4.1"
    # (as long as the pattern each once was: the value alone with its two look-arounds).
    alternatives.sort(key=lambda entry: -len(re.escape(entry[0])) - _LOOK_AROUND * entry[1])
    found = sorted(
        (
            (start, start - end, end, name, states)
            for value, alone, name, states in alternatives
            for start, end in _occurrences(text, value, alone=alone)
        ),
        key=lambda hit: hit[:2],
    )
    if not found:
        return text
    where = quoting_at(text, sorted({hit[0] for hit in found}))
    state_at = dict(zip(sorted({hit[0] for hit in found}), where, strict=True))
    out: list[str] = []
    done = 0
    for start, _, end, name, states in found:
        if start < done or (states is not None and state_at[start] not in states):
            continue
        # $NAME followed by a name character would be another variable: use ${NAME}.
        follows = end < len(text) and re.match(_NAME_CHAR, text[end]) is not None
        out += [text[done:start], f"${{{name}}}" if follows else f"${name}"]
        done = end
    out.append(text[done:])
    return "".join(out)


# -- pieces of blocks ------------------------------------------------------------------


def block_text(node: SyntaxTreeNode) -> str:
    """A block's text as typed (a list's entries and code blocks on lines of their own)."""
    if node.type in ("paragraph", "heading"):
        return plain(inline_of(node))
    if node.type in ("fence", "code_block"):
        return node.content
    parts = []
    for child in node.walk():
        if child.type == "inline":
            parts.append(plain(list(child.children)))
        elif child.type in ("fence", "code_block"):
            parts.append(child.content)
    return "\n".join(parts)


def line_label(line: list[SyntaxTreeNode]) -> tuple[str | None, str, list[SyntaxTreeNode]]:
    """(label, value, value nodes) of ``**Label:** value`` or ``Label: value``."""
    if line and line[0].type == "strong":
        label = plain(line[0].children).strip()
        rest = line[1:]
        value = plain(rest)
        if label.endswith(":"):
            return label[:-1].strip(), value.strip(), rest
        if value.startswith(":"):
            return label, value[1:].strip(), rest
    text = plain(line)
    head, colon, tail = text.partition(":")
    if colon and 0 < len(head) <= 40 and "`" not in head:
        return head.strip(), tail.strip(), []
    return None, text.strip(), line


def entry_label(entry: SyntaxTreeNode) -> tuple[str | None, str]:
    """(label, value) of a list entry ``- **Label:** value`` (value lines kept)."""
    paragraphs = [c for c in entry.children if c.type == "paragraph"]
    if not paragraphs:
        return None, block_text(entry)
    label, value, _ = line_label(inline_of(paragraphs[0]))
    if label is None:
        return None, block_text(entry)
    lines = [line.strip() for line in value.split("\n")]
    more = [block_text(p) for p in paragraphs[1:]]
    return label, "\n".join(line for line in [*lines, *more] if line)


def one_text(entry: SyntaxTreeNode) -> str:
    """A list entry's text on one line."""
    return " ".join(block_text(entry).split())


def cell_text(cell: SyntaxTreeNode) -> str:
    """A table cell's text; render's "—" for an empty cell is empty."""
    text = plain(inline_of(cell), table=True).strip()
    return "" if text == "—" else text


def pick(values: dict[str, str], *words: str) -> str:
    """The value of the first column whose header holds one of *words* ("" if none)."""
    for name, value in values.items():
        if any(word in name for word in words):
            return value
    return ""
