"""Large plans: a tick costs the same whatever the plan holds elsewhere (long comments at
the end, a long text in another table), and a plan above the size cap is refused on open,
by the command line and the app alike."""

from __future__ import annotations

from pathlib import Path

import pytest
import tomlkit
from cli_helpers import run
from save_spies import components_compared

from rollback_tui import store
from rollback_tui.plan.model import ChecklistItem, Component
from rollback_tui.plan.timeline import record, set_done
from rollback_tui.store import document as plan_document
from rollback_tui.store.file_safety import MAX_PLAN_BYTES

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MEGABYTE = 1024 * 1024


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text tomlkit is asked to parse while saving."""
    texts: list[str] = []
    parse = tomlkit.parse

    def spy(text: str) -> tomlkit.TOMLDocument:
        texts.append(text)
        return parse(text)

    monkeypatch.setattr(tomlkit, "parse", spy)  # the module store.document writes with
    return texts


def heavy_plan(folder: Path) -> Path:
    """The example with 1 MB texts in its decision, in a step of the procedure whose
    other steps are ticked, and in its last contact; and 1 MB of comments at the end
    (after the table the timeline goes below)."""
    text = (EXAMPLES / "plan.toml").read_text()
    long = "y" * MEGABYTE
    text = text.replace("[decision]\n", f'[decision]\nbackground = "{long}"\n', 1)
    text = text.replace('id = "b-4"\n', f'id = "b-4"\nhandbook = "{long}"\n', 1)
    text += f'pager_notes = "{long}"\n\n'
    text += "".join(f"# handover note {i}: see the runbook\n" for i in range(30_000))
    path = folder / "plan.toml"
    path.write_text(text)
    return path


class TestTickCost:
    def test_ticks_parse_only_the_tables_they_change(
        self, tmp_path: Path, parsed: list[str]
    ) -> None:
        """The first tick (which starts the timeline at the end), the next tick and a
        note parse a few hundred bytes each: the ticked step and the timeline's new
        entry, not the comments at the end, the long texts elsewhere (in the same table
        too), or the last table before the timeline."""
        path = heavy_plan(tmp_path)
        plan_file = store.load(path)
        for change in (
            lambda p: set_done(p, "a-1", True, "sam"),
            lambda p: set_done(p, "b-2", True, "sam"),
            lambda p: record(p, "note", "sam", text="paged the DBA"),
        ):
            parsed.clear()
            change(plan_file.plan)
            store.save(plan_file)
            assert sum(map(len, parsed)) < 4000, [len(t) for t in parsed]
            assert not any("handover note" in t or "yyyy" in t for t in parsed)
        saved = path.read_text()
        assert saved.endswith("# handover note 29999: see the runbook\n")
        assert store.load(path).plan.item("b-2").done  # type: ignore[union-attr]
        assert len(store.load(path).plan.timeline) == 3

    def test_the_patched_text_is_what_a_whole_save_writes(self, tmp_path: Path) -> None:
        """Appending as text gives the very bytes of a save through the whole document,
        the comments at the end moved below the new timeline entries."""
        text = (EXAMPLES / "plan.toml").read_text() + "\n# the end\n  # indented\n\n"
        plan_file = store.load(EXAMPLES / "plan.toml")
        plan_file.source, plan_file._raw = text, None
        set_done(plan_file.plan, "a-1", True, "sam")
        record(plan_file.plan, "note", "sam", text="two\nlines")
        whole = plan_document.dumps(plan_document.parse(text), plan_file.plan, fresh=False)[1]
        assert store.dumps(plan_file) == whole
        assert whole.endswith('"""\n\n# the end\n  # indented\n\n')


def many_components(folder: Path, count: int = 200) -> Path:
    """The example with *count* more components, three steps each, as rollback-tui writes it."""
    plan_file = store.load(EXAMPLES / "plan.toml")
    plan_file.plan.components += [
        Component(
            name=f"svc-{n}",
            steps=[
                ChecklistItem(id=f"svc-{n}-{i}", text=f"Step {i} of svc-{n}") for i in (1, 2, 3)
            ],
        )
        for n in range(count)
    ]
    path = folder / "plan.toml"
    store.save(store.new_file(path, plan_file.plan))
    return path


class TestTickComparesWhatItChanged:
    @pytest.fixture
    def compared(self, monkeypatch: pytest.MonkeyPatch) -> list[str]:
        """The names of the components a save compares with the text."""
        return components_compared(monkeypatch)

    def test_a_tick_compares_only_the_component_it_ticked(
        self, tmp_path: Path, compared: list[str]
    ) -> None:
        """`rollback-tui tick` on a plan of 200 components compares the one that holds the
        ticked step with the text, not the 199 others; and writes the very bytes of a save
        that compares them all."""
        path = many_components(tmp_path)
        before = path.read_text()
        result = run("tick", path, "svc-57-2", "--by", "sam")
        assert result.exit_code == 0, result.output
        assert compared == ["svc-57"]
        every = store.load(path)
        every.source, every._raw = before, None
        compared.clear()
        assert store.dumps(every) == path.read_text()
        assert len(compared) > 200  # without the tick's word, every component is compared

    def test_the_word_holds_for_the_text_read_only(self, tmp_path: Path) -> None:
        """What a tick said it changed is forgotten when another text replaces the one
        read (a merge with the file on disk): the next save compares every table."""
        path = many_components(tmp_path)
        plan_file = store.load(path)
        set_done(plan_file.plan, "svc-3-1", True, "sam")
        plan_file.changed_only(["svc-3-1"])
        plan_file.use_source(store.load(path))
        plan_file.plan.components[9].name = "renamed"
        text = store.dumps(plan_file)
        assert 'name = "renamed"' in text and "done = true" in text


class TestSizeCap:
    def test_the_cap_is_ten_megabytes(self) -> None:
        """The documented cap."""
        assert MAX_PLAN_BYTES == 10 * MEGABYTE

    def test_the_app_refuses_a_plan_above_the_cap_at_start(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """`run`/`edit` on an 11 MB plan: one line on stderr, exit 2, no screen."""
        from rollback_tui.launch_options import LaunchOptions
        from rollback_tui.ui.factory import run_app

        path = tmp_path / "plan.toml"
        path.write_bytes((EXAMPLES / "plan.toml").read_bytes() + b"#" * (11 * MEGABYTE) + b"\n")
        for mode in ("run", "edit"):
            assert run_app(path, LaunchOptions(mode=mode)) == 2
            err = capsys.readouterr().err
            assert err.count("\n") == 1 and "larger than a plan may be (10 MB)" in err, err

    def test_a_save_above_the_cap_is_refused(self, tmp_path: Path) -> None:
        """A plan that would be saved above the cap (a huge paste) is not written: it
        could not be opened again."""
        path = tmp_path / "plan.toml"
        path.write_bytes((EXAMPLES / "plan.toml").read_bytes())
        before = path.read_bytes()
        plan_file = store.load(path)
        plan_file.plan.title = "x" * (11 * MEGABYTE)
        with pytest.raises(store.PlanFileError, match="larger than a plan may be"):
            store.save(plan_file)
        assert path.read_bytes() == before
