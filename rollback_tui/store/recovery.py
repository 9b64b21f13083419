"""Recovery files: unsaved edits kept outside the plan, so a dropped SSH connection, a
killed terminal or a crash loses at most the last seconds of typing.

One file per plan, in the user state folder (``recovery/``), named by a hash of the plan's
real path, readable by the user only, written atomically. It holds the plan as TOML text,
with the plan's path and the time it was written. The plan's own file is never touched.
No UI: the app decides when to write it and what to offer.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rollback_tui import store
from rollback_tui.locations import state_dir
from rollback_tui.plan.model import Plan
from rollback_tui.store import file_safety

UNTITLED = "untitled"
"""The name of the recovery file of a plan never saved."""
RECOVERY_DELAY = 2.0
"""Seconds after the last edit before the recovery file is written."""


def recovery_dir() -> Path:
    """Where recovery files live: ``recovery/`` in the user state folder."""
    return state_dir() / "recovery"


def plan_text(plan_file: store.PlanFile) -> str:
    """The plan as its file would be saved now, without touching the file or *plan_file*."""
    return store.dumps(plan_file.detached())


def plan_from_text(text: str, path: Path) -> Plan:
    """The plan in recovered TOML *text*; raises PlanFileError naming *path* if unusable."""
    folder = recovery_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=folder, prefix=".restore-", suffix=".toml")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        try:
            return store.load(Path(name)).plan
        except store.PlanFileError as exc:
            raise store.PlanFileError(
                str(exc).replace(name, f"the recovery file of {path}")
            ) from None
    finally:
        Path(name).unlink(missing_ok=True)


@dataclass(frozen=True)
class Recovered:
    """What a recovery file held."""

    path: str
    """The plan's real path."""
    saved_at: dt.datetime
    text: str
    """The plan as TOML."""


@dataclass(frozen=True)
class RecoveryFile:
    """The recovery file of one plan."""

    plan_path: Path
    """The plan's real path (symlinks resolved): two names for one plan share a file."""
    is_untitled: bool = False
    """The plan never saved (a bare `rollback-tui`): one file, whatever the folder."""

    @classmethod
    def for_plan(cls, path: Path) -> RecoveryFile:
        return cls(Path(os.path.realpath(path)))

    @classmethod
    def untitled(cls) -> RecoveryFile:
        """The recovery file of the plan not saved yet: a fixed name in the state folder,
        so that the next bare start finds it wherever it is started."""
        return cls(Path(UNTITLED), is_untitled=True)

    @property
    def path(self) -> Path:
        if self.is_untitled:
            return recovery_dir() / f"{UNTITLED}.json"
        digest = hashlib.sha256(os.fsencode(self.plan_path)).hexdigest()[:32]
        return recovery_dir() / f"{digest}.json"

    def write(self, text: str, now: dt.datetime | None = None) -> None:
        """Keep *text* (the plan as TOML); raises PlanFileError if it cannot be written."""
        record = {
            "path": "" if self.is_untitled else str(self.plan_path),
            "saved_at": (now or dt.datetime.now(dt.UTC)).isoformat(),
            "toml": text,
        }
        data = json.dumps(record, ensure_ascii=False).encode("utf-8", "surrogateescape")
        target = self.path
        try:
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise store.PlanFileError(
                f"{target.parent}: cannot keep a recovery file: {exc.strerror or exc}"
            ) from None
        # A temporary file of mode 0600 renamed over it: a link planted at its name is
        # replaced, never written through, and nothing is ever chmod-ed by name.
        try:
            file_safety.write(file_safety.Target(target, 0o600, exists=False), data)
        except OSError as exc:
            raise store.PlanFileError(
                f"{target}: cannot keep a recovery file: {exc.strerror or exc}"
            ) from None

    def read(self) -> Recovered | None:
        """What the file holds, or None if there is none (or it is not one of ours)."""
        try:
            record = json.loads(self.path.read_bytes().decode("utf-8", "surrogateescape"))
            return Recovered(
                str(record["path"]),
                dt.datetime.fromisoformat(record["saved_at"]),
                str(record["toml"]),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def delete(self) -> None:
        self.path.unlink(missing_ok=True)

    def refresh(self) -> None:
        """Date the file now, so that it stays newer than the plan: ticks saved from the
        checklist while it holds a wizard's edits do not make them stale (never offered)."""
        with contextlib.suppress(OSError):  # gone, or not ours to date: nothing to keep fresh
            os.utime(self.path)

    def offer(self) -> Recovered | None:
        """The recovered plan worth offering: newer than the plan and not the same text.

        One holding the plan's own text is deleted. One older than the plan (saved since,
        perhaps by someone else) is not offered but kept: it may hold the only copy of an
        edit, and the next clean save of the plan from the app deletes it.
        """
        recovered = self.read()
        if recovered is None or self.is_untitled:
            return recovered  # never saved: there is no file to compare it with
        try:
            plan_stat = os.stat(self.plan_path)
            plan_bytes = self.plan_path.read_bytes()
        except OSError:
            return recovered  # the plan is gone or new: the recovery file is all there is
        newer = self.path.stat().st_mtime_ns > plan_stat.st_mtime_ns
        same = plan_bytes.decode("utf-8", "replace").removeprefix("\ufeff") == recovered.text
        if same:
            self.delete()
        return recovered if newer and not same else None


def differences(kept: RecoveryFile, recovered: Recovered) -> str:
    """A unified diff from the plan on disk to the recovered plan, as plain text."""
    plan_path = kept.plan_path
    try:
        if kept.is_untitled:
            raise FileNotFoundError
        disk = plan_path.read_bytes().decode("utf-8", "replace").removeprefix("\ufeff")
    except OSError:
        disk = ""
    name = "the new plan" if kept.is_untitled else str(plan_path)
    lines = difflib.unified_diff(
        disk.splitlines(keepends=True),
        recovered.text.splitlines(keepends=True),
        fromfile=f"{name} (on disk)",
        tofile=f"{name} (recovered)",
    )
    return "".join(lines) or "No differences."
