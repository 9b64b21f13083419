"""Shell completion: commands, options, paths, and the item ids of the plan for `tick`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.shell_completion import ShellComplete

from rollback_tui.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plan.toml"
SCRIPT = Path(sys.executable).parent / "rollback-tui"


def complete(args: list[str], incomplete: str) -> list[tuple[str, str]]:
    """(type, value) of Click's completions for the words *args* then *incomplete*."""
    shell = ShellComplete(main, {}, "rollback-tui", "_ROLLBACK_TUI_COMPLETE")
    return [(c.type, c.value) for c in shell.get_completions(args, incomplete)]


def bash_complete(cwd: Path, *words: str) -> list[str]:
    """What the console script answers to bash's completion request for *words*."""
    env = {
        **os.environ,
        "_ROLLBACK_TUI_COMPLETE": "bash_complete",
        "COMP_WORDS": " ".join(["rollback-tui", *words]),
        "COMP_CWORD": str(len(words)),
    }
    done = subprocess.run(
        [str(SCRIPT)], env=env, cwd=cwd, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    path = tmp_path / "plan.toml"
    path.write_bytes(EXAMPLE.read_bytes())
    return path


class TestCompletionFunction:
    def test_commands_and_options(self) -> None:
        """Command names and a command's options complete."""
        assert ("plain", "tick") in complete([], "ti")
        assert {("plain", "--format")} <= set(complete(["check"], "--f"))

    def test_item_ids_of_the_given_plan(self, plan: Path) -> None:
        """After `tick PLAN`, the plan's ids complete, without the ones already given."""
        ids = [value for _, value in complete(["tick", str(plan)], "b-")]
        assert ids == ["b-1", "b-2", "b-3", "b-4", "b-5"]
        assert ("plain", "b-2") not in complete(["tick", str(plan), "b-2"], "b-")
        assert [v for _, v in complete(["tick", str(plan)], "checkout-api-")][:1] == [
            "checkout-api-1"
        ]

    def test_unreadable_plan_completes_nothing(self, tmp_path: Path) -> None:
        """A missing or broken plan: no ids and no error."""
        broken = tmp_path / "broken.toml"
        broken.write_text("= =\n")
        assert complete(["tick", str(tmp_path / "missing.toml")], "") == []
        assert complete(["tick", str(broken)], "") == []

    def test_paths(self) -> None:
        """A command's PATH argument completes as a file (the shell lists them)."""
        assert complete(["check"], "pl") == [("file", "pl")]


class TestConsoleScript:
    def test_bash_protocol(self, plan: Path) -> None:
        """The installed script answers bash's request: commands, then the plan's ids."""
        assert "plain,tick" in bash_complete(plan.parent, "ti")
        assert bash_complete(plan.parent, "tick", "plan.toml", "a-") == [
            "plain,a-1",
            "plain,a-2",
            "plain,a-3",
            "plain,a-4",
        ]
        assert bash_complete(plan.parent, "render", "pla") == ["file,pla"]

    @pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
    def test_source_scripts(self, shell: str) -> None:
        """The script the README tells each shell to load is printed."""
        env = {**os.environ, "_ROLLBACK_TUI_COMPLETE": f"{shell}_source"}
        done = subprocess.run([str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0 and "_ROLLBACK_TUI_COMPLETE" in done.stdout
