"""Themes: the shipped files, broken user files, the config file, `themes`, the wheel."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.app import App
from textual.color import Color
from textual.theme import BUILTIN_THEMES, Theme

from rollback_tui import theme_files, user_config
from rollback_tui.cli import main
from rollback_tui.ui import themes

REPO = Path(__file__).resolve().parents[2]
INSTALLED = Path(theme_files.__file__).resolve().parent / "themes"
SHIPPED_DIR = INSTALLED if INSTALLED.is_dir() else REPO / "themes"
"""Where the shipped themes are read from: the checkout's themes/ (the suite's editable
install), or the copy inside the package when it is installed from a wheel (the newest
releases' check)."""
SHIPPED = ["rollback-ansi", "rollback-dark", "rollback-high-contrast", "rollback-light"]
COLOUR_KEYS = [
    "primary",
    "secondary",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "success",
    "warning",
    "error",
]
TEXT_KEYS = ["foreground", "primary", "secondary", "accent", "success", "warning", "error"]


def contrast(a: str | None, b: str | None) -> float:
    """The WCAG 2 contrast ratio of two opaque colours (both set)."""
    assert a is not None and b is not None, (a, b)

    def luminance(colour: str) -> float:
        parsed = Color.parse(colour)

        def channel(value: int) -> float:
            c = value / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(parsed.r) + 0.7152 * channel(parsed.g) + 0.0722 * channel(parsed.b)

    high, low = sorted([luminance(a), luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private user config folder, so the real one is never read or written."""
    home = tmp_path / "config" / "rollback-tui"
    monkeypatch.setattr(theme_files, "user_config_dir", lambda: home)
    monkeypatch.setattr(user_config, "user_config_dir", lambda: home)
    return home


class TestShippedThemes:
    def test_shipped_dir_is_the_repositorys_in_a_checkout(self) -> None:
        """From a source checkout (or an editable install) the repo's themes/ is found; from
        a wheel, the copy packaged with it, the same files."""
        assert theme_files.shipped_themes_dir() == SHIPPED_DIR
        assert sorted(p.name for p in SHIPPED_DIR.glob("*.toml")) == sorted(
            p.name for p in (REPO / "themes").glob("*.toml")
        )

    def test_every_shipped_file_validates_and_builds_a_theme(self) -> None:
        """Each shipped file passes the model and becomes a Textual Theme with its colours."""
        files = sorted((REPO / "themes").glob("*.toml"))
        assert [f.stem for f in files] == SHIPPED
        for path in files:
            model = themes.read_theme_file(path)
            assert model.name == path.stem
            theme = model.to_theme()
            assert isinstance(theme, Theme)
            assert all(getattr(theme, key) for key in COLOUR_KEYS), path
            assert theme.to_color_system().generate()["primary"]

    def test_load_finds_all_four_with_no_failures(self, config_home: Path) -> None:
        """The default load has the four shipped themes and nothing skipped."""
        load = themes.load_themes()
        assert load.names == SHIPPED
        assert load.failures == []
        assert load.failure_message() is None
        assert load.themes["rollback-light"].dark is False
        assert load.themes["rollback-dark"].path == SHIPPED_DIR / "rollback-dark.toml"

    @pytest.mark.parametrize("name", ["rollback-dark", "rollback-light"])
    def test_default_themes_read_well(self, name: str) -> None:
        """Text meets WCAG AAA (7:1) on every background; each status colour AA (4.5:1)."""
        theme = themes.read_theme_file(REPO / "themes" / f"{name}.toml")
        for back in (theme.background, theme.surface, theme.panel):
            assert contrast(theme.foreground, back) >= 7
            for key in TEXT_KEYS:
                assert contrast(getattr(theme, key), back) >= 4.5, (key, back)

    def test_high_contrast_meets_aaa(self) -> None:
        """High contrast: text 21:1, and every status colour 7:1 (WCAG AAA) on background."""
        theme = themes.read_theme_file(REPO / "themes" / "rollback-high-contrast.toml")
        assert contrast(theme.foreground, theme.background) == pytest.approx(21)
        for key in TEXT_KEYS:
            assert contrast(getattr(theme, key), theme.background) >= 7, key

    def test_ansi_theme_uses_only_the_16_colours(self) -> None:
        """The 16-colour theme is an ANSI theme and every colour in it is an ansi_* name."""
        theme = themes.read_theme_file(REPO / "themes" / "rollback-ansi.toml")
        assert theme.ansi is True
        values = [getattr(theme, key) for key in COLOUR_KEYS]
        values += [v for k, v in theme.variables.items() if not k.endswith("text-style")]
        assert values and all(v.startswith("ansi_") for v in values), values
        assert all(Color.parse(v).ansi is not None for v in values)

    async def test_an_app_registers_and_switches_to_each(self, config_home: Path) -> None:
        """Every loaded theme registers with an App and can be made current."""
        load = themes.load_themes()
        app: App[None] = App()
        async with app.run_test():
            for loaded in load.themes.values():
                app.register_theme(loaded.theme)
            for name in load.names:
                app.theme = name
                assert app.current_theme.name == name
        assert not any(name in BUILTIN_THEMES for name in SHIPPED)


class TestBrokenThemeFiles:
    def test_broken_files_are_reported_and_skipped(self, tmp_path: Path) -> None:
        """Bad TOML, a bad colour and an unknown key are each reported; the rest load."""
        user = tmp_path / "user"
        bad_toml = write(user, "a.toml", 'name = "a"\nprimary = \n')
        bad_colour = write(user, "b.toml", 'name = "b"\nprimary = "bleu"\n')
        unknown = write(user, "c.toml", 'name = "c"\nprimary = "#fff"\nprimry = "#000"\n')
        write(user, "good.toml", 'name = "mine"\nprimary = "#336699"\ndark = false\n')
        load = themes.load_themes([REPO / "themes", user])
        assert load.names == [*SHIPPED, "mine"]
        reasons = {failure.path: failure.reason for failure in load.failures}
        assert set(reasons) == {bad_toml, bad_colour, unknown}
        assert reasons[bad_toml].startswith("line 2, column 11: TOML syntax error")
        assert reasons[bad_colour] == (
            "primary: failed to parse 'bleu' as a color; did you mean 'blue'?"
        )
        assert reasons[unknown] == "unknown key 'primry'; did you mean 'primary'?"
        assert all("\n" not in reason for reason in reasons.values())

    def test_failures_make_one_notification(self, tmp_path: Path) -> None:
        """All failures are gathered into one message naming every file."""
        first = write(tmp_path, "x.toml", "primary = '#fff'\n")
        second = tmp_path / "y.toml"
        second.write_bytes(b'name = "\xff"\n')
        message = themes.load_themes([tmp_path]).failure_message()
        assert message is not None
        assert message.splitlines()[0] == "2 theme files were skipped:"
        assert f"{first}: name: missing" in message
        assert f"{second}: not UTF-8 (byte 8)" in message

    @pytest.mark.parametrize(
        ("body", "reason"),
        [
            ('dark = "yes"', "dark: must be true or false"),
            ("luminosity_spread = 2", "luminosity_spread: Input should be less than or equal to 1"),
            (
                '[variables]\nborder = "red; } Screen { display: none"',
                "variables: border: failed to parse 'red; } Screen { display: none' as a color",
            ),
            ('[variables]\n"Bad Name" = "red"', "variables: 'Bad Name' is not a theme variable"),
        ],
    )
    def test_bad_values_are_refused(self, tmp_path: Path, body: str, reason: str) -> None:
        """Wrong types, out-of-range numbers and CSS smuggled into a variable are refused."""
        write(tmp_path, "t.toml", f'name = "t"\nprimary = "#fff"\n{body}\n')
        load = themes.load_themes([tmp_path])
        assert load.names == []
        assert load.failures[0].reason.startswith(reason)

    def test_variables_accept_textual_forms(self, tmp_path: Path) -> None:
        """Colours with alpha, `auto N%`, keywords and text styles are valid variables."""
        write(
            tmp_path,
            "t.toml",
            'name = "t"\nprimary = "#fff"\n[variables]\n'
            'border = "ansi_red 50%"\ntext = "auto 80%"\nlink-background = "initial"\n'
            '"block-cursor-text-style" = "bold reverse"\n',
        )
        load = themes.load_themes([tmp_path])
        assert load.failures == []
        theme = load.get("t")
        assert theme is not None
        assert theme.variables["text"] == "auto 80%"

    def test_user_theme_replaces_a_shipped_one(self, tmp_path: Path) -> None:
        """A user theme with a shipped theme's name wins, and says which file it replaces."""
        write(tmp_path, "dark.toml", 'name = "rollback-dark"\nprimary = "#ff00ff"\n')
        load = themes.load_themes([REPO / "themes", tmp_path])
        loaded = load.themes["rollback-dark"]
        assert loaded.theme.primary == "#ff00ff"
        assert loaded.replaces == REPO / "themes" / "rollback-dark.toml"

    def test_same_name_twice_in_one_folder_is_a_failure(self, tmp_path: Path) -> None:
        """Two files in one folder defining one name: the second is reported."""
        write(tmp_path, "a.toml", 'name = "twin"\nprimary = "#fff"\n')
        second = write(tmp_path, "b.toml", 'name = "twin"\nprimary = "#000"\n')
        load = themes.load_themes([tmp_path])
        twin = load.get("twin")
        assert twin is not None and twin.primary == "#fff"
        assert load.failures[0].path == second
        assert "already defined" in load.failures[0].reason

    def test_missing_folder_is_quietly_skipped(self, tmp_path: Path) -> None:
        """No user themes folder is the common case, not a failure."""
        load = themes.load_themes([tmp_path / "absent"])
        assert load.names == [] and load.failures == []

    def test_resolve_falls_back(self, tmp_path: Path) -> None:
        """An unknown name resolves to the default theme, or Textual's if that is missing."""
        load = themes.load_themes([REPO / "themes"])
        assert load.resolve("rollback-light") == "rollback-light"
        assert load.resolve("gone") == theme_files.DEFAULT_THEME
        assert themes.load_themes([tmp_path]).resolve("gone") == themes.FALLBACK_THEME


class TestUserConfig:
    def test_missing_file_gives_the_default(self, tmp_path: Path) -> None:
        """With no config file the theme is rollback-dark."""
        assert user_config.load_config(tmp_path / "config.toml").theme == "rollback-dark"

    def test_round_trip_keeps_the_users_comments(self, tmp_path: Path) -> None:
        """Saving a choice changes only the theme; comments and other lines stay."""
        path = write(
            tmp_path,
            "config.toml",
            "# My settings, do not lose this.\n"
            'theme = "rollback-dark"  # the night shift likes it\n',
        )
        user_config.save_theme_choice("rollback-light", path)
        text = path.read_text(encoding="utf-8")
        assert text == (
            "# My settings, do not lose this.\n"
            'theme = "rollback-light"  # the night shift likes it\n'
        )
        assert user_config.load_config(path).theme == "rollback-light"

    def test_save_creates_the_folder_and_file(self, config_home: Path) -> None:
        """The first choice creates the config folder and a small commented file."""
        written = user_config.save_theme_choice("rollback-ansi")
        assert written == config_home / "config.toml"
        assert user_config.load_config().theme == "rollback-ansi"
        assert written.read_text(encoding="utf-8").startswith("# rollback-tui settings")

    def test_broken_config_is_reported_and_left_alone(self, tmp_path: Path) -> None:
        """A config file that is not TOML is reported on load and untouched by a save."""
        path = write(tmp_path, "config.toml", "theme = \n")
        with pytest.raises(user_config.ConfigError, match=r"line 1, column 9: TOML syntax error"):
            user_config.load_config(path)
        with pytest.raises(user_config.ConfigError, match="not saved"):
            user_config.save_theme_choice("rollback-light", path)
        assert path.read_text(encoding="utf-8") == "theme = \n"

    def test_unknown_key_and_wrong_type_are_reported(self, tmp_path: Path) -> None:
        """A typo in a key or a theme that is not a string names the file and the key."""
        typo = write(tmp_path, "a.toml", 'thme = "x"\n')
        with pytest.raises(user_config.ConfigError, match=r"a\.toml: unknown key 'thme'"):
            user_config.load_config(typo)
        wrong = write(tmp_path, "b.toml", "theme = 3\n")
        with pytest.raises(user_config.ConfigError, match=r"b\.toml: theme: "):
            user_config.load_config(wrong)

    def test_config_dir_can_be_named_by_the_environment(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """$ROLLBACK_TUI_CONFIG_DIR moves the config file and the user themes folder."""
        monkeypatch.setenv("ROLLBACK_TUI_CONFIG_DIR", str(tmp_path / "elsewhere"))
        assert user_config.config_path() == tmp_path / "elsewhere" / "config.toml"
        assert theme_files.user_themes_dir() == tmp_path / "elsewhere" / "themes"
        user_config.save_theme_choice("rollback-light")
        assert user_config.load_config().theme == "rollback-light"

    def test_bad_theme_name_is_not_saved(self, tmp_path: Path) -> None:
        """A name that could not come from a theme file is refused."""
        with pytest.raises(user_config.ConfigError):
            user_config.save_theme_choice("bad name\n[x]", tmp_path / "config.toml")
        assert not (tmp_path / "config.toml").exists()


class TestThemesCommand:
    def test_lists_the_four_shipped_themes(self, config_home: Path) -> None:
        """`rollback-tui themes` shows each name, dark or light, and its file."""
        result = CliRunner().invoke(main, ["themes"])
        assert result.exit_code == 0, result.output
        lines = result.output.splitlines()
        for name in SHIPPED:
            line = next(line for line in lines if f" {name} " in line)
            assert ("light" if name == "rollback-light" else "dark") in line
            assert line.endswith(str(SHIPPED_DIR / f"{name}.toml"))
        assert "* rollback-dark" in result.output
        assert str(config_home / "themes") in result.output

    def test_reports_broken_user_themes(self, config_home: Path) -> None:
        """A broken user theme is listed as skipped, with exit 1; the others still list."""
        bad = write(config_home / "themes", "bad.toml", 'name = "bad"\nprimary = "nope"\n')
        write(config_home / "themes", "ok.toml", 'name = "ok"\nprimary = "#123456"\n')
        result = CliRunner().invoke(main, ["themes"])
        assert result.exit_code == 1
        assert " ok " in result.output and "rollback-light" in result.output
        assert "Skipped (1):" in result.output
        assert f"{bad}: primary: failed to parse 'nope'" in result.output

    def test_marks_the_configured_theme(self, config_home: Path) -> None:
        """The theme named in the config file is starred."""
        user_config.save_theme_choice("rollback-high-contrast")
        result = CliRunner().invoke(main, ["themes"])
        assert "* rollback-high-contrast" in result.output
        assert f"your theme, from {config_home / 'config.toml'}" in result.output


class TestWheel:
    def test_wheel_ships_the_themes(self, tmp_path: Path) -> None:
        """A built wheel holds the four theme files inside the package (under ~20 s)."""
        command = [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            str(REPO),
            "-w",
            str(tmp_path),
        ]
        if importlib.util.find_spec("hatchling") is not None:
            command.insert(-3, "--no-build-isolation")  # offline and fast
        started = time.monotonic()
        subprocess.run(command, check=True, capture_output=True, timeout=120)
        assert time.monotonic() - started < 60
        wheel = next(tmp_path.glob("rollback_tui-*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            names = set(archive.namelist())
            assert {f"rollback_tui/themes/{n}.toml" for n in SHIPPED} <= names
            shipped = archive.read("rollback_tui/themes/rollback-dark.toml")
        assert shipped == (REPO / "themes" / "rollback-dark.toml").read_bytes()
