"""git's merge driver for plan files: `rollback-tui merge-driver %O %A %B %P`.

git gives three files: the common version (%O), ours (%A, where the result goes) and
theirs (%B), and the path of the plan in the repository (%P). The plans are merged by
item id (plan.three_way). The result is written key by key, as a save does, into each
side's own TOML text (and the base's), and git merge-file merges the three: what the
model does not hold (comments, layout, keys rollback-tui does not know) comes from both
sides. A reset on one side keeps the new run; the old run's ticks go to its archive in
PLAN.runs/ beside %P (a conflict if there is none). The Markdown beside the plan
(plan.md) is not merged: git keeps ours (see git_setup) and, after a clean merge, it is
re-rendered from the merged plan next to %P in the working tree.

Exit 0: merged. Exit 1: a conflict; %A then holds git's usual conflict markers around the
fields that truly conflict (or ours, unchanged, when they cannot be shown that way), and
stderr says what conflicts. Files that are not plans are merged as text, as git would.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from rollback_tui import store, toml_text
from rollback_tui.plan.model import ChecklistItem, Plan
from rollback_tui.plan.run_sides import OldRun, Side
from rollback_tui.plan.text import plural, visible
from rollback_tui.plan.three_way import MergeError, merge_three
from rollback_tui.render import render_markdown
from rollback_tui.store import file_safety, run_files, toml_scan

CLEAN, CONFLICT = 0, 1
_SIDES: tuple[Side, Side, Side] = ("ours", "base", "theirs")
"""git merge-file's order: the file written, the common version, the other."""


@dataclass(frozen=True)
class Outcome:
    """What the driver did: its exit code and the line(s) it tells git's user."""

    code: int
    message: str


def _is_plan(path: Path) -> bool:
    """Whether *path* is a plan file (every plan rollback-tui writes has schema_version).

    Read as a plan is (a regular file of a plan's size at most), and not given to the
    parser when a key is too long for it to read quickly (toml_scan)."""
    try:
        text = file_safety.read_regular(path).decode("utf-8")
    except (store.PlanFileError, UnicodeDecodeError):
        return False
    if toml_scan.long_key(text) is not None:
        return False
    try:
        return "schema_version" in toml_text.loads(text)
    except (toml_text.TOMLDecodeError, RecursionError):
        return False


def _read_plan(path: Path) -> store.PlanFile | store.PlanFileError | None:
    """The plan at *path*, read once; None if it is not a plan file (_is_plan), the error
    if it is one that cannot be read as a plan."""
    try:
        loaded = store.load(path)
    except store.PlanFileError as exc:
        return exc if _is_plan(path) else None
    except OSError as exc:
        return store.PlanFileError(f"{path}: cannot read: {exc.strerror or exc}")
    return loaded if "schema_version" in loaded.raw else None


def _check_sizes(base: Path, ours: Path, theirs: Path, name: str) -> None:
    """Refuse, from their sizes alone, versions larger than a plan may be: neither read
    nor merged as text (git's user merges them by hand; ours is left as it is)."""
    for side, path in (("ours", ours), ("theirs", theirs), ("the base", base)):
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise store.PlanFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
        if size > file_safety.MAX_PLAN_BYTES:
            limit = file_safety.MAX_PLAN_BYTES // (1024 * 1024)
            raise store.PlanFileError(
                f"{name}: {side} is {size / 1e6:.1f} MB, larger than a plan may be "
                f"({limit} MB); not merged, ours left as it is: merge it by hand"
            )


def _labels(name: str) -> list[str]:
    """git merge-file's labels for the conflict markers: the name as it is shown."""
    return [arg for side in _SIDES for arg in ("-L", f"{visible(name)} ({side})")]


def _as_text(base: Path, ours: Path, theirs: Path, name: str, why: str) -> Outcome:
    """Merge as git's own text driver would (conflict markers in ours)."""
    done = subprocess.run(
        ["git", "merge-file", *_labels(name), str(ours), str(base), str(theirs)],
        capture_output=True,
        check=False,
    )
    if done.returncode == 0:
        return Outcome(CLEAN, f"{name}: {why}; merged as text")
    return Outcome(CONFLICT, f"{name}: {why}; merged as text, with conflicts")


def _dumped(into: store.PlanFile, plan: Plan) -> str:
    """*plan* written into *into*'s text, key by key (the file is not touched).

    The tables where *plan* is what *into*'s text reads as are left as they are, without
    comparing them with the text: a merge changes a few of a long plan's components."""
    target = into.written_with(plan)
    unchanged = _same_tables(plan, into.plan)
    return store.dumps(target, as_read=lambda _name, model: id(model) in unchanged)


def _same_tables(plan: Plan, read: Plan) -> set[int]:
    """The id() of each top-level table of *plan* (or entry of a top-level array of
    tables, by its place) equal to the one at the same place in *read*."""
    same: set[int] = set()
    for name in type(plan).model_fields:
        value, was = getattr(plan, name), getattr(read, name)
        if isinstance(value, list) and isinstance(was, list):
            same.update(id(m) for m, r in zip(value, was, strict=False) if m == r)
        elif isinstance(value, BaseModel) and value == was:
            same.add(id(value))
    return same


def _reads_back(text: str, plan: Plan) -> bool:
    """Whether *text* is TOML that reads as exactly *plan*."""
    try:
        return Plan.model_validate(toml_text.loads(text)) == plan
    except (toml_text.TOMLDecodeError, ValueError):
        return False


@dataclass(frozen=True)
class _Versions:
    """The three versions of the plan, as files: their texts hold what the plan model does
    not (comments, layout, keys rollback-tui does not know)."""

    base: store.PlanFile | None
    ours: store.PlanFile
    theirs: store.PlanFile

    def changed_outside(self) -> tuple[set[str], set[str]]:
        """The items whose keys outside the plan's fields (unknown to rollback-tui) ours,
        and theirs, changed since the base."""
        if self.base is None:
            return set(), set()
        base = _unknown_by_item(self.base.raw)

        def changed(side: store.PlanFile) -> set[str]:
            return {i for i, keys in _unknown_by_item(side.raw).items() if keys != base.get(i, {})}

        return changed(self.ours), changed(self.theirs)

    def laid_out(self, plans: dict[Side, Plan], name: str) -> tuple[str | None, bool]:
        """Each side's plan written into its own version's text, merged as lines: the
        model's fields are the same in the three wherever *plans* agree, so the lines
        merge what each side changed outside them (a comment, an unknown key), and show
        the rest as conflicts. Returns (the text, whether it merged without conflict
        markers); (None, False) if git could not merge them.

        With no common version, the three are written into ours' text (theirs' comments
        and unknown keys cannot be told from a change of ours then)."""
        into: dict[Side, store.PlanFile] = {
            "ours": self.ours,
            "base": self.base or self.ours,
            "theirs": self.theirs if self.base is not None else self.ours,
        }
        texts: dict[Side, str] = {
            side: _dumped(into[side], plans[side]) for side in ("ours", "theirs")
        }
        if texts["ours"] == texts["theirs"]:
            return texts["ours"], True  # (the base's text is not needed)
        texts["base"] = _dumped(into["base"], plans["base"])
        return _merged_lines(texts, name)


def _unknown_by_item(raw: Any) -> dict[str, dict[str, Any]]:
    """Each checklist item's keys that the plan model does not know, by item id, from a
    plan file as tomllib reads it (items are the tables with an id, at any depth)."""
    found: dict[str, dict[str, Any]] = {}
    known = ChecklistItem.model_fields.keys()
    todo = [raw]
    while todo:  # (containers only: strings and numbers are most of a plan's values)
        value = todo.pop()
        if isinstance(value, dict):
            if isinstance(value.get("id"), str):
                found[value["id"]] = {k: value[k] for k in value.keys() - known}
            todo += [v for v in value.values() if isinstance(v, (dict, list))]
        else:
            todo += [v for v in value if isinstance(v, (dict, list))]
    return found


def merge_files(
    base: Path, ours: Path, theirs: Path, name: str, *, worktree: Path | None = None
) -> Outcome:
    """Merge the three versions of the plan named *name* into *ours*.

    When one side reset the plan (a new run) and the other ticked the old run, the merge
    keeps the new run, and the old run's ticks go to its archive in PLAN.runs/ beside
    *name* in *worktree*; with no archive there, that is a conflict. After a clean merge,
    the Markdown beside *name* in *worktree* (if the plan is there) is re-rendered from
    the merged plan. Raises PlanFileError if a file is missing or cannot be written.
    """
    for path in (base, ours, theirs):
        if not path.is_file():
            raise store.PlanFileError(f"{path}: no such file (git passes %O %A %B %P)")
    _check_sizes(base, ours, theirs, name)
    read = {side: _read_plan(path) for side, path in (("ours", ours), ("theirs", theirs))}
    if any(found is None for found in read.values()):
        return _as_text(base, ours, theirs, name, "not a plan file")
    try:
        common = _read_plan(base) if base.stat().st_size else None
    except OSError as exc:
        common = store.PlanFileError(f"{base}: cannot read: {exc.strerror or exc}")
    problem = next((r for r in (*read.values(), common) if isinstance(r, Exception)), None)
    if problem is not None:
        return _as_text(base, ours, theirs, name, f"not a valid plan ({problem})")
    assert isinstance(read["ours"], store.PlanFile) and isinstance(read["theirs"], store.PlanFile)
    versions = _Versions(
        common if isinstance(common, store.PlanFile) else None, read["ours"], read["theirs"]
    )
    plan_path = worktree / name if worktree is not None else None
    plans = (
        versions.base.plan if versions.base else None,
        versions.ours.plan,
        versions.theirs.plan,
    )
    outside = versions.changed_outside()
    try:
        merged = merge_three(*plans, changed_outside=outside)
        carried = _carry(plan_path, merged.old_run) if merged.old_run is not None else ""
        reset_conflict = carried.startswith("!")
        if reset_conflict:
            merged = merge_three(*plans, reset_conflicts=True, changed_outside=outside)
    except MergeError as exc:
        return Outcome(
            CONFLICT,
            f"{name}: cannot merge by item id: {exc}; kept ours unchanged: merge it by hand",
        )
    if merged.run_conflict:
        # Lines cannot show two runs side by side (a run_id, outcomes, a timeline: any mix
        # of them is neither run), so the file stays ours and the message says why.
        why = carried.removeprefix("!") if reset_conflict else ""
        what = ", ".join(merged.conflicts) + (f": {why}" if why else "")
        return Outcome(CONFLICT, f"{name}: {what}; kept ours unchanged: merge it by hand")
    if merged.conflicts:
        return _conflict(versions, name, merged.conflicts)
    text, clean = versions.laid_out(dict.fromkeys(_SIDES, merged.plan), name)
    if text is not None and not clean:
        store.write_atomic(ours, text.encode("utf-8"))
        return Outcome(
            CONFLICT,
            f"{name}: both sides changed the same lines outside the plan's fields (comments, "
            "or keys rollback-tui does not know); conflict markers left in the file (ticks "
            "and notes are merged)",
        )
    if text is None or not _reads_back(text, merged.plan):
        return _ours_layout(versions.ours, merged.plan, name)
    store.write_atomic(ours, text.encode("utf-8"))
    message = f"{name}: merged by item id" + (f"; {carried}" if carried else "")
    if plan_path is not None and plan_path.is_file():
        message += "; " + _rerender(plan_path, merged.plan)
    return Outcome(CLEAN, message)


def _ours_layout(ours_file: store.PlanFile, plan: Plan, name: str) -> Outcome:
    """The merge written into ours' text alone: theirs' comments and unknown keys could not
    be laid in with ours' (their lines did not merge into a plan that reads back)."""
    text = _dumped(ours_file, plan)
    if not _reads_back(text, plan):  # never write a plan that would not load
        return Outcome(
            CONFLICT,
            f"{name}: the merge did not write back cleanly; kept ours unchanged: merge it by hand",
        )
    store.write_atomic(ours_file.path, text.encode("utf-8"))
    return Outcome(
        CONFLICT,
        f"{name}: merged by item id into ours' text, without theirs' comments and unknown "
        "keys (they did not merge as lines): add them by hand",
    )


def _carry(plan_path: Path | None, old_run: OldRun) -> str:
    """Put the old run's ticks (one side reset the plan) in that run's archive beside
    *plan_path*. Says what was done; starts with "!" when they could not be kept."""
    if plan_path is None:
        return "!the old run's archive cannot be looked for (no working tree)"
    folder = run_files.runs_dir(plan_path).name
    try:
        archive, count = run_files.carry_to_archive(plan_path, old_run.plan)
    except store.PlanFileError as exc:
        return f"!the old run's archive cannot be written: {exc}"
    if archive is None:
        return f"!the old run has no archive here in {folder}/"
    return (
        f"one side reset the plan (a new run): {plural(len(old_run.events), 'event')} of "
        f"the old run kept in its archive {folder}/{archive.name}"
        + (f" ({count} new to it)" if count != len(old_run.events) else "")
    )


def _rerender(plan_path: Path, plan: Plan) -> str:
    """Write the plan's Markdown beside the plan in the working tree, as a save does (a
    symlink there is replaced, never written through); says how it went."""
    markdown = store.markdown_path(plan_path)
    try:
        target = file_safety.side_target(markdown, file_safety.as_it_is(plan_path))
        file_safety.write(target, render_markdown(plan).encode("utf-8"))
    except (store.PlanFileError, OSError) as exc:
        return f"{markdown.name} not re-rendered: {exc}"
    return f"{markdown.name} re-rendered from it"


def _conflict(versions: _Versions, name: str, conflicts: list[str]) -> Outcome:
    """Ours with conflict markers around the fields that conflict, if they can be shown.

    The merge is written three times, each time taking one side at the conflicts (ours,
    the base, theirs) into that version's text; everything else is the same in the three
    plans, so git merge-file marks the conflicting lines alone.
    """
    what = ", ".join(dict.fromkeys(conflicts))
    base = versions.base.plan if versions.base is not None else None
    try:
        plans: dict[Side, Plan] = {
            side: merge_three(
                base,
                versions.ours.plan,
                versions.theirs.plan,
                prefer=side,
                changed_outside=versions.changed_outside(),
            ).plan
            for side in _SIDES
        }
        marked, clean = versions.laid_out(plans, name)
    except (MergeError, store.PlanFileError):
        marked, clean = None, True
    if marked is None or clean:
        return Outcome(
            CONFLICT, f"{name}: both sides changed {what}; kept ours unchanged: merge it by hand"
        )
    store.write_atomic(versions.ours.path, marked.encode("utf-8"))
    return Outcome(
        CONFLICT,
        f"{name}: both sides changed {what}; conflict markers left "
        "in the file (ticks and notes are merged)",
    )


def _merged_lines(texts: dict[Side, str], name: str) -> tuple[str | None, bool]:
    """git merge-file of the three texts: (the result, whether without conflicts), or
    (None, False) if git could not merge them."""
    with tempfile.TemporaryDirectory(prefix="rollback-tui-merge.") as folder:
        paths = []
        for side in _SIDES:
            path = Path(folder, side)
            path.write_text(texts[side], "utf-8")
            paths.append(str(path))
        try:
            done = subprocess.run(
                ["git", "merge-file", "-p", *_labels(name), *paths],
                capture_output=True,
                check=False,
            )
        except OSError:
            return None, False
    if done.returncode < 0 or done.returncode > 127:
        return None, False
    return done.stdout.decode("utf-8", "replace"), done.returncode == 0


def main(base: str, ours: str, theirs: str, name: str) -> Outcome:
    """The driver as git calls it, from the top of the working tree."""
    return merge_files(
        Path(base), Path(ours), Path(theirs), name or os.path.basename(ours), worktree=Path.cwd()
    )
