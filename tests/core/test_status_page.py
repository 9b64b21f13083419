"""The status page: status.json (valid against `schema --status`) and index.html (no
script, no request elsewhere, every plan string escaped), written by `publish` and
rewritten by a publisher listening to the run session within a second of a change."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from pathlib import Path

import jsonschema
from cli_helpers import run

from rollback_tui import store
from rollback_tui.notify.publisher import Publisher
from rollback_tui.render.postmortem import postmortem
from rollback_tui.render.report_format import to_markdown
from rollback_tui.render.status_html import render_status_page
from rollback_tui.render.status_model import measured_state, status_of
from rollback_tui.render.update_draft import draft_update
from rollback_tui.run.session import RunSession

T0 = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)
HOSTILE = "<script>document.title='x'</script><img src=x onerror=alert(1)>"


def schema() -> dict[str, object]:
    result = run("schema", "--status")
    assert result.exit_code == 0
    loaded: dict[str, object] = json.loads(result.output)
    return loaded


def read(path: Path) -> str:
    """The file's text, or "" before it is first written."""
    try:
        return path.read_text()
    except FileNotFoundError:
        return ""


def wait_for(check: object, timeout: float = 1.0) -> None:
    """Until check() is true, at most *timeout* seconds (the page's promise)."""
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "not within a second"
        time.sleep(0.02)


class TestStatus:
    def test_counts_items_and_schema(self, example_plan: Path) -> None:
        """Counts by outcome, items with who/when/why, valid against the schema."""
        session = RunSession.open(example_plan, by="sam", clock=lambda: T0)
        session.mark_incident_start()
        session.done("b-1")
        session.skip("b-2", "not needed")
        status = status_of(session.plan, T0, by="sam")
        data = json.loads(status.model_dump_json())
        jsonschema.validate(data, schema())
        assert data["counts"] == {"done": 1, "skipped": 1, "failed": 0, "open": 42, "total": 44}
        item = next(i for i in data["items"] if i["id"] == "b-2")
        assert (item["state"], item["by"], item["reason"]) == ("skipped", "sam", "not needed")
        assert item["at"] == "2026-11-20T14:00:00Z"
        assert data["next_update_due"] == "2026-11-20T14:30:00Z"
        assert data["triggers"][0]["state"] is None  # not measured without the watcher
        assert [e["event"] for e in data["timeline"]] == ["incident-start", "tick", "skip"]

    def test_trigger_states_and_command_runs_plug_in(self, example_plan: Path) -> None:
        """What the trigger watcher and the command runner tell the session shows."""
        session = RunSession.open(example_plan, by="sam", clock=lambda: T0)
        folder = example_plan.parent / "site"
        publisher = Publisher(folder)
        publisher.attach(session)
        try:
            session.trigger_changed("Error rate spike", True)
            session.command_ran("b-1", 0, T0, 2.5)
            wait_for(lambda: '"firing"' in read(folder / "status.json"))
        finally:
            publisher.stop()
        data = json.loads((folder / "status.json").read_text())
        jsonschema.validate(data, schema())
        trigger = data["triggers"][0]
        assert (trigger["trigger"], trigger["state"]) == ("Error rate spike", "firing")
        assert trigger["threshold"] == ">0.5% increase over baseline"
        item = next(i for i in data["items"] if i["id"] == "b-1")
        assert item["command_run"]["exit_code"] == 0
        page = (folder / "index.html").read_text()
        assert "firing" in page and "command run at 14:00:00: exit 0" in page
        assert measured_state("x", False, T0).state == "quiet"

    def test_the_timeline_gives_the_measured_states(self, example_plan: Path) -> None:
        """The trigger watcher records each change in the timeline: the page, the update
        draft and the postmortem read the last state and value from there (a one-off
        `publish`, `update` or `report` has no watcher to tell it)."""
        session = RunSession.open(example_plan, by="sam", clock=lambda: T0)
        session.trigger_changed("Error rate spike", True, "Error rate spike firing: 0.074", T0)
        later = T0 + dt.timedelta(minutes=5)
        latency = "Latency regression"
        session.trigger_changed(latency, True, f"{latency} firing: 2.1", T0)
        session.trigger_changed(latency, False, f"{latency} quiet again", later)
        plan = session.plan
        status = status_of(plan, later)
        states = {t.trigger: (t.state, t.value, t.at) for t in status.triggers}
        assert states["Error rate spike"] == ("firing", "0.074", T0)
        assert states[latency] == ("quiet", None, later)
        draft = draft_update(plan, later)
        assert "Error rate spike" in draft and "firing" in draft
        report = to_markdown(postmortem(plan))
        assert "0.074" in report


class TestPage:
    def test_hostile_title_stays_text(self, example_plan: Path) -> None:
        """Every plan string escaped: no tag from the plan, no handler, no script."""
        plan = store.load(example_plan).plan
        plan.title = HOSTILE
        plan.incident_link = "javascript:alert(1)"
        plan.components[0].steps[0].text = '"><svg onload=alert(2)>'
        page = render_status_page(status_of(plan, T0))
        assert "<script" not in page and "<img" not in page and "<svg" not in page
        assert not re.search(r"<[^>]*\son\w+=", page)  # no event handler attribute
        assert "&lt;script&gt;document.title=&#x27;x&#x27;&lt;/script&gt;" in page
        assert 'href="javascript' not in page

    def test_self_contained(self, example_plan: Path) -> None:
        """Meta refresh 30, colour schemes, print styles; nothing fetched from elsewhere."""
        page = render_status_page(status_of(store.load(example_plan).plan, T0))
        assert '<meta http-equiv="refresh" content="30">' in page
        assert "prefers-color-scheme: dark" in page and "@media print" in page
        assert not re.search(r"<(script|link|iframe|object|embed)\b", page)
        assert not re.search(r"\bsrc=", page)
        assert "url(" not in page and "@import" not in page
        hrefs = re.findall(r'href="([^"]*)"', page)
        assert hrefs == ["https://status.example.com/incidents/4821", "status.json"]


class TestPublish:
    def test_publish_writes_both(self, example_plan: Path, tmp_path: Path) -> None:
        """publish PLAN DIR: both files, DIR made; no temporary file left."""
        site = tmp_path / "www" / "status"
        result = run("publish", example_plan, site)
        assert result.exit_code == 0, result.output
        assert sorted(p.name for p in site.iterdir()) == ["index.html", "status.json"]
        assert json.loads((site / "status.json").read_text())["title"] == "Checkout v2"

    def test_bad_folder_is_exit_2(self, example_plan: Path, tmp_path: Path) -> None:
        """A DIR that is a file: one line, exit 2, the plan untouched."""
        target = tmp_path / "taken"
        target.write_text("a file")
        before = example_plan.read_bytes()
        result = run("publish", example_plan, target)
        assert result.exit_code == 2
        assert result.output.count("\n") == 1 and "taken" in result.output
        assert example_plan.read_bytes() == before
        assert run("run", example_plan, "--publish", target).exit_code == 2

    def test_a_tick_is_published_within_a_second(self, example_plan: Path) -> None:
        """The publisher rewrites both files after a tick, each replaced whole."""
        session = RunSession.open(example_plan, by="sam")
        folder = example_plan.parent / "site"
        publisher = Publisher(folder, by="sam")
        publisher.attach(session)
        try:
            wait_for(lambda: (folder / "status.json").exists())
            session.done("contain-1")
            wait_for(lambda: '"done": 1,' in read(folder / "status.json"))
            wait_for(lambda: "1 of 44 done" in read(folder / "index.html"))
        finally:
            publisher.stop()
        assert sorted(p.name for p in folder.iterdir()) == ["index.html", "status.json"]
