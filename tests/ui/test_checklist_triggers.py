"""Checklist mode watches the triggers against a real Prometheus: the triggers line says
`firing`, the timeline records the change once, a step that verifies a firing trigger
asks first (keys typed ahead never answer), and a silent Prometheus holds up no tick."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from app_helpers import SIZE
from checklist_helpers import checklist, checklist_app, focus_item, on_disk
from prometheus_server import Prometheus, free_port
from textual import events
from textual.pilot import Pilot
from wizard_helpers import until

from rollback_tui import store
from rollback_tui.plan.model import Metrics
from rollback_tui.ui.checklist.drill_summary import DrillSummary
from rollback_tui.ui.checklist.trigger_watch import TriggersLine
from rollback_tui.ui.dialogs.still_firing import StillFiring
from rollback_tui.ui.factory import make_app
from rollback_tui.ui.wizard.wizard_screen import WizardScreen

FIRING = "vector(0.074) > 0.005"
"""Fires now, whatever the time: the value Prometheus measures is 0.074."""


def watched_plan(path: Path, url: str, query: str = FIRING) -> Path:
    """The example plan with its first trigger measured by *query* on *url*, and a-2
    verifying it."""
    plan_file = store.load(path)
    plan = plan_file.plan
    plan.triggers[0].query = query
    plan.metrics = Metrics(prometheus_url=url, interval=5)
    item = plan.item("a-2")
    assert item is not None
    item.verify = ["Error rate spike"]
    store.save(plan_file)
    return path


def line(pilot: Pilot[Any]) -> str:
    return str(checklist(pilot.app).query_one(TriggersLine).render())  # type: ignore[arg-type]


@pytest.fixture
def silent_url() -> Iterator[str]:
    """A socket that accepts connections (the kernel does) and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


class TestWatched:
    """The triggers line and the timeline."""

    async def test_firing_shown_and_recorded_once(
        self, example_plan: Path, prometheus: Prometheus
    ) -> None:
        """`firing` in the line within one refresh; one timeline event however many
        rounds."""
        app = checklist_app(watched_plan(example_plan, prometheus.url))
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: "firing" in line(pilot))
            assert "1 firing: Error rate spike 0.074" in line(pilot)
            assert "7 not measured" in line(pilot)
            screen = checklist(app)
            watcher = screen.triggers.watcher
            assert watcher is not None
            first = watcher.latest
            watcher.measure_now()
            await until(pilot, lambda: watcher.latest is not first, timeout=10)  # measured again
            await until(pilot, lambda: not screen.session.holder.dirty)
            await pilot.pause(0.5)  # time for the round to be heard, and for a second record
        texts = [e.text for e in on_disk(example_plan).timeline if e.event == "trigger"]
        assert texts == ["Error rate spike firing: 0.074"]

    async def test_unreachable_said_once(self, example_plan: Path) -> None:
        """A closed port: `unknown (unreachable: …)` on the line, said once in the timeline."""
        app = checklist_app(watched_plan(example_plan, f"http://127.0.0.1:{free_port()}"))
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: "unreachable" in line(pilot))
            assert "1 unknown (unreachable: connection refused)" in line(pilot)
            watcher = checklist(app).triggers.watcher
            assert watcher is not None
            first = watcher.latest
            watcher.measure_now()
            await until(pilot, lambda: watcher.latest is not first, timeout=10)  # measured again
            await pilot.pause(0.5)  # time for the round to be heard, and for a second record
        texts = [e.text for e in on_disk(example_plan).timeline if e.event == "trigger"]
        assert texts == ["Prometheus not answering: unreachable: connection refused"]

    async def test_silent_prometheus_holds_up_no_tick(
        self, example_plan: Path, silent_url: str
    ) -> None:
        """Prometheus never answers: a tick is on disk while the watcher still waits."""
        app = checklist_app(watched_plan(example_plan, silent_url))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert "measuring" in line(pilot)
            await focus_item(pilot, "a-1")
            await pilot.press("space")
            await until(pilot, lambda: on_disk(example_plan).item("a-1").state == "done")  # type: ignore[union-attr]
            assert "measuring" in line(pilot)  # the request is still waiting


class TestVerify:
    """Ticking a step whose verified trigger still fires asks first."""

    async def test_typed_ahead_keys_never_answer(
        self, example_plan: Path, prometheus: Prometheus
    ) -> None:
        """space, enter, space at once: the question stays, the step stays open."""
        app = checklist_app(watched_plan(example_plan, prometheus.url))
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: "firing" in line(pilot))
            await until(pilot, lambda: not checklist(app).session.holder.dirty)
            await focus_item(pilot, "a-2")
            for key, char in [("space", " "), ("enter", "\r"), ("space", " ")]:
                app.post_message(events.Key(key, char))
            for _ in range(10):
                await pilot.pause()
            assert isinstance(app.screen, StillFiring)
            assert "Error rate spike still firing — mark done anyway?" in app.screen.question
            assert app.screen.dropped == 2
            assert on_disk(example_plan).item("a-2").state == "open"  # type: ignore[union-attr]
            await pilot.press("escape")
            await until(pilot, lambda: not checklist(app).session.holder.dirty)
        notes = [e.text for e in on_disk(example_plan).timeline if e.event == "note"]
        assert notes == ["a-2 not marked done: Error rate spike still firing"]

    async def test_marked_done_anyway(self, example_plan: Path, prometheus: Prometheus) -> None:
        """Mark done anyway: done, and the tick says what still fired."""
        app = checklist_app(watched_plan(example_plan, prometheus.url))
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: "firing" in line(pilot))
            await focus_item(pilot, "a-2")
            await pilot.press("space")
            await until(pilot, lambda: isinstance(app.screen, StillFiring))
            await pilot.press("y")
            await until(pilot, lambda: on_disk(example_plan).item("a-2").state == "done")  # type: ignore[union-attr]
        ticks = [e.text for e in on_disk(example_plan).timeline if e.event == "tick"]
        assert ticks == ["marked done while Error rate spike still firing"]


class TestDrill:
    """A drill records the triggers' states at its start and at its end."""

    async def test_states_at_start_and_end(
        self, example_plan: Path, prometheus: Prometheus
    ) -> None:
        """The drill's run file says what fired when it started and when it ended."""
        app = make_app(
            watched_plan(example_plan, prometheus.url), mode="drill", by="kim", cursor_blink=False
        )
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: "firing" in line(pilot))
            screen = checklist(app)
            await until(pilot, lambda: not screen.session.holder.dirty)
            run_path = screen.session.plan_file.path
            screen.session.finish_drill()
            await until(pilot, lambda: isinstance(app.screen, DrillSummary))
            await until(pilot, lambda: not screen.session.holder.dirty)
        texts = [e.text for e in on_disk(run_path).timeline if e.event == "trigger"]
        assert texts == [
            "Error rate spike firing: 0.074 (drill start)",
            "Error rate spike firing: 0.074 (drill end)",
        ]


class TestUnderTheWizard:
    """With the wizard open over the checklist, a change is shown, never saved with the
    wizard's draft."""

    async def test_nothing_recorded_under_the_wizard(
        self, example_plan: Path, prometheus: Prometheus
    ) -> None:
        """A trigger starts firing while the wizard is open: the file is left as it was."""
        app = checklist_app(watched_plan(example_plan, prometheus.url, query="vector(0) > 1"))
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: "1 quiet" in line(pilot))
            screen = checklist(app)
            await until(pilot, lambda: not screen.session.holder.dirty)
            before = example_plan.read_bytes()
            await screen.edit_plan()
            await until(pilot, lambda: isinstance(app.screen, WizardScreen))
            screen.plan.triggers[0].query = FIRING  # a draft in the wizard
            screen.triggers.watcher.measure_now()  # type: ignore[union-attr]
            shown = screen.query_one(TriggersLine)
            await until(pilot, lambda: "firing" in str(shown.render()))
            await pilot.pause(0.5)  # the round is heard: time for a record and a save not to come
            assert example_plan.read_bytes() == before
            assert not [e for e in screen.plan.timeline if "firing" in (e.text or "")]
