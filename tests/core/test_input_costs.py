"""Time and memory under the 10 MB limit: whatever a file holds, opening, ticking,
merging or importing it costs time linear in its size and a bounded amount of memory,
and what is refused is refused from its first bytes. Each command runs in a process of
its own under a cap on its address space; times are compared between two sizes (a
quadratic cost grows 16 times from N to 4N, a linear one 4 times: a growth under 9
tells them apart with room for a loaded machine's noise)."""

from __future__ import annotations

import gc
import subprocess
import time
import tomllib
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
import tomlkit
from cli_helpers import cli

from rollback_tui import store
from rollback_tui.bulk_work import many_objects
from rollback_tui.importing.reader import parse_markdown
from rollback_tui.importing.unrender import unsubstitute
from rollback_tui.plan import Plan, new_plan
from rollback_tui.plan.model import Trigger
from rollback_tui.plan.timeline import set_done
from rollback_tui.store import document as plan_document
from rollback_tui.store import toml_scan
from rollback_tui.store.key_lines import key_lines

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MEGABYTE = 1024 * 1024


def one_line(result: subprocess.CompletedProcess[str], *fragments: str) -> str:
    """The one line of a refusal (exit 2, no traceback)."""
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr[-2000:]
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def growth(cost: Callable[[int], object], n: int, *, times: int = 3) -> float:
    """How many times more CPU time *cost* takes at 4n than at n: this process's own time,
    the best of *times* runs each, so that other work on a shared machine counts less."""

    def best(size: int) -> float:
        runs = []
        for _ in range(times):
            start = time.process_time()
            cost(size)
            runs.append(time.process_time() - start)
        return min(runs)

    best(n)  # warm up: imports and caches
    return best(4 * n) / max(best(n), 1e-4)


def example_with_key(parts: int) -> str:
    """The example plan with an unknown key of *parts* dotted parts in its first table."""
    key = ".".join(["a"] * parts)
    return (
        (EXAMPLES / "plan.toml")
        .read_text()
        .replace("[assumptions]\n", f"[assumptions]\n{key} = 1\n", 1)
    )


class TestLongDottedKeys:
    def test_check_and_tick_refuse_a_key_of_40000_parts_at_once(self, tmp_path: Path) -> None:
        """A key of 40,000 parts (80 KB; 21 s and 6.3 GB before) is one line and exit 2,
        in well under a second's work and no more memory than a small plan takes."""
        path = tmp_path / "plan.toml"
        path.write_text(example_with_key(40_000))
        before = path.read_bytes()
        for command in (("check", path), ("tick", path, "a-1")):
            started = time.perf_counter()
            result = cli(*command, memory=300 * MEGABYTE, timeout=60)
            elapsed = time.perf_counter() - started
            one_line(result, "line 17", "more than 16 dotted parts")
            assert elapsed < 10, elapsed
        assert path.read_bytes() == before

    def test_the_merge_driver_merges_such_files_as_text(self, tmp_path: Path) -> None:
        """The merge driver does not give such a file to the TOML parser (2.4 GB at 20,000
        parts before): it is not a plan it can read, so it is merged as text."""
        text = example_with_key(20_000)
        for side in ("base", "ours", "theirs"):
            (tmp_path / side).write_text(text)
        (tmp_path / "theirs").write_text(text.replace("Checkout v2", "Checkout v3"))
        result = cli(
            "merge-driver", "base", "ours", "theirs", "plan.toml",
            cwd=tmp_path, memory=300 * MEGABYTE, timeout=60,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert "not a plan file; merged as text" in result.stderr
        assert "Checkout v3" in (tmp_path / "ours").read_text()

    def test_keys_of_a_plan_are_far_below_the_limit(self) -> None:
        """Sixteen parts are read; seventeen, as a key or a header, are not; dots inside
        strings, comments and values are no key's."""
        assert toml_scan.long_key(".".join(["a"] * 16) + " = 1\n") is None
        assert toml_scan.long_key("x = 1\n" + " . ".join(['"a"'] * 17) + " = 1\n") == 2
        assert toml_scan.long_key("[" + ".".join(["a"] * 17) + "]\n") == 1
        assert toml_scan.long_key("x = {" + ".".join(["b"] * 17) + " = 1}\n") == 1
        dotted = ".".join(["a"] * 40)
        for text in (
            f'x = "{dotted}"\n',
            f'x = """\n{dotted} = 1\n"""\n',
            f"x = '''\n{dotted} = 1\n'''\n",
            f"# {dotted} = 1\n",
            f"x = [{', '.join(['1.5'] * 40)}]\n",
        ):
            assert toml_scan.long_key(text) is None, text

    def test_finding_them_is_linear(self) -> None:
        """Looking for such keys costs time linear in the text, even where every line
        looks like one (inside strings)."""
        line = 'x = "' + ".".join(["a"] * 20) + '"\n'
        ratio = growth(lambda n: toml_scan.long_key(line * n), 5_000)
        assert ratio < 9, ratio


def example_with(old: str, new: str) -> str:
    """The example plan's text with *old* (which is in it) replaced by *new*."""
    text = (EXAMPLES / "plan.toml").read_text()
    assert old in text
    return text.replace(old, new, 1)


class TestLongStrings:
    def test_a_tick_beside_a_98_megabyte_line_stays_under_200_megabytes(
        self, tmp_path: Path
    ) -> None:
        """A 9.8 MB one-line title, or step text, costs a tick well under 200 MB (1.22 GB
        before: the scan that finds where the string ends went through it one character
        at a time, keeping a note of each)."""
        long = "y" * 9_800_000
        for old, new, items in (
            ('title = "Checkout v2"', f'title = "{long}"', ["a-2"]),
            ('text = "Disable feature flag in dashboard"', f'text = "{long}"', ["a-2", "a-3"]),
        ):
            path = tmp_path / "plan.toml"
            path.write_text(example_with(old, new))
            for item in items:
                result = cli("tick", path, item, "--by", "sam", memory=200 * MEGABYTE)
                assert result.returncode == 0, result.stderr[-2000:]
            assert len(path.read_text()) > 9_800_000


class TestHugeFiles:
    def test_the_merge_driver_refuses_a_200_megabyte_file_unread(self, tmp_path: Path) -> None:
        """A version above the 10 MB limit is refused from its size, without reading it
        (the driver read all 200 MB before): one line, exit 2, ours left as it is."""
        plan = (EXAMPLES / "plan.toml").read_text()
        for side in ("base", "ours", "theirs"):
            (tmp_path / side).write_text(plan)
        huge = tmp_path / "theirs"
        with huge.open("a") as handle:
            handle.truncate(200 * 1000 * 1000)  # sparse: no disk needed
        for big in ("theirs", "base"):
            if big == "base":
                huge.write_text(plan)
                (tmp_path / "base").open("a").truncate(200 * 1000 * 1000)
            started = time.perf_counter()
            result = cli(
                "merge-driver", "base", "ours", "theirs", "plan.toml",
                cwd=tmp_path, memory=150 * MEGABYTE,
            )  # fmt: skip
            assert time.perf_counter() - started < 10
            one_line(result, "200.0 MB, larger than a plan may be (10 MB)", "merge it by hand")
            assert (tmp_path / "ours").read_text() == plan


class TestFirstTick:
    @pytest.mark.parametrize(
        ("ending", "line_end"),
        [("", "\n"), ("\n# the end", "\n"), ("\n# the end\n\n# really", "\n"), ("\n", "\r\n")],
    )
    def test_an_odd_plan_is_not_parsed_whole(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ending: str, line_end: str
    ) -> None:
        """The first tick of a plan with no timeline yet parses a few hundred bytes, and
        writes what a save through the whole document writes, where its last line has
        no line end (the whole last table was parsed: 2 s a megabyte of it), or its lines
        end in CRLF (the whole plan was parsed: 9 MB, 69 s and 746 MB)."""
        parsed: list[int] = []
        parse = tomlkit.parse

        def spy(text: str) -> tomlkit.TOMLDocument:
            parsed.append(len(text))
            return parse(text)

        monkeypatch.setattr(tomlkit, "parse", spy)
        text = (EXAMPLES / "plan.toml").read_text()
        text = text[: text.index("# Keep this list current")] + "".join(
            f'\n[[followup.items]]\nid = "x-{i}"\ntext = "Follow up on this, {i}"\n'
            for i in range(2_000)
        )
        path = tmp_path / "plan.toml"
        path.write_bytes((text.rstrip("\n") + ending).replace("\n", line_end).encode())
        plan_file = store.load(path)
        set_done(plan_file.plan, "a-1", True, "sam")
        expected = plan_document.dumps(
            plan_document.parse(plan_file.source), plan_file.plan, fresh=False
        )[1]
        parsed.clear()
        store.save(plan_file)
        assert sum(parsed) < 3000, parsed
        assert path.read_bytes() == expected.encode()


def option_heading(blanks: int) -> str:
    return "# Rollback Plan: x\n\n### Option A" + " " * blanks + "(x\n"


class TestImport:
    def test_an_option_heading_with_a_long_blank_run(self) -> None:
        """`### Option A`, 128 KB of spaces and `(x` is read at once (69 s before: the
        estimate's pattern tried the blank run again from each of its characters), and
        the time grows with the text, not its square."""
        started = time.perf_counter()
        plan, _ = parse_markdown(option_heading(128 * 1024))
        assert time.perf_counter() - started < 2
        assert plan.procedure.option_a_estimate == ""
        ratio = growth(lambda n: parse_markdown(option_heading(n)), 8_000)
        assert ratio < 9, ratio

    def test_steps_without_ids_are_numbered_in_linear_time(self) -> None:
        """A plan's new steps get their ids in time linear in their number: each id was
        looked for from 1 up (9.8 MB of imported steps did not finish in 900 s)."""

        def validate(n: int) -> None:
            data = {"procedure": {"option_b": [{"text": f"step {i}"} for i in range(n)]}}
            with many_objects():  # as a plan is read
                Plan.model_validate(data)

        ratio = growth(validate, 2_000, times=2)
        assert ratio < 9, ratio

    def test_a_new_plan_with_many_components_is_made_in_linear_time(self) -> None:
        """`new --component` many times over gives each component its ids in one pass over
        the plan: each component collected every id of the plan again (4,000 components
        took 15 s)."""

        def make(n: int) -> None:
            plan = new_plan(title="t", components=[f"c{i}" for i in range(n)])
            assert len(plan.components) == n

        ratio = growth(make, 500, times=2)
        assert ratio < 9, ratio

    def test_many_new_rows_are_written_in_linear_time(self) -> None:
        """Writing 4 times as many new rows takes about 4 times as long: each new table
        was looked for among all the new ones (a 100,000-row triggers table: 295 s)."""

        def write(n: int) -> None:
            models = [Trigger(trigger=str(i)) for i in range(n)]
            with many_objects():  # as a save writes them
                plan_document.sync_array(tomlkit.document(), "triggers", models)

        ratio = growth(write, 2_000, times=2)
        assert ratio < 9, ratio

    def test_a_new_plan_is_written_without_parsing_it_again(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A plan written for the first time (`import`, `new`) is not parsed again by
        tomlkit to check its blank lines (minutes for an imported 10 MB plan): tomllib
        checks them where a multi-line string could hold one, and the document is parsed
        when a save needs it."""
        parsed: list[int] = []
        parse = tomlkit.parse

        def counted(text: str) -> tomlkit.TOMLDocument:
            parsed.append(len(text))
            return parse(text)

        monkeypatch.setattr(tomlkit, "parse", counted)
        plan = new_plan(title="Big", components=[f"c{i}" for i in range(300)])
        text = store.dumps(store.new_file(Path("plan.toml"), plan))
        assert not any(parsed), parsed  # the empty document it starts from, only
        assert Plan.model_validate(tomllib.loads(text)) == plan
        assert "\n\n[[components]]\n" in text
        plan.communications.internal_template = "two\n[lines]"  # spacing would change it
        text = store.dumps(store.new_file(Path("plan.toml"), plan))
        assert not any(parsed), parsed  # the empty document it starts from, only
        assert Plan.model_validate(tomllib.loads(text)) == plan

    def test_a_long_assignment_before_a_command_is_read_in_little_memory(self) -> None:
        """The line render puts before a command for a value that is not a plain name
        (`COMPONENT='…'`) is read back in memory close to its size: 2 MB took 376 MB
        (the pattern kept a note of each character)."""
        value = "a b" * 350_000
        command = f"COMPONENT='{value}'\nkubectl rollout undo \"$COMPONENT\""
        tracemalloc.start()
        try:
            text = unsubstitute(command, {"COMPONENT": value}, command=True)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert text == "kubectl rollout undo $COMPONENT"
        assert peak < 40 * MEGABYTE, peak

    def test_markdown_above_the_limit_is_refused_unread(self, tmp_path: Path) -> None:
        """Markdown is read as a plan is, up to 10 MB: a larger file is one line and exit
        2, from its size alone."""
        path = tmp_path / "plan.md"
        path.write_text("# Rollback Plan: x\n")
        with path.open("a") as handle:
            handle.truncate(11 * MEGABYTE)
        result = cli("import", path, memory=150 * MEGABYTE)
        one_line(result, "larger than a plan may be (10 MB)")


class TestCheck:
    def test_a_header_with_a_long_blank_run(self, tmp_path: Path) -> None:
        """`check` finds each key's line in time linear in the text, blank runs inside a
        header too: 4 times the blank run took 17 times as long, so `[a<1 MB of
        spaces>.b]` would have taken about half an hour."""

        def find(n: int) -> None:
            text = "[a" + " " * n + ".b]\nx = 1\n"
            for _ in range(10):  # long enough to time
                key_lines(text)

        ratio = growth(find, 10_000)
        assert ratio < 9, ratio
        started = time.process_time()
        lines = key_lines("schema_version = 1\n[a" + " " * MEGABYTE + ".b]\nx = 1\n")
        assert time.process_time() - started < 2  # it took about half an hour
        assert lines["a.b.x"] == 3


class TestManyObjects:
    def test_the_collector_waits_and_comes_back(self) -> None:
        """Held while the work goes on, nested too; back on after it, even after an
        error; left off if it was off."""
        assert gc.isenabled()
        with pytest.raises(ValueError), many_objects():
            with many_objects():
                assert not gc.isenabled()
            assert not gc.isenabled()
            raise ValueError
        assert gc.isenabled()
        gc.disable()
        try:
            with many_objects():
                pass
            assert not gc.isenabled()
        finally:
            gc.enable()
