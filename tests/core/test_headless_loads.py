"""The headless commands load what they use: a command that only reads a plan loads neither
the wizard's defaults nor the renderer nor a command it does not run.

These commands run in every pre-commit hook and CI job: what they import is most of what
they cost (see `benchmarks/headless.py`).
"""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from test_architecture import CLI_PROBE
from test_architecture import loaded_by as architecture_loaded_by

import rollback_tui.plan
from rollback_tui.cli import COMMANDS, main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "plan.toml"

# test_architecture's probe, reporting every module of the project loaded.
PROBE = CLI_PROBE.replace(
    'm.split(".")[0] == "textual" or m.startswith("rollback_tui.ui")',
    'm.startswith("rollback_tui.")',
)
assert PROBE != CLI_PROBE

WIZARD_DEFAULTS = {"rollback_tui.plan.defaults", "rollback_tui.plan.choices"}
RENDERER = {"rollback_tui.render", "rollback_tui.render.markdown"}
LINT = {"rollback_tui.plan.lint"}
STATUS_SKIPS = {"rollback_tui.cli.plans"}
OTHER_COMMANDS = {
    "rollback_tui.cli.screens",
    "rollback_tui.cli.repository",
    "rollback_tui.app_start",
}


def loaded_by(*args: str) -> set[str]:
    return set(architecture_loaded_by(*args, probe=PROBE))


@pytest.mark.parametrize(
    ("command", "not_loaded"),
    [
        (
            ["status"],
            WIZARD_DEFAULTS | RENDERER | LINT | OTHER_COMMANDS | {"rollback_tui.cli.plans"},
        ),
        (["check"], WIZARD_DEFAULTS | RENDERER | OTHER_COMMANDS | {"rollback_tui.cli.ticks"}),
        (["render"], WIZARD_DEFAULTS | LINT | OTHER_COMMANDS | {"rollback_tui.cli.ticks"}),
        (["triggers"], WIZARD_DEFAULTS | RENDERER | LINT | OTHER_COMMANDS | STATUS_SKIPS),
    ],
    ids=lambda value: value[0] if isinstance(value, list) else "",
)
def test_a_read_only_command_loads_only_what_it_uses(
    command: list[str], not_loaded: set[str]
) -> None:
    loaded = loaded_by(*command, str(EXAMPLE))
    home = {"status": "ticks", "triggers": "measures"}.get(command[0], "plans")
    assert f"rollback_tui.cli.{home}" in loaded
    assert sorted(loaded & not_loaded) == []


def test_new_loads_the_defaults_it_needs(tmp_path: Path) -> None:
    """The probe sees a module the command does use, so the checks above can fail."""
    loaded = loaded_by("new", str(tmp_path / "plan.toml"))
    assert loaded >= WIZARD_DEFAULTS | RENDERER


def test_every_command_is_named_as_click_names_it() -> None:
    with click.Context(main) as ctx:
        for name in COMMANDS:
            command = main.get_command(ctx, name)
            assert command is not None
            assert command.name == name
        assert main.get_command(ctx, "no-such-command") is None


def test_an_unknown_command_is_one_line_and_exit_2() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from rollback_tui.cli import main; main()", "frobnicate"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 2
    assert "No such command 'frobnicate'" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_plan_package_gives_each_name_its_object() -> None:
    """Every name of rollback_tui.plan's face is the class, function or constant, even once
    every submodule is loaded (a submodule of the same name would hide it)."""
    for module in pkgutil.iter_modules(rollback_tui.plan.__path__):
        importlib.import_module(f"rollback_tui.plan.{module.name}")
    for name in rollback_tui.plan.__all__:
        value = getattr(rollback_tui.plan, name)
        assert not isinstance(value, type(rollback_tui.plan)), name
        home = importlib.import_module(value.__module__) if hasattr(value, "__module__") else None
        assert home is None or getattr(home, name) is value
    with pytest.raises(AttributeError):
        _ = rollback_tui.plan.no_such_name
