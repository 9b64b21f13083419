"""Themes in the app: the one it opens with, the switcher, the remembered choice, NO_COLOR,
`--theme`, and one snapshot of the Basics step per shipped theme."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from app_helpers import SIZE, choose_in_palette, run_from_palette
from click.testing import CliRunner
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input
from wizard_helpers import until

from rollback_tui import theme_files, user_config
from rollback_tui.cli import main
from rollback_tui.ui.factory import make_app
from rollback_tui.ui.theme_choice import UnknownThemeError

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ["rollback-ansi", "rollback-dark", "rollback-high-contrast", "rollback-light"]


def config_file() -> Path:
    """The config file the app reads and writes (in tmp_path, see conftest.py)."""
    return Path(os.environ["ROLLBACK_TUI_CONFIG_DIR"]) / "config.toml"


def notices(app: App[Any]) -> list[str]:
    """Every notification shown so far: title and message."""
    return [f"{n.title}: {n.message}" for n in app._notifications]


async def wait_until_up(pilot: Pilot[Any]) -> None:
    """Wait until the wizard has put the cursor in the title field."""
    await until(
        pilot,
        lambda: isinstance(pilot.app.focused, Input) and pilot.app.focused.id == "title",
        timeout=10,
    )
    await pilot.pause()


async def pick_theme(pilot: Pilot[Any], name: str) -> None:
    """ctrl+p, "Switch theme", then *name*, as a user would (each Enter once the palette
    offers it). The theme is applied, and remembered, just after: wait for that."""
    await run_from_palette(pilot, "switch theme", "Switch theme")
    await choose_in_palette(pilot, name, name)


class TestStartingTheme:
    """The theme the app opens with."""

    async def test_default_is_rollback_dark_with_every_shipped_theme_registered(
        self, example_plan: Path
    ) -> None:
        """With no config and no --theme: rollback-dark, and all four themes available."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await wait_until_up(pilot)
            assert app.theme == "rollback-dark"
            assert set(SHIPPED) <= set(app.available_themes)
            assert app.has_class("-dark-mode")
            assert notices(app) == []

    async def test_remembered_choice_is_used(self, example_plan: Path) -> None:
        """The theme in the user config file is the one the app opens with."""
        user_config.save_theme_choice("rollback-light")
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await wait_until_up(pilot)
            assert app.theme == "rollback-light"
            assert app.has_class("-light-mode")

    async def test_theme_option_wins_and_is_not_remembered(self, example_plan: Path) -> None:
        """--theme beats the config file for this run only; the file is left as it was."""
        user_config.save_theme_choice("rollback-light")
        before = config_file().read_bytes()
        app = make_app(example_plan, cursor_blink=False, theme="rollback-high-contrast")
        async with app.run_test(size=SIZE) as pilot:
            await wait_until_up(pilot)
            assert app.theme == "rollback-high-contrast"
        assert config_file().read_bytes() == before

    async def test_a_textual_theme_can_be_chosen(self, example_plan: Path) -> None:
        """Textual's own themes are in the switcher too, so they open when remembered."""
        user_config.save_theme_choice("nord")
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await wait_until_up(pilot)
            assert app.theme == "nord"

    def test_unknown_theme_option_is_refused_before_the_app(self, tmp_path: Path) -> None:
        """An unknown --theme raises, naming the themes there are; no file is created."""
        target = tmp_path / "new.toml"
        with pytest.raises(UnknownThemeError) as caught:
            make_app(target, theme="solarised")
        message = str(caught.value)
        assert message.startswith(
            "no theme called 'solarised'; the themes are rollback-ansi, "
            "rollback-dark, rollback-high-contrast, rollback-light"
        )
        assert "solarized-dark" in message and "\n" not in message
        assert not target.exists()


class TestProblems:
    """Broken theme and config files are reported once; the app still starts."""

    async def test_broken_theme_file_is_one_notification(self, example_plan: Path) -> None:
        """Two broken user themes: one notification naming both; the default is used."""
        folder = theme_files.user_themes_dir()
        folder.mkdir(parents=True)
        (folder / "bad.toml").write_text('name = "bad"\nprimary = "not a colour"\n')
        (folder / "worse.toml").write_text("name = \n")
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await wait_until_up(pilot)
            shown = notices(app)
            assert app.theme == "rollback-dark"
        assert len(shown) == 1
        assert shown[0].startswith("Themes: 2 theme files were skipped:")
        assert "bad.toml: primary:" in shown[0] and "worse.toml: line 1" in shown[0]

    async def test_broken_config_is_reported_and_never_overwritten(
        self, example_plan: Path
    ) -> None:
        """A config file that is not TOML: a notice, the default theme, and a pick in the
        switcher says it could not be remembered instead of replacing the file."""
        config_file().parent.mkdir(parents=True)
        config_file().write_text("theme = \n")
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await wait_until_up(pilot)
            assert app.theme == "rollback-dark"
            await pick_theme(pilot, "rollback-light")
            await until(
                pilot, lambda: any(n.startswith("Theme not remembered") for n in notices(app))
            )
            assert app.theme == "rollback-light"
            shown = notices(app)
        assert shown[0].startswith(f"Themes: {config_file()}: line 1, column 9: TOML syntax")
        assert shown[1].startswith(f"Theme not remembered: {config_file()}: not saved")
        assert config_file().read_text() == "theme = \n"

    async def test_config_naming_a_missing_theme_falls_back(self, example_plan: Path) -> None:
        """A remembered theme whose file has gone: the default, and a notice saying so."""
        user_config.save_theme_choice("my-gone-theme")
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await wait_until_up(pilot)
            assert app.theme == "rollback-dark"
            assert any(
                "'my-gone-theme'" in n and "using 'rollback-dark'" in n for n in notices(app)
            )


class TestSwitcher:
    """Switch theme in the command palette."""

    async def test_palette_switches_and_remembers(self, example_plan: Path) -> None:
        """ctrl+p → Switch theme → rollback-light: applied, and written to the config file."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await wait_until_up(pilot)
            await pick_theme(pilot, "rollback-light")
            await until(pilot, lambda: app.has_class("-light-mode"))
            # Remembered once the app hears of the change (after the theme is set).
            await until(pilot, lambda: config_file().exists())
            assert app.theme == "rollback-light"
        assert user_config.load_config().theme == "rollback-light"
        reopened = make_app(example_plan, cursor_blink=False)
        async with reopened.run_test(size=SIZE) as pilot:
            await wait_until_up(pilot)
            assert reopened.theme == "rollback-light"

    async def test_opening_does_not_write_the_config(self, example_plan: Path) -> None:
        """Starting and quitting the app leaves the user config alone."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await wait_until_up(pilot)
        assert not config_file().exists()

    async def test_switcher_is_in_the_palette_once(self, example_plan: Path) -> None:
        """One "Switch theme" command (Textual's "Theme" is replaced) and one "Quit"."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await wait_until_up(pilot)
            titles = [c.title for c in app.get_system_commands(app.screen)]
        assert titles.count("Switch theme") == 1 and "Theme" not in titles
        assert titles.count("Quit") == 1


class TestNoColor:
    """NO_COLOR: colour themes in greys, ANSI themes in the terminal's own colours."""

    async def test_ansi_theme_is_built_as_ansi(
        self, example_plan: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Opening with an ANSI theme under NO_COLOR strips colours instead of greying them
        (greying would draw the terminal's default colours black on black)."""
        monkeypatch.setenv("NO_COLOR", "1")
        app = make_app(example_plan, cursor_blink=False, theme="rollback-ansi")
        assert app.no_color and app.ansi_color is True
        async with app.run_test(size=SIZE) as pilot:
            await wait_until_up(pilot)
            assert app.theme == "rollback-ansi"

    async def test_colour_theme_is_unchanged(
        self, example_plan: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A colour theme under NO_COLOR is left to Textual (greys)."""
        monkeypatch.setenv("NO_COLOR", "1")
        app = make_app(example_plan, cursor_blink=False)
        assert app.no_color and app.ansi_color is None

    async def test_switching_to_ansi_waits_for_a_restart(
        self, example_plan: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Under NO_COLOR a pick of an ANSI theme is remembered, applied at the next start."""
        monkeypatch.setenv("NO_COLOR", "1")
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await wait_until_up(pilot)
            await pick_theme(pilot, "rollback-ansi")
            said = "Theme remembered: NO_COLOR is set: rollback-ansi is used from the next start."
            await until(pilot, lambda: said in notices(app))
            assert app.theme == "rollback-dark"
        assert user_config.load_config().theme == "rollback-ansi"
        assert make_app(example_plan).theme == "rollback-ansi"


class TestThemeOption:
    """--theme on the command line (of the full-screen app: --no-plain, as the tests have
    no terminal; plain mode has no colours to theme)."""

    @pytest.mark.parametrize(
        "args",
        [
            ["edit", "--no-plain", "--theme", "nope"],
            ["--theme", "nope", "--no-plain", "edit"],
            ["run", "--no-plain", "--theme", "nope"],
        ],
    )
    def test_unknown_name_exits_2_with_one_line(
        self, tmp_path: Path, example_plan: Path, args: list[str]
    ) -> None:
        """One line naming the themes there are, exit 2, and no file is written."""
        target = example_plan if "run" in args else tmp_path / "new.toml"
        before = target.read_bytes() if target.exists() else None
        result = CliRunner().invoke(main, [*args, str(target)])
        assert result.exit_code == 2
        lines = result.output.strip().splitlines()
        assert len(lines) == 1
        assert lines[0].startswith(
            "rollback-tui: no theme called 'nope'; the themes are rollback-ansi, rollback-dark,"
        )
        assert (target.read_bytes() if target.exists() else None) == before

    def test_help_mentions_it(self) -> None:
        """`edit --help` and `run --help` show --theme."""
        for command in ("edit", "run"):
            assert "--theme NAME" in CliRunner().invoke(main, [command, "--help"]).output
        assert "--theme NAME" in CliRunner().invoke(main, ["--help"]).output


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the repository, so the plan's path in the header is the same everywhere."""
    monkeypatch.chdir(ROOT)


class TestSnapshots:
    """The Basics step at 80×24 on the example plan, once in each shipped theme."""

    @pytest.mark.parametrize("name", SHIPPED)
    def test_basics_80x24(
        self, name: str, snap_compare: Callable[..., bool], at_root: None
    ) -> None:
        """The first step as a user sees it in this theme."""
        app = make_app(Path("examples/plan.toml"), cursor_blink=False, theme=name)
        assert snap_compare(app, terminal_size=SIZE, run_before=wait_until_up)
