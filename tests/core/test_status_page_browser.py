"""The status page in a real browser (Debian's chromium, headless): a screenshot at a
phone's width (390 px) and a desk's (1280 px) is a picture, not a blank page; the DOM
holds the title and the counts; a hostile title leaves no script and no handler in it.
Three browser runs in all: they are the slow part."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from browser import colours, dump_dom, png_pixels, screenshot

from rollback_tui import store
from rollback_tui.notify.publisher import publish
from rollback_tui.run.session import RunSession

T0 = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)
HOSTILE = "<script>document.title='x'</script><img src=x onerror=alert(1)>"


def live_run(plan_path: Path) -> None:
    """A run under way: the incident started, two done, one skipped, one failed, a note."""
    times = iter(T0 + dt.timedelta(minutes=m) for m in range(100))
    session = RunSession.open(plan_path, by="dana", clock=lambda: next(times))
    session.mark_incident_start()
    session.done("contain-1")
    session.done("b-1")
    session.skip("b-2", "the flag was enough")
    session.fail("b-3", "pods stuck in Pending")
    session.note("error rate back under 0.5%")


class TestInChromium:
    def test_hostile_title_on_a_phone(self, example_plan: Path, tmp_path: Path) -> None:
        """390 px: a real picture; the DOM has the title as text, the counts, and no
        script, no element from the plan, no event handler."""
        plan_file = store.load(example_plan)
        plan_file.plan.title = HOSTILE
        store.save(plan_file)
        live_run(example_plan)
        site = tmp_path / "site"
        publish(site, store.load(example_plan).plan, T0 + dt.timedelta(minutes=6), "dana")
        dom = dump_dom(site / "index.html")
        assert "<script" not in dom.lower()
        assert "<img" not in dom.lower()
        assert not re.search(r"<[^>]*\son[a-z]+\s*=", dom, re.IGNORECASE)
        assert "&lt;script&gt;document.title='x'&lt;/script&gt;&lt;img src=x" in dom
        assert "<title>&lt;script&gt;document.title='x'" in dom  # the title, unchanged
        assert "2 of 44 done, 1 skipped, 1 failed, 40 open" in dom
        shot = tmp_path / "phone.png"
        screenshot(site / "index.html", shot, 390)
        width, _, _ = png_pixels(shot, max_rows=1)
        assert width == 390
        assert colours(shot) >= 8  # text, the badge, the bars: not a blank page

    def test_run_publish_page_on_a_desk(self, example_plan: Path, tmp_path: Path) -> None:
        """1280 px: the page a run publishes is a picture, with the title and counts."""
        live_run(example_plan)
        site = tmp_path / "site"
        publish(site, store.load(example_plan).plan, T0 + dt.timedelta(minutes=6), "dana")
        shot = tmp_path / "desk.png"
        screenshot(site / "index.html", shot, 1280)
        width, _, _ = png_pixels(shot, max_rows=1)
        assert width == 1280
        assert colours(shot) >= 8
