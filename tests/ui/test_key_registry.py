"""Every key in one registry: the README's key tables list exactly its keys, the screens
bind them from it, and a user's keymap (keys.toml) renames them by id."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from checklist_helpers import checklist_app, focus_item, notifications
from textual.widgets import Footer

from rollback_tui.ui.checklist.checklist_view import ChecklistView
from rollback_tui.ui.dialogs.reason import ReasonDialog
from rollback_tui.ui.keys import registry
from rollback_tui.ui.keys.keymap import load_keymap

README = Path(__file__).resolve().parents[2] / "README.md"
ARROWS = {"↑": "up", "↓": "down", "←": "left", "→": "right"}
SIZE = (80, 24)


def readme_keys(section: str) -> set[str]:
    """The keys in the first column of the key table under the README's *section*."""
    text = README.read_text(encoding="utf-8")
    body = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in body.splitlines() if line.startswith("| `")]
    keys = set()
    for row in rows:
        for key in re.findall(r"`([^`]+)`", row.split("|")[1]):
            for arrow, name in ARROWS.items():
                key = key.replace(arrow, name)
            keys.add(key)
    return keys


class TestTheReadmeTables:
    """The README's key tables and the registry list the same keys."""

    @pytest.mark.parametrize(
        ("section", "table"), [("The wizard", "wizard"), ("Checklist mode", "checklist")]
    )
    def test_the_table_lists_exactly_the_registrys_keys(self, section: str, table: str) -> None:
        """No key in the table that the registry lacks, none in the registry left out."""
        assert readme_keys(section) == registry.table_keys(table)

    def test_every_binding_comes_from_the_registry(self) -> None:
        """The checklist's list binds the registry's keys, with their ids."""
        ids = {b.id for b in ChecklistView.BINDINGS if not isinstance(b, tuple)}
        assert ids == {s.id for s in registry.KEYS if s.where == "checklist-list"}

    def test_ids_are_unique(self) -> None:
        assert len(registry.IDS) == len(registry.KEYS)


class TestUserKeymap:
    """keys.toml in the config folder renames keys by id."""

    async def test_a_renamed_key_acts_and_the_old_one_does_not(
        self, example_plan: Path, private_user_dirs: Path
    ) -> None:
        """ "checklist.skip" = "x": x asks why the step is skipped; s does nothing now."""
        config = private_user_dirs / "user-config"
        config.mkdir(parents=True, exist_ok=True)
        (config / "keys.toml").write_text('"checklist.skip" = "x"\n', encoding="utf-8")
        app = checklist_app(example_plan)
        try:
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause()
                await focus_item(pilot, "a-1")
                await pilot.press("s")
                await pilot.pause()
                assert not isinstance(app.screen, ReasonDialog)
                await pilot.press("x")
                await pilot.pause()
                assert isinstance(app.screen, ReasonDialog)
        finally:
            registry.use_keymap({})

    async def test_the_footer_shows_the_users_key(
        self, example_plan: Path, private_user_dirs: Path
    ) -> None:
        """The footer reads the same bindings: Skip is on x."""
        config = private_user_dirs / "user-config"
        config.mkdir(parents=True, exist_ok=True)
        (config / "keys.toml").write_text('"checklist.skip" = "x"\n', encoding="utf-8")
        app = checklist_app(example_plan)
        try:
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause()
                shown = app.screen.active_bindings
                assert shown["x"].binding.description == "Skip" and "s" not in shown
                assert app.screen.query_one(Footer) is not None
        finally:
            registry.use_keymap({})

    def test_a_file_that_cannot_be_used_is_told(self, tmp_path: Path) -> None:
        """An unknown id or a key that is not a string is left out, and said."""
        path = tmp_path / "keys.toml"
        path.write_text('"nothing.here" = "x"\n"checklist.skip" = 3\n"checklist.fail" = "F"\n')
        found = load_keymap(path)
        assert found.keymap == {"checklist.fail": "F"}
        assert len(found.notices) == 2 and "nothing.here" in found.notices[0]

    async def test_the_notice_shows_when_the_app_opens(
        self, example_plan: Path, private_user_dirs: Path
    ) -> None:
        """A broken keys.toml: the app opens with its usual keys and says why."""
        config = private_user_dirs / "user-config"
        config.mkdir(parents=True, exist_ok=True)
        (config / "keys.toml").write_text("not toml [", encoding="utf-8")
        app = checklist_app(example_plan)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert "Keys:" in notifications(app) and "not used" in notifications(app)
