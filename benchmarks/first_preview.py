"""The first preview, end to end in tmux: ctrl+t at 80×24, and the terminal widened to 160.

The wizard opens a plan in tmux at 80×24 (benchmarks/tmux_terminal.py); one second after
its first frame (a user reads the screen before asking for the preview), either ctrl+t is
sent, or the terminal is widened to 160 columns (past the 120 from which the preview sits
beside the form). The clock runs from that moment until tmux has passed on the preview's
first lines: the plan's title as its heading and the deployment type under it. Plans of 2,
200 and 1,000 components, in turns; the baseline, in the same run, is a key's way to the
screen in plain Textual (benchmarks/echo_app.py, as the keystroke benchmark types it), and
for the widening, the same first screen in plain Textual (benchmarks/plain_first_screen.py)
redrawn at 160 columns: what Textual itself takes to lay out and draw the wider screen.

Budget: the first preview within 100 ms of ctrl+t, and of the widening, at 2 and 200
components. The growth factor is the figure at 1,000 components over that at 200, divided
by 5: at most 1.0 means it grows no faster than linearly.

Run: .venv/bin/python benchmarks/first_preview.py [--rounds N] [SIZES...]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from keystrokes import ECHO_APP, TITLE, fresh_copy, type_keys, write_plans
from startup import PLAIN_APP, WIZARD_MARKERS, _environment, markdown_table, verdict, wizard_argv
from tmux_terminal import TmuxApp

SIZES = (2, 200, 1000)
BUDGET_MS = 100.0
BUDGET_SIZES = (2, 200)
READING = 1.0
"""Seconds between the first frame and the user's ctrl+t (or widening)."""
WIDE = (160, 24)
PREVIEW_MARKERS = (f"Rollback Plan: {TITLE}", "Deployment Type: ")
WAYS = ("ctrl+t", "widened")


def first_preview(argv: list[str], env: dict[str, str], cwd: Path, way: str) -> float:
    """Seconds from ctrl+t (or the widening) to the preview on screen."""
    with TmuxApp(argv, env, cwd) as app:
        app.wait_for(WIZARD_MARKERS)
        app.drain(READING)
        mark = app.mark()
        start = time.perf_counter()
        if way == "ctrl+t":
            app.send_key("C-t")
        else:
            app.resize(*WIDE)
        return app.wait_for(PREVIEW_MARKERS, since=mark) - start


def echo_keys(env: dict[str, str], cwd: Path) -> list[float]:
    """The baseline: keys typed into the echo app, as the keystroke benchmark does."""
    cwd.mkdir()
    with TmuxApp([sys.executable, str(ECHO_APP), TITLE], env, cwd) as app:
        app.wait_for((f"[{TITLE}]", "Quit"))
        app.send_key("End")
        app.drain(READING)
        return type_keys(app, 10, TITLE, echo=True)


def plain_widened(env: dict[str, str], cwd: Path) -> float:
    """The floor of the widening: the same first screen in plain Textual, from the resize
    until its whole screen (down to the footer) is drawn again at 160 columns."""
    cwd.mkdir()
    with TmuxApp([sys.executable, str(PLAIN_APP)], env, cwd) as app:
        app.wait_for(WIZARD_MARKERS)
        app.drain(READING)
        mark = app.mark()
        start = time.perf_counter()
        app.resize(*WIDE)
        return app.wait_for(WIZARD_MARKERS, since=mark) - start


Times = dict[tuple[str, int], list[float]]


def measure(rounds: int, sizes: Sequence[int]) -> tuple[Times, list[float], list[float]]:
    """Seconds to the first preview by (way, size), the echo app's keys, and the plain
    screen's redrawing after the widening."""
    results: Times = {(w, s): [] for w in WAYS for s in sizes}
    echo: list[float] = []
    plain: list[float] = []
    with tempfile.TemporaryDirectory(prefix="rollback-bench-") as tmp:
        home = Path(tmp)
        env = _environment(home)
        env["TEXTUAL_FPS"] = "120"
        plans = write_plans(home, sizes)
        subjects = list(results)
        for round_ in range(rounds):
            echo += echo_keys(env, home / f"round-{round_}-echo")
            plain.append(plain_widened(env, home / f"round-{round_}-plain"))
            turn = round_ % len(subjects)
            for way, size in subjects[turn:] + subjects[:turn]:
                folder = home / f"round-{round_}-{way}-{size}"
                argv = wizard_argv(fresh_copy(plans[size], folder))
                results[way, size].append(first_preview(argv, env, folder, way))
    return results, echo, plain


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def report(results: Times, echo: list[float], plain: list[float], load: tuple[float, float]) -> str:
    sizes = sorted({size for _, size in results})
    runs = len(next(iter(results.values())))
    echo_p50 = statistics.median(echo)
    lines = [
        f"First preview in tmux, {runs} runs each (load average {load[0]:.2f} before, "
        f"{load[1]:.2f} after; {os.cpu_count()} CPUs)",
        f"  baseline: a key's way to the screen in plain Textual p50 {ms(echo_p50)}",
    ]
    plain_p50 = statistics.median(plain)
    lines.append(
        f"  baseline: plain Textual's first screen redrawn at 160 columns p50 {ms(plain_p50)}"
    )
    rows = [
        ["Baseline: a key to the screen in plain Textual (echo app)", ms(echo_p50), "", ""],
        [
            "Baseline: the same first screen in plain Textual redrawn after the same widening",
            ms(plain_p50),
            "",
            "",
        ],
    ]
    for way in WAYS:
        medians = {size: statistics.median(results[way, size]) for size in sizes}
        for size in sizes:
            times = results[way, size]
            median = medians[size]
            budget = (
                f"≤ {BUDGET_MS:.0f} ms {verdict(median * 1000, BUDGET_MS)}"
                if size in BUDGET_SIZES
                else ""
            )
            growth = ""
            if size == 1000 and 200 in medians:
                growth = f"{medians[1000] / medians[200] / 5:.2f}"
            what = "ctrl+t at 80×24" if way == "ctrl+t" else "widened from 80 to 160 columns"
            lines.append(
                f"  {what:<32} {size:>4} components  p50 {ms(median)}  max {ms(max(times))}  "
                f"{budget}"
            )
            rows.append([f"{what}, {size} components", ms(median), budget, growth])
    lines.append("")
    lines.append(
        markdown_table(
            f"First preview in tmux ({runs} runs each, p50; {READING:.0f} s after the first frame)",
            ["", "p50", "Budget", "Growth 200→1,000 (≤ 1.0: linear)"],
            rows,
        )
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="runs of each (default 3)")
    parser.add_argument("sizes", type=int, nargs="*", default=list(SIZES))
    args = parser.parse_args(argv)
    before = os.getloadavg()[0]
    results, echo, plain = measure(args.rounds, args.sizes)
    print(report(results, echo, plain, (before, os.getloadavg()[0])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
