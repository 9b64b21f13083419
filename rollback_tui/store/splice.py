"""Saving a tick into a long plan by editing its text, parsing only what changed.

plan_document.patch parses one top-level table for each one a save changes. Two changes
would still parse much more than they touch, and a tick makes both: appending the
timeline's entry (which parsed the last table, with every comment that ends the file) and
ticking one step of a table of many (which parsed all its steps, with their long texts).
Here the first parses only the last table's header line, and the second only the steps
that changed. Each gives the very text plan_document would, or None to let it decide.
"""

from __future__ import annotations

from typing import Any

import tomlkit
from pydantic import BaseModel
from tomlkit.items import AoT

from rollback_tui.store import document as plan_document
from rollback_tui.store import layout as toml_layout


def append(
    layout: toml_layout.Layout,
    index: int,
    name: str,
    models: list[Any],
    *,
    existing: bool,
    text: str | None = None,
) -> str | None:
    """Chunk *index* with tables for *models* appended to the array of tables *name*
    (*existing*: the chunk is that array's last entry; else the array is new and goes
    after the chunk), as plan_document.sync_array would write them, without parsing the
    chunk. *text* is the chunk's text if it was changed already.

    Only the chunk's header line is parsed, with the new tables: the rest of the chunk
    (a long text, the comments that end the file) is not, so a tick costs the same
    whatever the plan holds elsewhere. The blank lines and comments that end the chunk
    move after the new tables, as space_like_neighbours moves them. None when the chunk
    is not one this is sure of; the caller then parses it.
    """
    chunk = layout.chunks[index]
    text = layout.chunk_text(index) if text is None else text
    if chunk.key is None:
        return None
    header = text.partition("\n")[0]
    brackets = ("[[", "]]") if chunk.entry else ("[", "]")
    if header.strip().split("#")[0].strip() != f"{brackets[0]}{chunk.key}{brackets[1]}":
        return None
    # tomlkit ends the file's last line, and keeps its last comment unended.
    unended = not text.endswith("\n")
    body, tail = _body_and_tail(text + "\n" if unended else text)
    if '"""' in tail or "'''" in tail:
        return None  # a comment-like line may end a multi-line string: not sure
    stand_in = header + "\n"
    document = tomlkit.parse(stand_in)
    if existing:
        table = document[name]
        if not isinstance(table, AoT):
            return None
        for model in models:
            new = plan_document.new_table(model, blank_line=False)
            plan_document.space_like_neighbours(new, table[-1])
            table.append(new)
    else:
        plan_document.sync_array(document, name, models)
    written = tomlkit.dumps(document)
    if not written.startswith(stand_in):
        return None
    out = body + written[len(stand_in) :] + tail
    return out[:-1] if unended and tail else out


def _body_and_tail(text: str) -> tuple[str, str]:
    """*text* (lines, the first a header, each ended) cut before the blank lines and
    comments that end it; read from the end, so a long chunk costs no more than its tail."""
    cut, end = len(text), len(text) - 1  # end: the last line's line end
    while (start := text.rfind("\n", 0, end) + 1) > 0:
        line = text[start:end]
        if line.strip() and not line.lstrip().startswith("#"):
            break
        cut, end = start, start - 1
    return text[:cut], text[cut:]


def patch_entries(text: str, key: str, raw: Any, model: BaseModel) -> str | None:
    """*text*, the chunk of table *key* (or of one entry of the array of tables *key*),
    with *model* written into it, parsing only the entries of its arrays of sub-tables
    (``[[key.sub]]``) that changed. None when anything else changed (a key of the table
    itself, an entry added or removed) or the chunk has other headers."""
    headers = toml_layout.headers(text)
    if not headers or headers[0][0] != 0 or headers[0][2] != [key] or not isinstance(raw, dict):
        return None
    spans: dict[str, list[tuple[int, int]]] = {}
    ends = [offset for offset, _, _ in headers[1:]] + [len(text)]
    for (offset, double, parts), end in zip(headers[1:], ends[1:], strict=True):
        if not double or len(parts) != 2 or parts[0] != key:
            return None
        spans.setdefault(parts[1], []).append((offset, end))
    fields = type(model).model_fields
    for sub, places in spans.items():
        models, entries = getattr(model, sub, None), raw.get(sub)
        if not (
            sub in fields
            and plan_document.is_array(models)
            and isinstance(entries, list)
            and len(entries) == len(models) == len(places)
            and plan_document.same_entries(entries, models)
        ):
            return None
    if not all(plan_document.key_in_sync(raw, model, name) for name in fields if name not in spans):
        return None
    changed: list[tuple[int, int, str]] = []
    for sub, places in spans.items():
        for (start, end), entry, item in zip(places, raw[sub], getattr(model, sub), strict=True):
            if plan_document.in_sync(entry, item):
                continue
            document = tomlkit.parse(text[start:end])
            table = document[key][sub]
            if not isinstance(table, AoT) or len(table) != 1:
                return None
            plan_document.sync_table(table[0], item)
            changed.append((start, end, tomlkit.dumps(document)))
    out, pos = [], 0
    for start, end, written in sorted(changed):
        out += [text[pos:start], written]
        pos = end
    return "".join(out) + text[pos:]
