"""The checklist as commands: `done ID`, `skip ID REASON`, `fail ID REASON`, `undo ID`,
`note TEXT`, `start`, `list`, `next`, `copy ID`, `timeline`, `status`, `sent`, `quit`.

It drives the run session (run/session.py) as the checklist screen does: every change is
saved at once under the plan's lock, merged by item id with changes made elsewhere, and
written into the timeline; what the session tells (a merge, a save that failed, the
drill's end) is said on its own line before the next prompt, and so is the status-update
reminder when it is due."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable

from rollback_tui import store
from rollback_tui.plain import checklist_lines as show
from rollback_tui.plain.ending import HungUp
from rollback_tui.plain.lines import Console, Ended, one_line
from rollback_tui.plan.model import ChecklistItem
from rollback_tui.plan.text import visible
from rollback_tui.plan.timeline import EVENT_LABELS, Outcome
from rollback_tui.run import events
from rollback_tui.run.session import RunSession
from rollback_tui.store import sync

CONFIRM_WORD = "irreversible"
"""What is typed to mark an irreversible step done (as in the full-screen checklist)."""

HELP = [
    "Commands (one-letter forms in brackets):",
    "  done ID (d)          mark a step done",
    "  skip ID REASON (s)   mark a step skipped on purpose, saying why",
    "  fail ID REASON (f)   mark a step failed, saying what went wrong",
    "  undo ID (u)          take a step's outcome back: it is open again",
    "  note TEXT            add a note to the timeline",
    "  start                mark the start of the incident, now",
    "  sent [TITLE]         record that a status update was sent",
    "  list (l), list open  the steps, or the open ones",
    "  next (n)             the next open step, with its command",
    "  copy ID              the step's command alone on a line, to copy",
    "  timeline, status     the run's timeline; how far it has got",
    "  quit (q)             leave (everything is saved already)",
]


class BadCommand(ValueError):
    """Input that is not a command: one line says why, then the prompt again."""


class PlainChecklist:
    """One run of the checklist in plain mode, on *session*."""

    def __init__(self, session: RunSession, console: Console) -> None:
        self.session = session
        self.console = console
        self.told: list[str] = []
        """What the session told, said before the next prompt."""
        self._reminded: dt.datetime | None = None
        """The due time of the last status-update reminder said."""
        session.listen(self._heard)
        self.commands: dict[str, Callable[[str], bool | None]] = {
            "done": self.done,
            "d": self.done,
            "skip": self.skip,
            "s": self.skip,
            "fail": self.fail,
            "f": self.fail,
            "undo": self.undo,
            "u": self.undo,
            "note": self.note,
            "start": self.start,
            "sent": self.sent,
            "list": self.list,
            "l": self.list,
            "next": self.next,
            "n": self.next,
            "copy": self.copy,
            "timeline": self.timeline,
            "status": self.status,
            "help": self.help,
            "h": self.help,
            "?": self.help,
            "quit": self.quit,
            "q": self.quit,
            "exit": self.quit,
        }

    # -- the loop ----------------------------------------------------------------------

    def run(self) -> int:
        """Show the checklist, then take commands until quit, EOF or a hang-up. Returns
        the exit code: 0, or 128 + the signal."""
        say = self.console.say
        plan = self.session.plan
        path = self.session.plan_file.path
        what = "Drill" if self.session.drill is not None else "Checklist"
        say(f"{what}: {one_line(plan.title) or '(untitled plan)'}.")
        say(f"Plan file: {path}")
        say(f"Ticking as {self.session.holder.by}. Each change is saved at once.")
        for line in show.checklist_lines(plan):
            say(line)
        say("Type help for the commands, quit to leave.")
        try:
            while True:
                self._tell(self._meanwhile())
                line = self.console.ask("> ", idle=self._meanwhile)
                if self._command(line):
                    break
                self._tell(self._heard_lines())
                self.console.ending.check()
        except Ended:
            pass
        except (HungUp, KeyboardInterrupt) as exc:
            self._keep_everything()
            return exc.code if isinstance(exc, HungUp) else 130
        return self._keep_everything()

    def _command(self, line: str) -> bool:
        """Do one command; True to end."""
        words = line.strip().split(maxsplit=1)
        if not words:
            return False
        name, args = words[0].lower(), (words[1] if len(words) > 1 else "")
        action = self.commands.get(name)
        if action is None:
            self.console.say(f"Unknown command {name!r}: type help for the commands.")
            return False
        try:
            return bool(action(args.strip()))
        except BadCommand as exc:
            self.console.say(str(exc))
            return False

    def _keep_everything(self) -> int:
        """At the end: anything not saved yet is saved now, or kept in the journal that
        the next open (of any front end) merges in."""
        holder = self.session.holder
        if holder.dirty:
            self.session.save()
        if holder.dirty:
            from rollback_tui.store import journal

            try:
                journal.write(self.session.plan_file.path, self.session.plan)
                said = "Not saved: kept in the journal, merged at the next open."
            except (OSError, store.PlanFileError) as exc:
                said = f"Not saved, and no journal could be written: {exc}"
            with contextlib.suppress(Ended):
                self.console.say(said)
            return 1
        return 0

    def _tell(self, lines: list[str]) -> None:
        for line in lines:
            self.console.say(line)

    def _heard_lines(self) -> list[str]:
        lines, self.told = self.told, []
        return lines

    def _meanwhile(self) -> list[str]:
        """Ticks made elsewhere merged in, a failed save retried, the reminder when due."""
        self.session.poll()
        clock = self.session.update_clock()
        if clock is not None and clock.overdue and self._reminded != clock.due:
            self._reminded = clock.due
            self.told.append(f"Status update due: {clock.describe()}. Send it, then type sent.")
        return self._heard_lines()

    def _heard(self, event: events.RunEvent) -> None:
        if isinstance(event, events.NotSaved):
            self.told.append(f"Not saved: {event.message} (kept here, tried again).")
        elif isinstance(event, events.Merged):
            self.told.append(sync.merge_message(event.file_name, event.summary))
            labels = show.labels(self.session.plan)
            for made in event.summary.disk:
                what = EVENT_LABELS.get(made.event, made.event)
                item = f" {made.item} ({one_line(labels.get(made.item, ''))})" if made.item else ""
                text = f": {one_line(made.text)}" if made.text else ""
                self.told.append(
                    f"  {show.clock_time(made.at)} {one_line(made.by)}: {what}{item}{text}"
                )
        elif isinstance(event, events.SavedPartly):
            self.told.append(f"Saved, but the Markdown was not written: {event.message}")
        elif isinstance(event, events.DrillFinished):
            self.told.append(f"Drill finished: every step has an outcome. Record: {event.run_path}")
        elif isinstance(event, events.DrillNotRecorded):
            self.told.append(f"The drill's end was not written into the plan: {event.message}")
        elif isinstance(event, events.CommandRan):
            code = "no exit code" if event.exit_code is None else f"exit {event.exit_code}"
            self.told.append(f"{event.item_id}'s command ran: {code}.")
        elif isinstance(event, events.TriggerChanged):
            state = "firing" if event.firing else "quiet again"
            self.told.append(f"Trigger {event.trigger!r} is {state}.")

    # -- outcomes ----------------------------------------------------------------------

    def _item(self, args: str) -> tuple[ChecklistItem, str]:
        words = args.split(maxsplit=1)
        if not words:
            raise BadCommand("Which step? Give its id (list shows them).")
        item = self.session.item(words[0])
        if item is None:
            raise BadCommand(f"No step {visible(words[0])!r}: list shows the ids.")
        return item, (words[1].strip() if len(words) > 1 else "")

    def _confirmed(self, item: ChecklistItem) -> bool:
        """The word typed for an irreversible step, on a question nothing typed before
        it answers."""
        text = show.item_text(self.session.plan, item)
        if not self.console.tty:
            self.console.say(
                f"{item.id} cannot be undone ({text}): not marked done. "
                f"To confirm it, write: done {item.id} {CONFIRM_WORD}"
            )
            return False
        dropped = self.console.discard_typed_ahead()
        if dropped:
            self.console.say(f"{dropped} line(s) typed ahead were dropped.")
        self.console.say(f"{item.id} cannot be undone: {text}")
        answer = self.console.ask(f"Type {CONFIRM_WORD} to mark it done, enter cancels: ")
        if answer.strip().lower() != CONFIRM_WORD:
            self.console.say(f"Not confirmed: {item.id} is still open.")
            return False
        return True

    def _outcome_said(self, item: ChecklistItem) -> None:
        line = f"{item.id} {item.state} at {show.clock_time(item.done_at)}"
        if item.reason:
            line += f": {one_line(item.reason)}"
        if item.id in self.session.pending:
            line += " (not saved yet)"
        self.console.say(line + ".")
        if self.session.drill is not None:
            self.session.step_saved()

    def done(self, args: str) -> None:
        item, rest = self._item(args)
        if item.state == "done":
            raise BadCommand(f"{item.id} is done already (undo {item.id} reopens it).")
        confirmed = rest.lower() == CONFIRM_WORD
        if item.irreversible and not confirmed and not self._confirmed(item):
            return
        self.session.done(item.id, confirmed=item.irreversible)
        self._outcome_said(item)

    def skip(self, args: str) -> None:
        self._set_outcome(args, "skipped", "skip")

    def fail(self, args: str) -> None:
        self._set_outcome(args, "failed", "fail")

    def _set_outcome(self, args: str, outcome: Outcome, verb: str) -> None:
        item, reason = self._item(args)
        if not reason:
            raise BadCommand(f"{verb} needs a reason: {verb} {item.id} REASON")
        self.session.set_outcome(item.id, outcome, reason)
        self._outcome_said(item)

    def undo(self, args: str) -> None:
        item, _ = self._item(args)
        if item.state == "open":
            raise BadCommand(f"{item.id} is open already.")
        self.session.undo(item.id)
        line = f"{item.id} is open again"
        self.console.say(line + (" (not saved yet)." if item.id in self.session.pending else "."))

    # -- the timeline ------------------------------------------------------------------

    def note(self, args: str) -> None:
        if not args:
            raise BadCommand("note needs its text: note TEXT")
        self.session.note(args)
        self.console.say(f"Note added at {show.clock_time(self.session.now())}.")

    def start(self, args: str) -> None:
        if self.session.mark_incident_start():
            self.console.say(f"Incident start marked at {show.clock_time(self.session.now())}.")
        else:
            when = show.clock_time(self.session.plan.incident_started_at)
            self.console.say(f"The incident start is marked already ({when}); a note corrects it.")

    def sent(self, args: str) -> None:
        self.session.update_sent(args or "status update")
        clock = self.session.update_clock()
        after = f" Next: {clock.describe()}." if clock is not None else ""
        self.console.say(f"Status update sent at {show.clock_time(self.session.now())}.{after}")

    # -- reading -----------------------------------------------------------------------

    def list(self, args: str) -> None:
        if args not in ("", "open"):
            raise BadCommand("list, or list open")
        self._tell(show.checklist_lines(self.session.plan, open_only=args == "open"))

    def next(self, args: str) -> None:
        item = show.next_open(self.session.plan)
        if item is None:
            self.console.say("No open steps.")
            return
        self.console.say("Next: " + show.item_line(self.session.plan, item))
        command = show.item_command(self.session.plan, item)
        if command:
            self.console.verbatim(f"  $ {command}")

    def copy(self, args: str) -> None:
        item, _ = self._item(args)
        command = show.item_command(self.session.plan, item)
        if not command:
            raise BadCommand(f"{item.id} has no command.")
        self.console.verbatim(command)

    def timeline(self, args: str) -> None:
        self._tell(show.timeline_lines(self.session.plan))

    def status(self, args: str) -> None:
        self._tell(show.status_lines(self.session.plan, self.session.now()))
        if self.session.pending:
            self.console.say(f"Not saved yet: {', '.join(sorted(self.session.pending))}.")

    def help(self, args: str) -> None:
        self._tell(HELP)

    def quit(self, args: str) -> bool:
        return True
