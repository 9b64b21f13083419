"""Copying: OSC 52, the local clipboard, the fallback file, the hints and `copy`."""

from __future__ import annotations

import base64
import os
import re
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyperclip
import pytest
from click.testing import CliRunner

from rollback_tui import clipboard, store
from rollback_tui.cli import main
from rollback_tui.render import render_markdown

if TYPE_CHECKING:
    from textual.app import App
    from textual.notifications import Notification

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "plan.toml"
TEXT = "Rollback: héllo ✓\n`kubectl rollout undo`\n\x1b]0;not a title\x07 | pipes |\n"
OSC52 = re.compile(rb"\x1b\]52;c;([A-Za-z0-9+/=]*)\x07")


def attempt_in(report: clipboard.CopyReport, name: str) -> clipboard.CopyAttempt:
    """The attempt called *name*: the report must have one."""
    found = report.attempt(name)
    assert found is not None, name
    return found


def decoded(data: bytes) -> list[str]:
    """The texts carried by every OSC 52 sequence in *data*."""
    return [base64.b64decode(m).decode("utf-8") for m in OSC52.findall(data)]


@pytest.fixture
def tty(tmp_path: Path) -> Path:
    """A file standing in for the controlling terminal."""
    path = tmp_path / "tty"
    path.write_bytes(b"")
    return path


@pytest.fixture
def no_pyperclip(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records pyperclip calls instead of touching a real clipboard."""
    calls: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", lambda text: calls.append(text))
    monkeypatch.setattr(pyperclip, "paste", lambda: calls[-1] if calls else "")
    return calls


class TestOsc52:
    def test_bytes_on_the_tty_decode_to_the_exact_text(self, tty: Path, tmp_path: Path) -> None:
        """The sequence written to the terminal carries the text exactly, escapes included."""
        report = clipboard.copy_text(
            TEXT, tty_path=tty, fallback_dir=tmp_path / "state", environ={}
        )
        data = tty.read_bytes()
        assert data.startswith(b"\x1b]52;c;") and data.endswith(b"\x07")
        assert decoded(data) == [TEXT]
        assert b"\x1b]0;" not in data  # the text's own escapes travel inside the base64
        assert attempt_in(report, "terminal (OSC 52)").status == "ok"

    def test_sequence_is_plain_osc52(self) -> None:
        """No tmux wrapping: the plain sequence, base64 of UTF-8, ended by BEL."""
        assert clipboard.osc52_sequence("hi ✓") == "\x1b]52;c;aGkg4pyT\x07"

    def test_no_controlling_terminal_is_skipped_not_raised(self, tmp_path: Path) -> None:
        """Without a terminal the OSC 52 way is reported as skipped."""
        attempt = clipboard.write_osc52("x", tmp_path / "absent")
        assert attempt.status == "skipped"
        assert "no controlling terminal" in attempt.detail

    def test_via_app_gets_the_text(self, tmp_path: Path) -> None:
        """The app's copy_to_clipboard receives the text; the file and report still follow."""
        sent: list[str] = []
        report = clipboard.copy_text(
            TEXT, via_app=sent.append, fallback_dir=tmp_path, use_pyperclip=False, environ={}
        )
        assert sent == [TEXT]
        assert [a.way for a in report.attempts] == ["terminal (OSC 52)", "file"]
        assert report.attempts[0].ok and report.fallback_path == tmp_path / "last-copy.md"

    def test_osc52_writer_gets_the_sequence(self, tmp_path: Path) -> None:
        """A custom writer receives the whole sequence."""
        written: list[str] = []
        clipboard.copy_text(
            TEXT,
            osc52_writer=written.append,
            fallback_dir=tmp_path,
            use_pyperclip=False,
            environ={},
        )
        assert decoded(written[0].encode("ascii")) == [TEXT]

    def test_failing_app_is_reported(self, tmp_path: Path) -> None:
        """An exception from the app's copy is reported as a failure, not raised."""

        def broken(text: str) -> None:
            raise RuntimeError("driver gone")

        report = clipboard.copy_text(
            "x", via_app=broken, fallback_dir=tmp_path, use_pyperclip=False, environ={}
        )
        terminal = attempt_in(report, "terminal (OSC 52)")
        assert terminal.status == "failed" and "driver gone" in terminal.detail
        assert report.used  # the file still worked


class TestLocalClipboard:
    def test_pyperclip_failure_is_caught_and_reported(
        self, monkeypatch: pytest.MonkeyPatch, tty: Path, tmp_path: Path
    ) -> None:
        """pyperclip raising is a reported failure; the other ways still run."""

        def fail(text: str) -> None:
            raise pyperclip.PyperclipException(
                "Pyperclip could not find a copy/paste mechanism for your system. "
                "For more information, please visit https://example.invalid"
            )

        monkeypatch.setattr(pyperclip, "copy", fail)
        report = clipboard.copy_text(
            TEXT, tty_path=tty, fallback_dir=tmp_path / "s", environ={"DISPLAY": ":0"}
        )
        local = attempt_in(report, "local clipboard")
        assert local.status == "failed"
        assert local.detail == (
            "X11 display :0: Pyperclip could not find a copy/paste mechanism for your system."
        )
        assert attempt_in(report, "file").ok and decoded(tty.read_bytes()) == [TEXT]

    def test_skipped_without_a_display(self, no_pyperclip: list[str], tmp_path: Path) -> None:
        """Over SSH with no display pyperclip is not even tried."""
        attempt = clipboard.copy_with_pyperclip("x", environ={}, platform="linux")
        assert attempt.status == "skipped"
        assert no_pyperclip == []

    @pytest.mark.parametrize(
        ("environ", "platform", "where"),
        [
            ({}, "darwin", "macOS"),
            ({}, "win32", "Windows"),
            ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", "Wayland display wayland-0"),
            ({"DISPLAY": "localhost:10.0"}, "linux", "X11 display localhost:10.0"),
        ],
    )
    def test_tried_where_a_clipboard_can_exist(
        self, no_pyperclip: list[str], environ: dict[str, str], platform: str, where: str
    ) -> None:
        """A display, macOS or Windows: copied, and checked by reading it back."""
        attempt = clipboard.copy_with_pyperclip("x", environ=environ, platform=platform)
        assert attempt.status == "ok"
        assert attempt.detail == f"{where}: copied and read back"
        assert no_pyperclip == ["x"]

    def test_silent_tool_failure_is_not_called_success(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If the clipboard doesn't hold the text afterwards, that is a failure."""
        monkeypatch.setattr(pyperclip, "copy", lambda text: None)
        monkeypatch.setattr(pyperclip, "paste", lambda: "something else")
        attempt = clipboard.copy_with_pyperclip("x", environ={"DISPLAY": ":0"})
        assert attempt.status == "failed"
        assert "does not hold the text" in attempt.detail

    def test_a_hung_tool_times_out(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A clipboard tool that never answers is given up on."""
        monkeypatch.setattr(pyperclip, "copy", lambda text: time.sleep(2))
        started = time.monotonic()
        attempt = clipboard.copy_with_pyperclip("x", environ={"DISPLAY": ":0"}, timeout=0.1)
        assert time.monotonic() - started < 1
        assert attempt.status == "failed" and "no answer within 0.1 s" in attempt.detail


class TestFallbackFile:
    def test_written_0600_with_the_text(self, tmp_path: Path) -> None:
        """The file holds the exact text and only the user can read it."""
        attempt = clipboard.write_fallback(TEXT, tmp_path / "state")
        assert attempt.ok and attempt.path == tmp_path / "state" / "last-copy.md"
        assert attempt.path.read_text(encoding="utf-8") == TEXT
        assert stat.S_IMODE(attempt.path.stat().st_mode) == 0o600
        assert attempt.detail == str(attempt.path)

    def test_next_copy_replaces_it(self, tmp_path: Path) -> None:
        """The same path holds the latest copy; no temp files are left behind."""
        clipboard.write_fallback("first", tmp_path)
        attempt = clipboard.write_fallback("second", tmp_path)
        assert attempt.path is not None
        assert attempt.path.read_text(encoding="utf-8") == "second"
        assert [p.name for p in tmp_path.iterdir()] == ["last-copy.md"]

    def test_state_dir_can_be_named_by_the_environment(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        """$ROLLBACK_TUI_STATE_DIR is where the file goes when no folder is given."""
        monkeypatch.setenv("ROLLBACK_TUI_STATE_DIR", str(tmp_path / "state"))
        attempt = clipboard.write_fallback(TEXT)
        assert attempt.path == tmp_path / "state" / "last-copy.md"

    def test_unusable_folder_falls_back_to_temp(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        """If the state folder can't be written, a private temp file is used instead."""
        monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
        (tmp_path / "tmp").mkdir()
        not_a_folder = tmp_path / "file"
        not_a_folder.write_text("")
        attempt = clipboard.write_fallback(TEXT, not_a_folder)
        assert attempt.path is not None
        assert attempt.ok and attempt.path.parent == tmp_path / "tmp"
        assert attempt.path.read_text(encoding="utf-8") == TEXT
        assert stat.S_IMODE(attempt.path.stat().st_mode) == 0o600


class TestHints:
    def test_warns_above_8_kb(self, tty: Path, tmp_path: Path) -> None:
        """Above 8 KB the report warns that terminals may drop the payload; not at 8 KB."""
        big = clipboard.copy_text(
            "x" * (8 * 1024 + 1),
            tty_path=tty,
            fallback_dir=tmp_path,
            use_pyperclip=False,
            environ={},
        )
        assert big.size == 8193
        assert big.hints == ["some terminals drop OSC 52 payloads this long (8 KB): use the file."]
        edge = clipboard.copy_text(
            "x" * 8 * 1024, tty_path=tty, fallback_dir=tmp_path, use_pyperclip=False, environ={}
        )
        assert edge.hints == []

    def test_size_counts_utf8_bytes(self, tmp_path: Path) -> None:
        """The size is in bytes, not characters."""
        report = clipboard.copy_text(
            "✓✓", via_app=lambda t: None, fallback_dir=tmp_path, use_pyperclip=False, environ={}
        )
        assert report.size == 6
        assert report.lines()[0] == "Copying 6 bytes:"

    def test_tmux_and_terminal_app_hints(self) -> None:
        """In tmux: set-clipboard; in Terminal.app: no OSC 52."""
        sent = clipboard.CopyAttempt("terminal (OSC 52)", "ok", "sent")
        hints = clipboard.copy_hints(
            10, sent, {"TMUX": "/tmp/tmux-0/default,1,0", "TERM_PROGRAM": "Apple_Terminal"}
        )
        assert any("`set -s set-clipboard on`" in hint for hint in hints)
        assert any("Terminal.app has no OSC 52" in hint for hint in hints)
        assert clipboard.copy_hints(10, sent, {}) == []

    @pytest.mark.parametrize(
        "env",
        [
            {"TERM": "tmux-256color", "SSH_CONNECTION": "10.0.0.2 50000 10.0.0.9 22"},
            {"TERM": "screen-256color", "SSH_TTY": "/dev/pts/3"},
        ],
    )
    def test_tmux_on_the_machine_connected_from(self, env: dict[str, str]) -> None:
        """Over SSH from inside tmux ($TMUX is not passed on, TERM is): name the setting."""
        sent = clipboard.CopyAttempt("terminal (OSC 52)", "ok", "sent")
        (hint,) = clipboard.copy_hints(10, sent, env)
        assert "`set -s set-clipboard on`" in hint and "connect from" in hint
        assert len(f"Note: {hint}") <= 80

    def test_no_tmux_hint_without_tmux(self) -> None:
        """An xterm over SSH, GNU screen, or a copy that did not go by OSC 52: no tmux hint."""
        sent = clipboard.CopyAttempt("terminal (OSC 52)", "ok", "sent")
        ssh = {"SSH_CONNECTION": "10.0.0.2 50000 10.0.0.9 22"}
        assert clipboard.copy_hints(10, sent, {**ssh, "TERM": "xterm-256color"}) == []
        screen = clipboard.copy_hints(10, sent, {**ssh, "TERM": "screen", "STY": "1.pts-0"})
        assert not any("tmux" in hint for hint in screen)
        skipped = clipboard.CopyAttempt("terminal (OSC 52)", "skipped", "no terminal")
        assert clipboard.copy_hints(10, skipped, {"TMUX": "/tmp/tmux-0/default,1,0"}) == []

    def test_lines_fit_80_columns(self, tty: Path, tmp_path: Path) -> None:
        """Every report line but a long file path fits an 80-column terminal."""
        sent = clipboard.CopyAttempt("terminal (OSC 52)", "ok", "sent")
        env = {"TMUX": "1", "STY": "1", "TERM_PROGRAM": "Apple_Terminal"}
        hints = clipboard.copy_hints(20_000, sent, env)
        report = clipboard.copy_text(
            "x" * 20_000, tty_path="/dev/tty", fallback_dir=tmp_path, environ=env
        )
        assert len(hints) == 4
        assert all(len(f"Note: {hint}") <= 80 for hint in hints)
        assert all(len(line) <= 80 for line in report.lines()[:3])

    def test_lines_say_what_happened_each_way(self, tty: Path, tmp_path: Path) -> None:
        """The report has a heading, one line per way with its status, then the hints."""
        report = clipboard.copy_text(
            "x" * 9000, tty_path=tty, fallback_dir=tmp_path, environ={"TMUX": "1"}
        )
        lines = report.lines()
        assert lines[0] == "Copying 9,000 bytes (8.8 KB):"
        assert lines[1].split()[:4] == ["ok", "terminal", "(OSC", "52):"]
        assert lines[2].split()[:3] == ["skipped", "local", "clipboard:"]
        assert lines[3] == f"  ok       file: {tmp_path / 'last-copy.md'}"
        assert lines[4] == "Note: in tmux, this needs `set -s set-clipboard on` (in ~/.tmux.conf)."
        assert lines[5] == (
            "Note: some terminals drop OSC 52 payloads this long (9 KB): use the file."
        )
        assert len(lines) == 6
        assert report.summary().endswith(f"saved in {tmp_path / 'last-copy.md'}")


class TestCopyCommand:
    @pytest.fixture
    def state(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
        folder = tmp_path / "state"
        monkeypatch.setattr(clipboard, "state_dir", lambda: folder)
        return folder

    def test_copies_the_rendered_markdown(self, tty: Path, state: Path) -> None:
        """`copy PATH` sends exactly the rendered Markdown to the tty and the file."""
        result = CliRunner().invoke(
            main,
            ["copy", str(EXAMPLE)],
            env={
                "ROLLBACK_TUI_TTY": str(tty),
                "DISPLAY": None,
                "WAYLAND_DISPLAY": None,
                "TMUX": None,
                "WSL_DISTRO_NAME": None,
            },
        )
        assert result.exit_code == 0, result.output
        markdown = render_markdown(store.read_plan(EXAMPLE)[0])
        assert decoded(tty.read_bytes()) == [markdown]
        assert (state / "last-copy.md").read_text(encoding="utf-8") == markdown
        size = len(markdown.encode("utf-8"))
        assert result.output.splitlines() == [
            f"Copying {clipboard.format_size(size)}:",
            f"  ok       terminal (OSC 52): sent to {tty}; the terminal does not confirm",
            "  skipped  local clipboard: no display here (DISPLAY and WAYLAND_DISPLAY unset)",
            f"  ok       file: {state / 'last-copy.md'}",
        ]

    def test_hidden_tty_option(self, tty: Path, state: Path) -> None:
        """--tty (hidden, for tests) does what ROLLBACK_TUI_TTY does."""
        result = CliRunner().invoke(
            main,
            ["copy", str(EXAMPLE), "--tty", str(tty)],
            env={"DISPLAY": None, "WAYLAND_DISPLAY": None},
        )
        assert result.exit_code == 0
        assert len(decoded(tty.read_bytes())) == 1
        assert "--tty" not in CliRunner().invoke(main, ["copy", "--help"]).output

    def test_bad_file_exits_2_with_one_line(self, tmp_path: Path, tty: Path) -> None:
        """A broken plan is one line on stderr, exit 2, and nothing is copied."""
        bad = tmp_path / "plan.toml"
        bad.write_text("title = \n", encoding="utf-8")
        result = CliRunner().invoke(main, ["copy", str(bad)], env={"ROLLBACK_TUI_TTY": str(tty)})
        assert result.exit_code == 2
        assert result.output.startswith(f"rollback-tui: {bad}: ")
        assert len(result.output.strip().splitlines()) == 1
        assert tty.read_bytes() == b""

    def test_copy_never_imports_textual(self, tty: Path, tmp_path: Path) -> None:
        """The command line's copy runs without loading textual at all."""
        script = (
            "import sys\n"
            "from click.testing import CliRunner\n"
            "from rollback_tui.cli import main\n"
            "r = CliRunner().invoke(main, ['copy', sys.argv[1]])\n"
            "assert r.exit_code == 0, r.output\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))\n"
        )
        env = {
            **os.environ,
            "ROLLBACK_TUI_TTY": str(tty),
            "XDG_STATE_HOME": str(tmp_path),
            "DISPLAY": "",
            "WAYLAND_DISPLAY": "",
        }
        out = subprocess.run(
            [sys.executable, "-c", script, str(EXAMPLE)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        assert out.stdout.strip() == "[]"
        assert decoded(tty.read_bytes()) != []


class TestCopyFromTheApp:
    """Copy Markdown in the wizard: OSC 52 through the app, the local clipboard in a thread,
    the file, and one notification that says what happened."""

    @pytest.fixture
    def no_display(self, monkeypatch: pytest.MonkeyPatch) -> None:
        for name in (
            "DISPLAY",
            "WAYLAND_DISPLAY",
            "WSL_DISTRO_NAME",
            "TMUX",
            "STY",
            "TERM_PROGRAM",
        ):
            monkeypatch.delenv(name, raising=False)

    @staticmethod
    def copy_notices(app: App[Any]) -> list[Notification]:
        return [n for n in app._notifications if "Markdown" in n.title]

    async def test_reports_each_way_and_writes_the_file(
        self, example_plan: Path, no_display: None, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Terminal ok, local clipboard skipped (no display), the file's path, the tmux hint."""
        from rollback_tui.ui.factory import make_app

        monkeypatch.setenv("TMUX", "/tmp/tmux-1000/default,42,0")
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            app.action_copy()
            await pilot.pause()
            notes = self.copy_notices(app)
            markdown = render_markdown(app.plan)
            assert app.clipboard == markdown
        state = Path(os.environ["ROLLBACK_TUI_STATE_DIR"])
        assert (state / "last-copy.md").read_text(encoding="utf-8") == markdown
        assert len(notes) == 1
        assert notes[0].title == "Copied the plan's Markdown"
        assert notes[0].severity == "information" and notes[0].markup is False
        assert notes[0].message.splitlines() == [
            f"Sent to the terminal; also in {state / 'last-copy.md'}",
            "tmux needs `set -s set-clipboard on`",
        ]

    async def test_in_tmux_the_setting_comes_first(
        self, example_plan: Path, no_display: None, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A large copy inside tmux: the notification still names the tmux setting."""
        from rollback_tui.ui.factory import make_app

        monkeypatch.setenv("TMUX", "/tmp/tmux-1000/default,42,0")
        app = make_app(example_plan, cursor_blink=False)
        app.plan.incident = "A long story. " * 700
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            app.action_copy()
            await pilot.pause()
            notes = self.copy_notices(app)
        assert notes[0].severity == "warning"
        assert notes[0].message.splitlines()[1:] == [
            "tmux needs `set -s set-clipboard on`",
            "Some terminals drop copies this long",
        ]

    async def test_large_plan_is_a_warning(self, example_plan: Path, no_display: None) -> None:
        """Above 8 KB the notification is a warning that says some terminals drop it."""
        from rollback_tui.ui.factory import make_app

        app = make_app(example_plan, cursor_blink=False)
        app.plan.incident = "A long story. " * 700
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            app.action_copy()
            await pilot.pause()
            notes = self.copy_notices(app)
        assert notes[0].severity == "warning"
        assert notes[0].title == "Copied the plan's Markdown, with a warning"
        assert "Some terminals drop copies this long" in notes[0].message

    async def test_local_clipboard_never_blocks_the_app(
        self, example_plan: Path, no_display: None, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """With a display, pyperclip runs in a worker: the app keeps going while it works,
        and the notification follows with its outcome."""
        from rollback_tui.ui.factory import make_app

        monkeypatch.setenv("DISPLAY", ":0")
        copied: list[str] = []

        def slow_copy(text: str) -> None:
            time.sleep(0.5)
            copied.append(text)

        monkeypatch.setattr(pyperclip, "copy", slow_copy)
        monkeypatch.setattr(pyperclip, "paste", lambda: copied[-1] if copied else "")
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            started = time.monotonic()
            app.action_copy()
            assert time.monotonic() - started < 0.3
            assert app.clipboard == render_markdown(app.plan)  # OSC 52 went at once
            assert self.copy_notices(app) == []
            await app.workers.wait_for_complete()
            await pilot.pause()
            notes = self.copy_notices(app)
        assert copied == [render_markdown(app.plan)]
        assert len(notes) == 1
        assert (
            notes[0]
            .message.splitlines()[0]
            .startswith("Sent to the terminal and the local clipboard; also in ")
        )

    async def test_review_step_button_copies(self, example_plan: Path, no_display: None) -> None:
        """The Review step's Copy Markdown button does the same."""
        from textual.widgets import Button

        from rollback_tui.ui.factory import make_app
        from rollback_tui.ui.wizard.wizard_screen import WizardScreen

        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            wizard = app.screen
            assert isinstance(wizard, WizardScreen)
            await wizard.show_step("review")
            await pilot.pause()
            button = app.screen.query_one("#review-copy", Button)
            button.press()
            await pilot.pause()
            assert app.clipboard == render_markdown(app.plan)
            assert len(self.copy_notices(app)) == 1
