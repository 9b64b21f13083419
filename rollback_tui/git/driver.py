"""git's merge driver for plan files: `rollback-tui merge-driver %O %A %B %P`.

git gives three files: the common version (%O), ours (%A, where the result goes) and
theirs (%B), and the path of the plan in the repository (%P). The plans are merged by
item id (plan.three_way); the result is written into ours' TOML key by key, so its
comments and layout stay, as a save does. The Markdown beside the plan (plan.md) is not
merged: git keeps ours (see git_setup) and, after a clean merge, it is re-rendered from
the merged plan next to %P in the working tree.

Exit 0: merged. Exit 1: a conflict; %A then holds git's usual conflict markers around the
fields that truly conflict (or ours, unchanged, when they cannot be shown that way), and
stderr says what conflicts. Files that are not plans are merged as text, as git would.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

from rollback_tui import store
from rollback_tui.plan.model import Plan
from rollback_tui.plan.three_way import MergeError, Side, merge_three
from rollback_tui.render import render_markdown
from rollback_tui.store import file_safety, toml_scan

CLEAN, CONFLICT = 0, 1


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
        return "schema_version" in tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError):
        return False


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


def _as_text(base: Path, ours: Path, theirs: Path, name: str, why: str) -> Outcome:
    """Merge as git's own text driver would (conflict markers in ours)."""
    done = subprocess.run(
        [
            "git",
            "merge-file",
            "-L",
            f"{name} (ours)",
            "-L",
            f"{name} (base)",
            "-L",
            f"{name} (theirs)",
            str(ours),
            str(base),
            str(theirs),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode == 0:
        return Outcome(CLEAN, f"{name}: {why}; merged as text")
    return Outcome(CONFLICT, f"{name}: {why}; merged as text, with conflicts")


def _dumped(ours_file: store.PlanFile, plan: Plan) -> str:
    """*plan* written into ours' text, key by key."""
    target = store.PlanFile(
        ours_file.path, plan, ours_file.source, unknown_keys=ours_file.unknown_keys
    )
    return store.dumps(target)


def _reads_back(text: str, plan: Plan) -> bool:
    """Whether *text* is TOML that reads as exactly *plan*."""
    try:
        return Plan.model_validate(tomllib.loads(text)) == plan
    except (tomllib.TOMLDecodeError, ValueError):
        return False


def merge_files(
    base: Path, ours: Path, theirs: Path, name: str, *, worktree: Path | None = None
) -> Outcome:
    """Merge the three versions of the plan named *name* into *ours*.

    After a clean merge, the Markdown beside *name* in *worktree* (if the plan is there)
    is re-rendered from the merged plan. Raises PlanFileError if a file is
    missing or cannot be written.
    """
    for path in (base, ours, theirs):
        if not path.is_file():
            raise store.PlanFileError(f"{path}: no such file (git passes %O %A %B %P)")
    _check_sizes(base, ours, theirs, name)
    if not (_is_plan(ours) and _is_plan(theirs)):
        return _as_text(base, ours, theirs, name, "not a plan file")
    try:
        ours_file = store.load(ours)
        theirs_plan, _ = store.read_plan(theirs)
        base_plan: Plan | None = None
        if base.stat().st_size and _is_plan(base):
            base_plan, _ = store.read_plan(base)
    except (store.PlanFileError, OSError) as exc:
        return _as_text(base, ours, theirs, name, f"not a valid plan ({exc})")
    try:
        merged = merge_three(base_plan, ours_file.plan, theirs_plan)
    except MergeError as exc:
        return Outcome(
            CONFLICT,
            f"{name}: cannot merge by item id: {exc}; kept ours unchanged: merge it by hand",
        )
    if merged.conflicts:
        return _conflict(ours_file, base_plan, theirs_plan, name, merged.conflicts)
    text = _dumped(ours_file, merged.plan)
    if not _reads_back(text, merged.plan):  # never write a plan that would not load
        return Outcome(
            CONFLICT,
            f"{name}: the merge did not write back cleanly; kept ours unchanged: merge it by hand",
        )
    store.write_atomic(ours, text.encode("utf-8"))
    message = f"{name}: merged by item id"
    if worktree is not None and (worktree / name).is_file():
        message += "; " + _rerender(worktree / name, merged.plan)
    return Outcome(CLEAN, message)


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


def _conflict(
    ours_file: store.PlanFile, base: Plan | None, theirs: Plan, name: str, conflicts: list[str]
) -> Outcome:
    """Ours with conflict markers around the fields that conflict, if they can be shown.

    The merge is written three times into ours' layout, each time taking one side at the
    conflicts (ours, the base, theirs); everything else is the same in the three texts, so
    git merge-file marks the conflicting lines alone.
    """
    what = ", ".join(dict.fromkeys(conflicts))
    texts: dict[Side, str] = {}
    try:
        for side in ("ours", "base", "theirs"):
            plan = merge_three(base, ours_file.plan, theirs, prefer=side).plan
            texts[side] = _dumped(ours_file, plan)
    except (MergeError, store.PlanFileError):
        texts = {}
    marked = _marked(texts, name) if texts and texts["ours"] != texts["theirs"] else None
    if marked is None:
        return Outcome(
            CONFLICT, f"{name}: both sides changed {what}; kept ours unchanged: merge it by hand"
        )
    store.write_atomic(ours_file.path, marked.encode("utf-8"))
    return Outcome(
        CONFLICT,
        f"{name}: both sides changed {what}; conflict markers left "
        "in the file (ticks and notes are merged)",
    )


def _marked(texts: dict[Side, str], name: str) -> str | None:
    with tempfile.TemporaryDirectory(prefix="rollback-tui-merge.") as folder:
        paths = []
        for side in ("ours", "base", "theirs"):
            path = Path(folder, side)
            path.write_text(texts[side], "utf-8")
            paths.append(str(path))
        labels = [arg for side in ("ours", "base", "theirs") for arg in ("-L", f"{name} ({side})")]
        try:
            done = subprocess.run(
                ["git", "merge-file", "-p", *labels, *paths],
                capture_output=True,
                text=True,
                check=False,
            )
        except OSError:
            return None
    return done.stdout if done.returncode > 0 else None


def main(base: str, ours: str, theirs: str, name: str) -> Outcome:
    """The driver as git calls it, from the top of the working tree."""
    return merge_files(
        Path(base), Path(ours), Path(theirs), name or os.path.basename(ours), worktree=Path.cwd()
    )
