"""The record of every run: archive a plan's run beside it, clear it, list the runs, drills.

A run (the ticks, skips, failures, the timeline and the incident start) is archived as a
run file in ``PLAN.runs/`` beside the plan: a plan with a ``[run]`` table, which renders
like any plan. ``reset`` writes (and syncs) the archive before the plan is cleared, and a
reset interrupted in between finds its archive on the next try and only clears. A drill is
a run of its own from the start: its file is written on every step, and the plan learns
only the drill's date and measured times. No UI here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rollback_tui import store
from rollback_tui.plan.model import Plan, RunInfo, RunKind
from rollback_tui.plan.run_times import (  # noqa: F401
    OptionTime,
    StepTime,
    _outcome_times,
    clear_item,
    clear_run,
    counts,
    has_run,
    option_times,
    run_end,
    run_start,
    slowest,
    step_times,
)
from rollback_tui.plan.text import slug
from rollback_tui.plan.timeline import record
from rollback_tui.render import render_markdown
from rollback_tui.store import file_safety, journal, sync
from rollback_tui.store.run_files import run_files, runs_dir

Clock = Callable[[], dt.datetime]


# -- a run's state -------------------------------------------------------------------------


def _state(plan: Plan) -> tuple[object, ...]:
    """What identifies a run: every item's outcome and the timeline."""
    items = tuple(
        (item.id, item.state, item.done_at, item.done_by, item.reason) for item in plan.all_items()
    )
    return items, tuple(e.model_dump_json() for e in plan.timeline)


# -- run files -----------------------------------------------------------------------------


def _file_name(start: dt.datetime, label: str, kind: RunKind) -> str:
    return f"{start.astimezone(dt.UTC):%Y-%m-%dT%H%MZ}-{slug(label, kind) if label else kind}"


def new_run_path(plan_path: Path, start: dt.datetime, label: str, kind: RunKind) -> Path:
    """A run file's path not used yet in the plan's runs folder."""
    folder = runs_dir(plan_path)
    name = _file_name(start, label, kind)
    path, n = folder / f"{name}.toml", 2
    while path.exists() or path.is_symlink():
        path, n = folder / f"{name}-{n}.toml", n + 1
    return path


def folder_mode(mode: int) -> int:
    """The mode of a folder holding files of *mode*: whoever may read or write the files
    may also list and enter it (0660 gives 0770, 0644 gives 0755, 0600 gives 0700)."""
    out = 0
    for shift in (6, 3, 0):
        if mode >> shift & 0o6:
            out |= (mode >> shift & 0o6 | 0o1) << shift
    return out


def _make_folder(folder: Path, plan_path: Path) -> None:
    """The runs folder beside the plan, with the plan's group and a mode that lets
    whoever may use the plan read its runs (whatever the saver's umask); never a link."""
    if folder.is_symlink():
        raise store.PlanFileError(
            f"{folder}: is a symlink; run records are not written through it: nothing was written"
        )
    plan = file_safety.as_it_is(plan_path)
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        if not folder.is_dir():
            raise store.PlanFileError(f"{folder}: is not a folder; nothing was written") from None
        return
    except OSError as exc:
        raise store.PlanFileError(
            f"{folder}: cannot make the runs folder: {exc.strerror or exc}"
        ) from None
    with contextlib.suppress(OSError):  # a folder of our own: we may set both
        if file_safety.may_give(-1, plan.gid):
            os.chown(folder, -1, plan.gid)
        os.chmod(folder, folder_mode(plan.mode))


def write_run(
    path: Path,
    plan_path: Path,
    run: Plan,
    source: store.PlanFile,
    *,
    untouched: bool = False,
) -> None:
    """Write a run file and its Markdown, each atomically and synced, with the plan's group
    and mode; a link planted at either name is replaced, never written through. The run file is
    the text of the plan's file the run was read from (*source*) with the run written in
    (its comments and layout kept; only what differs is written, so a long plan is not
    written out again key by key)."""
    _make_folder(path.parent, plan_path)
    plan = file_safety.as_it_is(plan_path)
    run_file = source.written_with(run)
    if untouched:  # the plan as its text has it: only the [run] table is new
        run_file.changed_only([])
    text = store.dumps(run_file)
    for name, data in ((path, text), (store.markdown_path(path), render_markdown(run))):
        target = file_safety.side_target(name, plan, copy=True)
        try:
            file_safety.write(target, data.encode("utf-8"))
        except OSError as exc:
            raise store.PlanFileError(f"{name}: cannot write: {exc.strerror or exc}") from None


def _finish_archive_markdown(archive: Path, plan_path: Path) -> None:
    """Write the Markdown of *archive* if it is missing or not its rendering (a reset killed
    between the two files, or a full disk)."""
    run, _ = store.read_plan(archive)
    markdown = store.markdown_path(archive)
    wanted = render_markdown(run)
    try:
        if markdown.read_text("utf-8") == wanted:
            return
    except (OSError, UnicodeDecodeError):
        pass
    target = file_safety.side_target(markdown, file_safety.as_it_is(plan_path), copy=True)
    try:
        file_safety.write(target, wanted.encode("utf-8"))
    except OSError as exc:
        raise store.PlanFileError(f"{markdown}: cannot write: {exc.strerror or exc}") from None


def snapshot(
    plan: Plan, *, kind: RunKind, label: str, ended: dt.datetime | None, plan_name: str
) -> Plan:
    """The plan as a run file: a copy with its ``[run]`` table filled in. The copy shares
    the plan's tables (a long plan's deep copy took seconds): write it before the plan
    changes."""
    info = RunInfo(kind=kind, label=label, started=run_start(plan), ended=ended, plan=plan_name)
    return plan.model_copy(update={"run": info})


def find_archive(plan_path: Path, plan: Plan) -> Path | None:
    """The run file that already holds this plan's run (a reset cut short), if any. A run
    with an id is looked for only in the files that name it: a long plan's runs are not
    all read, one by one, at every reset."""
    state = None
    for path in run_files(plan_path):
        if _PLAIN_ID.fullmatch(plan.run_id) and not _names(path, plan.run_id):
            continue
        try:
            archived, _ = store.read_plan(path)
        except store.PlanFileError:
            continue
        if state is None:
            state = _state(plan)
        if (
            archived.run is not None
            and archived.run.kind == "incident"
            and _state(archived) == state
        ):
            return path
    return None


_PLAIN_ID = re.compile(r"[A-Za-z0-9_-]+")
"""A run id a run file holds as it is (one edited by hand may be escaped there)."""


def _names(path: Path, run_id: str) -> bool:
    """Whether the file at *path* holds the text *run_id* (or cannot be read: let the
    reader say)."""
    try:
        return run_id.encode("utf-8") in file_safety.read_regular(path)
    except (OSError, store.PlanFileError):
        return True


@dataclass(frozen=True)
class ResetResult:
    archive: Path | None
    """The run file holding the run (None: the plan held no run)."""
    resumed: bool = False
    """The archive was there already: an earlier reset stopped before clearing."""


def reset_loaded(
    plan_file: store.PlanFile,
    label: str,
    now: dt.datetime,
    lock_timeout: float | None = None,
    *,
    untouched: bool = False,
) -> ResetResult:
    """Archive the run of *plan_file*, then clear it and save the plan.

    Under the plan's lock: the file as it is on disk now (with anyone's ticks merged in)
    is archived. The archive is written and synced before the plan is touched.
    *untouched* says that the plan is as its text was read (just loaded): the archive
    and the plan are then written comparing with the text only the tables that change
    (the components holding an outcome), not the thousands of others of a long plan.
    """
    from rollback_tui.store.lock import CLI_LOCK_TIMEOUT, plan_lock

    path = plan_file.path
    with plan_lock(path, CLI_LOCK_TIMEOUT if lock_timeout is None else lock_timeout):
        if sync.changed_on_disk(plan_file):
            sync.merge_from_disk(plan_file)
            untouched = False
        plan = plan_file.plan
        if not has_run(plan):
            return ResetResult(None)
        # Refused before the archive is written, if the plan could not be cleared after it.
        file_safety.plan_target(path)
        folder = runs_dir(path)
        if folder.is_dir() and not folder.is_symlink():  # a folder of ours: any of ours
            file_safety.clean_stale_temps(folder, None)
        archive = find_archive(path, plan)
        resumed = archive is not None
        if archive is not None:  # a reset cut short: its Markdown may be missing
            _finish_archive_markdown(archive, path)
        else:
            start = run_start(plan) or now
            archive = new_run_path(path, start, label, "incident")
            # Its end: the last event or outcome (not the reset, which may come days later).
            ended = run_end(plan) or now
            write_run(
                archive,
                path,
                snapshot(
                    plan,
                    kind="incident",
                    label=label,
                    ended=ended,
                    plan_name=Path(os.path.realpath(path)).name,
                ),
                plan_file,
                untouched=untouched,
            )
        cleared = clear_run(plan)
        if untouched:  # (clear_run also empties the timeline and sets a new run id)
            plan_file.changed_only(cleared)
        store.save(plan_file, lock_timeout=lock_timeout)
    return ResetResult(archive, resumed)


def reset(path: Path, label: str, now: dt.datetime) -> ResetResult:
    """`rollback-tui reset`: archive the plan's run beside it, then clear it."""
    from rollback_tui.store.lock import CLI_LOCK_TIMEOUT, plan_lock

    with plan_lock(path, CLI_LOCK_TIMEOUT):
        journal.replay(path, CLI_LOCK_TIMEOUT)  # a hang-up's outcomes belong to this run
        return reset_loaded(store.load(path), label, now, CLI_LOCK_TIMEOUT, untouched=True)


# -- listing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunSummary:
    path: Path
    kind: str
    label: str
    started: dt.datetime | None
    ended: dt.datetime | None
    done: int
    skipped: int
    failed: int
    total: int

    def line(self) -> str:
        """One line of `rollback-tui runs`, user text cleaned of control characters."""
        from rollback_tui.plan.text import clean_text
        from rollback_tui.render.run_record import duration

        start = f"{self.started:%Y-%m-%d %H:%M}Z" if self.started else "-"
        took = (
            duration(int((self.ended - self.started).total_seconds()))
            if self.started and self.ended
            else "-"
        )
        label = clean_text(self.label).replace("\n", " ") or "-"
        return (
            f"{self.kind:<8}  {start:<17}  {took:>9}  {self.done} done, {self.skipped} "
            f"skipped, {self.failed} failed of {self.total}  {label}  "
            f"{clean_text(self.path.name)}"
        )


def summarize(path: Path, run: Plan) -> RunSummary:
    info = run.run or RunInfo()
    c = counts(run)
    return RunSummary(
        path,
        info.kind,
        info.label,
        run_start(run),
        run_end(run),
        c["done"],
        c["skipped"],
        c["failed"],
        sum(c.values()),
    )


def list_runs(plan_path: Path) -> tuple[list[RunSummary], list[str]]:
    """Every run of the plan, oldest first, and the run files that could not be read."""
    found: list[RunSummary] = []
    problems: list[str] = []
    for path in run_files(plan_path):
        try:
            run, _ = store.read_plan(path)
        except store.PlanFileError as exc:
            problems.append(str(exc))
            continue
        found.append(summarize(path, run))
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    found.sort(key=lambda r: (r.started or far, r.path.name))
    return found, problems


# -- drills --------------------------------------------------------------------------------


def start_drill(plan_path: Path, now: dt.datetime, by: str, label: str = "") -> store.PlanFile:
    """A drill's run file, written at once: the plan's steps all open, the clock started.

    The plan itself is only read. The run file is the plan's text with the drill written
    in (a long plan is not written out again key by key: 12 s at 9 MB); when the plan
    has no timeline, only what changes is compared with its text (the steps that held
    an outcome; the run id, the [run] table and the timeline are new).
    """
    plan_file = store.load(plan_path)
    drill = plan_file.plan  # loaded for the drill alone: never written back to the plan
    had_timeline = bool(drill.timeline)
    cleared = clear_run(drill)
    record(drill, "incident-start", by, text="drill started", at=now)
    drill.run = RunInfo(
        kind="drill", label=label, started=now, plan=Path(os.path.realpath(plan_path)).name
    )
    path = new_run_path(plan_path, now, label, "drill")
    _make_folder(path.parent, plan_path)
    run_file = plan_file.written_with(drill)
    run_file.path, run_file.identity, run_file.follows_links = path, None, False
    if not had_timeline:  # else its entries are compared: the drill's replace them
        run_file.changed_only(cleared)
    store.save(run_file)
    return run_file


def finish_drill(run_file: store.PlanFile, plan_path: Path, now: dt.datetime) -> None:
    """End the drill: its run file records the end, and the plan the drill's date and the
    time of each option whose steps all have an outcome (the plan's ticks untouched)."""
    from rollback_tui.store.lock import CLI_LOCK_TIMEOUT, plan_lock

    run = run_file.plan
    assert run.run is not None
    run.run.ended = now
    sync.save_merging(run_file)
    measured = {t.label: t.seconds for t in option_times(run) if t.complete}
    with plan_lock(plan_path, CLI_LOCK_TIMEOUT):
        plan_file = store.load(plan_path)
        plan = plan_file.plan
        plan.last_drilled = now.astimezone(dt.UTC).date()
        if "Option A" in measured:
            plan.procedure.option_a_drilled = measured["Option A"]
        if "Option B" in measured:
            plan.procedure.option_b_drilled = measured["Option B"]
        store.save(plan_file, lock_timeout=CLI_LOCK_TIMEOUT)
