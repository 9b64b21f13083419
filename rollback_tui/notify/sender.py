"""Sending the status updates of the outbox: one try now (`send_waiting`, for `update
--send`), or a thread that keeps trying with back-off (`Sender`, for the checklist), so
that a webhook that refuses, fails or never answers never holds a tick. Each try's outcome
is told as a `Delivery`; the plan's timeline records "update sent" with its text, or, the
first time a try fails, "update not sent: reason" (`record`)."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rollback_tui.notify.outbox import Outbox, Pending
from rollback_tui.notify.webhook import TIMEOUT, NotSent, post
from rollback_tui.plan.model import utc_now

UrlSource = Callable[[], str]
"""Returns the webhook's address when a try is made (raises NoWebhook if there is none)."""

NOT_SENT = "update not sent"
"""How the timeline's note of a failed try begins."""


@dataclass(frozen=True)
class Delivery:
    """The outcome of one try to send *pending*."""

    pending: Pending
    sent: bool
    reason: str = ""
    """Why it was not sent."""

    @property
    def first_failure(self) -> bool:
        return not self.sent and self.pending.attempts == 1


def try_once(
    outbox: Outbox, pending: Pending, url: str, now: dt.datetime, timeout: float = TIMEOUT
) -> Delivery:
    """Post *pending* once: removed from the outbox when sent, else kept with its next try
    later."""
    try:
        post(url, pending.text, timeout)
    except NotSent as exc:
        later = pending.failed(str(exc), now)
        # If it cannot be written, the update's file stays as it was: tried again all the same.
        with contextlib.suppress(OSError):
            outbox.write(later)
        return Delivery(later, False, str(exc))
    outbox.remove(pending)
    return Delivery(pending, True)


def send_waiting(
    outbox: Outbox,
    url: str,
    *,
    now: Callable[[], dt.datetime] = utc_now,
    only_due: bool = False,
    timeout: float = TIMEOUT,
) -> list[Delivery] | None:
    """Try every update waiting (or only those due), oldest first; None if another
    process is sending them now."""
    with outbox.claimed() as mine:
        if not mine:
            return None
        out = []
        for pending in outbox.waiting():
            if only_due and not pending.due(now()):
                continue
            out.append(try_once(outbox, pending, url, now(), timeout))
        return out


def record(delivery: Delivery, at: dt.datetime | None = None) -> None:
    """Write *delivery* into its plan's timeline (merged with the file, under its lock):
    "update sent" with the text, or the first failure as a note. For a plan that is not
    open here; the checklist records its own plan's through its session. Raises
    PlanFileError."""
    from rollback_tui.run.session import RunSession

    if not delivery.sent and not delivery.first_failure:
        return
    pending = delivery.pending
    session = RunSession.open(Path(pending.plan), by=pending.by)
    if delivery.sent:
        session.update_sent(pending.text)
    else:
        session.note(f"{NOT_SENT}: {delivery.reason} (queued, retried)")


class Sender:
    """Sends the outbox's updates in a thread of its own: at once when one is added, then
    each failed one again when its back-off is over. *told* hears every try's outcome,
    on the sender's thread."""

    def __init__(
        self,
        url: UrlSource,
        told: Callable[[Delivery], object],
        *,
        outbox: Outbox | None = None,
        timeout: float = TIMEOUT,
    ) -> None:
        self.outbox = outbox or Outbox()
        self._url = url
        self._told = told
        self._timeout = timeout
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start sending (what waits from before a restart too)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="notify", daemon=True)
            self._thread.start()

    def send(self, plan: Path, by: str, text: str) -> Pending:
        """Queue *text* about *plan* (in place of an older one still waiting) and send it
        in the background. Raises OSError if the outbox cannot be written."""
        pending, _ = self.outbox.add(plan, by, text, utc_now())
        self.start()
        self._wake.set()
        return pending

    def _loop(self) -> None:
        first = True  # the first round tries every update waiting (from before a restart)
        while not self._stop.is_set():
            self._wake.clear()
            try:
                url = self._url()
            except Exception as exc:  # no webhook (any more): told once per update
                url = None
                problem = str(exc)
            if url is not None:
                deliveries = (
                    send_waiting(self.outbox, url, only_due=not first, timeout=self._timeout) or []
                )
                first = False
                for delivery in deliveries:
                    self._told(delivery)
            else:
                for pending in self.outbox.waiting():
                    if pending.attempts == 0:
                        later = pending.failed(problem, utc_now())
                        self.outbox.write(later)
                        self._told(Delivery(later, False, problem))
            self._wake.wait(self._next_wait())

    def _next_wait(self) -> float:
        """Seconds until the first update waiting is due (a minute at most)."""
        now = utc_now()
        waits = [60.0]
        for pending in self.outbox.waiting():
            if pending.next_try:
                due = dt.datetime.fromisoformat(pending.next_try)
                waits.append(max(0.5, (due - now).total_seconds()))
        return min(waits)

    def stop(self, deadline: float | None = None) -> None:
        """Stop trying (what waits stays in the outbox for the next start)."""
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is not None:
            left = 1.0 if deadline is None else max(0.0, deadline - time.monotonic())
            thread.join(min(left, 1.0))

    def kill_now(self) -> None:
        self._stop.set()
        self._wake.set()
