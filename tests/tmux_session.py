"""A private tmux server with one session, for the tests that need a real terminal."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from rollback_tui.store import recovery

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "plan.toml"
"""The bundled example plan."""
BIN = Path(sys.executable).parent / "rollback-tui"


WAIT = 30.0
"""Seconds to wait at most for something to show up in the pane: a wait ends as soon as
it does, so this only bounds a failure, and a machine under load may take its time."""

CONFIG = """\
set -s exit-empty off
set -s set-clipboard on
set -g remain-on-exit on
set -g allow-rename on
"""
"""The server's settings, read as it starts, before any session exists: so that a command
that ends at once (a refused plan) still leaves its pane to read. (Set from the command
line after `start-server`, they raced the server's own exit when it had no session yet:
"server exited unexpectedly" on a loaded machine.) allow-rename: so that a stray
window-name sequence would show (off by default)."""


class Tmux:
    """A private tmux server (its own socket and config) with one 80×24 session."""

    def __init__(self) -> None:
        self.socket = f"rollback-tui-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._config = Path(tempfile.mkdtemp(prefix="rollback-tui-tmux-")) / "tmux.conf"
        self._config.write_text(CONFIG, encoding="utf-8")

    @property
    def env(self) -> dict[str, str]:
        """The environment the server starts with (read when it starts): this process's,
        less what would reach the developer's own display or terminal."""
        return {
            k: v
            for k, v in os.environ.items()
            if k
            not in (
                "DISPLAY",
                "WAYLAND_DISPLAY",
                "TMUX",
                "TMUX_PANE",
                "STY",
                "WSL_DISTRO_NAME",
                "NO_COLOR",
                "COLORTERM",
            )
        }

    def tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-L", self.socket, "-f", str(self._config), *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=check,
            timeout=WAIT,
        )

    def start(self, *argv: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> None:
        """Run *argv* (in *cwd*) in a new 80×24 session; the pane stays open after it exits."""
        command = shlex.join(["env", *(f"{k}={v}" for k, v in (env or {}).items()), *argv])
        if cwd is not None:
            command = f"cd {shlex.quote(str(cwd))} && {command}"
        self.tmux("new-session", "-d", "-x", "80", "-y", "24", "-s", "test", command)

    def screen(self, escapes: bool = False) -> str:
        """The pane's text (with its colours and styles as SGR sequences if *escapes*)."""
        return self.tmux("capture-pane", "-p", *(["-e"] if escapes else []), "-t", "test").stdout

    def wait_for(self, what: str | Callable[[str], bool], timeout: float = WAIT) -> str:
        """Poll the pane until it shows *what* (text, or a test on the text)."""
        test = what if callable(what) else (lambda screen: what in screen)
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if test(screen):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"never showed {what!r}; the pane:\n{screen}")
            time.sleep(0.1)

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "test", *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "test", "-l", text)

    def buffer(self) -> str | None:
        """tmux's top paste buffer, or None if nothing was ever copied."""
        result = self.tmux("show-buffer", check=False)
        return result.stdout if result.returncode == 0 else None

    def wait_for_buffer(self, timeout: float = WAIT) -> str:
        deadline = time.monotonic() + timeout
        while (text := self.buffer()) is None:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"nothing reached the paste buffer; the pane:\n{self.screen()}"
                )
            time.sleep(0.1)
        return text

    def format(self, name: str) -> str:
        return self.tmux("display-message", "-p", "-t", "test", f"#{{{name}}}").stdout.strip()

    def kill(self) -> None:
        self.tmux("kill-server", check=False)
        shutil.rmtree(self._config.parent, ignore_errors=True)


def wait_for_wizard(tmux: Tmux) -> str:
    return tmux.wait_for(lambda s: "Basics" in s and "Deployment type" in s)


def app_pid(term: Tmux, timeout: float = WAIT) -> int:
    """The pid of the rollback-tui process in the pane (the pane's shell may wrap it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        todo = [int(term.format("pane_pid"))]
        while todo:
            pid = todo.pop()
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
                children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            except OSError:
                continue
            if b"rollback-tui" in cmdline and b"python" in cmdline.split(b"\0")[0]:
                return pid
            todo += [int(c) for c in children]
        time.sleep(0.1)
    raise AssertionError("no rollback-tui process in the pane")


def load_factor() -> float:
    """How much slower than a quiet machine this one may be now: the runnable processes per
    CPU over the last minute, at least 1. A time limit that the product promises (a hang-up
    ends the process within 2 s) is checked against the limit times this, so that the
    suite beside other work fails for the product's delays, not for the machine's."""
    return max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1))


def poll(test: Callable[[], object], timeout: float = 5.0, what: str = "") -> object:
    deadline = time.monotonic() + timeout * load_factor()
    while not (result := test()):
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.1)
    return result


def ended(pid: int) -> bool:
    """Whether *pid* is gone or a zombie (tmux has not reaped it yet)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] == "Z"
    except OSError:
        return True


def kept_text(plan: Path) -> str:
    found = recovery.RecoveryFile.for_plan(plan).read()
    return found.text if found else ""
