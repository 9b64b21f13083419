"""The status updates not sent yet, on disk in the user's state folder (`outbox/`), so
that an update survives a webhook that is down and a restart: one JSON file an update,
written atomically (mode 0600, in a 0700 folder), removed once sent. Each holds the text,
the plan it is about, who sent it, how many tries failed and when the next is due (back
off: 15 s, 30 s, 1 min, ... up to 10 min). Never the webhook's address: it is read from
the environment or the config when the update goes."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from rollback_tui.locations import state_dir

FIRST_RETRY = 15
"""Seconds before the first retry; each failure doubles it."""
LONGEST_RETRY = 600
"""The longest wait between two tries."""


@dataclass(frozen=True)
class Pending:
    """A status update waiting to be sent."""

    id: str
    plan: str
    """The plan's path (absolute): its timeline records the update once it is sent."""
    by: str
    text: str
    created_at: str
    attempts: int = 0
    next_try: str = ""
    """When the next try is due (ISO 8601, UTC); empty: now."""
    last_error: str = ""

    def due(self, now: dt.datetime) -> bool:
        return not self.next_try or dt.datetime.fromisoformat(self.next_try) <= now

    def failed(self, reason: str, now: dt.datetime) -> Pending:
        """This update after one more failed try: the next is later."""
        wait = min(LONGEST_RETRY, FIRST_RETRY * 2**self.attempts)
        return replace(
            self,
            attempts=self.attempts + 1,
            next_try=(now + dt.timedelta(seconds=wait)).isoformat(),
            last_error=reason,
        )


def outbox_dir() -> Path:
    """Where the updates not sent yet wait."""
    return state_dir() / "outbox"


class Outbox:
    """The updates waiting in *folder* (the user's, by default)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or outbox_dir()

    def _make_folder(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)

    def add(
        self, plan: Path, by: str, text: str, now: dt.datetime
    ) -> tuple[Pending, list[Pending]]:
        """Keep a new update about *plan* to send, in place of those about it still
        waiting (drafted earlier, they are out of date: one update goes, not two). Returns
        it and those it replaced. Raises OSError if the folder cannot be written."""
        stamp = f"{now:%Y%m%dT%H%M%SZ}"
        pending = Pending(
            id=f"{stamp}-{uuid.uuid4().hex[:8]}",
            plan=str(Path(os.path.abspath(plan))),
            by=by,
            text=text,
            created_at=now.isoformat(),
        )
        self.write(pending)
        replaced = [p for p in self.waiting() if p.plan == pending.plan and p.id != pending.id]
        for old in replaced:
            self.remove(old)
        return pending, replaced

    def write(self, pending: Pending) -> None:
        """Write *pending* atomically (a new file, synced, renamed over the old)."""
        self._make_folder()
        data = json.dumps(asdict(pending), indent=2, ensure_ascii=False).encode("utf-8")
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".update-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.folder / f"{pending.id}.json")
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def remove(self, pending: Pending) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self.folder / f"{pending.id}.json").unlink()

    def waiting(self) -> list[Pending]:
        """Every update waiting, oldest first (files that cannot be read are skipped)."""
        try:
            names = sorted(p for p in self.folder.iterdir() if p.suffix == ".json")
        except OSError:
            return []
        found = []
        for path in names:
            try:
                raw = json.loads(path.read_text(encoding="utf-8"))
                found.append(Pending(**raw))
            except (OSError, ValueError, TypeError):
                continue
        return found

    @contextlib.contextmanager
    def claimed(self) -> Iterator[bool]:
        """Whether this process may send the waiting updates now: one process at a time
        (another that is sending them is not waited for, so no update goes twice)."""
        self._make_folder()
        fd = os.open(self.folder / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            yield True
        finally:
            os.close(fd)
