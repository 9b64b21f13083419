"""The checklist's status updates (m): drafted from the timeline into a dialog to edit,
then posted to the webhook by a sender in its own thread (notify/sender.py) from an
outbox on disk, retried with back-off, never in the way of a tick. The timeline records
"update sent" with its text (which restarts the update clock), or "update not sent:
reason" at the first failure. With no webhook configured, Send copies the update, as
Copy does, and records it sent."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from textual.app import App

from rollback_tui import store
from rollback_tui.notify import webhook
from rollback_tui.notify.outbox import Outbox
from rollback_tui.notify.sender import NOT_SENT, Delivery, Sender, record
from rollback_tui.render.status_model import TriggerState, measured_state
from rollback_tui.render.update_draft import draft_update
from rollback_tui.run import events
from rollback_tui.run.session import RunSession
from rollback_tui.ui.copy_notice import copy_and_report
from rollback_tui.ui.dialogs.send_update import SendUpdateDialog, UpdateAnswer
from rollback_tui.ui.keeper import PlanKeeper


class StatusUpdates:
    """Status updates of the app's checklist: one per app (among the keeper's children,
    so that its sender stops with the app)."""

    def __init__(self, app: App[Any], keeper: PlanKeeper, session: RunSession) -> None:
        self.app = app
        self.keeper = keeper
        self.session = session
        self.measured: dict[str, TriggerState] = {}
        """Each trigger's last state, as the trigger watcher told the session."""
        self.sender = Sender(webhook.webhook_url, self._told)
        self._stop_listening = session.listen(self._heard)

    @classmethod
    def of(cls, app: App[Any], keeper: PlanKeeper, session: RunSession) -> StatusUpdates:
        """The app's status updates, following *session*."""
        found = next((c for c in keeper.children if isinstance(c, StatusUpdates)), None)
        if found is None:
            found = cls(app, keeper, session)
            keeper.children.append(found)
        elif found.session is not session:
            found._stop_listening()
            found.session = session
            found._stop_listening = session.listen(found._heard)
        return found

    def _heard(self, event: events.RunEvent) -> None:
        if isinstance(event, events.TriggerChanged):
            self.measured[event.trigger] = measured_state(event.trigger, event.firing, event.at)

    def resume(self) -> None:
        """Send the updates still waiting from before (a restart), if a webhook is set."""
        if not Outbox().waiting():
            return
        try:
            webhook.webhook_url()
        except webhook.NoWebhook:
            return
        self.sender.start()

    # -- m ---------------------------------------------------------------------------------

    def draft(self) -> str:
        return draft_update(self.session.plan, self.session.now(), self.measured)

    def open(self) -> None:
        """Show the drafted update, to edit and send."""
        try:
            webhook.webhook_url()
            where = "posts it to the webhook"
        except webhook.NoWebhook:
            where = "no webhook is configured, so it copies it"
        keys = lambda: int(getattr(self.app, "keys_in_flight", 0))  # noqa: E731
        self.app.push_screen(SendUpdateDialog(self.draft(), where, keys), self._answered)

    def _answered(self, answer: UpdateAnswer | None) -> None:
        if answer is None:
            return
        how, text = answer
        if how == "send":
            try:
                webhook.webhook_url()
            except webhook.NoWebhook as exc:
                self.app.notify(f"{exc}\nCopied instead.", title="Not sent", markup=False)
                how = "copy"
        if how == "copy":
            copy_and_report(self.app, text, "the status update")
            self.session.update_sent(text)
            return
        path = self.session.plan_file.path
        try:
            self.sender.send(path, self.keeper.by, text)
        except OSError as exc:
            reason = f"cannot keep it to send: {exc.strerror or exc}"
            self.session.note(f"{NOT_SENT}: {reason}")
            self.app.notify(reason, title="Status update not sent", severity="error", markup=False)
            return
        self.app.notify("Sending the status update…", markup=False)

    # -- the sender's thread -------------------------------------------------------------------

    def _told(self, delivery: Delivery) -> None:
        """A try ended (on the sender's thread)."""
        mine = os.path.abspath(self.session.plan_file.path)
        if Path(delivery.pending.plan) != Path(mine):
            with contextlib.suppress(store.PlanFileError):
                record(delivery)  # another plan's update, kept from before: its own timeline
            return
        with contextlib.suppress(RuntimeError):  # the app has ended meanwhile
            self.app.call_from_thread(self._delivered, delivery)

    def _delivered(self, delivery: Delivery) -> None:
        if delivery.sent:
            self.session.update_sent(delivery.pending.text)
            self.app.notify("Status update sent.", markup=False)
            return
        if delivery.first_failure:
            self.session.note(f"{NOT_SENT}: {delivery.reason} (queued, retried)")
        self.app.notify(
            f"{delivery.reason}\nIt is queued and tried again in the background "
            f"(failed {delivery.pending.attempts}×).",
            title="Status update not sent",
            severity="warning",
            markup=False,
        )

    # -- the keeper's children -------------------------------------------------------------------

    def stop(self, deadline: float) -> None:
        self.sender.stop(deadline)

    def kill_now(self) -> None:
        self.sender.kill_now()
