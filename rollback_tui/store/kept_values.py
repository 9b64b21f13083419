"""The values of a long plan's text as its last save wrote it, kept so that the next tick
need not parse the text again: reading 9 MB of TOML takes 0.35 s, reading the values kept
0.06 s (the plan is still validated from them, as from a parse).

A save that patched the text (store/patch.py) knows the new text's values without parsing
it whole: those of the chunks it left as they were, and those of the one or two it changed,
read alone (patch._Patcher.values). Kept beside the plan's shape (saved_shape), in the
user's state folder (``shapes/``, folder 0700, file 0600), for each plan of at least
FROM_BYTES, and removed with it. Unlike the shape, this holds the plan's content, as the
recovery files and ``last-copy.md`` of the same folder do; a plan holds no secret (tokens
and webhook addresses are read from the environment, never from a plan).

Believed only of the text it was made for: the SHA-256 of the plan's bytes as just read
must be the one it names, the code that made it (the TOML reader's release, this module,
the patch and the layout, Python's) the same, and its bytes whole (a CRC-32 at the end).
Only plain values are read back from it: the unpickler refuses every class but the
datetime module's, so that a file planted there cannot run code. Anything else, and the
text is parsed as it always was; failing to keep it never fails a save.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
import pickle
import sys
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from rollback_tui.locations import state_dir
from rollback_tui.store import file_safety
from rollback_tui.store.errors import PlanFileError

FROM_BYTES = 1_000_000
"""A plan text shorter than this is parsed (tens of milliseconds); nothing is kept."""

LIMIT = 4 * file_safety.MAX_PLAN_BYTES
"""The values of a 10 MB plan take less: a larger file is not read."""

_MAGIC = b"rollback-tui values 1\n"
_DATETIME = frozenset({"datetime", "date", "time", "timezone", "timedelta"})
"""The only classes a TOML reader's values hold (dates, times and their offsets)."""


def folder() -> Path:
    """Where shapes and values are kept (see saved_shape)."""
    return state_dir() / "shapes"


def name_of(plan_path: Path) -> str:
    """The name a plan's kept files go by: a hash of its real path (as recovery files)."""
    return hashlib.sha256(os.fsencode(os.path.realpath(plan_path))).hexdigest()[:32]


def values_path(plan_path: Path) -> Path:
    return folder() / f"{name_of(plan_path)}.values"


@functools.cache
def code() -> bytes:
    """A digest of what decides the values: the TOML readers' releases, the code that
    derives them and Python's (its pickle and datetime)."""
    import tomli

    from rollback_tui import toml_text
    from rollback_tui.store import layout, patch

    readers = f"{tomli.__version__}\0{toml_text.compiled_release()}"
    digest = hashlib.sha256(f"{readers}\0{sys.version}\0".encode())
    for module in (toml_text, layout, patch, sys.modules[__name__]):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest().encode("ascii")


def _head(plan_sha256: str) -> bytes:
    """What a values file starts with: its format, the text's digest and this code's."""
    return _MAGIC + plan_sha256.encode("ascii") + b"\n" + code() + b"\n"


class _PlainValues(pickle.Unpickler):
    """An unpickler of plain values: dicts, lists, strings, numbers and the datetime
    module's classes, nothing that could run code."""

    def find_class(self, module: str, name: str) -> Any:
        if module == "datetime" and name in _DATETIME:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a plain value")


class _Summing(io.RawIOBase):
    """A file the pickle goes to, the CRC-32 of what went through kept on the way."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle, self.crc = handle, 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.crc = zlib.crc32(data, self.crc)
        return self.handle.write(data)


def read(plan_path: Path, plan_sha256: str) -> dict[str, Any] | None:
    """The values kept of the plan at *plan_path*, if they are those of the text hashing
    to *plan_sha256*, kept by this code and whole; else None. Never raises: whatever is
    wrong with the file (or with finding this code's digest), the text is parsed."""
    try:
        data = file_safety.read_regular(values_path(plan_path), limit=LIMIT)
        head = _head(plan_sha256)
    except (OSError, PlanFileError):
        return None
    if len(data) < len(head) + 8 or not data.startswith(head):
        return None
    body = memoryview(data)[len(head) : -8]
    try:
        if zlib.crc32(body) != int(data[-8:], 16):
            return None
        values = _PlainValues(io.BytesIO(body)).load()
    except Exception:  # a damaged or planted file, whatever it makes the unpickler raise
        return None
    return values if isinstance(values, dict) else None


def keep(
    plan_path: Path,
    plan_sha256: str,
    size: int,
    values: Callable[[], dict[str, Any] | None] | None,
) -> None:
    """Keep the values of the plan at *plan_path* just written, *size* bytes hashing to
    *plan_sha256*: what *values* gives (asked only when they are kept). A short plan's,
    or values not known (a text written whole), forget any kept before."""
    target = values_path(plan_path)
    found = values() if values is not None and size >= FROM_BYTES else None
    if found is None:
        forget(plan_path)
        return
    with contextlib.suppress(OSError):
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(
            dir=target.parent, prefix=file_safety.temp_prefix(target.name), suffix=".tmp"
        )
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(_head(plan_sha256))
                summing = _Summing(handle)
                pickler = pickle.Pickler(summing, protocol=pickle.HIGHEST_PROTOCOL)
                # No memo (a tenth of the time, no 20 MB of it): plain values are never
                # shared or circular. An old switch of the pickler, left as it is where
                # a Python has dropped it.
                with contextlib.suppress(AttributeError):
                    pickler.fast = True
                pickler.dump(found)
                handle.write(b"%08x" % summing.crc)
            os.replace(tmp, target)  # not synced: a file cut short fails its CRC
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def forget(plan_path: Path) -> None:
    """Remove the values kept of the plan at *plan_path*, if any."""
    with contextlib.suppress(OSError):
        values_path(plan_path).unlink(missing_ok=True)
