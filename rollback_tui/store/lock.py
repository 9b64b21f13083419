"""Two writers of one plan: a lock on a sidecar file around each save, and what a change
made by someone else allows (a merge by item id only when ticks and the timeline alone
differ). No UI: the app and the command line say what happened.

One lock file a plan, ``.PLAN.toml.lock`` beside it, and none for its run files: a run
file in ``PLAN.runs/`` (a drill's, written on every step, or an archive) is locked with
its plan's lock, so that a drill leaves no lock file per run in that folder and every
writer of it (the drill, a `tick` on it) still waits for the others.

The lock file stays when the lock is released. Removing it would be safe with flock only
if every locker checked, once it holds the lock, that the name still leads to the file it
locked (this module does: _still_there) and removed it before releasing; but on NFS, where
shared on-call folders often live, removing a file another process has open leaves a
``.nfsXXXX`` file in its place, and a rollback-tui of another release may skip the
check. One small hidden file a plan is the price of never having two writers.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rollback_tui.store import file_safety
from rollback_tui.store.errors import LockBusyError, PlanFileError

LOCK_TIMEOUT = 0.5
"""Seconds a save in the app waits for another writer; the UI must never hang for long."""
CLI_LOCK_TIMEOUT = 5.0
"""The command line can wait longer: nobody is typing into it."""
_POLL = 0.05


RUNS_SUFFIX = ".runs"
"""A plan's run files are in PLAN.runs/ beside it (``plan.runs`` for ``plan.toml``)."""


def plan_of_run(path: Path) -> Path | None:
    """The plan whose run file *path* is (a file in ``PLAN.runs/``), else None."""
    folder = Path(os.path.realpath(path)).parent
    if folder.name.endswith(RUNS_SUFFIX) and len(folder.name) > len(RUNS_SUFFIX):
        return folder.with_name(folder.name.removesuffix(RUNS_SUFFIX) + ".toml")
    return None


def lock_path(path: Path) -> Path:
    """The sidecar lock file of the plan at *path* (beside its real file, hidden); for a
    run file, its plan's."""
    target = Path(os.path.realpath(plan_of_run(path) or path))
    return target.with_name(f".{target.name}.lock")


_held: dict[str, list[int]] = {}
"""Lock file -> [thread that holds it, how many times]: re-entrant within one thread."""
_guard = threading.Lock()


@contextmanager
def plan_lock(path: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the plan's lock; raises LockBusyError after *timeout* seconds.

    Re-entrant within one thread (the command line holds it from load to save, and the
    save takes it again). A lock that cannot be taken is never skipped: a lock file this
    user may not open is waited for, then refused with a message (PlanFileError). A new
    lock file gets the plan's mode and group, so whoever may write the plan may lock it;
    a symlink in its place is replaced by a file, never followed.
    """
    where = lock_path(path)
    key, me = str(where), threading.get_ident()
    with _guard:
        held = _held.get(key)
        if held is not None and held[0] == me:
            held[1] += 1
        else:
            held = None
    if held is not None:
        try:
            yield
        finally:
            with _guard:
                held[1] -= 1
        return
    if not where.parent.is_dir():  # nothing can be saved there: the save says why
        yield
        return
    fd = _acquire(path, where, timeout)
    with _guard:
        _held[key] = [me, 1]
    try:
        yield
    finally:
        with _guard:
            del _held[key]
        os.close(fd)  # releases the lock


def _acquire(path: Path, where: Path, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while True:
        problem = None
        try:
            fd = _open(path, where)
        except _CannotMake:
            raise  # the folder does not take files: waiting would not help
        except PlanFileError as exc:
            problem, fd = str(exc), None
        if fd is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
            else:
                if _still_there(fd, where):
                    _give_plan_permissions(fd, path)
                    return fd
                os.close(fd)
        if time.monotonic() >= deadline:
            if problem is not None:
                raise PlanFileError(problem)
            raise LockBusyError(
                f"{path}: another rollback-tui is saving this plan; try again in a moment"
            )
        time.sleep(_POLL)


def _still_there(fd: int, where: Path) -> bool:
    """Whether the file locked is still the lock file (not one replaced since it opened)."""
    try:
        mine, now = os.fstat(fd), os.lstat(where)
    except OSError:
        return False
    return (mine.st_dev, mine.st_ino) == (now.st_dev, now.st_ino)


def _plan_permissions(path: Path) -> tuple[int, int, int]:
    """(mode, owner, group) a lock file of the plan at *path* should have (-1: any)."""
    try:
        st = os.stat(path)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask, -1, -1
    uid = st.st_uid if os.geteuid() == 0 else -1
    return stat.S_IMODE(st.st_mode) & 0o666, uid, st.st_gid


def _open(path: Path, where: Path) -> int | None:
    """The lock file opened (made first if missing); None if it changed meanwhile."""
    try:
        st: os.stat_result | None = os.lstat(where)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise PlanFileError(f"{path}: cannot use the lock {where}: {exc.strerror}") from None
    if st is None or stat.S_ISLNK(st.st_mode):
        _create(path, where, replace=st is not None)
    try:
        return os.open(where, os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except PermissionError:
        pass
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return None  # made a link meanwhile: replaced on the next try
        raise PlanFileError(f"{path}: cannot use the lock {where}: {exc.strerror}") from None
    try:  # a lock can be taken on a file open for reading only
        return os.open(where, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError:
        pass
    try:
        st = os.lstat(where)
        owner = (
            f"belongs to {file_safety.who(st.st_uid, st.st_gid)} "
            f"(mode {stat.S_IMODE(st.st_mode):04o}) and "
        )
    except OSError:
        owner = ""
    raise PlanFileError(
        f"{path}: cannot take the lock: {where} {owner}you may not open it; not saved "
        "(its owner can make it readable by the plan's group, or remove it)"
    )


class _CannotMake(PlanFileError):
    """No lock file can be made beside the plan (a read-only folder)."""


def _create(path: Path, where: Path, *, replace: bool) -> None:
    """Make the lock file with the plan's mode and group, whole, in one step: written
    beside, then linked in (or renamed over a symlink, which is never followed)."""
    mode, uid, gid = _plan_permissions(path)
    try:
        fd, tmp = tempfile.mkstemp(
            dir=where.parent, prefix=file_safety.temp_prefix(where.name), suffix=".tmp"
        )
    except OSError as exc:
        raise _CannotMake(
            f"{path}: cannot make the lock {where}: {exc.strerror}; not saved"
        ) from None
    try:
        _set_permissions(fd, mode, uid, gid)
        os.close(fd)
        if replace:
            os.replace(tmp, where)
        else:
            with contextlib.suppress(FileExistsError):  # someone else's meanwhile: used
                os.link(tmp, where)
    except OSError as exc:
        raise PlanFileError(
            f"{path}: cannot make the lock {where}: {exc.strerror}; not saved"
        ) from None
    finally:
        Path(tmp).unlink(missing_ok=True)


def _set_permissions(fd: int, mode: int, uid: int, gid: int) -> None:
    st = os.fstat(fd)
    uid = -1 if uid == st.st_uid else uid
    gid = -1 if gid in (-1, st.st_gid) or not file_safety.may_give(-1, gid) else gid
    if (uid, gid) != (-1, -1):
        os.fchown(fd, uid, gid)
    os.fchmod(fd, mode)


def _give_plan_permissions(fd: int, path: Path) -> None:
    """An existing lock file this user owns gets the plan's mode and group (one made by
    an older version had the saver's umask)."""
    try:
        st = os.fstat(fd)
        if os.geteuid() not in (0, st.st_uid):
            return
        mode, uid, gid = _plan_permissions(path)
        if (stat.S_IMODE(st.st_mode), st.st_gid) != (mode, gid if gid != -1 else st.st_gid):
            _set_permissions(fd, mode, uid, gid)
    except OSError:
        pass
