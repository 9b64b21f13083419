"""Saving by patching the text: only the top-level tables a save changes are parsed again and
written key by key (see document); the rest of the file stays as it is, byte for byte.
None where the layout calls for the whole document."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import tomlkit
from pydantic import BaseModel
from tomlkit.exceptions import ParseError
from tomlkit.items import Table

from rollback_tui.bulk_work import pace
from rollback_tui.store import document as plan_document
from rollback_tui.store import layout as toml_layout


def patch(
    text: str,
    raw: dict[str, Any],
    plan: BaseModel,
    *,
    as_read: Callable[[str, BaseModel], bool] | None = None,
) -> str | None:
    """*plan* written into its TOML *text*, parsing only the top-level tables it changes.

    *raw* is *text* as tomllib reads it. The result is the text that parse() and dumps()
    would give, byte for byte, in a fraction of the time on a long plan: ticking one step
    of a 200-component plan re-parses that component and the timeline's last entry, not
    the 200. None when the text's shape or the change is one this does not handle (keys
    added before the first header, tables removed, entries removed or moved); the caller
    then writes the whole document.

    A multi-line string with CRLF line ends reads as LF to tomllib: whether it changed
    is for tomlkit to say, so the tables that hold one are parsed (layout.cr_chunks), as
    the whole document would be.

    *as_read*, when given, says of a top-level table (or an entry of a top-level array of
    tables), by its key and model, that the caller knows it to be as *text* has it: it is
    left as it is without comparing it with *raw* (a tick on a 24,000-component plan
    compares the one component it changed).
    """
    patcher = _patched(text, raw, plan, as_read)
    return None if patcher is None else patcher.text()


class Patched(NamedTuple):
    """What patch_data makes of a text: the new text in UTF-8, where its chunks are (None
    if that is not known: the next save splits it again), and its values."""

    data: bytearray
    shape: toml_layout.Shape | None
    values: Callable[[], dict[str, Any] | None] | None
    """What gives the new text as toml_text reads it (see _Patcher.values), made when
    asked; None where the new text's shape is not known."""


def patch_data(
    text: str,
    raw: dict[str, Any],
    plan: BaseModel,
    *,
    as_read: Callable[[str, BaseModel], bool] | None = None,
) -> Patched | None:
    """patch()'s text in UTF-8, for the file, made without holding it as text as well
    (the text kept is encoded a megabyte at a time: a 9 MB plan's save holds 9 MB less);
    where its chunks are; and its values, read without parsing it whole."""
    patcher = _patched(text, raw, plan, as_read)
    if patcher is None:
        return None
    shape = patcher.shape()
    return Patched(patcher.data(), shape, patcher.values if shape is not None else None)


def _patched(
    text: str,
    raw: dict[str, Any],
    plan: BaseModel,
    as_read: Callable[[str, BaseModel], bool] | None,
) -> _Patcher | None:
    """The chunks of *text* patched with *plan*, or None (see patch)."""
    layout = toml_layout.split_again(text)
    if layout is None or not _layout_matches(layout, raw) or _DOTTED.search(layout.chunk_text(0)):
        return None  # a dotted key before the first header may belong to a later table
    patcher = _Patcher(layout, raw, as_read)
    try:
        for name in type(plan).model_fields:
            if not patcher.field(plan, name):
                return None
    except ParseError:  # a chunk tomlkit reads differently alone: the whole text decides
        return None
    return patcher


class _Patcher:
    """One save's chunks of the text: those tomlkit parsed and changed, those changed as
    text. Each method returns False when the change is one for the whole document."""

    def __init__(
        self,
        layout: toml_layout.Layout,
        raw: dict[str, Any],
        as_read: Callable[[str, BaseModel], bool] | None = None,
    ) -> None:
        self.layout = layout
        self.raw = raw
        self.as_read = as_read
        self.documents: dict[int, tomlkit.TOMLDocument] = {}
        self.appended: dict[int, str] = {}
        """Chunks changed as text, parsing only what changed."""
        self.new_after: set[int] = set()
        """Chunks followed by a new array of tables, as text."""
        self.last = len(layout.chunks) - 1
        self._new_texts: dict[int, str] | None = None

    def field(self, plan: BaseModel, name: str) -> bool:
        """Write the plan's field *name* into the chunks that hold it."""
        value = getattr(plan, name)
        unset = plan_document.is_unset(plan, name, value)
        if name in self.layout.entries:
            if unset and value == []:  # emptied (a reset's timeline): its entries go
                return self._remove_entries(name)
            return not unset and plan_document.is_array(value) and self._entries(name, value)
        if name in self.layout.tables:
            return not unset and isinstance(value, BaseModel) and self._table(name, value)
        if name in self.raw:  # a key before the first header
            return self._top_key(name, value, unset)
        return unset or self._new_key(plan, name, value)

    def text(self) -> str:
        """The whole text: each chunk as it was, as patched, or as tomlkit writes it."""
        if not self.documents and not self.appended:
            return self.layout.text
        whole = self.layout.text
        return "".join(p if isinstance(p, str) else whole[p[0] : p[1]] for p in self._pieces())

    def data(self) -> bytearray:
        """text() in UTF-8, the text kept encoded a megabyte at a time. An ASCII text (as
        most plans are) is copied into a buffer of its size made first: one grown as it
        went was moved about, and held 10 MB more at its largest."""
        whole = self.layout.text
        pieces = [p.encode("utf-8") if isinstance(p, str) else p for p in self._pieces()]

        def parts() -> Iterator[bytes]:
            for piece in pieces:
                if isinstance(piece, bytes):
                    yield piece
                    continue
                for at in range(piece[0], piece[1], 1 << 20):
                    yield whole[at : min(piece[1], at + (1 << 20))].encode("utf-8")

        if not whole.isascii():
            out = bytearray()
            for part in parts():
                out += part
            return out
        out = bytearray(sum(len(p) if isinstance(p, bytes) else p[1] - p[0] for p in pieces))
        done = 0
        with memoryview(out) as view:
            for part in parts():
                view[done : done + len(part)] = part
                done += len(part)
        return out

    def _pieces(self) -> Iterator[str | tuple[int, int]]:
        """The text in order: spans of it kept as they are (start, end), and new text."""
        done, chunks = 0, self.layout.chunks
        for i, text in sorted(self.new_texts().items()):
            yield done, chunks[i].start
            yield text
            done = chunks[i].end
        yield done, len(self.layout.text)

    def new_texts(self) -> dict[int, str]:
        """The new text of each chunk changed, by index."""
        if self._new_texts is None:
            self._new_texts = {i: tomlkit.dumps(d) for i, d in self.documents.items()}
            self._new_texts.update(self.appended)
        return self._new_texts

    def values(self) -> dict[str, Any] | None:
        """text() as toml_text reads it, made from the values read of the chunks that
        stayed as they were and the changed chunks read alone: what reading the whole new
        text gives (the layout cuts a text only where each chunk alone reads as it does in
        the whole: see layout.split), for the price of the one or two chunks a tick
        changed. None for a text cut where this does not follow (a new key before the
        first header, in a chunk of its own)."""
        from rollback_tui import toml_text

        new, layout = self.new_texts(), self.layout
        kept = layout.tables.keys() | layout.entries.keys()
        out: dict[str, Any] = {}
        extended: set[str] = set()  # the arrays of tables whose lists are out's own
        entries_before: dict[str, int] = {}
        for index, chunk in enumerate(layout.chunks):
            key = chunk.key
            number = 0
            if chunk.entry and key is not None:
                number = entries_before.get(key, 0)
                entries_before[key] = number + 1
            if index in new:
                part = toml_text.loads(new[index])
            elif key is None:
                part = {k: v for k, v in self.raw.items() if k not in kept}
            elif chunk.entry:
                part = {key: [self.raw[key][number]]}
            else:
                part = {key: self.raw[key]}
            for name, value in part.items():
                if name not in out:
                    out[name] = value
                    continue
                if not (isinstance(out[name], list) and isinstance(value, list)):
                    return None  # one table in two chunks: not a text the layout cuts
                if name not in extended:
                    out[name] = [*out[name]]
                    extended.add(name)
                out[name] += value
        return out

    def shape(self) -> toml_layout.Shape | None:
        """Where the chunks of the new text are (see layout.respliced)."""
        return toml_layout.respliced(self.layout, self.new_texts())

    def _document(self, index: int) -> tomlkit.TOMLDocument:
        if index in self.appended:
            raise ParseError(0, 0)  # changed twice: the whole text decides (rare)
        if index not in self.documents:
            self.documents[index] = tomlkit.parse(self.layout.chunk_text(index))
        return self.documents[index]

    def _entries_patched(self, index: int, key: str, raw_table: Any, model: BaseModel) -> bool:
        """Patch only the changed sub-table entries of chunk *index*, if it can be."""
        from rollback_tui.store.splice import patch_entries

        if index in self.documents or index in self.appended:
            return False
        text = patch_entries(self.layout.chunk_text(index), key, raw_table, model)
        if text is not None:
            self.appended[index] = text
        return text is not None

    def _synced(self, index: int, key: str, raw_table: Any, model: BaseModel) -> bool:
        """Whether chunk *index*'s table *key* needs no tomlkit: unchanged, or patched."""
        return index not in self.layout.cr_chunks and (
            (self.as_read is not None and self.as_read(key, model))
            or plan_document.in_sync(raw_table, model)
            or self._entries_patched(index, key, raw_table, model)
        )

    def _entries(self, name: str, value: list[Any]) -> bool:
        """An array of tables: its entries changed in place, new ones appended."""
        old, chunks = self.raw[name], self.layout.entries[name]
        if len(value) < len(old) or not plan_document.same_entries(old, value):
            return False
        for index, entry, model in zip(chunks, old, value, strict=False):
            pace()  # made in the background of the wizard: keys typed meanwhile go first
            if not self._synced(index, name, entry, model):
                plan_document.sync_table(self._document(index)[name][0], model)
        if len(value) > len(old):  # appended: spaced after the last entry, as in full
            return self._append_entries(name, value, len(old), chunks[-1])
        return True

    def _append_entries(self, name: str, value: list[Any], count: int, at: int) -> bool:
        """The entries of *value* after the first *count*, after chunk *at*'s last one."""
        from rollback_tui.store.splice import append

        if at in self.new_after:
            return False  # its entries would go after the new array: rare, let be
        text = (
            None
            if at in self.documents
            else append(
                self.layout, at, name, value[count:], existing=True, text=self.appended.get(at)
            )
        )
        if text is None:
            plan_document.sync_array(self._document(at), name, value[count - 1 :])
        else:
            self.appended[at] = text
        return True

    def _remove_entries(self, name: str) -> bool:
        """An array of tables emptied: the chunks of its entries taken out of the text, as
        the whole document takes them (with what lies between them and the next header)."""
        chunks = self.layout.entries[name]
        if any(i in self.documents or i in self.appended for i in chunks):
            return False  # changed as well: rare, let the whole document decide
        for index in chunks:
            self.appended[index] = ""  # (only a chunk taken out has an empty text)
        return True

    def _table(self, name: str, value: BaseModel) -> bool:
        index = self.layout.tables[name]
        if not self._synced(index, name, self.raw[name], value):
            table = self._document(index)[name]
            if not isinstance(table, Table):
                return False
            plan_document.sync_table(table, value)
        return True

    def _top_key(self, name: str, value: Any, unset: bool) -> bool:
        if unset or isinstance(value, BaseModel) or plan_document.is_array(value):
            return False
        current = self._document(0)[name] if 0 in self.layout.cr_chunks else self.raw[name]
        if not plan_document.same_value(current, value):
            self._document(0)[name] = plan_document.toml_value(value)
        return True

    def _new_top_key(self, plan: BaseModel, name: str) -> bool:
        """A new key before the first header (a plan's first run id, given by its first
        reset): added to the keys there, where they end as a plan's do (the last a key,
        then blank lines, then the first header), as the whole document adds it. Where
        they end otherwise (a comment, no blank line, no key at all), tomlkit places it
        after comments or blank lines that the keys alone do not show: let it."""
        keys = self.layout.chunk_text(0)
        last_line = keys.rstrip("\n").rpartition("\n")[2]
        if not keys.endswith("\n\n") or "\r" in keys or last_line.lstrip().startswith("#"):
            return False
        if not last_line.strip():
            return False  # no key before the first header (or a blank line of spaces)
        document = self._document(0)
        plan_document.sync_key(document, set(document), plan, name)
        return True

    def _new_key(self, plan: BaseModel, name: str, value: Any) -> bool:
        """A table new to the file: at the end of the document, after the last chunk's."""
        from rollback_tui.store.splice import append

        if not (isinstance(value, BaseModel) or plan_document.is_array(value)):
            return self._new_top_key(plan, name)
        last, text = self.last, None
        if self.appended.get(last) == "":
            return False  # after entries taken out: let the whole document place it
        if plan_document.is_array(value) and last not in self.documents:
            text = append(
                self.layout, last, name, value, existing=False, text=self.appended.get(last)
            )
        if text is None:
            if last in self.new_after:  # a new array already appended there as text:
                self.new_after.discard(last)  # the chunk goes on as a document of it
                self.documents[last] = tomlkit.parse(self.appended.pop(last))
            end = self._document(last)
            plan_document.sync_key(end, set(end), plan, name)
        else:
            self.appended[last] = text
            self.new_after.add(last)
        return True


_DOTTED = re.compile(r"^[ \t]*(?:[A-Za-z0-9_-]+|\"[^\"\n]*\"|'[^'\n]*')[ \t]*\.", re.M)


def _layout_matches(layout: toml_layout.Layout, raw: dict[str, Any]) -> bool:
    """Whether every table and array of tables in *raw* is under its own headers."""
    for key, value in raw.items():
        if key in layout.entries:
            if not isinstance(value, list) or len(value) != len(layout.entries[key]):
                return False
        elif key in layout.tables:
            if not isinstance(value, dict):
                return False
        elif isinstance(value, dict) or (
            isinstance(value, list) and value and all(isinstance(v, dict) for v in value)
        ):
            return False  # written with dotted keys before the first header
    return all(key in raw for key in (*layout.entries, *layout.tables))
