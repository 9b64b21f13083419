"""Shared test set-up: deterministic snapshots stored in the top-level snapshots/ folder."""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import prometheus_server
import pytest
import pytest_textual_snapshot
from syrupy.location import PyTestLocation

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "plan.toml"

# Snapshots must not depend on the developer's terminal or preferences.
for name in ("NO_COLOR", "TEXTUAL_THEME", "TEXTUAL_ANIMATIONS", "COLUMNS", "LINES"):
    os.environ.pop(name, None)
os.environ["TEXTUAL_ANIMATIONS"] = "none"
# `check` judges review dates as of this day unless a test says otherwise (--as-of): the
# example plan, written 2026-11-20, would otherwise become overdue as the years go by.
os.environ["ROLLBACK_TUI_AS_OF"] = "2026-12-01"

RUN_MARK = "ROLLBACK_TUI_TEST_RUN"
"""Set on every process this test run starts (they inherit it, tmux servers and their
panes too): its value tells our rollback-tui processes from anyone else's."""
os.environ[RUN_MARK] = f"{os.getpid()}-{uuid.uuid4().hex}"


# pytest_textual_snapshot ships no type information: its extension is Any to mypy.
class TopLevelSnapshots(pytest_textual_snapshot.SVGImageExtension):  # type: ignore[misc]
    """SVG snapshots under snapshots/<test module>/ rather than beside the tests."""

    @classmethod
    def dirname(cls, *, test_location: PyTestLocation) -> str:
        return str(ROOT / "snapshots" / Path(test_location.filepath).stem)


pytest_textual_snapshot.SVGImageExtension = TopLevelSnapshots


@pytest.fixture(autouse=True)
def private_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user config (themes, theme choice) and state (copy file) folders, in tmp_path.

    No test reads or writes the developer's real ~/.config or ~/.local/state.
    """
    monkeypatch.setenv("ROLLBACK_TUI_CONFIG_DIR", str(tmp_path / "user-config"))
    monkeypatch.setenv("ROLLBACK_TUI_STATE_DIR", str(tmp_path / "user-state"))
    return tmp_path


@pytest.fixture
def unwritable_state_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user state folder where nothing can be made: a file stands in its place."""
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the state folder would be")
    monkeypatch.setenv("ROLLBACK_TUI_STATE_DIR", str(blocked))
    return blocked


@pytest.fixture
def example_plan(tmp_path: Path) -> Path:
    """A copy of the example plan, safe to edit."""
    target = tmp_path / "plan.toml"
    target.write_bytes(EXAMPLE.read_bytes())
    return target


def our_processes() -> list[int]:
    """The rollback-tui processes this test run started that are still alive (zombies,
    already ended, are not counted). Only processes carrying this run's mark: other runs
    of the suite on the same machine are never looked at twice, nor touched."""
    mark = f"{RUN_MARK}={os.environ[RUN_MARK]}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if mark not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rpartition(")")[2].split()[0]
        except OSError:
            continue
        app = (
            any(Path(os.fsdecode(a)).name == "rollback-tui" for a in argv[:2])
            or b"rollback_tui" in argv[:3]
        )
        if app and state != "Z":
            found.append(int(entry.name))
    return found


@pytest.fixture(scope="session", autouse=True)
def no_process_left_behind() -> Iterator[None]:
    """Fails the run if a rollback-tui process started by the suite outlives it.

    A few seconds' grace for the last test's processes to end; whatever is left is listed,
    then killed (it is ours: it carries this run's mark).
    """
    yield
    deadline = time.monotonic() + 5
    while (left := our_processes()) and time.monotonic() < deadline:
        time.sleep(0.2)
    if left:
        described = []
        for pid in left:
            try:
                argv = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
                described.append(f"{pid}: {argv.decode(errors='replace').strip()}")
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        pytest.fail(
            "rollback-tui processes left running by the tests (now killed):\n"
            + "\n".join(described),
            pytrace=False,
        )


@pytest.fixture(scope="session")
def prometheus() -> Iterator[prometheus_server.Prometheus]:
    """A real Prometheus on 127.0.0.1 (a free port), its storage backfilled by promtool with
    an error-rate spike at fixed past times; stopped, and its folder removed, at the end."""
    folder = prometheus_server.temp_folder()
    try:
        process, server = prometheus_server.start(folder)
        try:
            yield server
        finally:
            prometheus_server.stop(process)
    finally:
        prometheus_server.remove(folder)
