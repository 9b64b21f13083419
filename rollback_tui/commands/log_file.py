"""The log of each run of a step's command, in the run's folder beside the plan:
``PLAN.runs/logs/RUN_ID/`` (RUN_ID: the plan's run, or a drill's own). A reset archives
the run under the same id, so its logs stay with it; a drill's run file has an id of its
own. Logs get the plan's group and mode; no folder or file is written through a link."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from rollback_tui.commands.prepared import Prepared
from rollback_tui.plan.model import Plan
from rollback_tui.store import file_safety
from rollback_tui.store.errors import PlanFileError
from rollback_tui.store.run_files import runs_dir
from rollback_tui.store.runs import folder_mode

LOGS = "logs"


@dataclass(frozen=True)
class LogRecord:
    """What one log file says."""

    prepared: Prepared
    by: str
    started: dt.datetime
    ended: dt.datetime
    outcome: str
    """"exit 0", "exit 7", "timed out after 900 s", "interrupted by hang-up"."""
    seconds: float
    output: str
    """Cleaned and masked."""
    cut_note: str = ""

    def text(self) -> str:
        p = self.prepared
        lines = [
            f"# rollback-tui: {'dry run' if p.dry_run else 'command'} of step {p.item_id}",
            f"step:     {p.item.text.strip() or '(no text)'}",
            f"by:       {self.by}",
            f"folder:   {p.folder}",
            f"started:  {self.started.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC",
            f"ended:    {self.ended.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC",
            f"outcome:  {self.outcome} in {self.seconds:.1f} s",
            "",
            "## command",
            "",
            p.command,
            "",
            "## output (stdout and stderr, in the order read)",
            "",
        ]
        if self.cut_note:
            lines.append(self.cut_note)
        body = "\n".join(lines) + "\n" + self.output
        return body if body.endswith("\n") else body + "\n"


def runs_folder(path: Path, plan: Plan) -> Path:
    """The runs folder of the plan a session runs (*path*: the plan, or a drill's run
    file inside that folder)."""
    real = Path(os.path.realpath(path))
    return real.parent if plan.run is not None else runs_dir(real)


def log_reference(path: Path, plan: Plan, log: Path) -> str:
    """*log* as the timeline keeps it: relative to the plan's folder
    (``plan.runs/logs/RUN/…``), the same for the plan and its run files."""
    folder = runs_folder(path, plan)
    return str(Path(folder.name) / log.relative_to(folder))


def _folder(folder: Path, plan: file_safety.Target) -> None:
    """Make *folder* (never through a link), with a mode that lets the plan's team read."""
    try:
        st = os.lstat(folder)
    except FileNotFoundError:
        st = None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            return
        raise PlanFileError(f"{folder}: is not a folder (a link?); the log was not written")
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:  # made meanwhile: a folder, or refused as above
        if folder.is_symlink() or not folder.is_dir():
            raise PlanFileError(f"{folder}: is not a folder; the log was not written") from None
        return
    with contextlib.suppress(OSError):
        if file_safety.may_give(-1, plan.gid):
            os.chown(folder, -1, plan.gid)
        os.chmod(folder, folder_mode(plan.mode))


def new_log(path: Path, plan: Plan, prepared: Prepared, started: dt.datetime) -> Path:
    """A name not used yet for the log of a run of *prepared* started at *started*, its
    folders made. Raises PlanFileError (one line)."""
    owner = file_safety.as_it_is(path)
    runs = runs_folder(path, plan)
    folder = runs / LOGS / (plan.run_id or "run")
    for part in (runs, runs / LOGS, folder):
        try:
            _folder(part, owner)
        except OSError as exc:
            raise PlanFileError(f"{part}: cannot make it: {exc.strerror or exc}") from None
    stamp = f"{started.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"
    name = f"{stamp}-{prepared.item_id}{'-dry-run' if prepared.dry_run else ''}"
    log, n = folder / f"{name}.log", 2
    while os.path.lexists(log):
        log, n = folder / f"{name}-{n}.log", n + 1
    return log


def write_log_at(log: Path, path: Path, record: LogRecord) -> None:
    """Write *record* at *log* (from new_log), with the plan's group and mode, never
    through a link. Raises PlanFileError (one line)."""
    target = file_safety.side_target(log, file_safety.as_it_is(path), copy=True)
    try:
        file_safety.write(target, record.text().encode("utf-8"))
    except OSError as exc:
        raise PlanFileError(f"{log}: cannot write: {exc.strerror or exc}") from None


def write_log(path: Path, plan: Plan, record: LogRecord) -> Path:
    """Write *record* as a new log file of the run of *plan* (loaded from *path*);
    returns its path. Raises PlanFileError (one line) if it cannot be written."""
    log = new_log(path, plan, record.prepared, record.started)
    write_log_at(log, path, record)
    return log
