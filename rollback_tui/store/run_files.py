"""Where a plan's run files live (``PLAN.runs/`` beside it), and carrying outcomes made in
one run into that run's archive: a tick belongs to the run it was made in, even when
another process reset the plan before it was saved. No UI here."""

from __future__ import annotations

import os
from pathlib import Path

from rollback_tui import store
from rollback_tui.plan.merge import merge, missing_events
from rollback_tui.plan.model import Plan
from rollback_tui.store.lock import RUNS_SUFFIX


def runs_dir(path: Path) -> Path:
    """The folder of the plan's run files: ``plan.runs`` beside the plan's own file."""
    target = Path(os.path.realpath(path))
    return target.with_name(target.stem + RUNS_SUFFIX)


def run_files(plan_path: Path) -> list[Path]:
    """The run files beside the plan, oldest name first (none if the folder is absent)."""
    folder = runs_dir(plan_path)
    try:
        return sorted(
            p for p in folder.iterdir() if p.suffix == ".toml" and not p.name.startswith(".")
        )
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise store.PlanFileError(f"{folder}: cannot read: {exc.strerror or exc}") from None


def archive_of(plan_path: Path, run_id: str) -> Path | None:
    """The run file that archived the run *run_id* of the plan, if there is one (the
    newest, for the empty id that every run had before runs had ids)."""
    for path in reversed(run_files(plan_path)):
        try:
            archived, _ = store.read_plan(path)
        except store.PlanFileError:
            continue
        if (
            archived.run_id == run_id
            and archived.run is not None
            and archived.run.kind == "incident"
        ):
            return path
    return None


def carry_to_archive(plan_path: Path, local: Plan) -> tuple[Path | None, int]:
    """Merge the outcomes and events of *local*, made in a run that has been archived
    since, into that run's archive. Returns the archive (None if there is none) and how
    many events it lacked and now holds. Raises PlanFileError if it cannot be written."""
    path = archive_of(plan_path, local.run_id)
    if path is None:
        return None, 0
    archive = store.load(path)
    lacking = missing_events(local, archive.plan)
    if lacking:
        archive.plan = merge(local_as_run(local, archive.plan), archive.plan)
        store.save(archive)
    return path, len(lacking)


def local_as_run(local: Plan, archived: Plan) -> Plan:
    """*local* as the archive's run (its ``[run]`` table), so that the two merge."""
    copy = local.model_copy()
    copy.run = archived.run
    return copy
