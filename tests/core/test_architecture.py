"""The house rules: the headless core and the headless commands never load Textual."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "rollback_tui"
EXAMPLE = ROOT / "examples" / "plan.toml"
CORE_PACKAGES = ["plan", "render", "store", "importing", "git", "run", "plain", "notify"]
"""The headless core: the plan, its Markdown, its files, import, git, a run of it, plain mode
(a front end without Textual), and the status page and updates."""
CORE_FILES = sorted(
    [path for package in CORE_PACKAGES for path in (PACKAGE / package).glob("*.py")]
    + [
        PACKAGE / f"{name}.py"
        for name in (
            "check_report",
            "plan_schema",
            "locations",
            "theme_files",
            "user_config",
            "toml_text",
            "launch_options",
            "opening",
        )
        if (PACKAGE / f"{name}.py").exists()
    ]
)
CORE_MODULES = [
    ".".join(("rollback_tui", *path.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(
        ".__init__"
    )
    for path in CORE_FILES
]

# Runs the command line in a fresh interpreter, then reports which UI modules it loaded.
CLI_PROBE = """
import json, sys
from rollback_tui.cli import main
sys.argv = ["rollback-tui", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
loaded = sorted(m for m in sys.modules
                if m.split(".")[0] == "textual" or m.startswith("rollback_tui.ui"))
sys.stderr.write("\\nLOADED=" + json.dumps(loaded) + "\\n")
"""


def loaded_by(*args: str, probe: str = CLI_PROBE) -> list[str]:
    """The Textual and UI modules (or what *probe* reports) loaded by running the command
    line with *args*."""
    done = subprocess.run(
        [sys.executable, "-c", probe, *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    marker = done.stderr.rpartition("LOADED=")[2]
    assert marker, done.stderr
    loaded: list[str] = json.loads(marker)
    return loaded


def imported_names(path: Path) -> list[str]:
    """Every module named by an import statement in *path*, wherever it is."""
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


class TestCoreIsHeadless:
    def test_core_modules_do_not_load_textual(self) -> None:
        """Importing the whole core loads no Textual module."""
        code = (
            f"import sys\nimport {', '.join(CORE_MODULES)}\n"
            "bad = [m for m in sys.modules if m.split('.')[0] == 'textual']\n"
            "assert not bad, bad\n"
            "assert 'rollback_tui.store' in sys.modules\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
        )
        assert done.returncode == 0, done.stderr

    @pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: p.name)
    def test_no_ui_import_anywhere_in_the_core(self, path: Path) -> None:
        """No core file imports Textual or the UI, not even inside a function."""
        for name in imported_names(path):
            root = name.split(".")[0]
            assert root != "textual", (path.name, name)
            assert not name.startswith(
                ("rollback_tui.ui", "rollback_tui.themes", "rollback_tui.clipboard")
            ), (path.name, name)

    @pytest.mark.parametrize("path", sorted((PACKAGE / "cli").glob("*.py")), ids=lambda p: p.name)
    def test_cli_imports_the_ui_only_when_needed(self, path: Path) -> None:
        """The command line's modules import no UI at the top level."""
        tree = ast.parse(path.read_text())
        top = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
        for node in top:
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
            )
            assert not any(
                n.split(".")[0] == "textual" or n.startswith("rollback_tui.ui") for n in names
            )


class TestContracts:
    def test_every_ui_module_is_in_a_layer(self) -> None:
        """Each module and package directly in ui/ is named in a layer of the UI's import
        contract, so that none is left out of the one-way rule."""
        config = tomllib.loads((ROOT / "pyproject.toml").read_text())
        contract = next(
            c
            for c in config["tool"]["importlinter"]["contracts"]
            if c["name"] == "UI layers go one way"
        )
        layered = {
            name.strip()
            for layer in contract["layers"]
            for name in layer.replace(":", "|").split("|")
        }
        ui = PACKAGE / "ui"
        modules = {
            f"rollback_tui.ui.{path.stem}"
            for path in ui.iterdir()
            if (path.suffix == ".py" and path.stem != "__init__") or (path / "__init__.py").exists()
        }
        assert sorted(modules - layered) == []


class TestHeadlessCommands:
    @pytest.mark.parametrize(
        "command",
        [
            ["render"],
            ["check"],
            ["status"],
            ["status", "--json"],
            ["check", "--format", "github"],
            ["import"],
        ],
        ids=" ".join,
    )
    def test_read_only_commands_do_not_load_textual(self, command: list[str]) -> None:
        """render, check and status run without loading Textual or the UI."""
        path = EXAMPLE.with_suffix(".md") if command == ["import"] else EXAMPLE
        assert loaded_by(command[0], str(path), *command[1:]) == []

    def test_git_commands_do_not_load_textual(self, tmp_path: Path) -> None:
        """merge-driver (run by git on every merged plan) and git-setup load no UI."""
        plans = [tmp_path / name for name in ("base.toml", "ours.toml", "theirs.toml")]
        for plan in plans:
            plan.write_bytes(EXAMPLE.read_bytes())
        assert loaded_by("merge-driver", *map(str, plans), "nowhere/plan.toml") == []
        assert loaded_by("git-setup", "-C", str(tmp_path)) == []

    def test_schema_does_not_load_textual(self) -> None:
        """schema prints the JSON Schema without loading Textual or the UI."""
        assert loaded_by("schema") == []
        assert loaded_by("schema", "--status") == []

    def test_page_update_and_report_do_not_load_textual(self, tmp_path: Path) -> None:
        """publish, update and report load no UI."""
        assert loaded_by("publish", str(EXAMPLE), str(tmp_path / "site")) == []
        assert loaded_by("update", str(EXAMPLE)) == []
        assert loaded_by("report", str(EXAMPLE)) == []

    @pytest.mark.parametrize("command", ["render", "check", "status"])
    def test_read_only_commands_do_not_load_tomlkit(self, command: str) -> None:
        """Reading a plan takes tomllib only: tomlkit is for writing it back."""
        probe = CLI_PROBE.replace('m.split(".")[0] == "textual"', 'm.split(".")[0] == "tomlkit"')
        assert loaded_by(command, str(EXAMPLE), probe=probe) == []

    @pytest.mark.parametrize("command", ["status", "tick"])
    def test_plans_are_read_with_tomli(self, command: str, tmp_path: Path) -> None:
        """Every TOML read goes through toml_text, whose parser is tomli's compiled build:
        no module imports the standard library's copy, and reading (or ticking) a short
        plan loads tomli alone (a long one is read by toml-rs first: test_toml_text.py)."""
        assert [path for path in PACKAGE.rglob("*.py") if "tomllib" in imported_names(path)] == []
        probe = CLI_PROBE.replace(
            'm.split(".")[0] == "textual" or m.startswith("rollback_tui.ui")',
            'm in ("tomli", "tomllib")',
        )
        path = tmp_path / "plan.toml"
        path.write_bytes(EXAMPLE.read_bytes())
        args = [str(path), "a-1", "--by", "sam"] if command == "tick" else [str(path)]
        assert loaded_by(command, *args, probe=probe) == ["tomli"]

    def test_new_and_tick_do_not_load_textual(self, tmp_path: Path) -> None:
        """new and tick write files without loading Textual or the UI."""
        path = tmp_path / "plan.toml"
        assert loaded_by("new", str(path), "--feature-flag", "f") == []
        assert path.exists()
        assert loaded_by("tick", str(path), "a-1", "--by", "sam") == []
        assert "done = true" in path.read_text()

    def test_probe_sees_textual_when_it_is_loaded(self) -> None:
        """The probe does report Textual when it is loaded, so the checks above can fail."""
        code = CLI_PROBE.replace(
            "from rollback_tui.cli import main",
            "import textual.app\nfrom rollback_tui.cli import main",
        )
        done = subprocess.run(
            [sys.executable, "-c", code, "check", str(EXAMPLE)],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
        )
        loaded = json.loads(done.stderr.rpartition("LOADED=")[2])
        assert "textual" in loaded and "textual.app" in loaded


# Opens a plan in the wizard at 80×24, headless, then reports the modules loaded when the
# first frame is up (when the preview's warm-up starts, in a thread), and after it.
WIZARD_PROBE = """
import asyncio, json, sys
from pathlib import Path
from rollback_tui.ui.factory import make_app
from rollback_tui.ui.wizard import preview

at_first_frame = []
real_warm_up = preview.warm_up

def warm_up():
    at_first_frame.extend(sys.modules)
    real_warm_up()

preview.warm_up = warm_up

async def main():
    app = make_app(Path(sys.argv[1]), cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#title").value, "the Basics step is not shown"
        for _ in range(200):
            if "rich.markdown" in sys.modules and preview._warmed.is_set():
                break
            await pilot.pause(0.05)

asyncio.run(main())
sys.stderr.write("\\nLOADED=" + json.dumps(sorted(at_first_frame)) + "\\n")
sys.stderr.write("\\nAFTER=" + json.dumps(sorted(sys.modules)) + "\\n")
"""
NOT_ON_THE_FIRST_SCREEN = [
    "tomlkit",  # writing the plan back: the first save
    "rollback_tui.store.document",
    "markdown_it",  # the preview, hidden at 80 columns: loaded in a thread after the frame
    "rollback_tui.store.lock",  # the lock around a save
    "rollback_tui.ui.checklist.checklist_screen",  # checklist mode, Run checklist
    "rollback_tui.ui.dialogs.restore",  # a recovery file
    "rollback_tui.ui.dialogs.conflict",  # a conflict on saving
]


class TestStartup:
    def test_the_wizard_loads_only_what_its_first_screen_needs(self, tmp_path: Path) -> None:
        """Opening a plan at 80×24 loads no tomlkit, Markdown parser, file lock or checklist
        before its first frame: each comes when first used, so the wizard starts sooner. The
        Markdown parser is then loaded in a thread, so that the first preview is quick."""
        plan = tmp_path / "plan.toml"
        plan.write_bytes(EXAMPLE.read_bytes())
        done = subprocess.run(
            [sys.executable, "-c", WIZARD_PROBE, str(plan)],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
        )
        assert "AFTER=" in done.stderr, done.stderr[-2000:]
        loaded = set(json.loads(done.stderr.rpartition("LOADED=")[2].splitlines()[0]))
        assert "rollback_tui.ui.wizard.wizard_screen" in loaded
        assert [m for m in NOT_ON_THE_FIRST_SCREEN if m in loaded] == []
        after = set(json.loads(done.stderr.rpartition("AFTER=")[2].splitlines()[0]))
        assert {"markdown_it", "rich.markdown", "pygments.lexers.shell"} <= after


# Runs the console script's entry point with the app and plain mode replaced by recorders
# (plain mode wanted only where PROBE_PLAIN=1 or --plain says: the probe has no terminal);
# reports the calls and whether click was loaded (the process ends as usual, not at once).
LAUNCH_PROBE = """
import dataclasses, json, os, sys
import rollback_tui.ui.factory as factory
import rollback_tui.plain.detect as detect
import rollback_tui.plain.start as start
calls = []
factory.run_app = lambda path, launch: calls.append([str(path), dataclasses.asdict(launch)]) or 0
start.run_plain = lambda path, launch: calls.append(
    ["plain", str(path), dataclasses.asdict(launch)]) or 0
detect.plain_wanted = lambda choice, *rest: (
    choice if choice is not None else os.environ.get("PROBE_PLAIN") == "1")
import rollback_tui.launch as launch
launch.end_now = lambda code: None  # the usual exit, for the report below
from rollback_tui.launch import main
sys.argv = ["rollback-tui", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
report = {"calls": calls, "click": "click" in sys.modules}
sys.stderr.write("\\nLAUNCH=" + json.dumps(report) + "\\n")
"""


def launched_by(*args: str, plain: bool = False) -> dict[str, object]:
    env = {**os.environ, "PROBE_PLAIN": "1" if plain else ""}
    done = subprocess.run(
        [sys.executable, "-c", LAUNCH_PROBE, *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=env,
    )
    assert "LAUNCH=" in done.stderr, done.stderr[-2000:]
    return dict(json.loads(done.stderr.rpartition("LAUNCH=")[2]))


class TestLaunch:
    @pytest.mark.parametrize(
        ("args", "mode", "path"),
        [
            ([], "edit", "None"),
            (["edit", "p.toml"], "edit", "p.toml"),
            (["run", "p.toml"], "run", "p.toml"),
        ],
    )
    def test_opening_a_screen_does_not_load_click(
        self, args: list[str], mode: str, path: str
    ) -> None:
        """The wizard and the checklist, opened without options, start without click (and
        the other commands): the same call as the click command makes."""
        report = launched_by(*args)
        assert report == {"calls": [[path, _options(mode)]], "click": False}

    def test_options_go_through_click(self) -> None:
        """Any option is parsed by the click commands, which open the same app."""
        report = launched_by("run", "p.toml", "--by", "sam")
        assert report == {"calls": [["p.toml", _options("run", by="sam")]], "click": True}

    def test_plain_mode_opens_instead_of_the_app(self) -> None:
        """Where plain mode is wanted (no terminal, TERM=dumb, ...), it opens in place of
        the app, with the same options; --plain and --no-plain decide whatever else."""
        report = launched_by("run", "p.toml", plain=True)
        assert report == {"calls": [["plain", "p.toml", _options("run")]], "click": False}
        report = launched_by("edit", "--no-plain", "p.toml", plain=True)
        assert report == {"calls": [["p.toml", _options("edit", plain=False)]], "click": True}
        report = launched_by("--plain", "drill", "p.toml")
        options = _options("drill", plain=True)
        assert report == {"calls": [["plain", "p.toml", options]], "click": True}


def _options(mode: str, by: str | None = None, plain: bool | None = None) -> dict[str, object]:
    return {
        "mode": mode,
        "by": by,
        "theme": None,
        "label": "",
        "git": False,
        "plain": plain,
        "publish": None,
    }
