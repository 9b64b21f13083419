"""A long plan's next tick takes the values its last save kept instead of parsing the whole
text again, and gets exactly what a parse gets; values that are not those of the text as
it is (a hand edit, another release, a damaged or planted file) are never believed: the
text is parsed, as it always was, and nothing in the file runs."""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import time
import tomllib
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import run

from rollback_tui import store, toml_text
from rollback_tui.plan import Plan, new_plan
from rollback_tui.plan.timeline import set_done
from rollback_tui.store import kept_values, saved_shape
from rollback_tui.store import layout as toml_layout

COMPONENTS = 12


@pytest.fixture
def kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A saved plan whose values and shape are kept however short it is (FROM_BYTES is
    lowered), ticked once: a new plan is written whole, its values not known."""
    monkeypatch.setattr(kept_values, "FROM_BYTES", 0)
    monkeypatch.setattr(saved_shape, "FROM_BYTES", 0)
    path = tmp_path / "plan.toml"
    plan = new_plan(title="Kept", components=[f"c{i}" for i in range(COMPONENTS)])
    store.save(store.new_file(path, plan), force=True)
    assert not kept_values.values_path(path).exists()
    tick(path, "c0-1")
    return path


def tick(path: Path, *ids: str) -> None:
    """What `rollback-tui tick` does, in this process, as a process of its own starts."""
    toml_layout._last = ("", None)
    plan_file = store.load(path)
    for item_id in ids:
        set_done(plan_file.plan, item_id, True, "sam")
    plan_file.changed_only(ids)
    store.save(plan_file)


class WholeReads:
    """The whole plan texts toml_text parses (a changed chunk, read alone, is not one)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        loads = toml_text.loads

        def counting(text: str, *, shallow: Callable[[str], bool] | None = None) -> dict[str, Any]:
            self.count += text.startswith("schema_version")
            return loads(text, shallow=shallow)

        monkeypatch.setattr(toml_text, "loads", counting)


def loaded_as_parsed(path: Path) -> store.PlanFile:
    """The plan file as load gives it, checked against a parse of its text (by the
    standard library's reader: the product's reads alone are counted)."""
    plan_file = store.load(path)
    parsed = tomllib.loads(path.read_text())
    assert plan_file.raw == parsed
    assert list(plan_file.raw) == list(parsed)  # in the same order
    assert plan_file.plan == Plan.model_validate(parsed)
    return plan_file


def values_file(path: Path, body: bytes, sha256: str | None = None) -> None:
    """Write *body* as the values kept of *path*'s text, with a right header and CRC."""
    if sha256 is None:
        sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    head = b"rollback-tui values 1\n" + sha256.encode() + b"\n" + kept_values.code() + b"\n"
    kept_values.values_path(path).write_bytes(head + body + b"%08x" % zlib.crc32(body))


class TestTheNextTick:
    def test_reads_no_whole_text_and_gets_what_a_parse_gets(
        self, kept: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        assert kept_values.values_path(kept).exists()
        reads = WholeReads(monkeypatch)
        tick(kept, "c5-2", "c11-1", "contain-1")
        assert reads.count == 0
        loaded = loaded_as_parsed(kept)
        assert reads.count == 0
        assert [i.id for _, _, i in loaded.plan.checklist() if i.done] == [
            "contain-1",
            "c0-1",
            "c5-2",
            "c11-1",
        ]

    def test_ticks_in_a_row_anywhere_and_from_the_command_line(self, kept: Path) -> None:
        for ids in (["c11-3"], ["c3-1", "c2-1"], ["a-1"], ["fu-1"], ["c0-2"]):
            tick(kept, *ids)
            loaded_as_parsed(kept)
        run("tick", kept, "c7-1", "c7-2", "--by", "ann")
        run("tick", kept, "c7-1", "--undo", "--by", "ann")
        run("tick", kept, "c8-1", "--skip", "not needed", "--by", "ann")
        loaded_as_parsed(kept)

    def test_the_values_are_the_users_alone(self, kept: Path) -> None:
        values = kept_values.values_path(kept)
        assert os.stat(values).st_mode & 0o777 == 0o600
        assert os.stat(values.parent).st_mode & 0o777 == 0o700


class TestValuesNotBelieved:
    """Each of these: the text is parsed whole, and the plan is the text's."""

    def test_a_plan_edited_by_hand(self, kept: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        kept.write_text(kept.read_text().replace('name = "c6"', 'name = "c6 renamed"'))
        reads = WholeReads(monkeypatch)
        plan_file = loaded_as_parsed(kept)
        assert reads.count == 1
        assert plan_file.plan.components[6].name == "c6 renamed"

    def test_values_kept_by_other_code(self, kept: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        kept_values.code()  # (what it was)
        monkeypatch.setattr(kept_values, "code", lambda: b"another release")
        reads = WholeReads(monkeypatch)
        loaded_as_parsed(kept)
        assert reads.count == 1

    @pytest.mark.parametrize(
        "damage",
        [
            lambda data: data[: len(data) // 2],
            lambda data: data[:-20] + bytes([data[-20] ^ 1]) + data[-19:],
            lambda data: data[:-8] + b"zzzzzzzz",
            lambda data: b"",
            lambda data: data.replace(b"rollback-tui values 1", b"rollback-tui values 9"),
        ],
        ids=["cut short", "a byte changed", "no crc", "empty", "another format"],
    )
    def test_a_damaged_file(self, kept: Path, monkeypatch: pytest.MonkeyPatch, damage: Any) -> None:
        values = kept_values.values_path(kept)
        values.write_bytes(damage(values.read_bytes()))
        reads = WholeReads(monkeypatch)
        loaded_as_parsed(kept)
        assert reads.count == 1
        tick(kept, "c2-1")  # and the next save keeps them right again
        reads.count = 0
        loaded_as_parsed(kept)
        assert reads.count == 0

    def test_a_planted_file_runs_nothing(self, kept: Path, tmp_path: Path) -> None:
        """A pickle that would call a function when read, with a right header and CRC: it
        is refused before anything is called."""
        marker = tmp_path / "ran"

        class Planted:
            def __reduce__(self) -> tuple[Any, ...]:
                return (os.system, (f"touch {marker}",))

        values_file(kept, pickle.dumps({"schema_version": Planted()}))
        loaded_as_parsed(kept)
        assert not marker.exists()

    @pytest.mark.parametrize(
        "body",
        [
            b"\x80\x05h\x07.",  # a memo entry never stored
            b"\x80\x05" + b"(" * 100_000 + b".",  # marks nested deeper than Python goes
            b"\x80\x05\x8c\x01x\x94\x85R.",  # a call of what is not callable
        ],
        ids=["unknown memo", "too deep", "not callable"],
    )
    def test_a_pickle_the_unpickler_chokes_on(self, kept: Path, body: bytes) -> None:
        values_file(kept, body)
        loaded_as_parsed(kept)

    def test_code_that_cannot_be_read(self, kept: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """(Its files missing, in an odd install): the text is parsed."""

        def unreadable() -> bytes:
            raise OSError("no such file")

        kept_values.code.cache_clear()
        monkeypatch.setattr(kept_values, "code", unreadable)
        loaded_as_parsed(kept)

    def test_values_of_another_kind_than_a_table(self, kept: Path) -> None:
        values_file(kept, pickle.dumps(["not", "a", "table"]))
        loaded_as_parsed(kept)

    def test_values_that_are_not_the_texts_with_another_digest(self, kept: Path) -> None:
        """Values made for another text (the plan's previous one, say) are not taken for
        this one's, even whole and of this code."""
        other = toml_text.loads(kept.read_text().replace('name = "c6"', 'name = "c6 other"'))
        values_file(kept, pickle.dumps(other), sha256="0" * 64)
        assert loaded_as_parsed(kept).plan.components[6].name == "c6"


class TestKeeping:
    def test_a_whole_save_forgets_them(self, kept: Path) -> None:
        """A save that writes the whole document does not know the new text's values
        without parsing it: it leaves none, rather than the last text's."""
        plan_file = store.load(kept)
        del plan_file.plan.components[1]  # a removed component: written whole
        store.save(plan_file)
        assert not kept_values.values_path(kept).exists()
        loaded_as_parsed(kept)

    def test_a_short_plan_keeps_none(self, kept: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(kept_values, "FROM_BYTES", 10**9)
        tick(kept, "c1-1")
        assert not kept_values.values_path(kept).exists()

    def test_a_state_folder_that_cannot_be_written(
        self, kept: Path, unwritable_state_folder: Path
    ) -> None:
        """(Made unwritable once the plan was saved with its shape and values kept.)"""
        tick(kept, "c1-1")
        assert loaded_as_parsed(kept).plan.item("c1-1").done  # type: ignore[union-attr]

    def test_old_ones_and_what_a_killed_save_left_are_removed(self, kept: Path) -> None:
        folder = kept_values.values_path(kept).parent
        now = time.time()
        stale = folder / "stale.values"
        stale.write_bytes(b"")
        os.utime(stale, (now - (saved_shape.KEPT_DAYS + 1) * 86_400,) * 2)
        left_by_kill = folder / f".x.values.{2**22 + 7}.abcdefgh.tmp"  # no such process
        left_by_kill.write_bytes(b"half")
        tick(kept, "c1-1")
        assert not stale.exists() and not left_by_kill.exists()
        assert kept_values.values_path(kept).exists()


def test_the_restricted_reader_takes_dates_and_times() -> None:
    """The values a TOML reader gives, dates and offsets included, read back as they were
    (and a class from elsewhere refused)."""
    values = toml_text.loads(
        "a = 1979-05-27T07:32:00Z\nb = 1979-05-27T00:32:00-07:00\nc = 1979-05-27\n"
        "d = 07:32:00\ne = 1979-05-27T07:32:00\nf = inf\ng = [1, 'x', {h = true}]\n"
    )
    body = pickle.dumps(values, protocol=pickle.HIGHEST_PROTOCOL)
    assert kept_values._PlainValues(io.BytesIO(body)).load() == values
    with pytest.raises(pickle.UnpicklingError):
        kept_values._PlainValues(io.BytesIO(pickle.dumps(Path("x")))).load()
