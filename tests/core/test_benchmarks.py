"""The benchmarks' own helpers, checked quickly so that the scripts cannot rot.

The benchmarks themselves run only under `make bench`.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from rollback_tui import store

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = ROOT / "benchmarks"


def load(name: str) -> ModuleType:
    """benchmarks/<name>.py as a module (the folder is not a package; its scripts import
    their shared helpers from beside them, as they do when run)."""
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location(f"benchmarks_{name}", BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def startup() -> ModuleType:
    return load("startup")


@pytest.fixture(scope="module")
def files() -> ModuleType:
    return load("files")


@pytest.fixture(scope="module")
def run_all() -> ModuleType:
    return load("run_all")


class TestStartupHelpers:
    def test_screen_text_drops_escape_sequences(self, startup: ModuleType) -> None:
        """Colours, cursor moves, OSC and mode queries are removed; the text stays."""
        raw = (
            b"\x1b[?1049h\x1b[?2026$p\x1b]22;default\x07\x1b[1;1H"
            b"\x1b[38;2;1;2;3;48;2;4;5;6mChe\x1b[0mckout \xe2\x86\xba\x1b(B v2"
        )
        assert startup.screen_text(raw) == "Checkout ↺ v2"

    def test_markers_are_on_the_example_plan(self, startup: ModuleType) -> None:
        """The wizard's first-frame markers include the example plan's title."""
        title = store.read_plan(startup.EXAMPLE)[0].title
        assert title in startup.WIZARD_MARKERS
        assert "Quit" in startup.WIZARD_MARKERS and "Quit" in startup.MINIMAL_MARKERS

    def test_minimal_app_is_valid_python(self, startup: ModuleType) -> None:
        """The baseline app compiles and shows what its markers wait for."""
        compile(startup.MINIMAL_APP, "<minimal>", "exec")
        for marker in startup.MINIMAL_MARKERS[:2]:
            assert marker in startup.MINIMAL_APP

    def test_percentile_and_table(self, startup: ModuleType) -> None:
        """Quantiles interpolate; the table has a heading, a header and one line a row."""
        assert startup.percentile([3, 1, 2], 0.5) == 2
        assert startup.percentile([0, 10], 0.95) == pytest.approx(9.5)
        assert startup.verdict(1.2, 1.25) == "PASS" and startup.verdict(1.3, 1.25) == "OVER"
        table = startup.markdown_table("T", ["", "a"], [["x", "1|2"]])
        assert table.splitlines() == ["### T", "", "|  | a |", "|---|--:|", "| x | 1\\|2 |"]

    def test_imports_table_is_read_against_the_plain_screen(self, startup: ModuleType) -> None:
        """Import times are shown as what the wizard adds to Textual's, and as shares of the
        plain screen's first frame, with the budget; the README keeps it, below the
        start-up table."""
        plain = startup.Subject("p", [], ())
        plain.runs = [startup.Run(0.4, 1), startup.Run(0.4, 1)]
        imports = {
            "Python itself": [0.02, 0.02],
            "Textual and the plain screen's widgets": [0.2, 0.2],
            "+ pydantic": [0.25, 0.25],
        }
        table = startup.imports_table(imports, plain)
        assert "| Python itself | 20 ms |  | 0.05× |" in table
        assert "| + pydantic | 250 ms | +50 ms | 0.62× |" in table
        assert "| Budget: 1.1× the plain screen's first frame | 440 ms | +40 ms | 1.10× |" in table
        assert "### " not in table
        for code in startup.IMPORTS.values():
            compile(code, "<imports>", "exec")

    def test_report_reads_the_wizard_against_the_plain_screen(self, startup: ModuleType) -> None:
        """The time budget is the wizard against the same screen in plain Textual, the
        memory budget against the minimal app."""
        subjects = []
        for name, seconds in [("minimal", 0.4), ("plain", 0.6), ("wizard", 0.9)]:
            subject = startup.Subject(name, [], ())
            subject.runs = [startup.Run(seconds, 1024), startup.Run(seconds, 1024)]
            subjects.append(subject)
        text = startup.report(*subjects, (0.0, 0.0))
        assert "| plain | 600 ms | 600 ms | 1.50× | 1.00× | 1.0 MB |" in text
        assert "| wizard | 900 ms | 900 ms | 2.25× | 1.50× | 1.0 MB |" in text
        assert "1.50× OVER" in text and "1.00× PASS" in text
        assert "1.50× the minimal app" in text


async def test_the_plain_first_screen_is_the_wizards(tmp_path: Path) -> None:
    """benchmarks/plain_first_screen.py draws what the wizard draws first at 80×24 (bar the
    header's title), so that it measures the same screen."""
    from rollback_tui.ui.factory import make_app

    plain = load("plain_first_screen").FormApp()
    plan = tmp_path / "plan.toml"
    plan.write_bytes((ROOT / "examples" / "plan.toml").read_bytes())
    screens = []
    for app in (plain, make_app(plan, cursor_blink=False)):
        async with app.run_test(size=(80, 24)) as pilot:
            for _ in range(100):  # until the footer is drawn too (a loaded machine is slow)
                await pilot.pause()
                lines = [strip.text.rstrip() for strip in app.screen._compositor.render_strips()]
                if lines[-1].strip():
                    break
            screens.append(lines)
    plain_lines, wizard_lines = screens
    assert len(plain_lines) == len(wizard_lines) == 24
    assert plain_lines[1:] == wizard_lines[1:]


class TestFilesHelpers:
    def test_plans_have_the_components_asked_for(self, files: ModuleType) -> None:
        """Components are named c0, c1, ... and the options are both in use."""
        plan = files.make_plan(3)
        assert [c.name for c in plan.components] == ["c0", "c1", "c2"]
        assert plan.procedure.uses_a and plan.procedure.uses_b

    @pytest.mark.parametrize("count", [60, 61, 62])
    def test_plan_with_exactly_so_many_items(self, files: ModuleType, count: int) -> None:
        """The render benchmark's plan has exactly the number of items asked for."""
        assert len(files.plan_with_items(count).checklist(active=True)) == count

    def test_written_plans_load_back(self, files: ModuleType, tmp_path: Path) -> None:
        """A generated plan file loads with all its components."""
        path = files.write_plan(tmp_path, 4)
        assert len(store.load(path).plan.components) == 4
        assert path.with_suffix(".md").exists()

    def test_growth_and_formatting(self, files: ModuleType) -> None:
        """Linear growth reads 1.0; times print in ms."""
        assert files.growth(0.01, 1.0, 100) == pytest.approx(1.0)
        assert files.ms(0.0123) == "12.3 ms" and files.ms(0.456) == "456 ms"
        assert files.markdown_table("F", ["a"], [["1"]]).startswith("### F\n")


class TestRunAll:
    def test_last_block_is_the_last_table(self, run_all: ModuleType) -> None:
        """The README gets everything from the last ### heading on."""
        output = "report\n### A\n| a |\n\nmore\n### B\n\n| b |\n|---|\n"
        assert run_all.last_block(output) == "### B\n\n| b |\n|---|"
        assert run_all.last_block("no table\n") is None

    def test_section_is_added_once_then_replaced(self, run_all: ModuleType) -> None:
        """Without markers they go under a new Performance heading; then only they change."""
        first = run_all.replace_section("# Title\n\nText.\n", "one")
        assert first == (
            "# Title\n\nText.\n\n## Performance\n\n<!-- bench:start -->\none\n<!-- bench:end -->\n"
        )
        second = run_all.replace_section(first + "\n## After\n", "two")
        assert second == first.replace("one", "two") + "\n## After\n"

    def test_markers_go_under_an_existing_heading(self, run_all: ModuleType) -> None:
        """A Performance heading already there gets the markers right below it."""
        readme = "# T\n\n## Performance\n\n## Licence\n"
        assert run_all.replace_section(readme, "x") == (
            "# T\n\n## Performance\n\n<!-- bench:start -->\nx\n<!-- bench:end -->\n\n## Licence\n"
        )

    def test_every_script_imports_without_running(self, run_all: ModuleType) -> None:
        """Each benchmark that exists imports cleanly and has a main()."""
        for name in run_all.SCRIPTS:
            if (BENCHMARKS / f"{name}.py").exists():
                assert callable(load(name).main)
        assert "make bench" in run_all.machine_line()


def test_the_big_tick_benchmark_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """benchmarks/big_tick.py on a small plan: the four ticks, the reset and the
    baseline are timed."""
    big_tick = load("big_tick")
    assert big_tick.main(["--runs", "1", "--components", "30"]) == 0
    out = capsys.readouterr().out
    assert "First tick of a fresh copy" in out and "Next tick: a plan ticked before" in out
    assert "The same, of the last step of the last component" in out
    assert "First tick of a run, after `reset`" in out and "`reset` of the last run" in out
    assert "tomllib.loads" in out
