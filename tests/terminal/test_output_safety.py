"""No output path reaches the terminal raw: a plan's keys and values, file names and error
texts holding escape sequences (a window title, the clipboard through OSC 52, a screen
clear) are shown with their control characters visible (ESC as \\x1b), by every command
and on every screen, never sent and never silently dropped."""

from __future__ import annotations

import re
import shlex
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pilot_waits import until
from textual.app import App
from textual.widgets import Input, OptionList
from tmux_session import BIN, EXAMPLE, Tmux

from rollback_tui.cli import main
from rollback_tui.plan.text import visible
from rollback_tui.ui.factory import make_app

TITLE_AND_CLIPBOARD = "\x1b]0;PWNED-TITLE\x07unk\x1b]52;c;cHduZWQK\x07"
"""Sets the terminal's title and puts "pwned" in its clipboard, if printed raw."""
HOSTILE_KEY = '"\\u001b]0;PWNED-TITLE\\u0007unk\\u001b]52;c;cHduZWQK\\u0007" = 1\n'
"""The same, as a TOML key."""
NAME = "plan\x1b]2;PWNED-NAME\x1b\\\x9b2J\u202e"
"""A file name with an OSC 2 title (ended by ST), a C1 CSI clear and a bidi override."""
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def assert_safe(text: str, where: str) -> None:
    found = UNSAFE.search(text)
    assert found is None, f"{where}: {found.group()!r} reaches the terminal in {text!r}"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    hostile = tmp_path / f"dir{NAME}"
    hostile.mkdir()
    return hostile


@pytest.fixture
def plan(folder: Path) -> Path:
    """The example plan under a hostile name, with a hostile unknown key."""
    path = folder / f"{NAME}.toml"
    path.write_text(HOSTILE_KEY + EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def cli(*args: str | Path) -> tuple[int, str]:
    """Run a command in-process; its exit code and everything it printed (both streams)."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout + result.stderr


class TestCommandLine:
    """Every command, with hostile keys, ids and file names, and its errors."""

    def test_check_shows_the_unknown_key_visibly(self, plan: Path) -> None:
        """The issue's key: printed as \\x1b]0;PWNED-TITLE\\x07..., the file name too."""
        code, out = cli("check", plan)
        assert code == 1
        assert_safe(out, "check")
        assert visible(TITLE_AND_CLIPBOARD) in out
        assert r"\x1b]2;PWNED-NAME\x1b\\x9b2J<U+202E>.toml" in out

    def test_every_command_and_error(self, plan: Path, folder: Path) -> None:
        """new, render, status (text and JSON), tick, copy, themes: success and failure."""
        made = folder / f"new{NAME}.toml"
        runs = {
            "new": cli("new", made, "--title", "x", "--component", "api"),
            "new again": cli("new", made),
            "render": cli("render", plan),
            "render missing": cli("render", folder / f"gone{NAME}.toml"),
            "status": cli("status", plan),
            "status json": cli("status", "--json", plan),
            "tick": cli("tick", plan, "a-1", "--by", f"me{TITLE_AND_CLIPBOARD}"),
            "tick unknown id": cli("tick", plan, f"a-1{TITLE_AND_CLIPBOARD}"),
            "check broken": cli("check", self.broken(folder)),
            "check missing": cli("check", folder / f"gone{NAME}.toml"),
            "edit missing theme": cli("edit", "--theme", f"t{TITLE_AND_CLIPBOARD}", plan),
            "run missing": cli("run", folder / f"gone{NAME}.toml"),
            "themes": cli("themes"),
        }
        for name, (_code, out) in runs.items():
            assert_safe(out, name)
        assert runs["new"][0] == 0 and r"\x1b]2;PWNED-NAME" in runs["new"][1]
        assert runs["tick"][0] == 0
        assert runs["tick unknown id"][0] == 2
        assert visible(TITLE_AND_CLIPBOARD) in runs["tick unknown id"][1]
        for name in ("new again", "render missing", "check broken", "check missing", "run missing"):
            code, out = runs[name]
            assert code == 2 and r"\x1b]2;PWNED-NAME" in out, (name, out)
            assert len(out.splitlines()) == 1, (name, out)

    def test_a_hostile_theme_file_name(self, private_user_dirs: Path) -> None:
        """`themes` lists a theme file it skips by name: the name is shown visibly."""
        themes = private_user_dirs / "user-config" / "themes"
        themes.mkdir(parents=True)
        (themes / f"{NAME}.toml").write_text("not = [valid", encoding="utf-8")
        code, out = cli("themes")
        assert code == 1
        assert_safe(out, "themes")
        assert r"\x1b]2;PWNED-NAME" in out

    @staticmethod
    def broken(folder: Path) -> Path:
        path = folder / f"broken{NAME}.toml"
        path.write_text(f'title = "x\n{TITLE_AND_CLIPBOARD}', encoding="utf-8")
        return path


def told(app: App[Any]) -> list[str]:
    """Every notification shown so far: title and message."""
    return [f"{n.title} {n.message}" for n in app._notifications]


def findings(app: App[Any]) -> list[str]:
    """The review's findings as listed (none while another step is shown)."""
    found = app.screen.query("#review-findings").results(OptionList)
    return [str(o.prompt) for lst in found for o in lst._options]


class TestScreens:
    """The header, the notifications, the review's findings and the dialogs."""

    async def test_header_notifications_findings_and_dialogs(
        self, plan: Path, folder: Path
    ) -> None:
        app = make_app(plan, cursor_blink=False)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert_safe(app.sub_title, "the header")
            assert r"\x1b]2;PWNED-NAME" in app.sub_title
            app.query_one("#title", Input).focus()
            await pilot.press("x")
            shutil.rmtree(folder)  # the save fails, naming the file
            await pilot.press("ctrl+s")
            await app.keeper.saves.idle()  # the save runs in a thread
            await until(pilot, lambda: any(r"\x1b]2;PWNED-NAME" in m for m in told(app)), 10)
            messages = told(app)
            assert any(r"\x1b]2;PWNED-NAME" in m for m in messages), messages
            for message in messages:
                assert_safe(message, "a notification")
            await app.screen.show_step("review")  # type: ignore[attr-defined]
            await until(
                pilot, lambda: any(visible(TITLE_AND_CLIPBOARD) in p for p in findings(app)), 10
            )
            prompts = findings(app)
            assert any(visible(TITLE_AND_CLIPBOARD) in p for p in prompts), prompts
            for prompt in prompts:
                assert_safe(prompt, "a finding")
            await pilot.press("ctrl+q")  # unsaved changes: the question names nothing raw
            await pilot.pause()
            for widget in app.screen.query("Static"):
                assert_safe(str(widget.render()), "the quit question")


@pytest.mark.tmux
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_in_a_real_terminal_title_and_clipboard_stay(plan: Path) -> None:
    """`check`, then the wizard, on the hostile plan in tmux: the pane's title is untouched
    and nothing reaches the clipboard (tmux's paste buffer)."""
    term = Tmux()
    try:
        quoted = shlex.quote(str(plan))
        script = f"{BIN} check {quoted}; {BIN} edit {quoted}"
        term.start("sh", "-c", script)
        screen = term.wait_for("PWNED")
        term.wait_for(lambda s: "Feature flag" in s)
        time.sleep(0.5)
        assert term.format("pane_title") != "PWNED-TITLE"
        assert "PWNED" not in term.format("pane_title") + term.format("window_name")
        assert term.buffer() is None, term.buffer()
        assert "PWNED" in screen
    finally:
        term.kill()
