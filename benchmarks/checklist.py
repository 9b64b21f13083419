"""Checklist mode: a tick to the plan on disk, and opening `run` against opening `edit`.

A tick is timed from the key (space on the focused row) until both files have been replaced
on disk (plan.toml, then plan.md: each is written to a temporary file and renamed, so a new
inode means a complete new file). In process, the app runs headless at 80×24 and the key is
given to its driver as a terminal's would be; end to end, `rollback-tui run` runs in tmux at 80×24
(benchmarks/tmux_terminal.py) and the key through ``send-keys``. Each tick moves the focus
to the next open row, so every key ticks a new item. The baseline of the tick, in the same
run, is the save alone (``store.save`` of the same plan with one more tick, as `rollback-tui
tick` does), the floor of writing both files.

Opening: process start to the first frame in a pseudo-terminal at 80×24 (as
benchmarks/startup.py measures it), `run` and `edit` on the same 200-component plan, in turn.

Budgets: a tick ≤ 50 ms p95 at 200 components, in process and end to end; `run` ≤ 1.1× `edit`
to open at 200 components. Every figure also at 2 and 1,000 components, with the growth
factor (the figure at 1,000 over that at 200, divided by 5: at most 1.0 is linear).

Run: .venv/bin/python benchmarks/checklist.py [--ticks N] [--runs N] [SIZES...]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench_stats import percentile
from keystrokes import fresh_copy, write_plans
from startup import _environment, first_frame, markdown_table, verdict, wizard_argv
from textual import events
from tmux_terminal import TmuxApp

from rollback_tui import store
from rollback_tui.ui.factory import make_app

SIZES = (2, 200, 1000)
TICK_BUDGET_MS = 50.0
OPEN_BUDGET = 1.1
BUDGET_SIZE = 200
RUN_MARKERS = ("Overall", "Option A", "Quit")
EDIT_MARKERS = ("Checkout v2", "Deployment type", "Quit")
TIMEOUT = 60.0


def all_reversible(plan: Path) -> None:
    """Every step of *plan* made reversible: a tick of an irreversible one waits for a
    word typed to confirm it, which is not what is timed here."""
    plan_file = store.load(plan)
    for _, _, item in plan_file.plan.checklist():
        item.irreversible = False
    store.save(plan_file, force=True)


def inodes(plan: Path) -> tuple[int, int]:
    return os.stat(plan).st_ino, os.stat(plan.with_suffix(".md")).st_ino


async def ticks_in_process(plan: Path, ticks: int) -> list[float]:
    """Seconds from the key to both files replaced, for *ticks* ticks (headless app)."""
    app = make_app(plan, mode="run", by="bench", cursor_blink=False)
    app.freeze_gc = True  # as run_app does for a real session
    times = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.5)
        driver = app._driver
        assert driver is not None
        for _ in range(ticks):
            before = inodes(plan)
            event = events.Key("space", " ")
            event.set_sender(app)
            start = time.perf_counter()
            driver.send_message(event)  # as the terminal driver does for a keypress
            while any(a == b for a, b in zip(inodes(plan), before, strict=True)):
                if time.perf_counter() - start > TIMEOUT:
                    raise RuntimeError("the tick was not saved")
                await asyncio.sleep(0.0005)
            times.append(time.perf_counter() - start)
            await pilot.pause(0.3)
            await app.keeper.saves.idle()
    return times


def ticks_end_to_end(plan: Path, env: dict[str, str], ticks: int) -> list[float]:
    """The same, with `rollback-tui run` in tmux."""
    argv = [*wizard_argv(plan)[:-2], "run", str(plan)]
    times = []
    with TmuxApp(argv, env, plan.parent) as app:
        app.wait_for(RUN_MARKERS)
        app.drain(1.0)
        for _ in range(ticks):
            before = inodes(plan)
            start = time.perf_counter()
            app.send_key("Space")
            while any(a == b for a, b in zip(inodes(plan), before, strict=True)):
                if time.perf_counter() - start > TIMEOUT:
                    raise RuntimeError("the tick was not saved")
                app.drain(0.0005)
            times.append(time.perf_counter() - start)
            app.drain(0.3)
    return times


def saves_alone(plan: Path, ticks: int) -> list[float]:
    """The baseline: store.save of the plan with one more item ticked, as `tick` does."""
    from rollback_tui.plan.model import utc_now
    from rollback_tui.plan.timeline import set_done

    times = []
    for _ in range(ticks):
        plan_file = store.load(plan)
        item = next(i for _, _, i in plan_file.plan.checklist(active=True) if not i.done)
        start = time.perf_counter()
        set_done(plan_file.plan, item.id, True, "bench", utc_now())
        store.save(plan_file)
        times.append(time.perf_counter() - start)
    return times


def opening(plan: Path, env: dict[str, str], runs: int) -> tuple[list[float], list[float]]:
    """Seconds to the first frame of `run` and of `edit` on *plan*, in turn."""
    run_times, edit_times = [], []
    for i in range(runs + 1):
        copy = fresh_copy(plan, plan.parent / f"open-{plan.stem}-{i}")
        edit = wizard_argv(copy)
        run = [*edit[:-2], "run", str(copy)]
        pair = [(run, RUN_MARKERS, run_times), (edit, EDIT_MARKERS, edit_times)]
        for argv, markers, times in pair if i % 2 else pair[::-1]:
            seconds = first_frame(argv, markers, env, copy.parent).seconds
            if i:  # the first round warms the caches
                times.append(seconds)
    return run_times, edit_times


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def growth(samples: dict[int, list[float]]) -> str:
    """The growth factor from the medians (the p95 of a few samples is too noisy for it)."""
    medians = {size: statistics.median(times) for size, times in samples.items()}
    if 200 in medians and 1000 in medians:
        return f"{medians[1000] / medians[200] / 5:.2f}"
    return ""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ticks", type=int, default=20, help="ticks per session (default 20)")
    parser.add_argument("--runs", type=int, default=3, help="openings of each (default 3)")
    parser.add_argument("sizes", type=int, nargs="*", default=list(SIZES))
    args = parser.parse_args(argv)
    load_before = os.getloadavg()[0]
    inproc: dict[int, list[float]] = {}
    e2e: dict[int, list[float]] = {}
    alone: dict[int, list[float]] = {}
    opens: dict[int, tuple[list[float], list[float]]] = {}
    with tempfile.TemporaryDirectory(prefix="rollback-bench-") as tmp:
        home = Path(tmp)
        env = _environment(home)
        plans = write_plans(home, args.sizes)
        for plan in plans.values():
            all_reversible(plan)
        for size in args.sizes:
            alone[size] = saves_alone(fresh_copy(plans[size], home / f"alone-{size}"), args.ticks)
            inproc[size] = asyncio.run(
                ticks_in_process(fresh_copy(plans[size], home / f"in-{size}"), args.ticks)
            )
            e2e[size] = ticks_end_to_end(
                fresh_copy(plans[size], home / f"e2e-{size}"), env, args.ticks
            )
            opens[size] = opening(plans[size], env, args.runs)
            print(
                f"{size:>5} components: tick in process p95 {ms(percentile(inproc[size], 0.95))}, "
                f"end to end p95 {ms(percentile(e2e[size], 0.95))}, save alone p95 "
                f"{ms(percentile(alone[size], 0.95))}; open run p50 "
                f"{ms(statistics.median(opens[size][0]))}, edit p50 "
                f"{ms(statistics.median(opens[size][1]))}",
                flush=True,
            )
    load_after = os.getloadavg()[0]
    rows = []
    p95 = {
        "in": {s: percentile(t, 0.95) for s, t in inproc.items()},
        "e2e": {s: percentile(t, 0.95) for s, t in e2e.items()},
        "alone": {s: percentile(t, 0.95) for s, t in alone.items()},
    }
    ratio = {s: statistics.median(r) / statistics.median(e) for s, (r, e) in opens.items()}
    samples = {"in": inproc, "e2e": e2e, "alone": alone}
    for key, what in (
        ("alone", "Baseline: the save alone (store.save, one more tick)"),
        ("in", "A tick to both files on disk, in process (p95)"),
        ("e2e", "A tick to both files on disk, end to end in tmux (p95)"),
    ):
        for size in args.sizes:
            figure = p95[key][size]
            budget = (
                f"≤ {TICK_BUDGET_MS:.0f} ms {verdict(figure * 1000, TICK_BUDGET_MS)}"
                if key != "alone" and size == BUDGET_SIZE
                else ""
            )
            rows.append(
                [
                    f"{what}, {size} components",
                    ms(figure),
                    budget,
                    growth(samples[key]) * (size == 1000),
                ]
            )
    for size in args.sizes:
        run_p50, edit_p50 = (statistics.median(t) for t in opens[size])
        budget = (
            f"≤ {OPEN_BUDGET}× {verdict(ratio[size], OPEN_BUDGET)}" if size == BUDGET_SIZE else ""
        )
        rows.append(
            [
                f"Opening `run` over opening `edit`, {size} components "
                f"({ms(run_p50)} / {ms(edit_p50)})",
                f"{ratio[size]:.2f}×",
                budget,
                growth({s: r for s, (r, _) in opens.items()}) * (size == 1000),
            ]
        )
    print()
    print(f"load average {load_before:.2f} before, {load_after:.2f} after; {os.cpu_count()} CPUs")
    print()
    print(
        markdown_table(
            f"Checklist mode ({args.ticks} ticks a session, {args.runs} openings each, 80×24)",
            ["", "Figure", "Budget", "Growth 200→1,000, of the p50s (≤ 1.0: linear)"],
            rows,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
