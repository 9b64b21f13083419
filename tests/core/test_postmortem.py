"""The postmortem from the record: `report` of a real run (archived by reset) and of a
drill, compared with the last real run; Markdown clean under markdownlint; HTML with
every plan string escaped."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from cli_helpers import run

from rollback_tui import store
from rollback_tui.render.postmortem import CommandRecord, postmortem
from rollback_tui.render.report_format import to_html, to_markdown
from rollback_tui.run.session import RunSession
from rollback_tui.store import run_files, runs

ROOT = Path(__file__).resolve().parents[2]
LINTER = ROOT / "node_modules" / ".bin" / "markdownlint-cli2"
T0 = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)
HOSTILE = "<script>alert(1)</script> | `x` *y* [z](javascript:1)"


def incident(plan_path: Path) -> None:
    """A real run: start, containment, Option B with a skip and a failure, an update."""
    times = iter(T0 + dt.timedelta(minutes=3 * m) for m in range(100))
    session = RunSession.open(plan_path, by="dana", clock=lambda: next(times))
    session.mark_incident_start()
    for item_id in ("contain-1", "contain-2", "contain-3", "contain-4", "a-1"):
        session.done(item_id)
    session.skip("a-2", "flag already off")
    session.fail("a-3", "dashboard timed out")
    session.update_sent("Rolling back checkout v2: 5/44 done.\nNext update at 14:50 UTC.")
    for item_id in ("a-4", "b-1", "b-2", "b-3", "b-5", "restore-1", "restore-2"):
        session.done(item_id)
    session.done("b-4", confirmed=True)
    session.done("restore-3")
    session.done("restore-4")


@pytest.fixture
def reported(example_plan: Path) -> Path:
    """The example's incident, archived by reset: its run file."""
    incident(example_plan)
    result = runs.reset(example_plan, "INC-4821", T0 + dt.timedelta(hours=2))
    assert result.archive is not None
    return result.archive


class TestReport:
    def test_real_run(self, reported: Path) -> None:
        """Summary, time to mitigate, the timeline with gaps, failures, updates, owners."""
        result = run("report", reported)
        assert result.exit_code == 0, result.output
        text = result.output
        assert text.startswith("# Postmortem: Checkout v2\n")
        assert "| Versions | v2.4.0 rolled back to v2.3.1 |" in text
        assert "| Label | INC-4821 |" in text
        assert "| Time to mitigate | 54 min |" in text  # start to the last procedure step
        assert "| 14:03:00 | +3 min | dana | Done: Containment: Route traffic:" in text
        assert "- Failed: Option A: Confirm feature is deactivated (dashboard timed out)" in text
        assert "Rolling back checkout v2: 5/44 done. Next update at 14:50 UTC." in text
        assert "- [ ] Root cause analysis (owner: Dana Kim, due 2026-11-27)" in text
        assert "(owner: \\[owner\\])" in text  # an action item without an owner
        assert "| Option B |" in text and "~15-30 minutes" in text.replace("\\~", "~")

    def test_drill_against_the_last_real_run(self, example_plan: Path, reported: Path) -> None:
        """A drill's report compares it with the last real run."""
        drill = runs.start_drill(example_plan, T0 + dt.timedelta(days=1), "sam", "game day")
        times = iter(T0 + dt.timedelta(days=1, minutes=m) for m in range(1, 100))
        session = RunSession.open(drill.path, by="sam", clock=lambda: next(times))
        for item_id in ("b-1", "b-2"):
            session.done(item_id)
        text = run("report", drill.path).output
        assert text.startswith("# Drill report: Checkout v2\n")
        assert "## Drill Against the Last Real Run" in text
        assert "| Measure | This drill | INC-4821 (2026-11-20) |" in text
        assert "| Time to mitigate | not mitigated in this run (" in text

    def test_the_plan_itself_and_html(self, example_plan: Path, tmp_path: Path) -> None:
        """RUN may be the plan (its current run); --format html -o writes one page."""
        incident(example_plan)
        out = tmp_path / "pm.html"
        result = run("report", example_plan, "--format", "html", "-o", out)
        assert result.exit_code == 0, result.output
        page = out.read_text()
        assert page.startswith("<!DOCTYPE html>") and "<script" not in page
        assert "<h2>Timeline</h2>" in page

    def test_unusable_run_is_exit_2(self, tmp_path: Path) -> None:
        result = run("report", tmp_path / "missing.toml")
        assert result.exit_code == 2 and result.output.count("\n") == 1


class TestHostileText:
    def test_escaped_everywhere(self, example_plan: Path) -> None:
        """Plan strings, a command and a log name stay text in both formats."""
        incident(example_plan)
        plan = store.load(example_plan).plan
        plan.title = HOSTILE
        plan.procedure.option_a[1].reason = HOSTILE
        commands = [CommandRecord("a-1", "echo '<b>' | `id`", 1, T0, 2.0, "logs/a-1.log")]
        doc = postmortem(plan, commands=commands)
        page = to_html(doc)
        assert "<script" not in page and "<a " not in page
        assert not re.search(r"<[^>]*\son\w+=", page)
        assert "&lt;script&gt;" in page
        markdown = to_markdown(doc)
        assert "\\<script>alert(1)\\</script>" in markdown  # escaped: shown as text
        assert "## Commands Run" in markdown


@pytest.fixture(scope="module")
def markdownlint() -> Path:
    """The pinned markdownlint-cli2, installed by scripts/ensure-node-tools if need be."""
    if not LINTER.exists():
        if shutil.which("npm") is None:
            pytest.skip(
                "NPM IS NOT INSTALLED: markdownlint-cli2 cannot be installed, so the "
                "report's Markdown is NOT checked against it here (install Node.js and npm)"
            )
        subprocess.run([str(ROOT / "scripts" / "ensure-node-tools")], check=True)
    assert LINTER.exists(), "scripts/ensure-node-tools did not install markdownlint-cli2"
    return LINTER


class TestMarkdownlint:
    def test_reports_are_clean(
        self, example_plan: Path, reported: Path, tmp_path: Path, markdownlint: Path
    ) -> None:
        """The real run's, the drill's and a hostile plan's reports pass markdownlint."""
        drill = runs.start_drill(example_plan, T0 + dt.timedelta(days=1), "sam")
        files = [tmp_path / "run.md", tmp_path / "drill.md", tmp_path / "hostile.md"]
        assert run("report", reported, "-o", files[0]).exit_code == 0
        assert run("report", drill.path, "-o", files[1]).exit_code == 0
        plan = store.read_plan(reported)[0]
        plan.title = HOSTILE
        plan.timeline[0].by = HOSTILE
        commands = [CommandRecord("a-1", "a | b `c`", None, T0, 1.0, HOSTILE)]
        files[2].write_text(to_markdown(postmortem(plan, commands=commands)))
        (tmp_path / ".markdownlint-cli2.jsonc").write_text('{"config": {"MD013": false}}\n')
        done = subprocess.run(
            [str(markdownlint), *(f.name for f in files)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert run_files.runs_dir(example_plan).is_dir()
