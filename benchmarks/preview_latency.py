"""Keystroke to visible preview update, by plan size, beside Textual's whole-document update.

For each plan size the wizard runs headless at 160×48 (the preview beside the form), the
title is typed one key at a time through the driver, as a terminal would send it, and each
key is timed from that moment to the first screen paint after the preview re-rendered its
header section with the new text.
The baseline, measured in the same run, is one ``Markdown`` widget given the whole
document with ``update()``, which is what a naive preview would do on every key.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

# As `rollback-tui` sets it for a real session (before Textual is imported).
os.environ.setdefault("TEXTUAL_FPS", "120")

from bench_stats import percentile
from textual import events
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Markdown

from rollback_tui import store
from rollback_tui.plan import new_plan
from rollback_tui.render import render_markdown
from rollback_tui.ui.factory import make_app
from rollback_tui.ui.wizard.preview import Preview

SIZES = [2, 50, 200, 1000]
KEYS = {2: 40, 50: 40, 200: 40, 1000: 20}
BASELINE_RUNS = {2: 5, 50: 3, 200: 2, 1000: 0}
"""A whole-document update of a 1,000-component plan takes minutes: not repeated here."""
BUDGET_MS = 50.0
SCREEN = (160, 48)


def plan_with(components: int):  # type: ignore[no-untyped-def]
    """A pre-filled plan with *components* components."""
    return new_plan(
        title="Bench",
        version="v2",
        target_version="v1",
        feature_flag="f",
        components=[f"service-{i}" for i in range(components)],
    )


async def _settled(preview: Preview) -> None:
    """Until the whole plan is drawn (what is below the screen follows the first lines)."""
    while not (preview.keys and preview.complete):
        await asyncio.sleep(0.01)


class PaintClock:
    """Records when the screen paints, to time "visible" rather than "handled"."""

    def __init__(self) -> None:
        self.paints: list[float] = []
        original = Screen._compositor_refresh

        def timed(screen: Screen) -> None:  # type: ignore[type-arg]
            original(screen)
            self.paints.append(time.perf_counter())

        Screen._compositor_refresh = timed  # type: ignore[method-assign]

    async def next_paint_after(self, moment: float) -> float:
        while not self.paints or self.paints[-1] < moment:
            await asyncio.sleep(0.0005)
        return next(p for p in self.paints if p >= moment)


async def measure_wizard(
    components: int, keys: int, tmp: Path, clock: PaintClock
) -> dict[str, float | list[float]]:
    path = tmp / f"plan-{components}.toml"
    store.save(store.new_file(path, plan_with(components)), force=True)
    app = make_app(path, cursor_blink=False)
    app.freeze_gc = True  # as run_app does for a real session
    latencies: list[float] = []
    handling: list[float] = []
    start = time.perf_counter()
    async with app.run_test(size=SCREEN) as pilot:
        preview = app.screen.query_one("#preview", Preview)
        await _settled(preview)
        first_preview = time.perf_counter() - start
        await pilot.press("end")
        await pilot.pause(0.2)
        title = app.screen.query_one("#title", Input)
        driver = app._driver
        assert driver is not None
        for i in range(keys):
            char = "abcdefghij"[i % 10]
            expected = f"# Rollback Plan: {title.value}{char}"
            event = events.Key(char, char)
            event.set_sender(app)
            t0 = time.perf_counter()
            driver.send_message(event)  # as the terminal driver does for a keypress
            while not title.value.endswith(char):
                await asyncio.sleep(0.0005)
            handling.append(time.perf_counter() - t0)
            while not (preview.text_of("title") or "").startswith(expected):
                await asyncio.sleep(0.0005)
            rendered = time.perf_counter()
            latencies.append(await clock.next_paint_after(rendered) - t0)
            await asyncio.sleep(0.03)  # a fast typist: ~30 keys a second
        assert set(preview.updated[-keys:]) == {"title"}, "more than the title redrew"
    return {"latencies": latencies, "handling": handling, "first_preview": first_preview}


class WholeDocument(App[None]):
    """A naive preview: one Markdown widget for the whole plan."""

    def __init__(self, markdown: str) -> None:
        super().__init__()
        self.markdown = markdown

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown(self.markdown, open_links=False)


async def measure_baseline(components: int, runs: int) -> list[float]:
    plan = plan_with(components)
    text = render_markdown(plan)
    app = WholeDocument(text)
    times: list[float] = []
    async with app.run_test(size=SCREEN) as pilot:
        md = app.query_one(Markdown)
        await pilot.pause()
        for i in range(runs):
            plan.title = f"Bench{i}"
            changed = render_markdown(plan)
            t0 = time.perf_counter()
            await md.update(changed)
            times.append(time.perf_counter() - t0)
    return times


def ms(value: float) -> str:
    return f"{value * 1000:.1f}"


async def main(sizes: list[int]) -> int:
    import tempfile

    rows = []
    clock = PaintClock()
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            wizard = await measure_wizard(size, KEYS[size], Path(folder), clock)
            baseline = (
                await measure_baseline(size, BASELINE_RUNS[size]) if BASELINE_RUNS[size] else []
            )
            lat = wizard["latencies"]
            assert isinstance(lat, list)
            hand = wizard["handling"]
            assert isinstance(hand, list)
            row = {
                "size": size,
                "p50": statistics.median(lat),
                "p95": percentile(lat, 0.95),
                "keys_p50": statistics.median(hand),
                "base": statistics.median(baseline) if baseline else None,
                "first": wizard["first_preview"],
            }
            rows.append(row)
            base = f"{ms(row['base'])} ms" if row["base"] else "not measured"
            print(
                f"{size:>5} components: keystroke→preview p50 {ms(row['p50'])} ms, "
                f"p95 {ms(row['p95'])} ms; key handled p50 {ms(row['keys_p50'])} ms; "
                f"whole-document update() {base}; first full preview "
                f"{row['first']:.2f} s",
                flush=True,
            )
    print()
    print("### Preview latency (keystroke to visible update, 160×48)")
    print()
    print(
        "| Components | p50 | p95 | Key handled (p50) | Baseline: whole-document `update()` "
        "| Speed-up (p50) | Budget p95 ≤ 50 ms |"
    )
    print("|---:|---:|---:|---:|---:|---:|:--|")
    for r in rows:
        verdict = "PASS" if r["p95"] * 1000 <= BUDGET_MS else "OVER"
        budget = verdict if r["size"] == 200 else "—"
        base = f"{ms(r['base'])} ms" if r["base"] else "not measured (minutes)"
        ratio = f"{r['base'] / r['p50']:.0f}×" if r["base"] else "—"
        print(
            f"| {r['size']} | {ms(r['p50'])} ms | {ms(r['p95'])} ms | {ms(r['keys_p50'])} ms "
            f"| {base} | {ratio} | {budget} |"
        )
    return 0


if __name__ == "__main__":
    # Sizes may be given on the command line (``preview_latency.py 2 200``).
    sys.exit(asyncio.run(main([int(a) for a in sys.argv[1:]] or SIZES)))
