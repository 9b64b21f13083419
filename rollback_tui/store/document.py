"""A plan written into its tomlkit document, key by key, so that hand edits survive.

Comments, blank lines, key order and unknown keys are kept: tables are edited in place,
never rebuilt from dicts. tomlkit is slow to import and to parse, so this module is loaded
only when a plan is saved.
"""

from __future__ import annotations

import functools
import re
from enum import Enum
from typing import Any, TypeGuard, overload

import tomlkit
from pydantic import BaseModel
from tomlkit.container import Container, OutOfOrderTableProxy
from tomlkit.exceptions import ParseError
from tomlkit.items import AoT, Array, Comment, InlineTable, Item, Null, Table, Whitespace

from rollback_tui import toml_text


class DocumentError(ValueError):
    """TOML that tomlkit cannot parse; the message says where and what."""


def parse(text: str) -> tomlkit.TOMLDocument:
    """*text* as a tomlkit document. Raises DocumentError."""
    try:
        return tomlkit.parse(text)
    except RecursionError:
        raise DocumentError("arrays or tables nested too deeply to read") from None
    except ParseError as exc:
        what = str(exc).split(" at line ")[0]
        raise DocumentError(
            f"line {exc.line}, column {exc.col}: TOML syntax error: {what[:1].lower()}{what[1:]}"
        ) from None


def toml_value(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, str) and "\n" in value:
        return tomlkit.string(value, multiline=True)
    return value


def same_value(existing: Any, value: Any) -> bool:
    unwrapped = existing.unwrap() if hasattr(existing, "unwrap") else existing
    if isinstance(value, Enum):
        value = value.value
    return type(unwrapped) is type(value) and unwrapped == value


def is_unset(model: BaseModel, name: str, value: Any) -> bool:
    # Unset keys are absent from the file; an unticked item carries no `done = false`, an
    # ordinary step no `irreversible = false`.
    empty = (
        value is None
        or value == ""
        or value == []
        or (name in ("done", "irreversible") and value is False)
    )
    if not empty:
        return False
    return _default_is_empty(type(model), name)


@functools.cache
def _default_is_empty(model: type[BaseModel], name: str) -> bool:
    # An absent key reads back as the default: leave it out only if that is empty too
    # (an estimate cleared by the user must not come back as "~1 minute").
    default = model.model_fields[name].get_default(call_default_factory=True)
    return default is None or default == "" or default == [] or default is False


Tableish = Container | Table | OutOfOrderTableProxy
"""Where a model's keys are written. A table that a file defines in two places (dotted
keys and a header, or a sub-table's header before the table's own) comes back from
tomlkit as an OutOfOrderTableProxy, which writes each key into the part that holds it."""


def _body(table: Container | Table) -> Container:
    return table.value if isinstance(table, Table) else table


@overload
def _as_table(value: InlineTable) -> Table: ...


@overload
def _as_table(value: Array) -> AoT: ...


def _as_table(value: InlineTable | Array) -> Table | AoT:
    """An inline table as a table, or an array of inline tables as an array of tables,
    with every key kept (unknown ones too): the model's keys are then synced into it.

    Made from its values, as nothing else is here: an inline table holds no comments, so
    only its one-line layout is lost (a wizard's edit can add what does not fit on a line).
    """
    # tomlkit's overloads leave the result Any (a dict may also become an inline table,
    # when a parent array is given): a dict alone becomes a table, a list of dicts an AoT.
    if isinstance(value, InlineTable):
        table: Table = tomlkit.item(value.unwrap())
        return table
    array: AoT = tomlkit.item(value.unwrap())  # every entry is an inline table
    return array


def _add_key(table: Tableish, name: str, value: Any) -> None:
    """Add a new key after the table's last key, before any comment that ends it.

    tomlkit appends after trailing comments, which in a hand-edited file usually
    introduce the *next* table. tomlkit has no public insert-at, so the comments (and the
    blank lines among them) are taken off the end, the key is added, and they are added
    back after it, all through the public ``Container.body`` and ``add``.
    """
    if isinstance(table, OutOfOrderTableProxy):
        table[name] = toml_value(value)  # the proxy picks the part that takes keys
        return
    body = _body(table)
    tail = _trailing_unkeyed(body)
    if not any(isinstance(item, Comment) for _, item in tail) or not _detach(body, tail):
        table[name] = toml_value(value)
        return
    table[name] = toml_value(value)
    for _, item in tail:
        body.add(item)


def _trailing_unkeyed(
    body: Container, *, after_a_key: bool = True
) -> list[tuple[None, Whitespace | Comment]]:
    """The blank lines and comments that end *body*; with *after_a_key*, none when no key
    comes before them (there is nothing to put a key after)."""
    entries = body.body
    start = len(entries)
    while start and entries[start - 1][0] is None:
        if not isinstance(entries[start - 1][1], Whitespace | Comment | Null):
            return []
        start -= 1
    if start == 0 and after_a_key:
        return []
    # As just checked: every entry from start on is unkeyed blank space, a comment, or
    # what a removed key left (Null, which writes nothing and is not kept).
    return [(None, item) for _, item in entries[start:] if isinstance(item, Whitespace | Comment)]


def _detach(body: Container, tail: list[tuple[None, Whitespace | Comment]]) -> bool:
    """Remove *tail*, the unkeyed entries that end *body*, from it. Whether they went.

    ``Container.body`` is the container's own list of entries: unkeyed entries after every
    key are in no index, so they can go from its end. Should a tomlkit release hand back a
    copy instead, nothing is removed and False says so (the key is then added the plain
    way, after the comments); tests/core/test_tomlkit_contract.py fails first.
    """
    entries = body.body
    start = len(entries)
    while start and entries[start - 1][0] is None:
        start -= 1
    if not tail or start == len(entries):
        return False
    del entries[start:]
    return len(body.body) == start


def new_table(model: BaseModel, *, blank_line: bool = True) -> Table:
    table = tomlkit.table()
    sync_table(table, model)
    if blank_line:
        table.add(tomlkit.nl())
    return table


def sync_table(table: Tableish, model: BaseModel) -> None:
    """Write *model* into *table* in place: changed keys only, unknown keys untouched."""
    present = set(table)  # one pass: a look-up by name is slow in tomlkit
    for name in type(model).model_fields:
        sync_key(table, present, model, name)


def sync_key(table: Tableish, present: set[str], model: BaseModel, name: str) -> None:
    value = getattr(model, name)
    if is_unset(model, name, value):
        if name in present:
            del table[name]
    elif isinstance(value, BaseModel):
        sub = table[name] if name in present else None
        if isinstance(sub, Table | OutOfOrderTableProxy):
            sync_table(sub, value)
        elif isinstance(sub, InlineTable):
            converted = _as_table(sub)
            sync_table(converted, value)
            table[name] = converted
        else:
            table[name] = new_table(value)
    elif is_array(value):
        sync_array(table, name, value)
    elif name not in present:
        _add_key(table, name, value)
    elif not same_value(table[name], value):
        table[name] = toml_value(value)


def is_array(value: Any) -> TypeGuard[list[BaseModel]]:
    """A non-empty list of models: an array of tables."""
    return isinstance(value, list) and bool(value) and isinstance(value[0], BaseModel)


def in_sync(raw: Any, model: BaseModel) -> bool:
    """Whether sync_table would leave a table as it is, judged from *raw*, its contents as
    tomllib reads them (every decision as in sync_key)."""
    if not isinstance(raw, dict):
        return False
    return all(key_in_sync(raw, model, name) for name in type(model).model_fields)


def key_in_sync(raw: dict[str, Any], model: BaseModel, name: str) -> bool:
    """in_sync for the one key *name* of *model*."""
    value = getattr(model, name)
    if is_unset(model, name, value):
        return name not in raw
    if name not in raw:
        return False
    if isinstance(value, BaseModel):
        return in_sync(raw[name], value)
    if is_array(value):
        entries = raw[name]
        return (
            isinstance(entries, list)
            and len(entries) == len(value)
            and same_entries(entries, value)
            and all(in_sync(r, m) for r, m in zip(entries, value, strict=True))
        )
    return same_value(raw[name], value)


def same_entries(raw: list[Any], models: list[Any]) -> bool:
    """Whether sync_array would pair the first len(raw) models with these entries in order."""
    if "id" not in type(models[0]).model_fields:
        return True  # paired by position
    return all(
        isinstance(r, dict) and str(r.get("id")) == m.id for r, m in zip(raw, models, strict=False)
    )


def sync_array(table: Tableish, name: str, models: list[Any]) -> None:
    existing = table.get(name)
    if (
        isinstance(existing, Array)
        and len(existing)
        and all(isinstance(entry, InlineTable) for entry in existing)
    ):
        table[name] = _as_table(existing)
        existing = table[name]
    old: list[Table] = list(existing.body) if isinstance(existing, AoT) else []
    keyed = "id" in type(models[0]).model_fields
    by_id = {str(t.get("id")): t for t in old} if keyed else {}
    tables: list[Table] = []
    new: list[Table] = []
    for i, model in enumerate(models):
        target = by_id.pop(model.id, None) if keyed else (old[i] if i < len(old) else None)
        if target is None:
            target = new_table(model, blank_line=False)  # tomlkit spaces array tables
            new.append(target)
        else:
            sync_table(target, model)
        tables.append(target)
    if not isinstance(existing, AoT):
        table[name] = tomlkit.aot()
        existing = table[name]
    kept = 0
    while kept < min(len(old), len(tables)) and tables[kept] is old[kept]:
        kept += 1
    # Edit the array in place from the first difference on, so that the tables before
    # it (and their comments) are not touched.
    while len(existing) > kept:
        del existing[len(existing) - 1]
    new_ids = {id(t) for t in new}  # looked up once a table: a plan may have 100,000
    for t in tables[kept:]:
        if id(t) in new_ids:
            space_like_neighbours(t, existing[-1] if len(existing) else _before(table, name))
        existing.append(t)


def _before(table: Tableish, name: str) -> Item | None:
    """The entry just before key *name* in *table*, if any."""
    if isinstance(table, OutOfOrderTableProxy):
        return None
    entries = _body(table).body
    keys = [key.key if key is not None else None for key, _ in entries]
    index = keys.index(name) if name in keys else 0
    return entries[index - 1][1] if index > 0 else None


def space_like_neighbours(new: Table, previous: Item | None) -> None:
    """Lay out a table appended to a hand-written file the way its neighbours are.

    tomlkit glues a table appended to a parsed array (or a new array) to the line
    before it, after the blank lines and comments that end the previous table, which
    in a hand-edited file introduce whatever follows. Those move to the end of the new
    table, and a blank line goes before its header.
    """
    if isinstance(previous, AoT):
        previous = previous[-1] if len(previous) else None
    if previous is None:
        return
    if isinstance(previous, Table):
        for _, item in _take_tail(previous):
            new.add(item)
    elif isinstance(previous, Whitespace) and "\n" in previous.as_string():
        return
    if not previous.as_string().endswith("\n\n") and "\n" not in new.trivia.indent:
        new.trivia.indent = "\n" + new.trivia.indent


def _take_tail(table: Table) -> list[tuple[None, Whitespace | Comment]]:
    """Remove and return the blank lines and comments that end *table*, at any depth."""
    body = table.value.body
    if body and isinstance(body[-1][1], AoT) and len(body[-1][1]):
        return _take_tail(body[-1][1][-1])
    if body and isinstance(body[-1][1], Table):
        return _take_tail(body[-1][1])
    # Only unkeyed entries after every key go, so the container's key index stays right.
    tail = _trailing_unkeyed(table.value, after_a_key=False)
    return tail if _detach(table.value, tail) else []


def dumps(
    document: tomlkit.TOMLDocument, plan: BaseModel, *, fresh: bool
) -> tuple[tomlkit.TOMLDocument | None, str]:
    """*plan* written into *document*: (the document to keep, its TOML text).

    A *fresh* document (never written yet) is laid out with one blank line before every
    table header; the document kept is then None, to be parsed from the text when a save
    needs it (tomlkit parses 10 MB in minutes, and `import` or `new` never need it).
    """
    sync_table(document, plan)
    text = tomlkit.dumps(document)
    if fresh:
        lines: list[str] = []
        # Lines as TOML has them: U+2028, U+0085 and the like are text inside a string.
        for line in text.split("\n"):
            if line.startswith("[") and lines and lines[-1] != "":
                lines.append("")
            if line or (lines and lines[-1] != ""):
                lines.append(line)
        spaced = "\n".join(lines).rstrip("\n") + "\n"
        if _layout_only(text, spaced):
            return None, spaced
    return document, text


_OTHER_LINE_BREAK = re.compile("[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
"""What str.splitlines also breaks lines at."""


def _layout_only(text: str, spaced: str) -> bool:
    """Whether *spaced*, *text* with its blank lines laid out again, holds the same values.

    Only a multi-line string can hold a blank line or a line that starts with ``[``, and
    only a line break splitlines knows of but TOML does not can be inside a one-line
    string: without either, the values are the same; with one, tomllib reads both."""
    if '"""' not in text and "'''" not in text and not _OTHER_LINE_BREAK.search(text):
        return True
    try:
        return toml_text.loads(spaced) == toml_text.loads(text)
    except toml_text.TOMLDecodeError:
        return False
