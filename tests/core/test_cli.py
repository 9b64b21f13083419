"""The command line: new, render, check, status, tick, and every kind of bad input."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_helpers import run
from click.testing import Result

from rollback_tui import store
from rollback_tui.plan import DeploymentType, Plan, ProcedureChoice
from rollback_tui.render import render_markdown

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SCRIPT = Path(sys.executable).parent / "rollback-tui"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file in *folder* and its bytes (an empty lock file left by a save aside)."""
    return {
        p.name: p.read_bytes()
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.endswith(".toml.lock")
    }


def one_line_error(result: Result, *fragments: str) -> str:
    """Assert exit 2 with exactly one line on stderr containing *fragments*; return it."""
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    assert "Traceback" not in result.output
    return lines[0]


@pytest.fixture
def plan_path(tmp_path: Path) -> Path:
    """A copy of the example plan and its Markdown."""
    for name in ("plan.toml", "plan.md"):
        (tmp_path / name).write_bytes((EXAMPLES / name).read_bytes())
    return tmp_path / "plan.toml"


def edited(tmp_path: Path, change: Callable[[Plan], None]) -> Path:
    """The example plan with *change* applied, saved to a file of its own."""
    plan_file = store.load(EXAMPLES / "plan.toml")
    change(plan_file.plan)
    plan_file.path = tmp_path / "plan.toml"
    plan_file.identity = None
    store.save(plan_file)
    return plan_file.path


def _revert_steps(plan: Plan) -> None:
    """The second component's steps all say "Revert": none verifies it."""
    for step in plan.components[1].steps:
        step.text = "Revert"


class TestNew:
    def test_all_options(self, tmp_path: Path) -> None:
        """Every option of `new` lands in the plan, and the Markdown is written beside."""
        path = tmp_path / "plan.toml"
        result = run(
            "new",
            path,
            "--title",
            "Checkout v2",
            "--incident",
            "Card payments fail",
            "--version",
            "v2.4.0",
            "--target-version",
            "v2.3.1",
            "--db-impact",
            "yes",
            "--feature-flag",
            "checkout_v2",
            "--deployment-type",
            "canary",
            "--component",
            "checkout-api",
            "--component",
            "payments-worker",
        )
        assert result.exit_code == 0, result.output
        assert result.stdout == f"Wrote {path} and {tmp_path / 'plan.md'}\n"
        plan, unknown = store.read_plan(path)
        assert unknown == []
        assert (
            plan.title,
            plan.incident,
            plan.version,
            plan.target_version,
            plan.db_impact,
            plan.feature_flag,
            plan.deployment_type,
        ) == (
            "Checkout v2",
            "Card payments fail",
            "v2.4.0",
            "v2.3.1",
            True,
            "checkout_v2",
            DeploymentType.CANARY,
        )
        assert [c.name for c in plan.components] == ["checkout-api", "payments-worker"]
        assert plan.procedure.choice is ProcedureChoice.BOTH
        assert "Run database rollback migration" in [s.text for s in plan.procedure.option_b]
        assert any("argo rollouts abort" in (s.command or "") for s in plan.procedure.option_b)
        assert (tmp_path / "plan.md").read_text() == render_markdown(plan)

    def test_defaults(self, tmp_path: Path) -> None:
        """With no options, `new` writes a rolling plan without database impact."""
        path = tmp_path / "plan.toml"
        assert run("new", path).exit_code == 0
        plan, _ = store.read_plan(path)
        assert plan.deployment_type is DeploymentType.ROLLING and plan.db_impact is False
        assert plan.procedure.choice is ProcedureChoice.B
        assert len(plan.triggers) == 8 and len(plan.contacts) == 3

    def test_refuses_to_overwrite(self, plan_path: Path) -> None:
        """An existing file is left alone unless --force is given."""
        before = snapshot(plan_path.parent)
        one_line_error(run("new", plan_path, "--title", "x"), str(plan_path), "--force")
        assert snapshot(plan_path.parent) == before
        assert run("new", plan_path, "--title", "Replaced", "--force").exit_code == 0
        assert store.read_plan(plan_path)[0].title == "Replaced"

    def test_unknown_deployment_type_option(self, tmp_path: Path) -> None:
        """A deployment type that does not exist is a usage error, and nothing is written."""
        result = run("new", tmp_path / "plan.toml", "--deployment-type", "big-bang")
        assert result.exit_code == 2
        assert "big-bang" in result.stderr and "Traceback" not in result.output
        assert list(tmp_path.iterdir()) == []

    def test_into_a_missing_folder(self, tmp_path: Path) -> None:
        """`new` into a folder that does not exist fails in one line, naming the path."""
        path = tmp_path / "nope" / "plan.toml"
        one_line_error(run("new", path), str(path), "does not exist")
        assert list(tmp_path.iterdir()) == []

    def test_below_a_file(self, tmp_path: Path) -> None:
        """`new` into a path whose parent is a file fails in one line."""
        (tmp_path / "notes").write_text("x")
        path = tmp_path / "notes" / "plan.toml"
        one_line_error(run("new", path), str(path), "cannot write")
        assert snapshot(tmp_path) == {"notes": b"x"}

    def test_new_plan_has_placeholders_to_fill(self, tmp_path: Path) -> None:
        """A pre-filled plan still has blanks, which `check` reports."""
        path = tmp_path / "plan.toml"
        run("new", path, "--title", "T")
        result = run("check", path)
        assert result.exit_code == 1
        assert f"{path}: error: contacts[0].name: Engineering Lead has no name" in result.stdout
        assert "placeholder <release> is still to be filled in" in result.stdout


class TestRender:
    def test_stdout(self) -> None:
        """`render` prints the plan's Markdown, exactly the checked-in example."""
        result = run("render", EXAMPLES / "plan.toml")
        assert result.exit_code == 0
        assert result.stdout == (EXAMPLES / "plan.md").read_text()
        assert result.stderr == ""

    def test_output_file(self, tmp_path: Path) -> None:
        """`render -o FILE` writes the Markdown to FILE and prints nothing."""
        out = tmp_path / "out.md"
        result = run("render", EXAMPLES / "plan.toml", "-o", out)
        assert result.exit_code == 0 and result.stdout == ""
        assert out.read_bytes() == (EXAMPLES / "plan.md").read_bytes()

    def test_output_into_a_missing_folder(self, tmp_path: Path) -> None:
        """`render -o` into a missing folder fails in one line."""
        out = tmp_path / "nope" / "out.md"
        one_line_error(run("render", EXAMPLES / "plan.toml", "-o", out), str(out))


class TestCheck:
    def test_example_is_clean(self) -> None:
        """The example plan passes `check` with exit code 0."""
        path = EXAMPLES / "plan.toml"
        result = run("check", path)
        assert result.exit_code == 0, result.stdout
        assert result.stdout == f"{path}: no findings\n"

    @pytest.mark.parametrize(
        ("change", "line"),
        [
            (
                lambda p: setattr(p.contacts[2], "name", "[Name]"),
                "error: contacts[2].name: placeholder [Name] is still to be filled in",
            ),
            (
                lambda p: setattr(p.procedure.option_b[1], "command", "helm rollback <release>"),
                "error: procedure.option_b[1].command: placeholder <release> is still to be "
                "filled in",
            ),
            (
                lambda p: setattr(p.triggers[1], "threshold", ""),
                "error: triggers[1].threshold: trigger 'Latency regression' has no threshold",
            ),
            (
                lambda p: setattr(p.triggers[0], "source", " "),
                "error: triggers[0].source: trigger 'Error rate spike' has no monitoring source",
            ),
            (
                _revert_steps,
                "warning: components[1].steps: component 'payments-worker' has no step that "
                "verifies it",
            ),
            (
                lambda p: setattr(p.contacts[0], "contact", ""),
                "error: contacts[0].contact: Engineering Lead has no way to be reached",
            ),
            (
                lambda p: p.procedure.option_b.pop(3),
                "error: procedure.option_b: database impact is yes, but no step rolls the "
                "database back",
            ),
            (
                lambda p: setattr(p.procedure, "option_b_estimate", " "),
                "warning: procedure.option_b_estimate: Option B has no time estimate",
            ),
        ],
        ids=[
            "placeholder-name",
            "placeholder-command",
            "no-threshold",
            "no-source",
            "no-verify-step",
            "no-contact",
            "no-db-step",
            "no-estimate",
        ],
    )
    def test_each_rule(self, tmp_path: Path, change: Callable[[Plan], None], line: str) -> None:
        """Each lint rule is reported on its own line and makes `check` exit 1."""
        path = edited(tmp_path, change)
        result = run("check", path)
        assert result.exit_code == 1
        assert result.stdout.splitlines() == [f"{path}: {line}"]
        assert result.stderr.startswith("1 finding (")

    def test_unknown_keys_are_warnings(self, plan_path: Path) -> None:
        """Keys rollback-tui does not know are reported as warnings with where they are."""
        text = plan_path.read_text().replace("[assumptions]\n", "[assumptions]\nflavour = 1\n")
        plan_path.write_text('mood = "calm"\n' + text)
        result = run("check", plan_path)
        assert result.exit_code == 1
        assert result.stdout.splitlines() == [
            f"{plan_path}: warning: mood: unknown key (kept as is, but rollback-tui does not "
            "use it)",
            f"{plan_path}: warning: assumptions.flavour: unknown key (kept as is, but "
            "rollback-tui does not use it)",
        ]
        assert result.stderr == "2 findings (0 errors, 2 warnings)\n"

    def test_counts_errors_and_warnings(self, tmp_path: Path) -> None:
        """The summary on stderr counts errors and warnings apart."""

        def change(plan: Plan) -> None:
            plan.contacts[0].contact = ""
            plan.followup.rca_owner = ""

        result = run("check", edited(tmp_path, change))
        assert result.exit_code == 1
        assert result.stderr == "2 findings (1 error, 1 warning)\n"

    def test_check_does_not_write(self, plan_path: Path) -> None:
        """`check` never changes the files."""
        before = snapshot(plan_path.parent)
        run("check", plan_path)
        assert snapshot(plan_path.parent) == before


class TestStatus:
    def test_text(self, plan_path: Path) -> None:
        """`status` lists every active item with its state and a done count."""
        run("tick", plan_path, "b-1", "--by", "sam")
        result = run("status", plan_path)
        assert result.exit_code == 0
        lines = result.stdout.splitlines()
        plan, _ = store.read_plan(plan_path)
        active = plan.checklist(active=True)
        assert len(lines) == len(active) + 1
        assert lines[-1] == f"1/{len(active)} done"
        assert lines[0].split()[:6] == ["[", "]", "contain-1", "Containment:", "Route", "traffic:"]
        a1 = next(line for line in lines if " a-1 " in line)
        assert a1.split()[3:] == ["Option", "A:", "Disable", "feature", "flag", "in", "dashboard"]
        b1 = next(line for line in lines if " b-1 " in line)
        assert b1.startswith("[x] b-1") and b1.endswith(" by sam)")

    def test_only_what_is_known_of_a_tick(self, tmp_path: Path) -> None:
        """A tick with no who or when (imported from a plain `[x]`) shows neither as None."""

        def ticked_bare(plan: Plan) -> None:
            for item_id, state in (("a-1", "done"), ("a-2", "who"), ("a-3", "when")):
                item = plan.item(item_id)
                assert item is not None
                item.done = True
                if state == "who":
                    item.done_by = "sam"
                if state == "when":
                    item.done_at = dt.datetime(2026, 11, 22, 14, 3, tzinfo=dt.UTC)

        lines = run("status", edited(tmp_path, ticked_bare)).stdout.splitlines()
        shown = {line.split()[1]: line for line in lines if line.startswith("[x]")}
        assert shown["a-1"].endswith("Option A: Disable feature flag in dashboard  (done)")
        assert shown["a-2"].endswith("Verify flag change propagated  (done by sam)")
        assert shown["a-3"].endswith(
            "Confirm feature is deactivated  (done 2026-11-22T14:03:00+00:00)"
        )
        assert "None" not in "\n".join(lines)

    def test_json(self, plan_path: Path) -> None:
        """`status --json` gives id, section, text and state of every active item."""
        run("tick", plan_path, "comm-2", "--by", "lee")
        result = run("status", plan_path, "--json")
        assert result.exit_code == 0
        rows = json.loads(result.stdout)
        plan, _ = store.read_plan(plan_path)
        assert [r["id"] for r in rows] == [i.id for _, _, i in plan.checklist(active=True)]
        assert set(rows[0]) == {
            "id",
            "section",
            "text",
            "done",
            "done_at",
            "done_by",
            "state",
            "outcome",
            "reason",
            "irreversible",
        }
        comm2 = next(r for r in rows if r["id"] == "comm-2")
        assert comm2["section"] == "Communication" and comm2["done"] is True
        assert comm2["done_by"] == "lee" and comm2["done_at"].endswith("+00:00")
        assert rows[0]["id"] == "contain-1" and rows[0]["section"] == "Containment"
        assert rows[4] == {
            "id": "a-1",
            "section": "Option A",
            "text": "Disable feature flag in dashboard",
            "done": False,
            "done_at": None,
            "done_by": None,
            "state": "open",
            "outcome": None,
            "reason": None,
            "irreversible": False,
        }

    def test_unused_option_is_left_out(self, tmp_path: Path) -> None:
        """Steps of an option the plan does not use are not listed."""
        path = edited(tmp_path, lambda p: setattr(p.procedure, "choice", ProcedureChoice.B))
        ids = [r["id"] for r in json.loads(run("status", path, "--json").stdout)]
        assert "a-1" not in ids and "b-1" in ids


class TestTick:
    def test_tick_rewrites_both_files(self, plan_path: Path) -> None:
        """Ticking saves the state and the timeline to plan.toml and re-renders plan.md."""
        result = run("tick", plan_path, "a-1", "b-2", "--by", "sam")
        assert result.exit_code == 0
        assert result.stdout == "Ticked a-1\nTicked b-2\n"
        plan, _ = store.read_plan(plan_path)
        for item_id in ("a-1", "b-2"):
            item = plan.item(item_id)
            assert item is not None and item.done and item.done_by == "sam"
        assert [(e.event, e.item, e.by) for e in plan.timeline] == [
            ("tick", "a-1", "sam"),
            ("tick", "b-2", "sam"),
        ]
        markdown = plan_path.with_suffix(".md").read_text()
        assert markdown == render_markdown(plan)
        assert "1. [x] Disable feature flag in dashboard" in markdown
        assert "## Timeline" in markdown

    def test_undo(self, plan_path: Path) -> None:
        """--undo unticks and records an untick event."""
        run("tick", plan_path, "a-1", "--by", "sam")
        result = run("tick", plan_path, "a-1", "--undo", "--by", "lee")
        assert result.exit_code == 0 and result.stdout == "Unticked a-1\n"
        plan, _ = store.read_plan(plan_path)
        item = plan.item("a-1")
        assert item is not None and (item.done, item.done_at, item.done_by) == (False, None, None)
        assert [(e.event, e.by) for e in plan.timeline] == [("tick", "sam"), ("untick", "lee")]
        assert "1. [ ] Disable feature flag" in plan_path.with_suffix(".md").read_text()

    def test_default_name_is_the_login(self, plan_path: Path) -> None:
        """Without --by, the tick is recorded under the login name."""
        run("tick", plan_path, "fu-1", env={"LOGNAME": "ops-bot", "USER": "ops-bot"})
        item = store.read_plan(plan_path)[0].item("fu-1")
        assert item is not None and item.done_by == "ops-bot"

    def test_already_ticked_writes_nothing(self, plan_path: Path) -> None:
        """Ticking an item that is already done says so and leaves the files alone."""
        run("tick", plan_path, "a-1", "--by", "sam")
        before = snapshot(plan_path.parent)
        result = run("tick", plan_path, "a-1", "--by", "lee")
        assert result.exit_code == 0 and result.stdout == "a-1 was already ticked\n"
        assert snapshot(plan_path.parent) == before

    def test_unknown_id(self, plan_path: Path) -> None:
        """An id not in the plan fails in one line naming it; nothing is written."""
        before = snapshot(plan_path.parent)
        one_line_error(run("tick", plan_path, "a-1", "zz-9"), str(plan_path), "zz-9")
        assert snapshot(plan_path.parent) == before

    def test_write_refused(self, plan_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A folder that refuses new files (as a read-only one does for a user who is not
        root, which the test machines are) fails tick in one line; files untouched."""

        def refuse(*args: object, **kwargs: object) -> None:
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(tempfile, "mkstemp", refuse)
        before = snapshot(plan_path.parent)
        one_line_error(run("tick", plan_path, "a-1"), str(plan_path), "Permission denied")
        assert snapshot(plan_path.parent) == before


MakeFile = Callable[[Path], Path]
BAD_FILES: dict[str, tuple[MakeFile, str]] = {}


def bad_file(name: str, fragment: str) -> Callable[[MakeFile], MakeFile]:
    """Register a maker of a bad plan file and what its error message must say."""

    def register(make: MakeFile) -> MakeFile:
        BAD_FILES[name] = (make, fragment)
        return make

    return register


def _example_with(folder: Path, old: str, new: str) -> Path:
    text = (EXAMPLES / "plan.toml").read_text()
    assert text.count(old) == 1
    path = folder / "plan.toml"
    path.write_text(text.replace(old, new))
    return path


@bad_file("syntax", "line 6, column")
def _syntax(folder: Path) -> Path:
    return _example_with(folder, 'title = "Checkout v2"\n', 'title = "Checkout v2\n')


@bad_file("wrong-type", 'db_impact: expected true or false, not the string "maybe"')
def _wrong_type(folder: Path) -> Path:
    return _example_with(folder, "db_impact = true", 'db_impact = "maybe"')


@bad_file("wrong-type-nested", "triggers[0].threshold: expected text in quotes, not 0.5")
def _wrong_type_nested(folder: Path) -> Path:
    return _example_with(folder, 'threshold = ">0.5% increase over baseline"', "threshold = 0.5")


@bad_file("deployment-type", "deployment_type: expected 'feature-flag', 'blue-green'")
def _deployment_type(folder: Path) -> Path:
    return _example_with(folder, 'deployment_type = "rolling"', 'deployment_type = "big-bang"')


@bad_file("newer-schema", "schema_version 99 was written by a newer rollback-tui")
def _newer(folder: Path) -> Path:
    return _example_with(folder, "schema_version = 1", "schema_version = 99")


@bad_file("missing", "no such file")
def _missing(folder: Path) -> Path:
    return folder / "plan.toml"


@bad_file("folder", "is a folder")
def _folder(folder: Path) -> Path:
    (folder / "plan.toml").mkdir()
    return folder / "plan.toml"


@bad_file("not-utf8", "plan.toml:6: not UTF-8")
def _not_utf8(folder: Path) -> Path:
    path = _example_with(folder, 'title = "Checkout v2"', 'title = "Checkout v2 caf\xe9"')
    path.write_bytes(path.read_bytes().replace("caf\xe9".encode(), b"caf\xe9"))
    return path


@bad_file("parent-is-a-file", "plan.toml")
def _parent_is_a_file(folder: Path) -> Path:
    (folder / "plans").write_text("x")
    return folder / "plans" / "plan.toml"


COMMANDS = [
    ["check"],
    ["render"],
    ["status"],
    ["status", "--json"],
    ["tick", "a-1"],
    ["render", "-o", "out.md"],
]


class TestBadInput:
    @pytest.mark.parametrize("case", sorted(BAD_FILES))
    @pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
    def test_one_line_exit_2_nothing_written(
        self, tmp_path: Path, case: str, command: list[str]
    ) -> None:
        """Bad input gets one line naming the file and the place, exit 2, files untouched."""
        make, fragment = BAD_FILES[case]
        path = make(tmp_path)
        before = snapshot(tmp_path)
        args: list[str | Path] = [command[0], path, *command[1:]]
        if "-o" in command:
            args[-1] = tmp_path / "out.md"
        result = run(*args)
        line = one_line_error(result, str(path), fragment)
        assert line.startswith(f"rollback-tui: {path}")
        assert result.stdout == ""
        assert snapshot(tmp_path) == before

    def test_syntax_error_names_the_line(self, tmp_path: Path) -> None:
        """A syntax error message names the line of the mistake."""
        path = _syntax(tmp_path)
        line = one_line_error(run("check", path))
        assert line.startswith(f"rollback-tui: {path}: line 6, column ")
        assert "TOML syntax error" in line


class TestRealProcess:
    def test_script_reports_bad_input_without_traceback(self, tmp_path: Path) -> None:
        """The installed script, run for real, reports a broken file in one line, exit 2."""
        path = _syntax(tmp_path)
        before = path.read_bytes()
        for command in (["check"], ["tick", "a-1"]):
            done = subprocess.run(
                [str(SCRIPT), command[0], str(path), *command[1:]],
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert done.returncode == 2
            assert "Traceback" not in done.stderr + done.stdout
            assert len(done.stderr.splitlines()) == 1 and str(path) in done.stderr
        assert path.read_bytes() == before

    def test_script_renders_and_checks_the_example(self) -> None:
        """The installed script renders the example and finds nothing to report."""
        done = subprocess.run(
            [str(SCRIPT), "render", str(EXAMPLES / "plan.toml")],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0 and done.stderr == ""
        assert done.stdout == (EXAMPLES / "plan.md").read_text()
        done = subprocess.run(
            [str(SCRIPT), "check", str(EXAMPLES / "plan.toml")],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0

    def test_module_entry_point(self, tmp_path: Path) -> None:
        """`python -m rollback_tui` is the same command line."""
        done = subprocess.run(
            [sys.executable, "-m", "rollback_tui", "status", str(tmp_path / "missing.toml")],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 2
        assert done.stderr == f"rollback-tui: {tmp_path / 'missing.toml'}: no such file\n"


SEPARATORS = ["\u2028", "\u2029", "\u0085"]
"""Characters Python's str.splitlines() reads as line ends, and TOML does not."""


class TestLineSeparators:
    """U+2028, U+2029 and U+0085 are text inside a value, never a line end."""

    @pytest.mark.parametrize("char", SEPARATORS)
    def test_in_a_title_and_a_component(self, tmp_path: Path, char: str) -> None:
        """`new` writes them into the plan, and the plan loads with the values kept."""
        path = tmp_path / "plan.toml"
        result = run("new", path, "--title", f"x{char}y", "--component", f"c{char}d")
        assert result.exit_code == 0, result.output
        plan = store.load(path).plan
        assert plan.title.startswith("x") and plan.title.endswith("y")
        assert plan.components[0].name.endswith("d")

    @pytest.mark.parametrize("char", SEPARATORS)
    def test_in_a_schema_location(self, tmp_path: Path, char: str) -> None:
        """A schema location must stay on the first line: refused in one line, exit 2."""
        path = tmp_path / "plan.toml"
        one_line_error(run("new", path, "--schema", f"s{char}x"), "--schema", "one line")
        assert not path.exists()

    @pytest.mark.parametrize("char", SEPARATORS)
    def test_in_imported_markdown(self, tmp_path: Path, char: str) -> None:
        """A hand-written plan with them imports to a plan that loads."""
        source = tmp_path / "plan.md"
        source.write_text(
            f"# Rollback Plan: T{char}x\n\n## Rollback Triggers\n\n"
            "| Trigger | Threshold | Monitoring Source |\n|---|---|---|\n"
            f"| a{char}b | c | d |\n\n### Option A: Feature Flag Rollback\n\n"
            f"1. [ ] step{char}two\n"
        )
        result = run("import", source, "-o", tmp_path / "plan.toml")
        assert result.exit_code in (0, 1), result.output
        assert store.load(tmp_path / "plan.toml").plan.title.endswith("x")

    def test_a_config_schema_on_two_lines_adds_no_line(
        self, tmp_path: Path, private_user_dirs: Path
    ) -> None:
        """plan_schema in the user config with a newline in it is not used: every new plan
        still starts with its own first line."""
        config = private_user_dirs / "user-config"
        config.mkdir(exist_ok=True)
        (config / "config.toml").write_text('plan_schema = "./s.json\\nrogue = 1"\n')
        path = tmp_path / "plan.toml"
        assert run("new", path).exit_code == 0
        text = path.read_text()
        assert "rogue" not in text and not text.startswith("#:schema")


class TestNoTerminal:
    """Without a terminal the screens open in plain mode (lines of text, never a spin);
    --no-plain asks for the full screen, which then says in one line that it needs one."""

    @pytest.mark.parametrize("mode", ["edit", "run"])
    def test_stdin_not_a_terminal_opens_plain_mode(self, plan_path: Path, mode: str) -> None:
        """`edit </dev/null` (and `run`): plain mode, which ends at the end of the input,
        exit 0, the plan untouched."""
        before = plan_path.read_bytes()
        done = subprocess.run(
            [str(SCRIPT), mode, str(plan_path)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("rollback-tui, plain mode:") and not done.stderr
        assert "\x1b" not in done.stdout
        assert plan_path.read_bytes() == before

    @pytest.mark.parametrize("mode", ["edit", "run"])
    def test_no_plain_without_a_terminal_refuses(self, plan_path: Path, mode: str) -> None:
        """`--no-plain </dev/null`: one line and exit 2, the plan untouched."""
        before = plan_path.read_bytes()
        done = subprocess.run(
            [str(SCRIPT), mode, "--no-plain", str(plan_path)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert done.returncode == 2, done.stderr
        assert done.stderr.count("\n") == 1 and "needs a terminal" in done.stderr
        assert plan_path.read_bytes() == before
