"""Plan files in folders other people can write to: what may be read, and what a save may
do to each file it writes, decided before anything is written.

- Only regular files are read, and only up to MAX_PLAN_BYTES: a FIFO, a device or a huge
  file is refused before a byte is read.
- A file is always replaced: written beside, synced, renamed over, the folder synced. A
  rewrite in place cannot survive a kill half-way; a rename leaves the old file or the
  new one, never a mix. Its group and mode are kept; its owner too where the saver may
  give it (root, or the owner saving), and otherwise the saver becomes the owner, as with
  git and most editors. A saver who may not write the file, or could not give the new one
  its group, is refused before anything is written.
- Side files (the Markdown, the backup, the lock) are never written through a symlink: a
  link there is replaced by a file. Only the plan's own link is followed.
- Temporary files carry the writing process's id, so that those left by a killed save
  are recognised and removed by the next one.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from rollback_tui.store.errors import PlanFileError

MAX_PLAN_BYTES = 10 * 1024 * 1024
"""A plan above this size (10 MB) is refused on open: nothing real comes near it."""
STALE_TEMP_SECONDS = 300.0
"""A temporary file of ours this old is left over from a save that never finished."""


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


# -- reading -----------------------------------------------------------------------------


def read_regular(path: Path, limit: int = MAX_PLAN_BYTES) -> bytes:
    """The bytes of the regular file at *path*, refused above *limit* bytes.

    Opened without blocking, so a FIFO cannot hang it; anything but a regular file is
    refused before it is read.
    """
    # The whole file in the first read, usually: joining one piece copies nothing.
    return b"".join(read_pieces(path, limit, piece=None))


def read_pieces(
    path: Path, limit: int = MAX_PLAN_BYTES, piece: int | None = 1 << 20
) -> Iterator[bytes]:
    """read_regular's bytes a *piece* at a time (None: all that is there, first), as read:
    a copy need not hold the whole file."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise PlanFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise PlanFileError(f"{path}: is a folder, not a plan file") from None
    except PermissionError:
        raise PlanFileError(f"{path}: permission denied") from None
    except OSError as exc:
        raise PlanFileError(f"{path}: cannot read: {_reason(exc)}") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise PlanFileError(f"{path}: is a folder, not a plan file")
        if not stat.S_ISREG(st.st_mode):
            raise PlanFileError(
                f"{path}: is not a regular file ({_kind(st.st_mode)}); only plan files are read"
            )
        if st.st_size > limit:
            raise PlanFileError(_too_large(path, st.st_size, limit))
        size = 0
        while size <= limit:
            want = piece or (st.st_size + 1 if size == 0 else 1 << 20)
            chunk = os.read(fd, min(want, limit + 1 - size))
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise PlanFileError(_too_large(path, size, limit))
            yield chunk
    except PlanFileError:
        raise
    except OSError as exc:
        raise PlanFileError(f"{path}: cannot read: {_reason(exc)}") from None
    finally:
        os.close(fd)


def _too_large(path: Path, size: int, limit: int) -> str:
    return (
        f"{path}: {size / 1e6:.1f} MB, larger than a plan may be "
        f"({limit // (1024 * 1024)} MB); not opened"
    )


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a file"


# -- who may keep what ---------------------------------------------------------------------


def _groups() -> set[int]:
    return {os.getegid(), *os.getgroups()}


def may_give(uid: int, gid: int) -> bool:
    """Whether this process may make a file it creates owned by *uid*:*gid* (-1: any)."""
    if os.geteuid() == 0:
        return True
    return uid in (-1, os.geteuid()) and (gid == -1 or gid in _groups())


def who(uid: int, gid: int) -> str:
    """``name:group`` (numbers where the names are unknown)."""
    import grp
    import pwd

    try:
        user = pwd.getpwuid(uid).pw_name
    except KeyError:
        user = str(uid)
    try:
        group = grp.getgrgid(gid).gr_name
    except KeyError:
        group = str(gid)
    return f"{user}:{group}"


@dataclass(frozen=True)
class Target:
    """A file a save is about to write, and how."""

    path: Path
    """The file itself (the plan's real file; a side file's own name, never its link)."""
    mode: int
    uid: int = -1
    """The owner it must have (-1: whoever writes it)."""
    gid: int = -1
    exists: bool = True


def _umask_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _writable(path: Path) -> bool:
    effective = os.access in os.supports_effective_ids
    return os.access(path, os.W_OK, effective_ids=effective)


def plan_target(path: Path, *, replace_read_only: bool = False, follow: bool = True) -> Target:
    """How the plan at *path* (its symlink followed, if *follow*) may be written; raises
    PlanFileError when it may not be, before anything is written."""
    if not follow and os.path.islink(path):
        raise PlanFileError(f"{path}: is a symlink; not written through: nothing was written")
    real = Path(os.path.realpath(path))
    try:
        st = os.stat(real)
    except FileNotFoundError:
        return Target(real, _umask_mode(), exists=False)
    except OSError as exc:  # e.g. a path below a file
        raise PlanFileError(f"{path}: cannot write: {_reason(exc)}") from None
    if not stat.S_ISREG(st.st_mode):
        raise PlanFileError(f"{path}: is not a regular file; not saved")
    mode = stat.S_IMODE(st.st_mode)
    euid = os.geteuid()
    if euid in (0, st.st_uid) and not replace_read_only:
        read_only = not mode & (0o222 if euid == 0 else 0o200)
        if read_only:
            raise PlanFileError(
                f"{path}: is read-only (mode {mode:04o}); not saved. Make it "
                "writable (chmod u+w) to save it, or replace it anyway "
                "with `rollback-tui tick --force`"
            )
    return _existing(path, real, st, mode)


def as_it_is(path: Path) -> Target:
    """The plan at *path* as it is (mode, owner, group), for the side files written
    beside it when the plan itself is not written."""
    real = Path(os.path.realpath(path))
    try:
        st = os.stat(real)
    except OSError as exc:
        raise PlanFileError(f"{path}: cannot read: {_reason(exc)}") from None
    return Target(real, stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid)


def _existing(shown: Path, real: Path, st: os.stat_result, mode: int) -> Target:
    """An existing regular file: replaced with its owner, group and mode when they can be
    kept; by a saver who may write it but not give it back to its owner, replaced as the
    saver's with the group and mode kept; else refused."""
    if may_give(st.st_uid, st.st_gid):
        return Target(real, mode, st.st_uid, st.st_gid)
    if not _writable(real):
        raise PlanFileError(
            f"{shown}: belongs to {who(st.st_uid, st.st_gid)} (mode {mode:04o}) and you may "
            "not write it; not saved: nothing was written"
        )
    _check_replaceable(shown, real, st)
    if not may_give(-1, st.st_gid) and not _folder_gives(real.parent, st.st_gid):
        raise PlanFileError(
            f"{shown}: belongs to {who(st.st_uid, st.st_gid)}, and a saved copy would not "
            f"keep its group {who(st.st_uid, st.st_gid).split(':')[1]} (you are not a member), "
            "so its team could not use it; not saved: nothing was written"
        )
    return Target(real, mode, -1, st.st_gid)


def _check_replaceable(shown: Path, path: Path, st: os.stat_result) -> None:
    """Refuse now what the rename would refuse later: in a sticky folder (like /tmp)
    only the file's owner, the folder's owner or root may replace a file."""
    if os.geteuid() in (0, st.st_uid):
        return
    try:
        folder = os.stat(path.parent)
    except OSError:
        return
    if folder.st_mode & stat.S_ISVTX and folder.st_uid != os.geteuid():
        raise PlanFileError(
            f"{shown}: belongs to {who(st.st_uid, st.st_gid)} in a folder "
            "where only they may replace it; not saved: nothing was written"
        )


def side_target(path: Path, plan: Target, *, copy: bool = False) -> Target:
    """How a file written beside the plan (its Markdown, backup or lock) may be written.

    A new one gets the plan's mode and group (and owner, when root saves); an existing
    one keeps its own, but a *copy* of the plan (its backup) gets the plan's mode; a
    symlink there is replaced by a file, never written through.
    """
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise PlanFileError(f"{path}: cannot write: {_reason(exc)}") from None
    if st is not None and stat.S_ISREG(st.st_mode):
        target = _existing(path, path, st, stat.S_IMODE(st.st_mode))
        return replace(target, mode=plan.mode & 0o666) if copy else target
    if st is not None and not stat.S_ISLNK(st.st_mode):
        raise PlanFileError(f"{path}: is not a regular file; not saved: nothing was written")
    if st is not None:  # a symlink: replaced by a file, never followed
        _check_replaceable(path, path, st)
    uid = plan.uid if os.geteuid() == 0 else -1
    gid = plan.gid
    if gid != -1 and not may_give(-1, gid) and not _folder_gives(path.parent, gid):
        raise PlanFileError(
            f"{path}: would not get the plan's group {who(plan.uid, gid).split(':')[1]} "
            "(you are not a member), so the plan's team could not use it; not saved: "
            "nothing was written"
        )
    return Target(path, plan.mode & 0o666, uid, gid, exists=False)


def _folder_gives(folder: Path, gid: int) -> bool:
    """Whether new files in *folder* get group *gid* anyway (a set-group-ID folder)."""
    try:
        st = os.stat(folder)
    except OSError:
        return False
    return bool(st.st_mode & stat.S_ISGID) and st.st_gid == gid


# -- writing -------------------------------------------------------------------------------


def temp_prefix(name: str) -> str:
    """The start of a temporary file's name for *name*: it carries this process's id."""
    return f".{name}.{os.getpid()}."


def write(target: Target, data: bytes | bytearray | Path | list[bytes | memoryview]) -> None:
    """Write *data* (or the bytes of the regular file at *data*, copied a piece at a time;
    or the pieces in a list, one after the other) to *target* as decided: a temporary file
    in the same folder, given the owner, group and mode, synced, renamed over the file,
    and the folder synced. Raises OSError (or PlanFileError for a file that read_regular
    refuses); nothing is replaced when the data could not all be written."""
    folder = target.path.parent
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=temp_prefix(target.path.name), suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, Path):
                handle.writelines(read_pieces(data))
            else:
                handle.writelines(data if isinstance(data, list) else [data])
            handle.flush()
            st = os.fstat(handle.fileno())
            uid = -1 if target.uid in (-1, st.st_uid) else target.uid
            gid = -1 if target.gid in (-1, st.st_gid) else target.gid
            if (uid, gid) != (-1, -1):
                os.fchown(handle.fileno(), uid, gid)
            os.fchmod(handle.fileno(), target.mode)  # after chown, which may clear bits
            os.fsync(handle.fileno())
        os.replace(tmp, target.path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    sync_folder(folder)


def sync_folder(folder: Path) -> None:
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


# -- what a killed save left behind -----------------------------------------------------


def _temp_name(name: str) -> re.Pattern[str]:
    return re.compile(rf"\.{re.escape(name)}\.(?:(\d+)\.)?[a-z0-9_]{{8}}\.tmp")


_ANY_TEMP = re.compile(r"\..+\.(\d+)\.[a-z0-9_]{8}\.tmp")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process
    return True


def remove_side_files(folder: Path, names: list[str]) -> None:
    """Remove the regular files *names* in *folder*, if there (never through a link): side
    files an earlier release left where none are kept now."""
    for name in names:
        where = folder / name
        with contextlib.suppress(OSError):
            if stat.S_ISREG(os.lstat(where).st_mode):
                where.unlink()


def clean_stale_temps(folder: Path, names: list[str] | None) -> list[Path]:
    """Remove the temporary files of a save of *names* (None: of any file, in a folder
    only we write, such as PLAN.runs/) that never finished: only files named as ours, and
    only when the process that wrote them is gone or they are older than
    STALE_TEMP_SECONDS. Returns what was removed."""
    patterns = [_temp_name(name) for name in names] if names is not None else [_ANY_TEMP]
    removed: list[Path] = []
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.endswith(".tmp"):
            continue
        match = next((m for p in patterns if (m := p.fullmatch(entry.name))), None)
        if match is None:
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode):
            continue
        pid = int(match.group(1)) if match.group(1) else None
        if pid == os.getpid():
            continue
        if now - st.st_mtime > STALE_TEMP_SECONDS or (pid is not None and not _alive(pid)):
            try:
                os.unlink(entry.path)
            except OSError:
                continue
            removed.append(Path(entry.path))
    return removed
