"""Never losing an edit, in-process: recovery files, restoring them, backups, conflicts, locks."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from lock_helpers import hold_lock
from textual.pilot import Pilot
from textual.widgets import Button, Input, Static
from wizard_helpers import clear_and_type, until, wait_for

from rollback_tui import store
from rollback_tui.plan.timeline import set_done
from rollback_tui.store import recovery
from rollback_tui.ui.app import RollbackApp
from rollback_tui.ui.dialogs.conflict import ConflictDialog
from rollback_tui.ui.dialogs.differences import Differences
from rollback_tui.ui.dialogs.restore import RestoreDialog
from rollback_tui.ui.factory import make_app

SIZE = (100, 30)
HOSTILE = "[bold] [/x] [@click=app.quit]"


async def wait_for_screen(pilot: Pilot[Any], kind: type, timeout: float = 5.0) -> None:
    """Wait until the app's top screen is a *kind*."""
    for _ in range(int(timeout / 0.05)):
        if isinstance(pilot.app.screen, kind):
            await pilot.pause()
            return
        await pilot.pause(0.05)
    raise AssertionError(f"{kind.__name__} never appeared (top: {pilot.app.screen!r})")


def kept(path: Path) -> recovery.Recovered | None:
    return recovery.RecoveryFile.for_plan(path).read()


def keep_edit(plan: Path, title: str) -> None:
    """A recovery file for *plan* holding its text with another title, newer than it."""
    text = plan.read_text().replace('title = "Checkout v2"', f'title = "{title}"')
    recovery.RecoveryFile.for_plan(plan).write(text)
    old = time.time() - 60
    os.utime(plan, (old, old))


class TestRecoveryFile:
    """The file itself, without the app."""

    def test_private_atomic_and_keyed_by_real_path(
        self, example_plan: Path, tmp_path: Path
    ) -> None:
        """Mode 0600 in the state folder's recovery/; a symlink to the plan shares its file."""
        link = tmp_path / "link.toml"
        link.symlink_to(example_plan)
        recovery.RecoveryFile.for_plan(link).write("title = 'x'\n")
        found = recovery.RecoveryFile.for_plan(example_plan)
        assert found.path.parent == tmp_path / "user-state" / "recovery"
        assert stat.S_IMODE(found.path.stat().st_mode) == 0o600
        record = found.read()
        assert record is not None
        assert record.text == "title = 'x'\n"
        assert record.path == str(example_plan.resolve())
        assert (
            example_plan.read_bytes()
            == (Path(__file__).parents[2] / "examples" / "plan.toml").read_bytes()
        )

    def test_only_a_newer_different_file_is_offered(self, example_plan: Path) -> None:
        """The same text: deleted. Older than the plan: not offered, but kept."""
        file = recovery.RecoveryFile.for_plan(example_plan)
        file.write(example_plan.read_text())
        assert file.offer() is None and not file.path.exists()
        keep_edit(example_plan, "Later")
        assert file.offer() is not None
        os.utime(example_plan)  # the plan saved after the recovery file
        assert file.offer() is None and file.path.exists()

    def test_plan_text_does_not_touch_the_plan_file(self, example_plan: Path) -> None:
        """The text written aside is the plan as it would be saved; the file stays as it was."""
        before = example_plan.read_bytes()
        plan_file = store.load(example_plan)
        plan_file.plan.title = "Changed"
        text = recovery.plan_text(plan_file)
        assert 'title = "Changed"' in text
        assert example_plan.read_bytes() == before
        assert recovery.plan_from_text(text, example_plan).title == "Changed"


class TestAutosave:
    """Edits reach the recovery file about two seconds after the last one."""

    async def test_debounced_write_then_deleted_by_a_clean_save(self, example_plan: Path) -> None:
        """Nothing while typing; the title ~2 s after the last key; a save removes it."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, "#title")
            app.query_one("#title", Input).focus()
            typing = time.monotonic()  # the timer starts with a key after this
            await clear_and_type(pilot, "Typed")
            await pilot.pause(1.2)
            if time.monotonic() - typing < recovery.RECOVERY_DELAY:  # else the machine stalled
                assert kept(example_plan) is None
            typing = time.monotonic()
            await clear_and_type(pilot, "Again")
            await pilot.pause(1.2)
            if time.monotonic() - typing < recovery.RECOVERY_DELAY:
                assert kept(example_plan) is None  # the timer restarted with the last key
            for _ in range(100):  # due 2 s after it; made in a thread that gives way
                await pilot.pause(0.05)
                if kept(example_plan) is not None:
                    break
            record = kept(example_plan)
            assert record is not None and 'title = "Again"' in record.text
            await pilot.press("ctrl+s")
            await app.keeper.saves.idle()  # the save runs in a thread
            await pilot.pause()
            assert kept(example_plan) is None
        assert store.load(example_plan).plan.title == "Again"

    async def test_hang_up_writes_at_once_and_exits(self, example_plan: Path) -> None:
        """The SIGHUP handler keeps the edit without waiting for the timer, then exits."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, "#title")
            app.query_one("#title", Input).focus()
            await clear_and_type(pilot, "Hung up")
            app.keeper._hung_up(1)
            assert app.keeper._hang_up.done.wait(2)
            record = kept(example_plan)
            assert record is not None and 'title = "Hung up"' in record.text
            await pilot.pause()
        assert app.return_value == 129
        assert store.load(example_plan).plan.title == "Checkout v2"


class TestNeverSaved:
    """A plan never saved (a bare `rollback-tui`) has its edits offered by the next bare
    start, wherever it is started."""

    async def test_next_bare_start_elsewhere_offers_them(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Typed, hung up in one folder; started in another: restored, then saved there."""
        first, second = tmp_path / "first", tmp_path / "second"
        first.mkdir()
        second.mkdir()
        monkeypatch.chdir(first)
        app = make_app(None, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, "#title")
            app.query_one("#title", Input).focus()
            await clear_and_type(pilot, "Never saved")
            app.keeper._hung_up(1)
            assert app.keeper._hang_up.done.wait(2)
            await pilot.pause()
        assert not (first / "plan.toml").exists()
        monkeypatch.chdir(second)
        app = make_app(None, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for_screen(pilot, RestoreDialog)
            await pilot.click("#answer-restore")
            await until(pilot, lambda: app.plan.title == "Never saved")
            assert app.keeper.untitled and app.keeper.dirty
            app.action_save_as()
            await pilot.pause()
            app.screen.query_one("#path", Input).value = str(second / "kept.toml")
            await pilot.press("enter")
            await pilot.pause()
        assert store.load(second / "kept.toml").plan.title == "Never saved"
        assert recovery.RecoveryFile.untitled().read() is None


class TestRestore:
    """The next open offers edits that were kept aside and never saved."""

    async def test_restore(self, example_plan: Path) -> None:
        """Restore puts the kept title in the form, unsaved; the recovery file stays."""
        keep_edit(example_plan, HOSTILE)
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for_screen(pilot, RestoreDialog)
            assert isinstance(app.screen, RestoreDialog)
            await pilot.click("#answer-restore")
            await until(pilot, lambda: app.query_one("#title", Input).value == HOSTILE)
            assert app.plan.title == HOSTILE
            assert app.query_one("#title", Input).value == HOSTILE
            assert app.keeper.dirty
            assert kept(example_plan) is not None
            await pilot.press("ctrl+s")
            await app.keeper.saves.idle()  # the save runs in a thread
            await pilot.pause()
        assert store.load(example_plan).plan.title == HOSTILE
        assert kept(example_plan) is None

    async def test_show_differences_then_discard(self, example_plan: Path) -> None:
        """The diff shows the changed line literally; discard deletes the file, plan unchanged."""
        keep_edit(example_plan, HOSTILE)
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for_screen(pilot, RestoreDialog)
            await pilot.click("#answer-diff")
            await pilot.pause()
            assert isinstance(app.screen, Differences)
            diff = str(app.screen.query_one(".diff", Static).render())
            assert f'+title = "{HOSTILE}"' in diff
            assert '-title = "Checkout v2"' in diff
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, RestoreDialog)
            await pilot.click("#answer-discard")
            await pilot.pause()
            assert app.plan.title == "Checkout v2"
            assert not app.keeper.dirty
        assert kept(example_plan) is None

    async def test_wizard_open_offers_too(self, example_plan: Path, tmp_path: Path) -> None:
        """Opening a plan from the wizard offers its kept edits as well."""
        other = tmp_path / "other.toml"
        other.write_bytes(example_plan.read_bytes())
        keep_edit(other, "Kept elsewhere")
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, "#title")
            app.action_open()
            await pilot.pause()
            app.screen.query_one("#path", Input).value = str(other)
            await pilot.press("enter")
            await wait_for_screen(pilot, RestoreDialog)
            await pilot.click("#answer-restore")
            await until(pilot, lambda: app.query_one("#title", Input).value == "Kept elsewhere")
            assert app.keeper.plan_file.path == other
            assert app.query_one("#title", Input).value == "Kept elsewhere"


class TestBackups:
    """Each save keeps the previous version beside the plan."""

    def test_previous_bytes_and_mode_kept(self, example_plan: Path) -> None:
        """PLAN.toml.bak holds the bytes before the save, with the plan's permissions."""
        os.chmod(example_plan, 0o640)
        first = example_plan.read_bytes()
        plan_file = store.load(example_plan)
        plan_file.plan.title = "Second"
        store.save(plan_file)
        backup = example_plan.with_name("plan.toml.bak")
        assert backup.read_bytes() == first
        assert stat.S_IMODE(backup.stat().st_mode) == 0o640
        second = example_plan.read_bytes()
        plan_file.plan.title = "Third"
        store.save(plan_file)
        assert backup.read_bytes() == second


class TestConflicts:
    """A save that finds the plan changed on disk asks; two writers never overwrite."""

    async def _conflict(
        self, example_plan: Path, pilot: Pilot[Any], app: RollbackApp
    ) -> ConflictDialog:
        await wait_for(pilot, "#title")
        app.query_one("#title", Input).focus()
        await clear_and_type(pilot, "Mine")
        other = store.load(example_plan)
        other.plan.title = "Theirs"
        store.save(other)
        await pilot.press("ctrl+s")
        await app.keeper.saves.idle()  # the save runs in a thread
        await pilot.pause()
        assert isinstance(app.screen, ConflictDialog)
        return app.screen

    async def test_text_conflict_overwrite(self, example_plan: Path) -> None:
        """Both changed the title: merge is disabled and says why; overwrite writes mine."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            dialog = await self._conflict(example_plan, pilot, app)
            assert dialog.query_one("#answer-merge", Button).disabled
            assert "ticks" in str(dialog.query_one(".why", Static).render())
            assert store.load(example_plan).plan.title == "Theirs"
            await pilot.click("#answer-overwrite")
            await pilot.pause()
        assert store.load(example_plan).plan.title == "Mine"

    async def test_text_conflict_reload(self, example_plan: Path) -> None:
        """Reload discards mine and shows theirs."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await self._conflict(example_plan, pilot, app)
            await pilot.click("#answer-reload")
            await until(pilot, lambda: app.query_one("#title", Input).value == "Theirs")
            assert app.plan.title == "Theirs"
            assert app.query_one("#title", Input).value == "Theirs"
            assert not app.keeper.dirty
        assert store.load(example_plan).plan.title == "Theirs"
        assert kept(example_plan) is None

    async def test_text_conflict_save_as_or_cancel(self, example_plan: Path) -> None:
        """Cancel writes nothing and keeps mine; Save as writes mine elsewhere, theirs stays."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await self._conflict(example_plan, pilot, app)
            await pilot.click("#answer-cancel")
            await pilot.pause()
            assert app.keeper.dirty and app.plan.title == "Mine"
            await pilot.press("ctrl+s")
            await app.keeper.saves.idle()  # the save runs in a thread
            await pilot.pause()
            await pilot.click("#answer-save-as")
            await pilot.pause()
            elsewhere = example_plan.with_name("mine.toml")
            app.screen.query_one("#path", Input).value = str(elsewhere)
            await pilot.press("enter")
            await pilot.pause()
            assert not app.keeper.dirty
        assert store.load(elsewhere).plan.title == "Mine"
        assert store.load(example_plan).plan.title == "Theirs"

    async def test_ticks_merge_by_item_id(self, example_plan: Path) -> None:
        """I ticked a-1, someone ticked b-1 and retitled: merge keeps both ticks and the title."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, "#title")
            set_done(app.plan, "a-1", True, "me")
            app.keeper.mark_dirty()
            other = store.load(example_plan)
            set_done(other.plan, "b-1", True, "them")
            other.plan.title = "Theirs"
            store.save(other)
            await pilot.press("ctrl+s")
            await app.keeper.saves.idle()  # the save runs in a thread
            await pilot.pause()
            assert isinstance(app.screen, ConflictDialog)
            assert not app.screen.query_one("#answer-merge", Button).disabled
            await pilot.click("#answer-merge")
            await until(pilot, lambda: not app.keeper.dirty)
            await app.keeper.saves.idle()  # the merging save runs in a thread
            assert not app.keeper.dirty
        saved = store.load(example_plan).plan
        assert saved.item("a-1").done and saved.item("b-1").done  # type: ignore[union-attr]
        assert saved.title == "Theirs"

    def test_command_line_tick_waits_for_the_lock(self, example_plan: Path) -> None:
        """`tick` while another process holds the lock: it waits, then saves when freed."""
        holder = hold_lock(example_plan, seconds=1.5)
        try:
            started = time.monotonic()
            result = subprocess.run(
                [
                    str(Path(sys.executable).parent / "rollback-tui"),
                    "tick",
                    str(example_plan),
                    "a-1",
                ],
                capture_output=True,
                text=True,
                timeout=20,
            )
            waited = time.monotonic() - started
        finally:
            holder.kill()
            holder.wait()
        assert result.returncode == 0, result.stderr
        assert waited > 1.0
        assert store.load(example_plan).plan.item("a-1").done  # type: ignore[union-attr]

    async def test_lock_held_elsewhere_refuses_to_write(self, example_plan: Path) -> None:
        """Another process holds the plan's lock: the save says so and writes nothing."""
        holder = hold_lock(example_plan)
        try:
            before = example_plan.read_bytes()
            app = make_app(example_plan, cursor_blink=False)
            async with app.run_test(size=SIZE) as pilot:
                await wait_for(pilot, "#title")
                app.query_one("#title", Input).focus()
                await clear_and_type(pilot, "Blocked")
                started = time.monotonic()
                await pilot.press("ctrl+s")
                await app.keeper.saves.idle()  # the save runs in a thread
                await pilot.pause()
                assert time.monotonic() - started < 2
                messages = [str(n.message) for n in app._notifications]
                assert any("another rollback-tui is saving" in m for m in messages), messages
                assert app.keeper.dirty
            assert example_plan.read_bytes() == before
        finally:
            holder.kill()
            holder.wait()
