"""The journal of outcomes not yet saved: what a hang-up keeps when it cannot wait for a
save of the whole plan, replayed by the next open.

A save of a 2,000-component plan takes longer than a hang-up may take to end the process
(the terminal is gone: the process must be too, within a second). The outcomes and the
timeline events of the run are small: they are written first, to a journal beside the plan
(``.plan.toml.<pid>.journal``: one per process, so two sessions hanging up at once never
overwrite each other), synced, with the plan's group and mode. Whoever opens the plan next
(the checklist, `tick`, `reset`, `status`) merges the journals into it by item id, as a
save from another terminal is merged, saves, and removes them. Outcomes made in a run that
has been reset since go to that run's archive. No UI here.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from rollback_tui import store
from rollback_tui.plan.merge import merge, missing_events
from rollback_tui.plan.model import Plan, TimelineEvent
from rollback_tui.store import file_safety

_NAME = re.compile(r"\.(?P<plan>.+)\.(?P<pid>\d+)\.journal")
MAX_JOURNAL_BYTES = 4 * 1024 * 1024
"""A journal above this size is not one this program wrote: it is left alone."""


def journal_path(plan_path: Path) -> Path:
    """This process's journal for the plan at *plan_path* (its real file)."""
    real = Path(os.path.realpath(plan_path))
    return real.with_name(f".{real.name}.{os.getpid()}.journal")


def write(plan_path: Path, plan: Plan) -> Path:
    """Keep the run of *plan* (its run id and timeline) in this process's journal, synced.

    Written like a side file: a temporary file renamed over it, never through a symlink,
    with the plan's group and mode. Raises PlanFileError (or OSError) if it cannot be."""
    path = journal_path(plan_path)
    record = {
        "plan": str(Path(os.path.realpath(plan_path))),
        "run_id": plan.run_id,
        "events": [event.model_dump(mode="json", exclude_none=True) for event in plan.timeline],
    }
    data = json.dumps(record, ensure_ascii=False).encode("utf-8", "surrogateescape")
    target = file_safety.side_target(path, file_safety.as_it_is(plan_path))
    file_safety.write(target, data)
    return path


def journals(plan_path: Path) -> list[Path]:
    """Every journal beside the plan, whichever process wrote it."""
    real = Path(os.path.realpath(plan_path))
    try:
        names = os.listdir(real.parent)
    except OSError:
        return []
    found = []
    for name in names:
        match = _NAME.fullmatch(name)
        if match is not None and match.group("plan") == real.name:
            found.append(real.with_name(name))
    return sorted(found)


def _read(path: Path) -> tuple[str, list[TimelineEvent]] | None:
    """(run id, events) of a journal, or None if it is not one of ours or is unreadable."""
    try:
        data = file_safety.read_regular(path, MAX_JOURNAL_BYTES)
        record = json.loads(data.decode("utf-8", "surrogateescape"))
        # As JSON: the times are ISO strings, which plan files (read strictly) never hold.
        events = [
            TimelineEvent.model_validate_json(json.dumps(event)) for event in record["events"]
        ]
        return str(record["run_id"]), events
    except (store.PlanFileError, ValueError, KeyError, TypeError):
        return None


def replay(plan_path: Path, lock_timeout: float) -> int:
    """Merge every journal beside the plan into it (or, for a run reset since, into that
    run's archive), save, and remove them. Returns how many events the plan or an archive
    lacked and now holds. A journal that cannot be read is left where it is; one that
    cannot be merged now (the plan locked or unwritable) stays for the next open.
    Raises PlanFileError when the plan itself cannot be used."""
    found = journals(plan_path)
    if not found:
        return 0
    from rollback_tui.store.lock import plan_lock

    applied = 0
    with plan_lock(plan_path, lock_timeout):
        plan_file = store.load(plan_path)
        done: list[Path] = []
        for path in found:
            kept = _read(path)
            if kept is None:
                continue
            run_id, events = kept
            local = plan_file.plan.model_copy()
            local.run_id, local.timeline = run_id, events
            if run_id == plan_file.plan.run_id:
                applied += len(missing_events(local, plan_file.plan))
                plan_file.plan = merge(local, plan_file.plan)
            else:
                from rollback_tui.store.run_files import carry_to_archive

                applied += carry_to_archive(plan_path, local)[1]
            done.append(path)
        if applied:
            store.save(plan_file, lock_timeout=lock_timeout)
        for path in done:
            path.unlink(missing_ok=True)
    return applied


def forget(plan_path: Path) -> None:
    """Remove this process's journal: what it kept is saved in the plan."""
    journal_path(plan_path).unlink(missing_ok=True)
