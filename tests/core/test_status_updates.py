"""Status updates: drafted from the timeline, posted to a real webhook receiver on
127.0.0.1 (accepted, refused, 500, never answered), queued on disk and sent after a
restart, recorded in the timeline; the webhook's address never written anywhere."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

import pytest
from cli_helpers import run
from webhook_server import closed_port, webhook_receiver

from rollback_tui import store
from rollback_tui.notify.outbox import FIRST_RETRY, Outbox
from rollback_tui.notify.sender import Delivery, Sender
from rollback_tui.notify.webhook import NotSent, post
from rollback_tui.render.update_draft import draft_update
from rollback_tui.run.session import RunSession

SECRET = "T000/B000/s3cr3t-token"
T0 = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)


def every_file_text(*folders: Path) -> str:
    """Every file's text under *folders* (what was written to disk)."""
    return "\n".join(
        p.read_text(errors="replace") for f in folders for p in f.rglob("*") if p.is_file()
    )


def timeline(path: Path) -> list[tuple[str, str | None]]:
    return [(e.event, e.text) for e in store.load(path).plan.timeline]


class Told:
    """The deliveries a sender told, with a wait for the next."""

    def __init__(self) -> None:
        self.deliveries: list[Delivery] = []
        self._event = threading.Event()

    def __call__(self, delivery: Delivery) -> None:
        self.deliveries.append(delivery)
        self._event.set()

    def wait(self, count: int, timeout: float = 10) -> list[Delivery]:
        while len(self.deliveries) < count:
            self._event.clear()
            assert self._event.wait(timeout), f"told {len(self.deliveries)} of {count}"
        return self.deliveries


class TestDraft:
    def test_what_happened_since_the_last_update(self, example_plan: Path) -> None:
        """Done, skipped and failed steps since the last update, what is next, and when the
        next update is; outcomes before the last update are not told again."""
        times = iter(T0 + dt.timedelta(minutes=m) for m in range(100))
        session = RunSession.open(example_plan, by="sam", clock=lambda: next(times))
        session.mark_incident_start()
        session.done("contain-1")
        session.update_sent("first update")
        session.done("b-1")
        session.skip("b-2", "the flag was enough")
        session.fail("b-3", "pods stuck in Pending")
        text = draft_update(session.plan, T0 + dt.timedelta(minutes=10))
        assert text.splitlines()[0].startswith("Status update: Checkout v2 (")
        assert "What happened since 14:02 UTC:" in text
        assert "- Done (1): Identify last known good version" in text
        assert "Skipped (1): Trigger deployment of previous version (the flag was enough)" in text
        assert "Failed (1): Wait for all instances to update (pods stuck in Pending)" in text
        assert "pause the rollout" not in text  # told in the first update
        assert "Progress: 2/44 done, 1 skipped, 1 failed." in text
        assert "Next: Containment: Throttle:" in text
        assert text.endswith("Next update at 14:40 UTC.")


class TestWebhook:
    def test_accepted(self) -> None:
        """{"text": ...} as JSON reaches the receiver."""
        with webhook_receiver() as receiver:
            post(receiver.url(SECRET), "Rolling back: 3/8 done")
            assert receiver.received == [{"text": "Rolling back: 3/8 done"}]
            assert receiver.paths == [f"/hooks/{SECRET}"]

    @pytest.mark.parametrize("mode", ["refused", "fail", "hang"])
    def test_failures_say_why_without_the_address(self, mode: str) -> None:
        """Refused, HTTP 500, no answer within the timeout: each a reason with no URL."""
        with webhook_receiver() as receiver:
            url = f"http://127.0.0.1:{closed_port()}/hooks/{SECRET}"
            if mode != "refused":
                receiver.mode = "fail" if mode == "fail" else "hang"
                url = receiver.url(SECRET)
            with pytest.raises(NotSent) as caught:
                post(url, "an update", timeout=0.5)
        expected = {
            "refused": "the connection was refused",
            "fail": "the webhook answered HTTP 500",
            "hang": "no answer within 0.5 s",
        }
        assert str(caught.value) == expected[mode]
        assert "s3cr3t" not in str(caught.value)


class TestUpdateCommand:
    def test_no_webhook_is_exit_2(self, example_plan: Path) -> None:
        """--send with no webhook configured: one line, exit 2, nothing recorded."""
        before = example_plan.read_bytes()
        result = run("update", example_plan, "--send")
        assert result.exit_code == 2
        assert "no webhook: set ROLLBACK_TUI_WEBHOOK_URL" in result.output
        assert example_plan.read_bytes() == before

    def test_draft_only_without_send(self, example_plan: Path) -> None:
        """Without --send the draft is printed and nothing is sent or recorded."""
        result = run("update", example_plan)
        assert result.exit_code == 0
        assert result.output.startswith("Status update: Checkout v2")
        assert timeline(example_plan) == []

    def test_sent_and_recorded(self, example_plan: Path, tmp_path: Path) -> None:
        """Exit 0; the receiver has the drafted text; the timeline records it; the address
        is in no file, no output."""
        with webhook_receiver() as receiver:
            env = {"ROLLBACK_TUI_WEBHOOK_URL": receiver.url(SECRET)}
            draft = run("update", example_plan).output.strip()
            result = run("update", example_plan, "--send", "--by", "dana", env=env)
        assert result.exit_code == 0, result.output
        assert receiver.texts() == [draft]
        assert timeline(example_plan) == [("update-sent", draft)]
        assert "s3cr3t" not in result.output
        assert "s3cr3t" not in every_file_text(tmp_path)

    def test_down_then_queued_then_sent(self, example_plan: Path, tmp_path: Path) -> None:
        """Refused: exit 1, kept in the outbox, "update not sent" in the timeline; with the
        receiver back, the next --send sends it and the outbox is empty."""
        port = closed_port()
        env = {"ROLLBACK_TUI_WEBHOOK_URL": f"http://127.0.0.1:{port}/hooks/{SECRET}"}
        result = run("update", example_plan, "--send", env=env)
        assert result.exit_code == 1
        assert "Not sent: the connection was refused; queued" in result.output
        assert [p.plan for p in Outbox().waiting()] == [str(example_plan)]
        assert timeline(example_plan) == [
            ("note", "update not sent: the connection was refused (queued, retried)")
        ]
        with webhook_receiver(port) as receiver:
            again = run("update", example_plan, "--send", env=env)
        assert again.exit_code == 0, again.output
        assert len(receiver.texts()) == 1  # the newer draft replaced the one queued
        assert Outbox().waiting() == []
        assert timeline(example_plan)[-1][0] == "update-sent"
        assert "s3cr3t" not in every_file_text(tmp_path)


class TestSender:
    def test_never_answered_does_not_hold_the_caller(self, example_plan: Path) -> None:
        """send() returns while the webhook hangs; the try ends at the timeout, kept with
        its back-off."""
        told = Told()
        with webhook_receiver() as receiver:
            receiver.mode = "hang"
            sender = Sender(lambda: receiver.url(SECRET), told, timeout=0.5)
            try:
                sender.send(example_plan, "sam", "an update")
                assert told.deliveries == []  # back before the webhook answered
                (delivery,) = told.wait(1)
            finally:
                sender.stop()
        assert (delivery.sent, delivery.reason) == (False, "no answer within 0.5 s")
        (waiting,) = Outbox().waiting()
        assert waiting.attempts == 1 and waiting.last_error == "no answer within 0.5 s"
        next_try = dt.datetime.fromisoformat(waiting.next_try)
        created = dt.datetime.fromisoformat(waiting.created_at)
        assert next_try - created >= dt.timedelta(seconds=FIRST_RETRY - 1)

    def test_a_restart_sends_what_was_queued(self, example_plan: Path, tmp_path: Path) -> None:
        """A 500 keeps the update on disk; a new sender (after a restart) sends it at once
        once the receiver works, and the plan's timeline records it."""
        with webhook_receiver() as receiver:
            receiver.mode = "fail"
            told = Told()
            first = Sender(lambda: receiver.url(SECRET), told, timeout=2)
            try:
                first.send(example_plan, "sam", "Rollback under way: 3/8 done")
                (failed,) = told.wait(1)
            finally:
                first.stop()
            assert failed.reason == "the webhook answered HTTP 500" and failed.first_failure
            assert len(Outbox().waiting()) == 1
            receiver.mode = "ok"
            again = Told()
            restarted = Sender(lambda: receiver.url(SECRET), again, timeout=2)
            try:
                restarted.start()
                (sent,) = again.wait(1)
            finally:
                restarted.stop()
        assert sent.sent
        assert receiver.texts() == ["Rollback under way: 3/8 done"]
        assert Outbox().waiting() == []
        from rollback_tui.notify.sender import record

        record(failed)
        record(sent)
        assert timeline(example_plan) == [
            ("note", "update not sent: the webhook answered HTTP 500 (queued, retried)"),
            ("update-sent", "Rollback under way: 3/8 done"),
        ]
        assert "s3cr3t" not in every_file_text(tmp_path)

    def test_the_outbox_file_is_private(self, example_plan: Path) -> None:
        """The outbox is the user's alone: 0700 folder, 0600 files, JSON with no address."""
        outbox = Outbox()
        pending, replaced = outbox.add(example_plan, "sam", "text", T0)
        assert replaced == []
        path = outbox.folder / f"{pending.id}.json"
        assert path.stat().st_mode & 0o777 == 0o600
        assert outbox.folder.stat().st_mode & 0o777 == 0o700
        assert json.loads(path.read_text())["text"] == "text"
