"""Saving by patching the text: only the top-level tables a save changes are parsed again and
written key by key (see document); the rest of the file stays as it is, byte for byte.
None where the layout calls for the whole document."""

from __future__ import annotations

import re
from typing import Any

import tomlkit
from pydantic import BaseModel
from tomlkit.exceptions import ParseError
from tomlkit.items import Table

from rollback_tui.store import document as plan_document
from rollback_tui.store import layout as toml_layout


def patch(text: str, raw: dict[str, Any], plan: BaseModel) -> str | None:
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
    """
    layout = toml_layout.split_again(text)
    if layout is None or not _layout_matches(layout, raw) or _DOTTED.search(layout.chunk_text(0)):
        return None  # a dotted key before the first header may belong to a later table
    try:
        return _patch(layout, raw, plan)
    except ParseError:  # a chunk tomlkit reads differently alone: the whole text decides
        return None


def _patch(layout: toml_layout.Layout, raw: dict[str, Any], plan: BaseModel) -> str | None:
    from rollback_tui.store.splice import append, patch_entries

    documents: dict[int, tomlkit.TOMLDocument] = {}
    appended: dict[int, str] = {}  # chunks changed as text, parsing only what changed
    new_after: set[int] = set()  # chunks followed by a new array of tables, as text

    def document(index: int) -> tomlkit.TOMLDocument:
        if index in appended:
            raise ParseError(0, 0)  # changed twice: the whole text decides (rare)
        if index not in documents:
            documents[index] = tomlkit.parse(layout.chunk_text(index))
        return documents[index]

    def entries_patched(index: int, key: str, raw_table: Any, model: BaseModel) -> bool:
        """Patch only the changed sub-table entries of chunk *index*, if it can be."""
        if index in documents or index in appended:
            return False
        text = patch_entries(layout.chunk_text(index), key, raw_table, model)
        if text is not None:
            appended[index] = text
        return text is not None

    last = len(layout.chunks) - 1
    for name in type(plan).model_fields:
        value = getattr(plan, name)
        unset = plan_document.is_unset(plan, name, value)
        if name in layout.entries:
            if unset or not plan_document.is_array(value):
                return None
            old, chunks = raw[name], layout.entries[name]
            if len(value) < len(old) or not plan_document.same_entries(old, value):
                return None
            for index, entry, model in zip(chunks, old, value, strict=False):
                if index in layout.cr_chunks or (
                    not plan_document.in_sync(entry, model)
                    and not entries_patched(index, name, entry, model)
                ):
                    plan_document.sync_table(document(index)[name][0], model)
            if len(value) > len(old):  # appended: spaced after the last entry, as in full
                if chunks[-1] in new_after:
                    return None  # its entries would go after the new array: rare, let be
                text = (
                    None
                    if chunks[-1] in documents
                    else append(
                        layout,
                        chunks[-1],
                        name,
                        value[len(old) :],
                        existing=True,
                        text=appended.get(chunks[-1]),
                    )
                )
                if text is None:
                    plan_document.sync_array(document(chunks[-1]), name, value[len(old) - 1 :])
                else:
                    appended[chunks[-1]] = text
        elif name in layout.tables:
            if unset or not isinstance(value, BaseModel):
                return None
            index = layout.tables[name]
            if index in layout.cr_chunks or (
                not plan_document.in_sync(raw[name], value)
                and not entries_patched(index, name, raw[name], value)
            ):
                table = document(layout.tables[name])[name]
                if not isinstance(table, Table):
                    return None
                plan_document.sync_table(table, value)
        elif name in raw:  # a key before the first header
            if unset or isinstance(value, BaseModel) or plan_document.is_array(value):
                return None
            current = document(0)[name] if 0 in layout.cr_chunks else raw[name]
            if not plan_document.same_value(current, value):
                document(0)[name] = plan_document.toml_value(value)
        elif not unset:
            if not (isinstance(value, BaseModel) or plan_document.is_array(value)):
                return None  # a new key before the first header: let tomlkit place it
            # A new table goes at the end of the document, after the last chunk's table.
            text = None
            if plan_document.is_array(value) and last not in documents:
                text = append(layout, last, name, value, existing=False, text=appended.get(last))
            if text is None:
                end = document(last)
                plan_document.sync_key(end, set(end), plan, name)
            else:
                appended[last] = text
                new_after.add(last)
    if not documents and not appended:
        return layout.text
    return "".join(
        tomlkit.dumps(documents[i]) if i in documents else appended.get(i, layout.chunk_text(i))
        for i in range(len(layout.chunks))
    )


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
