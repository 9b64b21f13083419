"""Shared test set-up: deterministic snapshots stored in the top-level snapshots/ folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import pytest_textual_snapshot

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "plan.toml"

# Snapshots must not depend on the developer's terminal or preferences.
for name in ("NO_COLOR", "TEXTUAL_THEME", "TEXTUAL_ANIMATIONS", "COLUMNS", "LINES"):
    os.environ.pop(name, None)
os.environ["TEXTUAL_ANIMATIONS"] = "none"
# `check` judges review dates as of this day unless a test says otherwise (--as-of): the
# example plan, written 2026-11-20, would otherwise become overdue as the years go by.
os.environ["ROLLBACK_TUI_AS_OF"] = "2026-12-01"


class TopLevelSnapshots(pytest_textual_snapshot.SVGImageExtension):
    """SVG snapshots under snapshots/<test module>/ rather than beside the tests."""

    @classmethod
    def dirname(cls, *, test_location):  # type: ignore[no-untyped-def]
        return str(ROOT / "snapshots" / Path(test_location.filepath).stem)


pytest_textual_snapshot.SVGImageExtension = TopLevelSnapshots  # type: ignore[misc]


@pytest.fixture(autouse=True)
def private_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user config (themes, theme choice) and state (copy file) folders, in tmp_path.

    No test reads or writes the developer's real ~/.config or ~/.local/state.
    """
    monkeypatch.setenv("ROLLBACK_TUI_CONFIG_DIR", str(tmp_path / "user-config"))
    monkeypatch.setenv("ROLLBACK_TUI_STATE_DIR", str(tmp_path / "user-state"))
    return tmp_path


@pytest.fixture
def example_plan(tmp_path: Path) -> Path:
    """A copy of the example plan, safe to edit."""
    target = tmp_path / "plan.toml"
    target.write_bytes(EXAMPLE.read_bytes())
    return target
