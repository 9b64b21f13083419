"""The pre-commit hook of .pre-commit-hooks.yaml, run by the real pre-commit on a repo."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "plan.toml"
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.com", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def snapshot_of_this_repo(into: Path) -> Path:
    """The project as it is on disk (uncommitted changes too), committed in a repo of its
    own: what pre-commit clones and pip-installs into the hook's environment."""
    files = git(ROOT, "ls-files", "--cached", "--others", "--exclude-standard", "-z")
    for name in filter(None, files.split("\0")):
        source = ROOT / name
        if source.is_file():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / name)
    git(into, "init", "-q")
    git(into, "add", "-A")
    git(into, "commit", "-q", "-m", "snapshot")
    return into


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
class TestPreCommitHook:
    def test_try_repo_passes_good_plan_and_fails_bad_one(self, tmp_path: Path) -> None:
        """`pre-commit try-repo` installs the hook from this repo and runs `check` on the
        plans: the bad one fails the hook, the good one is reported clean."""
        assert PRE_COMMIT.exists(), "pre-commit is missing: install the test extras"
        hook_repo = snapshot_of_this_repo(tmp_path / "hook")
        plans = tmp_path / "plans"
        (plans / "service").mkdir(parents=True)
        (plans / "service" / "rollback-plan.toml").write_bytes(EXAMPLE.read_bytes())
        (plans / "bad-plan.toml").write_text(
            EXAMPLE.read_text().replace('threshold = "Any severity"', 'threshold = ""')
        )
        (plans / "plans").mkdir()
        (plans / "plans" / "api.toml").write_bytes(EXAMPLE.read_bytes())
        (plans / "pyproject.toml").write_text("[project]\nname = 'not-a-plan'\n")
        git(plans, "init", "-q")
        git(plans, "add", "-A")
        env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache")}
        started = time.monotonic()
        done = subprocess.run(
            [str(PRE_COMMIT), "try-repo", str(hook_repo), "rollback-tui-check", "--all-files"],
            cwd=plans,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        took = time.monotonic() - started
        out = done.stdout + done.stderr
        assert done.returncode == 1, out
        assert "rollback-tui check" in out and "Failed" in out
        assert "bad-plan.toml: error: triggers[3].threshold:" in out
        assert "service/rollback-plan.toml: no findings" in out
        assert "plans/api.toml: no findings" in out
        assert "pyproject.toml" not in out.split("Failed", 1)[1]  # not a plan: not passed
        print(f"pre-commit try-repo took {took:.0f} s")
