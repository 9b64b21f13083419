"""In a real terminal: the app and the command line run in tmux at 80×24, with no display.

Copy puts the Markdown in tmux's paste buffer (OSC 52, `set -s set-clipboard on`), exactly
as `rollback-tui render` prints it; a plan full of escape sequences changes neither the
title nor the clipboard; 16-colour, 256-colour and NO_COLOR terminals get what they can
show. Each test runs its own tmux server and kills it, whatever happens.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from tmux_session import BIN, Tmux, wait_for_wizard

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(
        shutil.which("tmux") is None,
        reason="tmux is not installed (`make test` installs it with scripts/ensure-tmux)",
    ),
]


def rendered(plan: Path) -> str:
    """What `rollback-tui render PATH` prints."""
    return subprocess.run(
        [str(BIN), "render", str(plan)], capture_output=True, text=True, check=True, timeout=30
    ).stdout


class TestCopy:
    """Copy reaches tmux's paste buffer, byte for byte."""

    def test_palette_copy_fills_the_paste_buffer(self, tmux: Tmux, example_plan: Path) -> None:
        """ctrl+p, "Copy Markdown", enter: the buffer holds exactly what `render` prints."""
        tmux.start(str(BIN), "edit", str(example_plan))
        wait_for_wizard(tmux)
        assert tmux.buffer() is None
        tmux.keys("C-p")
        tmux.wait_for("Search for commands")
        tmux.type("Copy Markdown")
        tmux.wait_for("Copy the rendered plan to the clipboard")
        tmux.keys("Enter")
        assert tmux.wait_for_buffer() == rendered(example_plan)
        screen = tmux.wait_for("Copied the plan's Markdown")
        assert "set-clipboard on" in screen  # the tmux hint

    def test_command_line_copy_fills_the_paste_buffer(self, tmux: Tmux, example_plan: Path) -> None:
        """`rollback-tui copy PATH` in tmux: OSC 52 to the pane's terminal, and the report."""
        tmux.start(str(BIN), "copy", str(example_plan))
        assert tmux.wait_for_buffer() == rendered(example_plan)
        screen = tmux.wait_for("Note: in tmux")
        assert "ok       terminal (OSC 52): sent to /dev/tty" in screen
        assert "skipped  local clipboard: no display here" in screen


HOSTILE_PLAN = r"""schema_version = 1
title = "Safe\u001b]0;pwned\u0007 title\u001bkpwned\u001b\\"
incident = "Clipboard\u001b]52;c;cHduZWQ=\u0007 grab"
incident_link = "https://example.com/\u001b]8;;https://evil.example\u0007x"
version = "v1\u001b[2J\u001b[H"
target_version = "v0\u009b2J"
feature_flag = "flag\u001b]2;pwned\u001b\\"
"""


class TestHostileText:
    """Escape sequences in a plan's text never reach the terminal."""

    def test_title_clipboard_and_screen_are_untouched(self, tmux: Tmux, tmp_path: Path) -> None:
        """OSC 0/2 titles, tmux's window name, OSC 52 and CSI clears in every field: the
        pane's title and window name stay, no paste buffer appears, the text shows cleaned."""
        plan = tmp_path / "hostile.toml"
        plan.write_text(HOSTILE_PLAN, encoding="utf-8")
        tmux.start(str(BIN), "edit", str(plan))
        title_before = tmux.format("pane_title")
        screen = wait_for_wizard(tmux)
        assert "Safe]0;pwned titlekpwned\\" in screen
        tmux.keys("C-t")  # the Markdown preview renders every field too
        tmux.wait_for("Rollback Plan: Safe")
        time.sleep(0.5)
        assert tmux.format("pane_title") == title_before != "pwned"
        assert tmux.format("window_name") != "pwned"
        assert tmux.buffer() is None
        assert "Rollback Plan: Safe" in tmux.screen()  # not cleared by a CSI 2J


def colours(screen: str) -> set[tuple[str, ...]]:
    """Every colour in SGR sequences: ("16", n), ("256", n) or ("rgb", r, g, b)."""
    found: set[tuple[str, ...]] = set()
    for params in re.findall(r"\x1b\[([0-9;:]*)m", screen):
        parts = [int(p or 0) for p in params.replace(":", ";").split(";")]
        i = 0
        while i < len(parts):
            p = parts[i]
            if p in (38, 48) and i + 1 < len(parts):
                if parts[i + 1] == 5:
                    found.add(("256", str(parts[i + 2])))
                    i += 3
                    continue
                found.add(("rgb", *map(str, parts[i + 2 : i + 5])))
                i += 5
                continue
            if 30 <= p <= 37 or 40 <= p <= 47 or 90 <= p <= 97 or 100 <= p <= 107:
                found.add(("16", str(p)))
            i += 1
    return found


def grey(colour: tuple[str, ...]) -> bool:
    kind, *values = colour
    if kind == "rgb":
        return len(set(values)) == 1
    if kind == "256":
        n = int(values[0])
        return n >= 232 or n in (16, 59, 102, 145, 188, 231)
    return values[0] in ("30", "37", "90", "97", "40", "47", "100", "107")


class TestColourDepth:
    """What the terminal can show: 16 colours, 256 colours, or none (NO_COLOR)."""

    def run(self, tmux: Tmux, plan: Path, theme: str, **env: str) -> str:
        tmux.start(str(BIN), "edit", "--theme", theme, str(plan), env=env)
        wait_for_wizard(tmux)
        time.sleep(0.3)
        return tmux.screen(escapes=True)

    @pytest.mark.parametrize("theme", ["rollback-dark", "rollback-ansi"])
    def test_16_colour_terminal_gets_16_colours(
        self, tmux: Tmux, example_plan: Path, theme: str
    ) -> None:
        """TERM=xterm-16color: only the 16 ANSI colours are sent."""
        found = colours(self.run(tmux, example_plan, theme, TERM="xterm-16color"))
        assert found and {kind for kind, *_ in found} == {"16"}

    def test_256_colour_terminal_gets_no_true_colour(self, tmux: Tmux, example_plan: Path) -> None:
        """TERM=xterm-256color (no COLORTERM): 256-colour codes, never 24-bit ones."""
        found = colours(self.run(tmux, example_plan, "rollback-dark", TERM="xterm-256color"))
        kinds = {kind for kind, *_ in found}
        assert "256" in kinds and kinds <= {"16", "256"}

    def test_no_color_greys_a_colour_theme(self, tmux: Tmux, example_plan: Path) -> None:
        """NO_COLOR with rollback-dark: shades of grey only."""
        found = colours(
            self.run(tmux, example_plan, "rollback-dark", NO_COLOR="1", TERM="xterm-256color")
        )
        assert found and all(grey(c) for c in found), sorted(found)

    def test_no_color_with_the_ansi_theme_sends_no_colour(
        self, tmux: Tmux, example_plan: Path
    ) -> None:
        """NO_COLOR with rollback-ansi: no colour at all, and the cursor still shows
        (reverse video)."""
        screen = self.run(tmux, example_plan, "rollback-ansi", NO_COLOR="1", TERM="xterm-256color")
        assert colours(screen) == set()
        assert "\x1b[1;4m" in screen or "\x1b[4;1m" in screen  # the current step
