"""The open plan's unsaved edits, kept aside in its recovery file (store/recovery.py).

Two seconds after the last edit the plan is copied (milliseconds), its TOML is made from
the copy in a worker (a large plan's TOML takes a few hundred milliseconds: on the UI
thread it would stall the next keystroke), and the file is written back on the UI thread
only if nothing was saved or edited meanwhile. When the plan is opened again, kept edits
that were never saved are offered.

The wizard's kept edits are offered in the wizard only (the keeper publishes them on
`edits_found`, and the restore flow, ui/flows/restoring.py, asks). The checklist opens
ready to tick: found under it, they are held (a notification says so, no dialog) and
offered once the wizard is shown (Edit plan). While held, nothing from the checklist
writes, deletes or restores them, and they stay dated after the plan, whose ticks are
saved meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

from textual.app import App
from textual.signal import Signal
from textual.timer import Timer

from rollback_tui import store
from rollback_tui.bulk_work import Stale, paced
from rollback_tui.store import recovery


@dataclass(frozen=True)
class KeptEdits:
    """Edits of the open plan kept aside and never saved, found: to offer back."""

    file: recovery.RecoveryFile
    found: recovery.Recovered
    when: str
    """When they were kept, in local time, as the question says it."""


class Keeping(Protocol):
    """What the recovery file needs of the plan's keeper (this module never imports it)."""

    @property
    def app(self) -> App[Any]: ...
    @property
    def plan_file(self) -> store.PlanFile: ...
    @property
    def untitled(self) -> bool: ...
    @property
    def dirty(self) -> bool: ...
    @property
    def edits(self) -> int: ...
    @property
    def edits_found(self) -> Signal[KeptEdits]: ...
    def saves_at_once(self) -> bool: ...
    def notify(self, message: str, **options: Any) -> None: ...


class KeptAside:
    """The recovery file of *keeper*'s plan, and the timer that writes it."""

    def __init__(self, keeper: Keeping) -> None:
        self.keeper = keeper
        self._timer: Timer | None = None
        self._problem = ""
        """The last failure told, so that it is not told on every edit."""
        self.held: tuple[recovery.RecoveryFile, recovery.Recovered] | None = None
        """Wizard edits found while the checklist was shown, and their file: offered when
        the wizard is; until then never written over, deleted nor saved."""

    def file(self) -> recovery.RecoveryFile:
        """Where the plan's unsaved edits are kept: by its path, or the one file of the
        plan not saved yet (found by the next bare start, wherever it is started)."""
        if self.keeper.untitled:
            return recovery.RecoveryFile.untitled()
        return recovery.RecoveryFile.for_plan(self.keeper.plan_file.path)

    def holding(self) -> recovery.RecoveryFile | None:
        """The file of the wizard's edits held for the wizard, if any (see `held`)."""
        if self.held is None or self.held[0] != self.file():
            self.held = None  # another plan is open now
            return None
        return self.held[0]

    def edited(self) -> None:
        """An edit: the recovery file is written RECOVERY_DELAY after the last one."""
        self._stop()
        if self.holding() is None:
            self._timer = self.keeper.app.set_timer(recovery.RECOVERY_DELAY, self._due)

    def forget(self) -> None:
        """The edits are saved (or dropped): their recovery file goes. Wizard edits held
        for the wizard stay, dated after the save."""
        self._stop()
        held = self.holding()
        if held is not None:
            held.refresh()
            return
        self.file().delete()

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _due(self) -> None:
        self._timer = None
        if not self.keeper.dirty:
            return
        scratch = self.keeper.plan_file.detached()  # the worker's own: shares nothing
        self.keeper.app.run_worker(
            partial(self._make_text, scratch, self.keeper.edits),
            thread=True,
            group="recovery",
            exit_on_error=False,
        )

    def _make_text(self, scratch: store.PlanFile, edits: int) -> None:
        try:
            # Gives way to the keys typed meanwhile; ends once an edit makes it stale, or
            # once the app has ended.
            app = self.keeper.app
            with paced(stop=lambda: edits != self.keeper.edits or not app.is_running):
                text: str | None = store.dumps(scratch)
        except Stale:  # edited since: the newer edit has its own timer
            return
        except Exception:  # never let the safety net fail the app: write it the plain way
            text = None
        self.keeper.app.call_from_thread(self._text_made, text, edits)

    def _text_made(self, text: str | None, edits: int) -> None:
        if not self.keeper.dirty or edits != self.keeper.edits:
            return  # saved since, or a newer edit has its own timer
        self.write_now(text)

    def write_now(self, text: str | None = None) -> None:
        """Keep the unsaved plan in its recovery file now (the plan's file is not touched)."""
        self._stop()
        if not self.keeper.dirty or self.holding() is not None:
            return
        try:
            if text is None:
                text = recovery.plan_text(self.keeper.plan_file)
            self.file().write(text)
        except Exception as exc:  # never let a failed safety net take the edit down
            problem = str(exc) or type(exc).__name__
            if problem != self._problem:
                self._problem = problem
                self.keeper.notify(
                    f"Unsaved edits could not be kept aside: {problem}",
                    title="Recovery",
                    severity="warning",
                )

    # -- offering them back --------------------------------------------------------------

    def offer(self) -> None:
        """If edits of this plan were kept aside and never saved, offer to restore them:
        over the wizard, published on the keeper's `edits_found` (a dialog asks); over the
        checklist, a notification only (see `held`)."""
        kept = self.file()
        held = self.holding()
        # Held ones are offered though the ticks saved since made the plan newer.
        found = kept.read() if held is not None else kept.offer()
        if found is None:
            self.held = None
            return
        when = found.saved_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        if self.keeper.saves_at_once():
            if held is None:
                self.held = (kept, found)
                self.keeper.notify(
                    f"Unsaved wizard edits of this plan, kept at {when}, wait for the "
                    "wizard (ctrl+p Edit plan); ticking leaves them as they are.",
                    title="Recovery",
                    timeout=15,
                )
            return
        self.held = None
        self.keeper.edits_found.publish(KeptEdits(kept, found, when))
