"""Writing what a command was asked to write (`render -o`, `import -o`): to a file, or to a
stream the user named, never through anything else.

- A regular file (or a new one) is replaced atomically, keeping its mode.
- A stream is written as a stream, never replaced: standard output or error named as
  ``/dev/stdout``, ``/dev/stderr`` or ``/dev/fd/N``, a FIFO, or a character device named
  by its own path (``/dev/null``). Running as root, ``-o /dev/null`` must not replace the
  machine's ``/dev/null`` with a file.
- A symlink is not written through (its target is named in the message, to be named
  instead); block devices, sockets and folders are refused. Each refusal is one line.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from pathlib import Path

from rollback_tui.store import file_safety
from rollback_tui.store.errors import PlanFileError

_STANDARD = {"/dev/stdout": 1, "/dev/stderr": 2}
_FD = re.compile(r"/(?:dev/fd|proc/self/fd)/(\d+)")


def is_stream(path: Path) -> bool:
    """Whether *path* names a stream that is written, not replaced (see the module)."""
    if _standard_fd(path) is not None:
        return True
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)


def _standard_fd(path: Path) -> int | None:
    text = os.path.normpath(str(path))
    if text in _STANDARD:
        return _STANDARD[text]
    match = _FD.fullmatch(text)
    return int(match.group(1)) if match else None


def write_output(path: Path, data: bytes) -> None:
    """Write *data* to *path* as the module says. Raises PlanFileError (one line)."""
    fd = _standard_fd(path)
    if fd is not None:
        stream = {1: sys.stdout, 2: sys.stderr}.get(fd)
        if stream is not None:
            stream.flush()
        _write_fd(path, fd, data)
        return
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise PlanFileError(f"{path}: cannot write: {exc.strerror or exc}") from None
    if st is None or stat.S_ISREG(st.st_mode):
        _replace(path, data, None if st is None else stat.S_IMODE(st.st_mode))
    elif stat.S_ISLNK(st.st_mode):
        raise PlanFileError(
            f"{path}: is a symlink to {os.readlink(path)}; not written through "
            "(name the file it points at to write that)"
        )
    elif stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode):
        _write_stream(path, data)
    elif stat.S_ISDIR(st.st_mode):
        raise PlanFileError(f"{path}: is a folder; name a file to write")
    else:
        raise PlanFileError(f"{path}: is not a regular file or a stream; not written")


def _write_fd(path: Path, fd: int, data: bytes) -> None:
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    except OSError as exc:
        raise PlanFileError(f"{path}: cannot write: {exc.strerror or exc}") from None


def _write_stream(path: Path, data: bytes) -> None:
    """A FIFO or a character device: opened for writing as the shell's ``>`` would (a FIFO
    waits for its reader), never created, replaced or truncated."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as exc:
        raise PlanFileError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        _write_fd(path, fd, data)
    finally:
        os.close(fd)


def _replace(path: Path, data: bytes, mode: int | None) -> None:
    """A temporary file beside *path*, synced and renamed over it (its mode kept)."""
    if mode is None:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    target = file_safety.Target(Path(os.path.abspath(path)), mode, exists=mode is not None)
    try:
        file_safety.write(target, data)
    except FileNotFoundError:
        raise PlanFileError(f"{path}: the folder {target.path.parent} does not exist") from None
    except OSError as exc:
        raise PlanFileError(f"{path}: cannot write: {exc.strerror or exc}") from None
