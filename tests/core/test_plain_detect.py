"""When plain mode is on: asked for, or needed by the terminal; --no-plain wins."""

from __future__ import annotations

import pytest

from rollback_tui.plain.detect import plain_wanted

XTERM = {"TERM": "xterm-256color"}


class TestPlainWanted:
    def test_a_full_terminal_gets_the_full_screen(self) -> None:
        """TERM set, both ends terminals, nothing asked: the full-screen app (as in tmux)."""
        assert not plain_wanted(None, XTERM, True, True)

    @pytest.mark.parametrize(
        "env",
        [
            {**XTERM, "ROLLBACK_TUI_PLAIN": "1"},
            {**XTERM, "ACCESSIBLE": "1"},
            {**XTERM, "ACCESSIBLE": "yes"},
            {"TERM": "dumb"},
            {"TERM": ""},
            {},
        ],
        ids=["ROLLBACK_TUI_PLAIN", "ACCESSIBLE", "ACCESSIBLE=yes", "dumb", "empty", "unset"],
    )
    def test_asked_for_or_needed_by_the_terminal(self, env: dict[str, str]) -> None:
        assert plain_wanted(None, env, True, True)

    @pytest.mark.parametrize(("stdin", "stdout"), [(False, True), (True, False)])
    def test_no_terminal_on_either_end(self, stdin: bool, stdout: bool) -> None:
        assert plain_wanted(None, XTERM, stdin, stdout)

    def test_the_options_win(self) -> None:
        """--plain on a full terminal; --no-plain over TERM=dumb and ACCESSIBLE=1."""
        assert plain_wanted(True, XTERM, True, True)
        assert not plain_wanted(False, {"TERM": "dumb", "ACCESSIBLE": "1"}, False, False)

    @pytest.mark.parametrize("value", ["0", "", "no"])
    def test_a_variable_set_to_no_asks_nothing(self, value: str) -> None:
        assert not plain_wanted(None, {**XTERM, "ACCESSIBLE": value}, True, True)
