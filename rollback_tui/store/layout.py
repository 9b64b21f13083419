"""Where each top-level table of a TOML text begins and ends, found without parsing it.

A plan file is mostly one long array of tables (its components, each with its steps) and
a handful of other tables. To save a tick, only the one or two tables it changed need
tomlkit's slow parser; the rest of the text is kept as it is. This module cuts the text
into those pieces: the keys before the first header, then one chunk per top-level table
and one per entry of each top-level array of tables, sub-tables included.

It only reads the text's shape: strings, comments, brackets and header lines. Anything
it is not sure of (an inline table, arrays nested deeper than MAX_ARRAY_DEPTH, a quoted
or odd header, a table split in two places) or a header with spaces inside its brackets
makes it give up, and the caller parses the whole text instead. A text it went through is
also one that toml_text's compiled reader may be given (found_shallow).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

from rollback_tui.bulk_work import Aside, aside, pace
from rollback_tui.store.toml_scan import STRING_END, few_brackets

_SPECIAL = re.compile(r'"""|\'\'\'|["\'#\[\]{}\n]')
_HEADER_START = re.compile(r"[ \t]*\[")
_BARE = r"[A-Za-z0-9_-]+"
# Only headers spelled plainly: tomlkit may respell a header with spaces inside when it
# rewrites the table, and the text must come out as it would from the whole document.
_HEADER = re.compile(rf"[ \t]*(\[\[?)({_BARE}(?:\.{_BARE})*)(\]\]?)[ \t]*(?:#[^\n]*)?\r?(?:\n|\Z)")
_BASIC = r'"[^"\\\n]*+(?:\\.[^"\\\n]*+)*+"'
_LITERAL = r"'[^'\n]*+'"
_KEY = rf"(?:{_BARE}|{_BASIC}|{_LITERAL})"
_PLAIN_LINES = re.compile(
    rf"(?:[ \t]*+"
    rf"(?:{_KEY}(?:[ \t]*+\.[ \t]*+{_KEY})*+[ \t]*+=[ \t]*+"
    rf"(?:{_BASIC}|{_LITERAL}|[A-Za-z0-9_:.+-]++)[ \t]*+)?+"
    r"(?:#[^\n]*+)?+\r?\n)++"
)
"""A run of whole lines that hold no header, bracket, brace or multi-line string: blank
lines, comments, and keys set to a one-line string, a number, a boolean or a date (what
most of a plan's lines are). The scan crosses them in one match, as it would one token
at a time: nothing in them starts a header, opens an array or an inline table."""
_HEADED = re.compile(rf"(?:{_HEADER.pattern})?+(?:{_PLAIN_LINES.pattern})?+")
"""A header line (if one starts there), then the plain lines after it: one match for each
header of a plan, and what follows it."""
_ENTRY = re.compile(
    rf"\[\[({_BARE})\]\][ \t]*+\r?\n(?:{_PLAIN_LINES.pattern})?+"
    rf"(?:(\[\[\1\.({_BARE})\]\][ \t]*+\r?\n)(?:{_PLAIN_LINES.pattern})?+"
    rf"(?:\[\[\1\.\3\]\][ \t]*+\r?\n(?:{_PLAIN_LINES.pattern})?+)*+)?+"
)
"""An entry of an array of tables, its sub-tables all entries of one array (``[[a]]``,
``[[a.b]]``, ``[[a.b]]``...), each header spelled plainly and followed by plain lines: one match
for a component and its steps."""


MAX_ARRAY_DEPTH = 8
"""The deepest nesting of arrays the layout handles (a plan's arrays hold strings: one
deep). toml_text's compiled reader recurses on the stack for each level, and is only given
texts this scan went through (found_shallow)."""


class _NotPlain(Exception):
    """The text's shape is not one the layout handles (see the module's docstring)."""


@dataclass(frozen=True, slots=True)
class Chunk:
    """A stretch of the text: the keys before the first header, or one top-level table."""

    key: str | None
    """The top-level key its headers start with; None for the keys before any header."""
    entry: bool
    """True for one entry of an array of tables (``[[key]]``)."""
    start: int
    end: int


class Layout:
    """A TOML text cut into chunks at its top-level headers."""

    def __init__(
        self, text: str, chunks: list[Chunk], cr_chunks: frozenset[int] = frozenset()
    ) -> None:
        self.text = text
        self.chunks = chunks
        self.cr_chunks = cr_chunks
        """The chunks with a multi-line string that holds a CR (a CRLF line end): tomllib
        reads it as LF, tomlkit keeps it, so only tomlkit can tell whether it changed."""
        self.tables: dict[str, int] = {}
        """Top-level table key -> its chunk's index."""
        self.entries: dict[str, list[int]] = {}
        """Top-level array-of-tables key -> its entries' chunk indexes, in order."""
        for index, chunk in enumerate(chunks):
            if chunk.key is None:
                continue
            if chunk.entry:
                self.entries.setdefault(chunk.key, []).append(index)
            else:
                self.tables[chunk.key] = index

    def chunk_text(self, index: int) -> str:
        chunk = self.chunks[index]
        return self.text[chunk.start : chunk.end]


def _headers(text: str) -> list[tuple[int, bool, list[str]]] | None:
    """(offset, double brackets, dotted key parts) of every header line, or None."""
    try:
        return list(_scan(text, []))
    except _NotPlain:
        return None


Header = tuple[int, bool, list[str]]
"""Where a header line starts, whether its brackets are double, its dotted key's parts."""


def _line(text: str, pos: int, every: bool) -> tuple[int, tuple[Header, ...]]:
    """At the start of a line outside any array: where the header there (if any) and the
    plain lines after it end, and the header. Unless *every*, an entry of an array of
    tables whose sub-tables are entries of one array (a component and its steps) is taken
    whole, with its first sub-table header only: the others say nothing more of where
    chunks are. Raises _NotPlain for a header not spelled plainly."""
    if not every and (entry := _ENTRY.match(text, pos)) is not None:
        top, sub = entry.group(1, 3)
        found: tuple[Header, ...] = ((pos, True, [top]),)
        if sub is not None:
            found += ((entry.start(2), True, [top, sub]),)
        return entry.end(), found
    headed = _HEADED.match(text, pos)  # always matches, perhaps nothing
    if headed is None:  # never: the pattern matches the empty string
        raise _NotPlain
    opening, name, closing = headed.group(1, 2, 3)
    if name is not None:
        if len(opening) != len(closing):
            raise _NotPlain
        return headed.end(), ((pos, len(opening) == 2, name.split(".")),)
    if headed.end() == pos and _HEADER_START.match(text, pos):
        raise _NotPlain
    return headed.end(), ()


def _string_end(text: str, quotes: str, pos: int, cr_at: list[int]) -> int:
    """Where the string opened by *quotes* just before *pos* ends; if a multi-line one holds
    a CR, *pos* is added to *cr_at*. Raises _NotPlain for a string that does not end."""
    end_match = STRING_END[quotes].match(text, pos)
    if end_match is None:
        raise _NotPlain
    if len(quotes) == 3 and text.find("\r", pos, end_match.end()) >= 0:
        cr_at.append(pos)
    return end_match.end()


def _scan(text: str, cr_at: list[int], *, every: bool = True) -> Iterator[Header]:
    """(offset, double brackets, dotted key parts) of every header line (unless *every*,
    all but the repeats _line leaves out), one at a time; where the multi-line strings
    that hold a CR begin is added to *cr_at*. Raises _NotPlain, possibly after some
    headers, for a text whose shape is not a plain one."""
    pos, depth, line_start, size = 0, 0, True, len(text)
    while pos < size:
        if line_start and depth == 0:
            pace()  # made in the background of the wizard: keys typed meanwhile go first
            end, found = _line(text, pos, every)
            yield from found
            if end > pos:
                pos = end
                continue
        line_start = False
        token = _SPECIAL.search(text, pos)
        if token is None:
            break
        kind, pos = token.group(), token.end()
        if kind == "\n":
            line_start = True
        elif kind == "#":
            end = text.find("\n", pos)
            pos = size if end < 0 else end
        elif kind in STRING_END:
            pos = _string_end(text, kind, pos, cr_at)
        elif kind == "[":
            depth += 1
            if depth > MAX_ARRAY_DEPTH:
                raise _NotPlain
        elif kind == "]":
            depth -= 1
            if depth < 0:
                raise _NotPlain
        else:  # an inline table: its keys are not where the chunks say
            raise _NotPlain
    if depth != 0:
        raise _NotPlain


def headers(text: str) -> list[tuple[int, bool, list[str]]] | None:
    """(offset, double brackets, dotted key parts) of every header line of *text*, or None
    where its shape is not a plain one (see the module's docstring)."""
    return _headers(text)


def _in_order(
    before: list[tuple[bool, tuple[str, ...]]], double: bool, path: tuple[str, ...]
) -> bool:
    """Whether a header may follow *before* in a chunk that tomlkit writes back unchanged.

    tomlkit reorders (or, saving, rebuilds) a table whose sub-table came first, and an
    array of tables interrupted by another table: such chunks are left to the whole text.
    """
    if not double:
        return not any(len(p) > len(path) and p[: len(path)] == path for _, p in before)
    if any(d and p == path for d, p in before):
        last = before[-1][1]
        return last[: len(path)] == path
    return True


_last: tuple[str, Layout | Aside | None] = ("", None)
"""The text split last, and its layout (or the child process splitting it: split_aside):
a save splits the text the save before wrote."""


def _keep(text: str, layout: Layout | Aside | None) -> None:
    """Keep *layout* as *text*'s, in place of the one kept (a split not collected is
    given up)."""
    global _last
    before = _last[1]
    if isinstance(before, Aside) and before is not layout:
        before.give_up()
    _last = (text, layout)


def forget(text: str) -> None:
    """*text* is split no more (a save replaced it): its layout, if kept, goes with it."""
    if _last[0] is text:
        _keep("", None)


def split_again(text: str) -> Layout | None:
    """``split(text)``, from the last call's result when *text* is the text split then
    (layouts are never changed by their users), or split aside."""
    last_text, kept = _last
    if text is last_text or text == last_text:
        if not isinstance(kept, Aside):
            return kept
        layout = _collect(text, kept)
    else:
        layout = split(text)
    _keep(text, layout)
    return layout


def remember(layout: Layout) -> None:
    """Take *layout* as its text's, as split_again's next call would find it (it was
    found by other means: see respliced)."""
    _keep(layout.text, layout)


ASIDE_FROM = 1_000_000
"""Characters from which a load has the layout found aside (split_aside): below, its scan
(10 ms a megabyte) is not worth a process."""


def split_aside(text: str) -> None:
    """Have split_again's next call for *text* find its layout made meanwhile by a child
    process (bulk_work.aside), while this one reads the text: a tick on a plan whose
    layout is not known (9 MB: 0.1 s of the tick) need not wait for the scan. Where no
    child can be started, the scan is made when first asked for, as it would be."""
    job = aside(lambda: _record(split(text)))
    if job is not None:
        _keep(text, job)


def _record(layout: Layout | None) -> dict[str, Any]:
    """What split_aside's child sends: the layout's shape as plain data; empty for a text
    not of a plain shape (a child that failed sends nothing)."""
    return {} if layout is None else Shape.of(layout).record()


def _collect(text: str, job: Aside) -> Layout | None:
    """The layout split_aside's child found for *text*, or the text split here if the
    child did not say (it was ended, or failed)."""
    found = job.result()
    if found == {}:
        return None
    try:
        return Shape.from_record(cast(dict[str, Any], found)).layout(text)
    except (KeyError, TypeError, ValueError, IndexError):
        return split(text)


@dataclass(frozen=True)
class Shape:
    """A layout without its text: where the chunks of a text are, to be kept until the
    text is read again (a tick's save is the next one's start)."""

    chunks: list[Chunk]
    cr_chunks: frozenset[int]
    length: int
    """The text's length, in characters."""

    def layout(self, text: str) -> Layout | None:
        """The layout of *text*, if it is as long as the text this is the shape of (the
        caller knows it is that text: by its digest)."""
        if len(text) != self.length:
            return None
        return Layout(text, self.chunks, self.cr_chunks)

    @classmethod
    def of(cls, layout: Layout) -> Shape:
        return cls(layout.chunks, layout.cr_chunks, len(layout.text))

    def record(self) -> dict[str, Any]:
        """The shape as plain data (for JSON or marshal): the top-level keys, each chunk's
        key (its index among them, -1 for the keys before any header), whether it is an
        entry, and where it starts; the chunks with a CR; the text's length."""
        keys: dict[str, int] = {}
        for chunk in self.chunks:
            if chunk.key is not None:
                keys.setdefault(chunk.key, len(keys))
        return {
            "keys": list(keys),  # plain words: the layout handles no other headers
            "key": [-1 if c.key is None else keys[c.key] for c in self.chunks],
            "entry": [int(c.entry) for c in self.chunks],
            "starts": [c.start for c in self.chunks],
            "cr": sorted(self.cr_chunks),
            "length": self.length,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Shape:
        """The shape *record* (of record()) says. Raises KeyError, TypeError, ValueError or
        IndexError for data that is not such a record."""
        keys: list[str | None] = [*record["keys"], None]  # -1: the keys before any header
        starts: list[int] = record["starts"]
        length = int(record["length"])
        chunks = [
            Chunk(keys[k], bool(e), int(a), int(b))
            for k, e, a, b in zip(
                record["key"], record["entry"], starts, [*starts[1:], length], strict=True
            )
        ]
        return cls(chunks, frozenset(record["cr"]), length)


def respliced(layout: Layout, new: dict[int, str]) -> Shape | None:
    """The shape of the text made from *layout*'s by putting *new* texts in place of some
    of its chunks (by index): each new text split on its own, the other chunks moved
    along; what split() would find in the whole new text, without scanning the chunks
    that stayed as they were (all but one or two of a long plan's). None where a new text
    is not of a plain shape."""
    chunks: list[Chunk] = []
    cr_chunks: set[int] = set()
    shift = 0
    for index, chunk in enumerate(layout.chunks):
        text = new.get(index)
        if text is None:
            if index in layout.cr_chunks:
                cr_chunks.add(len(chunks))
            chunks.append(Chunk(chunk.key, chunk.entry, chunk.start + shift, chunk.end + shift))
            continue
        if not text and chunk.key is not None:  # taken out (an array of tables emptied)
            shift -= chunk.end - chunk.start
            continue
        part = split(text)
        if part is None:
            return None
        pieces = part.chunks
        first = 0
        if chunk.key is not None:  # a table's text starts with its header: no keys before
            if pieces[0].key is not None or pieces[0].end != 0 or len(pieces) < 2:
                return None
            first = 1
        at = chunk.start + shift
        for j in range(first, len(pieces)):
            piece = pieces[j]
            if j in part.cr_chunks:
                cr_chunks.add(len(chunks))
            chunks.append(Chunk(piece.key, piece.entry, piece.start + at, piece.end + at))
        shift += len(text) - (chunk.end - chunk.start)
    if not _each_table_in_one_place(chunks):
        return None  # as split would say of the whole text
    return Shape(chunks, frozenset(cr_chunks), layout.chunks[-1].end + shift)


def _each_table_in_one_place(chunks: list[Chunk]) -> bool:
    """What split asks of the chunks it cuts: each key's chunks one after the other, and
    more than one only as the entries of an array of tables."""
    seen: set[str] = set()
    before: Chunk | None = None
    for chunk in chunks:
        if chunk.key is not None:
            if before is not None and chunk.key == before.key:
                if not (chunk.entry and before.entry):
                    return False
            elif chunk.key in seen:
                return False
            seen.add(chunk.key)
        before = chunk
    return True


def found_shallow(text: str) -> bool:
    """Whether no array or inline table of *text* can be nested deep: it has few brackets
    besides its headers' (toml_scan.few_brackets, quick), or the scan went through it and
    found no inline table and no array nested more than MAX_ARRAY_DEPTH deep (the layout,
    found, is kept for the save: split_again; or is being found aside: split_aside).
    False says nothing: a text whose shape is not a plain one for other reasons is read
    by tomli, as every text once was."""
    return few_brackets(text) or split_again(text) is not None


def split(text: str) -> Layout | None:
    """*text* (valid TOML) cut into chunks, or None if its shape is not a plain one."""
    try:
        return _split(text)
    except _NotPlain:
        return None


def _split(text: str) -> Layout | None:
    """split, the headers taken from the scan as it finds them (a plan has 100,000)."""
    cr_at: list[int] = []
    # A sub-table header that repeats the one before changes neither where the chunks are
    # nor what _in_order decides: the scan may leave those out.
    headers = _scan(text, cr_at, every=False)
    chunks: list[Chunk] = []
    start, key, entry = 0, None, False
    seen: set[str] = set()
    inside: list[tuple[bool, tuple[str, ...]]] = []  # the current chunk's headers
    for offset, double, parts in headers:
        top = parts[0]
        new_entry = double and len(parts) == 1
        if top == key and not new_entry:
            header = (double, tuple(parts))
            # The next entry of the array of tables just before is in order (a step).
            if not (double and header == inside[-1]) and not _in_order(inside, *header):
                return None
            inside.append(header)
            continue  # a sub-table of the current chunk
        if top != key and top in seen:
            return None  # the same table in two places: keep it simple, parse it all
        if top == key and not entry:
            return None  # [[key]] after a [key...] table of the same name: not TOML
        chunks.append(Chunk(key, entry, start, offset))
        start, key, entry = offset, top, new_entry
        inside = [(double, tuple(parts))]
        if key is not None:
            seen.add(key)
    chunks.append(Chunk(key, entry, start, len(text)))
    starts = [chunk.start for chunk in chunks]
    return Layout(text, chunks, frozenset(bisect_right(starts, at) - 1 for at in cr_at))
