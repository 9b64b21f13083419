"""Hang-ups: the terminal went away (a dropped SSH connection, a killed tmux) or the
process was told to end (SIGTERM).

Textual's own shutdown cannot be trusted after a hang-up. Its output thread dies on the
first write to the gone terminal, and the SIGCONT the kernel sends after SIGHUP makes its
driver resume application mode with a second output thread: the shutdown then waits
forever to write into a queue nobody drains, and the process stays, hung, for good.

So a hang-up never waits for Textual. The signal handler (on the main thread, between two
Python instructions, so the plan is whole) takes a copy of the plan and starts a thread
that keeps the edit (the recovery file) or the ticks (the journal at once, then the plan
saved, merged by item id, under the plan's lock, if there is time: the next open replays
the journal otherwise), then ends the process. Child processes that must not outlive the app (run
--git's git, in process groups of their own) are stopped on the way: a rebase left half
done is undone. A second thread ends it at HARD_STOP seconds whatever is still running,
killing those children first: no hang-up leaves a process behind. A SIGCONT after a
hang-up is ignored. After SIGTERM, when the terminal is still there, the app is first
asked to exit the ordinary way, which restores the terminal. A terminal gone without a
SIGHUP (the app run by `make`, which takes the signal and does not pass it on) is noticed
by a thread that looks at it 20 times a second (TerminalWatch), and hung up the same way.

Locks are flock()s on an open file: the kernel releases them when the process ends.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import termios
import threading
import time
from collections.abc import Callable, Sequence
from types import FrameType
from typing import Any, Protocol

from rollback_tui import store
from rollback_tui.store import recovery, sync

HARD_STOP = 0.9
"""Seconds from the signal to the end of the process, whatever is still running."""

WATCH_EVERY = 0.05
"""Seconds between two looks at the terminal (see TerminalWatch)."""

HANG_UPS = (signal.SIGHUP, signal.SIGTERM)

Rescue = Callable[[float], None]
"""Keeps the edit and the ticks; called on the hang-up thread with the deadline
(time.monotonic()) by which it must be done."""


class Children(Protocol):
    """Child processes of the app that must not outlive it (run --git's git)."""

    def stop(self, deadline: float) -> None:
        """End them cleanly (undo what they leave half done) by *deadline*."""

    def kill_now(self) -> None:
        """Kill them at once: the process ends now."""


def _stdin_fd() -> int:
    """The process's own standard input (whatever sys.stdin was replaced with); ValueError
    when it has none."""
    stdin = sys.__stdin__
    if stdin is None:
        raise ValueError("no standard input")
    return stdin.fileno()


def terminal_usable(fd: int | None = None) -> bool:
    """Whether the terminal on *fd* (stdin by default) still answers: after a hang-up its
    ioctls fail (EIO)."""
    try:
        termios.tcgetattr(_stdin_fd() if fd is None else fd)
    except (termios.error, OSError, ValueError, AttributeError):
        return False
    return True


class HangUp:
    """The handlers of SIGHUP and SIGTERM for one running app (and its guard on SIGCONT)."""

    def __init__(self, prepare: Callable[[], Rescue], ask_exit: Callable[[int], None]) -> None:
        self._prepare = prepare
        """Called in the signal handler: copies what must be kept; returns the rescue."""
        self._ask_exit = ask_exit
        """Asks the app to exit the ordinary way (from another thread) with this code."""
        self.signum = 0
        """The signal that ended the app, once one did."""
        self._previous: dict[int, Any] = {}
        self.done = threading.Event()
        """Set when the edit and the ticks were kept (or could not be)."""
        self.hard = True
        """End the process (os._exit). Off for an app run by tests in their own process:
        it is then only asked to exit."""
        self.children: list[Children] = []
        """Killed before the process is ended, should they still run then."""
        self._watch: TerminalWatch | None = None

    def install(self) -> None:
        """Take over SIGHUP and SIGTERM, and guard the driver's SIGCONT handler.

        Only on the main thread (where signal handlers are set); elsewhere, nothing.
        """
        if threading.current_thread() is not threading.main_thread() or self._previous:
            return
        for signum in HANG_UPS:
            self._previous[signum] = signal.signal(signum, self._signalled)
        resume = signal.getsignal(signal.SIGCONT)
        if callable(resume):  # Textual's driver resumes application mode on SIGCONT
            self._previous[signal.SIGCONT] = signal.signal(signal.SIGCONT, self._continued)
        if self.hard and terminal_usable():
            self._watch = TerminalWatch(self)
            self._watch.start()

    def uninstall(self) -> None:
        """Put the handlers found at install() back."""
        if threading.current_thread() is not threading.main_thread():
            return
        if self._watch is not None:
            self._watch.stop()
            self._watch = None
        for signum, handler in self._previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
        self._previous.clear()

    def _continued(self, signum: int, frame: FrameType | None) -> None:
        if self.signum or not terminal_usable():
            return  # no terminal to resume: a SIGCONT that follows a hang-up
        previous = self._previous.get(signal.SIGCONT)
        if callable(previous):
            previous(signum, frame)

    def _signalled(self, signum: int, frame: FrameType | None) -> None:
        if self.signum:
            return  # already ending
        self.signum = signum
        started = time.monotonic()
        code = 128 + signum
        if self.hard:
            threading.Thread(
                target=_stop_at,
                args=(started + HARD_STOP, code, self.children),
                name="rollback-tui-hard-stop",
                daemon=True,
            ).start()
        try:
            rescue = self._prepare()
        except Exception:  # never let the safety net keep the process alive
            rescue = None
        threading.Thread(
            target=self._finish,
            args=(rescue, started, code),
            name="rollback-tui-hang-up",
            daemon=True,
        ).start()

    def _finish(self, rescue: Rescue | None, started: float, code: int) -> None:
        try:
            if rescue is not None:
                rescue(started + HARD_STOP - 0.15)
        except Exception:  # whatever failed, the process must still end
            pass
        finally:
            self.done.set()
        if not self.hard or (self.signum == signal.SIGTERM and terminal_usable()):
            # The terminal is still there: let the app restore it; the hard stop stands.
            try:
                self._ask_exit(code)
            except Exception:  # the loop is gone: end it here
                if self.hard:
                    _exit(code, self.children)
            return
        _exit(code, self.children)


class TerminalWatch:
    """Notices a terminal gone without a SIGHUP, and hangs the app up itself.

    The kernel sends SIGHUP to the session's leader only. Run by a parent that does not
    pass it on (`make run`: make is the leader, and dies of it), the app never hears of
    the hang-up: Textual's output thread dies on its first write to the gone terminal,
    the next screen update waits forever to queue its output, and the process stays.
    So a thread looks at the terminal every WATCH_EVERY seconds; once its ioctls fail,
    it sends the app the SIGHUP the kernel did not (the handler runs on the main thread,
    even one waiting on a queue), and, should the handler not run, ends the process at
    the hard stop itself.
    """

    def __init__(self, hang_up: HangUp) -> None:
        self._hang_up = hang_up
        self._stopped = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name="rollback-tui-terminal-watch", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()

    def _run(self) -> None:
        while not self._stopped.wait(WATCH_EVERY):
            if self._hang_up.signum:
                return  # hung up by a signal: that handler ends the process
            if not terminal_usable():
                break
        else:
            return
        os.kill(os.getpid(), signal.SIGHUP)
        if not self._stopped.wait(HARD_STOP + 0.05) and not self._hang_up.signum:
            _exit(128 + signal.SIGHUP, self._hang_up.children)  # the handler never ran


def rescue_for(
    plan_file: store.PlanFile,
    kept: recovery.RecoveryFile,
    *,
    dirty: bool,
    save: bool,
    held: bool = False,
    children: Sequence[Children] = (),
) -> Rescue:
    """What to keep after a hang-up, from *plan_file* as it is now (called in the signal
    handler: the plan is copied here, while the main thread is paused).

    If *dirty*: the checklist (*save*: its outcomes are saved at once) keeps its run in
    the journal first, a small file written in milliseconds whatever the plan's size, then
    saves the plan merging by item id, waiting for a save already under way (the plan's
    lock) until the deadline; once saved, the journal is not needed, nor a recovery file of
    its own. If *held*, *kept* holds a wizard's edits that the checklist leaves alone:
    never written over nor deleted, and dated after the save. The wizard keeps its edit
    in the recovery file *kept*. Either way, *children* are stopped (before the save: a
    rebase of run --git holds the plan's lock and rewrites the plan).
    """
    scratch = plan_file.detached() if dirty else None  # never shared with a save

    def keep(deadline: float) -> None:
        if scratch is not None and save:
            from rollback_tui.store import journal

            with contextlib.suppress(OSError, store.PlanFileError):  # the save may keep it
                journal.write(scratch.path, scratch.plan)
        for child in children:
            with contextlib.suppress(Exception):
                child.stop(deadline)
        if scratch is None:
            return
        if not save:
            with contextlib.suppress(Exception):
                kept.write(recovery.plan_text(scratch))
            return
        from rollback_tui.store import journal
        from rollback_tui.store.lock import plan_lock

        try:
            with plan_lock(scratch.path, max(0.05, deadline - time.monotonic())):
                sync.save_merging(scratch)
        except (OSError, store.PlanFileError):
            return
        journal.forget(scratch.path)
        if held:
            kept.refresh()
        else:
            kept.delete()

    return keep


_terminal_before: list[Any] | None = None
"""The terminal's settings before the app took it (termios attributes of stdin)."""

RESTORE = (
    "\x1b[<u"  # the keyboard protocol Textual pushed
    "\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l"  # mouse reports
    "\x1b[?2004l\x1b[?2048l\x1b[?1004l"  # bracketed paste, resize and focus reports
    "\x1b[?7h\x1b[?1049l\x1b[?25h"  # line wrap, the main screen, the cursor
)
"""What Textual's driver writes to give the terminal back: written by the hard stop
when the driver has not (a shutdown slower than HARD_STOP, as after SIGSTOP and SIGCONT
on a busy machine), so that the shell is not left on the app's screen."""


def remember_terminal() -> None:
    """Keep the terminal's settings as they are before the app starts (call before
    App.run): a hard stop puts them back."""
    global _terminal_before
    with contextlib.suppress(termios.error, OSError, ValueError, AttributeError):
        _terminal_before = termios.tcgetattr(_stdin_fd())


def _give_terminal_back() -> None:
    """Leave the app's screen and modes, and the terminal's settings as they were: only
    while there is a terminal (after a hang-up there is none)."""
    if _terminal_before is None or not terminal_usable():
        return
    with contextlib.suppress(termios.error, OSError, ValueError, AttributeError):
        fd = _stdin_fd()
        termios.tcsetattr(fd, termios.TCSANOW, _terminal_before)
    with contextlib.suppress(OSError):
        os.write(1, RESTORE.encode())


def _stop_at(deadline: float, code: int, children: Sequence[Children]) -> None:
    while (left := deadline - time.monotonic()) > 0:
        time.sleep(left)
    _give_terminal_back()
    _exit(code, children)


def _exit(code: int, children: Sequence[Children]) -> None:
    """End the process now, its children first."""
    for child in children:
        with contextlib.suppress(Exception):
            child.kill_now()
    os._exit(code)
