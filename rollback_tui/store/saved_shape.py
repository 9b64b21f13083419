"""The shape of a long plan's files as its last save wrote them, so that a tick (the next
save) need not find it again: where each top-level table is in plan.toml (the layout
that a save patches: 0.1 s to find in a 9 MB plan), and where each component's section is
in plan.md, so that only the components the tick changed are drawn again (the whole
Markdown of a 9 MB plan takes 0.4 s to draw).

Kept for each plan whose Markdown is at least FROM_BYTES, in the user's state folder
(``shapes/``, named by a hash of the plan's real path, readable by the user only): the
SHA-256 of the plan as written, of its plan.md as written, and of the code that wrote
them, and offsets and lengths. Nothing of the plan's content but its top-level keys.

It is believed only of the files it describes: the plan's text as just read must hash to
what it names, as must plan.md, and the code must be the same. Anything else (a plan
edited by hand or saved by someone else, a plan.md written by `render`, another release),
and the layout is found and the Markdown drawn whole, as they always were; so they are
when the file cannot be read. Failing to keep it never fails a save: it only costs the
next tick its speed.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import time
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rollback_tui.plan.model import Plan
from rollback_tui.render import DrawnComponents, MarkdownData, markdown_data
from rollback_tui.store import file_safety, kept_values
from rollback_tui.store import layout as toml_layout
from rollback_tui.store.errors import PlanFileError

FROM_BYTES = 1_000_000
"""Markdown shorter than this is drawn whole (tens of milliseconds); nothing is kept."""

KEPT_AT_MOST = 16
"""Shapes kept at most (the most recently written): each is some 400 KB at 24,000
components, and a plan moved or deleted leaves its own behind."""

KEPT_DAYS = 30
"""Days a shape is kept after it was last written: a plan not ticked for that long is no
longer in an incident, and its next tick only takes longer."""


def shape_path(plan_path: Path) -> Path:
    """The shape of the plan at *plan_path* (by its real path, as recovery files are)."""
    return kept_values.folder() / f"{kept_values.name_of(plan_path)}.json"


@functools.cache
def code() -> str:
    """A digest of the code that decides the shapes: the Markdown's (the render and plan
    packages) and the layout's. A shape kept by other code may not be this code's."""
    import rollback_tui.plan
    import rollback_tui.render

    digest = hashlib.sha256()
    files = [Path(toml_layout.__file__)]
    for package in (rollback_tui.render, rollback_tui.plan):
        files += sorted(Path(package.__path__[0]).glob("*.py"))
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class Saved:
    """The shape kept of the plan's files as last written."""

    record: dict[str, Any]

    @classmethod
    def read(cls, plan_path: Path, plan_sha256: str) -> Saved | None:
        """The shape kept of the plan at *plan_path*, if it is that of the text hashing to
        *plan_sha256*, kept by this code."""
        try:
            record = json.loads(shape_path(plan_path).read_bytes())
            if record["code"] != code() or record["plan"] != plan_sha256:
                return None
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return cls(record)

    def layout(self, text: str) -> toml_layout.Layout | None:
        """The layout of *text* (the plan's text this shape is of), if kept. Asked once:
        what it was made from is let go (a long plan's is a few megabytes)."""
        try:
            kept = self.record.pop("layout")
            if kept is None:
                return None
            shape = toml_layout.Shape.from_record(kept)
        except (KeyError, TypeError, ValueError, IndexError):
            return None
        if len(text) != shape.length or not _cuts_at_headers(shape.chunks, text):
            return None
        return shape.layout(text)

    def components(self, markdown_path: Path, count: int) -> DrawnComponents | None:
        """The *count* component sections of plan.md, if it is still what was written."""
        try:
            kept = self.record["markdown"]
            size, at = int(kept["size"]), int(kept["at"])
            lengths = [int(n) for n in kept["lengths"]]
            if (
                len(lengths) != count
                or min(lengths, default=0) < 0
                or at + sum(lengths) + count - 1 > size
            ):
                return None
            data = file_safety.read_regular(markdown_path, limit=size)
            if len(data) != size or hashlib.sha256(data).hexdigest() != kept["sha256"]:
                return None
        except (OSError, PlanFileError, KeyError, TypeError, ValueError):
            return None
        return DrawnComponents(data, at, lengths)


def draw(
    plan: Plan, saved: Saved | None, markdown_path: Path, redraw: Collection[int]
) -> MarkdownData:
    """*plan*'s Markdown. Given the *saved* shape of the text the plan was read as, when
    it changed since only in the items of the components numbered in *redraw* and outside
    the components (a tick): only those components are drawn again, the others taken from
    plan.md if it is still as it was written. Else drawn whole."""
    if saved is not None:
        sections = saved.components(markdown_path, len(plan.components))
        if sections is not None:
            return markdown_data(plan, sections, redraw)
    return markdown_data(plan)


def keep(
    plan_path: Path,
    plan_sha256: str,
    layout: toml_layout.Shape | None,
    markdown: MarkdownData,
) -> None:
    """Keep the shape of the files just written: the plan's text hashing to *plan_sha256*
    (its *layout*, if known) and *markdown*, as written. For a short plan, forget any."""
    target = shape_path(plan_path)
    size = markdown.size
    if size < FROM_BYTES:
        with contextlib.suppress(OSError):
            target.unlink(missing_ok=True)
        return
    record = {
        "code": code(),
        "plan": plan_sha256,
        "layout": None if layout is None else layout.record(),
        "markdown": {
            "sha256": markdown.sha256(),
            "size": size,
            "at": markdown.at,
            "lengths": markdown.lengths,
        },
    }
    with contextlib.suppress(OSError):
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        file_safety.write(
            file_safety.Target(target, 0o600, exists=False),
            json.dumps(record, separators=(",", ":")).encode("ascii"),
        )
        _forget_old(target.parent)


def _forget_old(folder: Path) -> None:
    """Remove the shapes (and the values kept with them: kept_values) beyond the
    KEPT_AT_MOST most recently written of each kind, and those older than KEPT_DAYS (the
    plans they are of may be gone: nothing else removes them); and what a save killed
    while writing one left."""
    oldest = time.time() - KEPT_DAYS * 86_400
    for kind in ("*.json", "*.values"):
        found: list[tuple[float, Path]] = []
        for path in folder.glob(kind):
            with contextlib.suppress(OSError):
                found.append((path.stat().st_mtime, path))
        found.sort(reverse=True)
        for rank, (written, path) in enumerate(found):
            if rank >= KEPT_AT_MOST or written < oldest:
                with contextlib.suppress(OSError):
                    path.unlink(missing_ok=True)
    file_safety.clean_stale_temps(folder, None)


def _cuts_at_headers(chunks: list[toml_layout.Chunk], text: str) -> bool:
    """Whether *chunks* cut *text* in order, each table's at its own header: a damaged
    file is not taken for a shape (a chunk cut at the wrong entry would be patched with
    another entry's values)."""
    if not chunks or chunks[0].start != 0 or chunks[0].key is not None:
        return False
    for chunk in chunks[1:]:
        if chunk.start >= chunk.end or chunk.key is None:
            return False
        key = chunk.key
        # An entry's own header, or a table's: its own or its first sub-table's.
        headers = (f"[[{key}]]",) if chunk.entry else (f"[{key}]", f"[{key}.", f"[[{key}.")
        if not text.startswith(headers, chunk.start):
            return False  # (or a header written indented: it is scanned again)
    return True
