"""A run of a plan, without a screen: what the checklist does, for any front end.

`RunSession` ticks, skips, fails and undoes steps with who and when, writes notes, the
incident start and each status update sent into the timeline, keeps the items changed here
and not saved yet (pending), merges the ticks made elsewhere (store/sync.py), archives a
run for the next one, ends a drill, and tells its listeners (run/events.py) what
happened. The plan itself is held by a `PlanHolder` (run/holder.py): the app's keeper, or
a `FileHolder` that saves on the calling thread.

A tick travels: `done(item)` sets the outcome and the timeline event on the plan, marks
the plan changed and the item pending, asks the holder to save (merging by item id if the
file changed on disk) and tells `OutcomeSet`; the save's outcome comes back to `saved`,
which clears the pending items the save wrote and tells `Saved`, `Merged`, `SavedPartly`
or `NotSaved`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from rollback_tui import store
from rollback_tui.plan.model import ChecklistItem, EventKind, Plan, utc_now
from rollback_tui.plan.timeline import IRREVERSIBLE_CONFIRMED, Outcome, record, set_done
from rollback_tui.plan.timeline import set_outcome as _set_outcome
from rollback_tui.plan.update_clock import UpdateClock, update_clock
from rollback_tui.render import substitute
from rollback_tui.run import events
from rollback_tui.run.drill import Drill
from rollback_tui.run.holder import Clock, FileHolder, PlanHolder
from rollback_tui.run.saving import SaveOutcome
from rollback_tui.store import runs, sync

MEASURED_BY = "prometheus"
"""Who the timeline says recorded a measured trigger: not a person."""


class Unconfirmed(ValueError):
    """An irreversible step is marked done only once a person has confirmed it."""


class RunSession:
    """The run of the plan *holder* holds (a drill's run file, with *drill*)."""

    def __init__(self, holder: PlanHolder, *, drill: Drill | None = None) -> None:
        self.holder = holder
        self.drill = drill
        self.reads_paused: Callable[[], bool] = lambda: False
        """True while the file must not be read (run --git rewriting it in a rebase)."""
        self._pending: dict[str, int] = {}
        """Items changed here and not saved yet: id -> the holder's count of edits then."""
        self._problem: str | None = None
        """The last problem told about the file, so that it is not told twice."""
        self._listeners = events.Listeners()

    @classmethod
    def open(cls, path: Path, *, by: str, clock: Clock | None = None) -> RunSession:
        """A session on the plan at *path*, saving on the calling thread. Raises
        PlanFileError if the plan cannot be used."""
        holder = FileHolder.load(path, by=by, clock=clock or utc_now)
        session = cls(holder)
        holder.finished = session.saved
        return session

    # -- what it runs ----------------------------------------------------------------------

    @property
    def plan(self) -> Plan:
        return self.holder.plan_file.plan

    @property
    def plan_file(self) -> store.PlanFile:
        return self.holder.plan_file

    def now(self) -> dt.datetime:
        """The time now from the holder's clock, in UTC to the second."""
        return self.holder.now()

    def item(self, item_id: str) -> ChecklistItem | None:
        return self.plan.item(item_id)

    @property
    def pending(self) -> set[str]:
        """The items whose change is not saved yet."""
        return set(self._pending)

    def listen(self, listener: events.Listener) -> Callable[[], None]:
        """Tell *listener* every event from now on; returns the call that stops it."""
        return self._listeners.add(listener)

    def tell(self, event: events.RunEvent) -> None:
        """Tell every listener *event* (the command runner, the trigger watcher and the
        status page writer tell theirs through the session)."""
        self._listeners.tell(event)

    # -- outcomes --------------------------------------------------------------------------

    def done(self, item_id: str, *, confirmed: bool = False, firing: str = "") -> None:
        """Mark the item done, by the holder's `by`, now. An irreversible step needs
        *confirmed* (a person typed the word): else `Unconfirmed` is raised, nothing
        changed. *firing*: the triggers it verifies that still fire, marked done anyway
        (the timeline says so). Raises KeyError for an id not in the plan."""
        item = self._item(item_id)
        if item.irreversible and item.state != "done" and not confirmed:
            raise Unconfirmed(f"{item_id} is irreversible: confirm it first")
        said = [IRREVERSIBLE_CONFIRMED] if confirmed else []
        said += [f"marked done while {firing} still firing"] if firing else []
        text = "; ".join(said) or None
        set_done(self.plan, item_id, True, self.holder.by, at=self.now(), text=text)
        self._outcome_changed(item_id)

    def skip(self, item_id: str, reason: str) -> None:
        """Mark the item skipped on purpose, saying why."""
        self.set_outcome(item_id, "skipped", reason)

    def fail(self, item_id: str, reason: str) -> None:
        """Mark the item failed, saying what went wrong."""
        self.set_outcome(item_id, "failed", reason)

    def set_outcome(self, item_id: str, outcome: Outcome, reason: str) -> None:
        """Mark the item skipped or failed, with why, who and when."""
        self._item(item_id)
        _set_outcome(self.plan, item_id, outcome, reason, self.holder.by, at=self.now())
        self._outcome_changed(item_id)

    def undo(self, item_id: str) -> None:
        """Take the item's outcome back: it is open again (the timeline says who undid it)."""
        self._item(item_id)
        set_done(self.plan, item_id, False, self.holder.by, at=self.now())
        self._outcome_changed(item_id)

    def _item(self, item_id: str) -> ChecklistItem:
        item = self.plan.item(item_id)
        if item is None:
            raise KeyError(item_id)
        return item

    def _outcome_changed(self, item_id: str) -> None:
        self.holder.mark_dirty()
        self._pending[item_id] = self.holder.edits
        self.holder.save_merging()  # first: a save in a thread starts while others catch up
        item = self.plan.item(item_id)
        self.tell(events.OutcomeSet(item_id, item.state if item is not None else "open"))

    # -- the timeline ----------------------------------------------------------------------

    def note(self, text: str) -> None:
        """Add a note to the timeline."""
        self._record("note", text)

    def mark_incident_start(self) -> bool:
        """Record the start of the incident, now; False (nothing recorded) if it is marked
        already (a note corrects it)."""
        if self.plan.incident_started_at is not None:
            return False
        self._record("incident-start", None)
        return True

    def update_sent(self, title: str) -> None:
        """Record that the status update *title* was sent: the update clock restarts."""
        self._record("update-sent", title)

    def _record(
        self, kind: EventKind, text: str | None, *, at: dt.datetime | None = None, by: str = ""
    ) -> None:
        event = record(self.plan, kind, by or self.holder.by, text=text, at=at or self.now())
        self.holder.mark_dirty()
        self.tell(events.TimelineAdded(event))
        self.holder.save_merging()

    def update_clock(self) -> UpdateClock | None:
        """When the next status update is due (None before the incident start, or without
        an interval)."""
        return update_clock(self.plan, self.now())

    def templates(self) -> list[tuple[str, str]]:
        """The communication templates that have text, as (title, text with the plan's
        values filled in); the first is the internal update."""
        return templates(self.plan)

    # -- saving and merging ----------------------------------------------------------------

    def save(self) -> None:
        """Save what changed here (a retry after a failure)."""
        self.holder.save_merging()

    def saved(self, outcome: SaveOutcome) -> None:
        """A save ended (the holder has taken the file state already): clear the items it
        wrote and tell what happened."""
        if outcome.error is not None:
            self._told_problem(str(outcome.error))
            return
        self._problem = None
        self._pending = {k: n for k, n in self._pending.items() if n > outcome.edits}
        name = self.plan_file.path.name
        for summary in outcome.merges:
            self.tell(events.Merged(summary, name))
        if outcome.partial is not None:  # the ticks are in plan.toml: say what is not
            self.tell(events.SavedPartly(str(outcome.partial)))
        self.tell(events.Saved(self.plan))

    def _told_problem(self, message: str) -> None:
        # Once per distinct problem: the save is retried every second.
        if message != self._problem:
            self._problem = message
            self.tell(events.NotSaved(message))

    def poll(self) -> bool:
        """Every second or so: retry a failed save, or merge a change made to the file
        elsewhere (a `tick`, a hand edit, a reset). Whether the plan was replaced by a
        merge (a front end shows it again)."""
        holder = self.holder
        if holder.saving:
            return False  # the file is being written from here
        if holder.dirty:
            holder.save_merging()
            return False
        if self.reads_paused() or not sync.changed_on_disk(holder.plan_file):
            return False
        try:
            summary = sync.merge_from_disk(holder.plan_file)
        except store.PlanFileError as exc:
            self._told_problem(str(exc))
            return False
        self._problem = None
        self.tell(events.Merged(summary, holder.plan_file.path.name))
        return True

    def new_run(self, label: str = "", lock_timeout: float | None = None) -> runs.ResetResult:
        """Archive the run (outcomes, timeline) beside the plan, then clear it, under the
        plan's lock and merged with the file first. Ticks not saved yet are archived too:
        the plan in memory is the run. Call it with no save running. Raises PlanFileError."""
        from rollback_tui.store.lock import LOCK_TIMEOUT

        timeout = LOCK_TIMEOUT if lock_timeout is None else lock_timeout
        result = runs.reset_loaded(self.holder.plan_file, label, self.now(), timeout)
        self.holder.mark_clean()
        return result

    # -- drills ----------------------------------------------------------------------------

    def step_saved(self) -> None:
        """After each save that worked: a drill ends with its last open step (never beside
        a save still running: the one that follows calls again)."""
        drill = self.drill
        if drill is not None and not self.holder.saving and drill.over(self.plan):
            self.finish_drill()

    def finish_drill(self) -> None:
        """End the drill now (once), and tell `DrillFinished` (or `DrillNotRecorded`)."""
        drill = self.drill
        if drill is None:
            return
        try:
            drill.finish(self.holder.plan_file, self.now())
        except store.PlanFileError as exc:
            self.tell(events.DrillNotRecorded(str(exc)))
            return
        self.tell(events.DrillFinished(self.plan, self.plan_file.path, drill.plan_path))

    # -- hooks of the features that run beside the checklist --------------------------------

    def command_ran(
        self,
        item_id: str,
        exit_code: int | None,
        started: dt.datetime,
        seconds: float,
        *,
        text: str | None = None,
        log: str | None = None,
    ) -> None:
        """A step's command was run (commands/): its timeline row *text* ("Ran `…`: exit 0
        in 12.4 s", masked) with its *log*, then tell the listeners. The step's outcome
        is not changed for it (the person, or `exec`, marks it)."""
        if text is None:
            how = "ended" if exit_code is None else f"exit {exit_code}"
            text = f"Ran its command: {how} in {seconds:.1f} s"
        event = record(
            self.plan, "command", self.holder.by, item=item_id, text=text, at=self.now(), log=log
        )
        self.holder.mark_dirty()
        self.tell(events.TimelineAdded(event))
        self.tell(events.CommandRan(item_id, exit_code, started, seconds))
        self.holder.save_merging()

    def trigger_changed(
        self, trigger: str, firing: bool, text: str = "", at: dt.datetime | None = None
    ) -> None:
        """A rollback trigger started or stopped firing, as Prometheus measured it at *at*
        (now when None): recorded in the timeline as *text* (if any), by "prometheus", and
        told."""
        when = (at or self.now()).astimezone(dt.UTC).replace(microsecond=0)
        if text:
            self._record("trigger", text, at=when, by=MEASURED_BY)
        self.tell(events.TriggerChanged(trigger, firing, when))

    def triggers_unanswered(self, text: str) -> str:
        """Prometheus did not answer (said once per outage): recorded in the timeline."""
        self._record("trigger", text, by=MEASURED_BY)
        return text

    def still_firing(self, item_id: str) -> list[str]:
        """The triggers the item verifies whose last known state is firing."""
        from rollback_tui.plan.trigger_states import last_states

        item = self.plan.item(item_id)
        if item is None or not item.verify:
            return []
        known = last_states(self.plan)
        return [name for name in item.verify if name in known and known[name].state == "firing"]

    def page_published(self, path: Path) -> None:
        """The status page was written: tell the listeners."""
        self.tell(events.PagePublished(path, self.now()))


def templates(plan: Plan) -> list[tuple[str, str]]:
    """The communication templates of *plan* that have text, as (title, text with values
    filled in)."""
    comms = plan.communications
    variables = plan.variables()
    return [
        (title, substitute(body, variables))
        for title, body in [
            ("internal update", comms.internal_template),
            ("status page update", comms.status_page_template),
            ("user-facing message", comms.user_template),
            ("post-rollback update", comms.post_rollback_update),
        ]
        if body.strip()
    ]
