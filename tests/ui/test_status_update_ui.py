"""The checklist's status updates and status page: m drafts the update into a dialog that
Send posts to a real webhook receiver in the background (the timeline records it, the
clock restarts); a receiver that is down queues it, shown, never holding a tick; and
run --publish rewrites status.json within a second of a tick."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from checklist_helpers import Clock, checklist, focus_item, notifications
from textual import events
from textual.widgets import TextArea
from webhook_server import closed_port, webhook_receiver

from rollback_tui import store
from rollback_tui.notify.outbox import Outbox
from rollback_tui.ui.dialogs.send_update import SendUpdateDialog
from rollback_tui.ui.factory import make_app

SIZE = (80, 24)
SECRET = "T000/B000/s3cr3t-token"


async def wait_for(check: object, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


def timeline(path: Path) -> list[tuple[str, str | None]]:
    return [(e.event, e.text) for e in store.load(path).plan.timeline]


class TestSendUpdate:
    async def test_m_drafts_and_send_posts(
        self, example_plan: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """m shows the draft; edited, then Send: the receiver gets the edited text, the
        timeline records "update sent" with it; the address shows nowhere."""
        with webhook_receiver() as receiver:
            monkeypatch.setenv("ROLLBACK_TUI_WEBHOOK_URL", receiver.url(SECRET))
            app = make_app(example_plan, mode="run", by="sam", cursor_blink=False)
            app.keeper.clock = Clock()
            async with app.run_test(size=SIZE) as pilot:
                await pilot.press("i")
                for key, char in [("m", "m"), ("tab", None), ("enter", "\r")]:
                    app.post_message(events.Key(key, char))  # typed ahead: one burst
                await wait_for(lambda: isinstance(app.screen, SendUpdateDialog))
                await wait_for(lambda: getattr(app.screen, "armed", False))
                dialog = app.screen
                assert isinstance(dialog, SendUpdateDialog)  # the burst's enter: not sent
                assert receiver.texts() == []
                area = dialog.query_one(TextArea)
                assert area.text.startswith("Status update: Checkout v2")
                assert "Next update at 14:30 UTC." in area.text
                area.load_text("Rolling back checkout v2 now.")
                send = dialog.query_one("#send")
                assert app.focused is send
                await wait_for(lambda: not send.has_class("-active"))  # the burst's press shown
                await pilot.press("enter")
                await wait_for(lambda: receiver.texts())
                await wait_for(
                    lambda: (
                        ("update-sent", "Rolling back checkout v2 now.") in timeline(example_plan)
                    )
                )
                shown = notifications(app)
                assert "s3cr3t" not in shown
        assert receiver.texts() == ["Rolling back checkout v2 now."]
        assert "s3cr3t" not in example_plan.read_text()

    async def test_down_is_queued_and_ticks_go_on(
        self, example_plan: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A refused post: "update not sent" in the timeline, the update kept in the
        outbox, a notification; a tick right after is saved as ever."""
        port = closed_port()
        monkeypatch.setenv("ROLLBACK_TUI_WEBHOOK_URL", f"http://127.0.0.1:{port}/h/{SECRET}")
        app = make_app(example_plan, mode="run", by="sam", cursor_blink=False)
        app.keeper.clock = Clock()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("m")
            await wait_for(lambda: getattr(app.screen, "armed", False))  # seen: answers now
            await pilot.press("tab", "enter")
            await focus_item(pilot, "contain-1")
            await pilot.press("space")
            await wait_for(
                lambda: (
                    ("note", "update not sent: the connection was refused (queued, retried)")
                    in timeline(example_plan)
                )
            )
            await wait_for(lambda: store.load(example_plan).plan.item("contain-1").done)  # type: ignore[union-attr]
            assert "Status update not sent: the connection was refused" in notifications(app)
        assert len(Outbox().waiting()) == 1


class TestPublish:
    async def test_a_tick_reaches_status_json(self, example_plan: Path, tmp_path: Path) -> None:
        """run --publish DIR: the page is there at the start, and a tick reaches status.json
        (within a second: tests/core/test_status_page.py holds it to that)."""
        site = tmp_path / "site"
        app = make_app(example_plan, mode="run", by="sam", cursor_blink=False, publish=site)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(lambda: (site / "status.json").exists(), 5)
            await focus_item(pilot, "contain-1")
            await pilot.press("space")
            await wait_for(lambda: '"done": 1,' in (site / "status.json").read_text(), 5)
            assert checklist(app).session.plan.item("contain-1") is not None
        assert "1 of 44 done" in (site / "index.html").read_text()
