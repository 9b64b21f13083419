"""Keystroke to screen, end to end in tmux: the wizard by plan size, beside plain Textual.

Each app runs in its own tmux server at 80×24 (benchmarks/tmux_terminal.py). Keys are typed
one at a time with ``send-keys`` into the focused field (the wizard's Title, the echo app's
Input), in a typist's rhythm: words of five keys 60 ms apart, 320 ms between words (the
wizard checks the plan 300 ms after the last key, so the next word's first key comes while
it does), and, once in each session, a pause of 2.05 s (the wizard makes its recovery file
2 s after the last edit). A key is never sent before the previous one is on screen. Each
key is timed from the moment it is sent to tmux until tmux has passed on the screen update
that shows it: for the wizard the Title's new text, for the baseline the Static that
repeats the Input (benchmarks/echo_app.py). Sessions take turns, round after round, so that
the machine's load weighs on all alike; both apps run with TEXTUAL_FPS=120, as
`rollback-tui` sets it.

Two layouts, each its own table: 80×24, where the form fills the screen and a key is on
screen when the Title shows it; and 200×50, where the preview is beside the form and a key
is on screen only when the preview's heading ("Rollback Plan: <title>") shows it — the key,
the plan's re-render and the preview's redraw, end to end. The echo app runs at the same
size in the same rounds.

Budgets (the wizard's figure over the echo app's, in the same run): at 80×24, p95 ≤ 1.1× at
200 components and ≤ 1.5× at 1,000; at 200×50 (the preview shown), p95 ≤ 1.1× at 200 and
≤ 1.5× at 1,000, and the median ≤ 1.1× at 1,000. The growth factor is the figure at 1,000
components over that at 200, divided by 5: at most 1.0 means it grows no faster than
linearly.

Run: .venv/bin/python benchmarks/keystrokes.py [--rounds N] [--keys N] [--layout form|preview]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench_stats import percentile
from startup import WIZARD_MARKERS, _environment, markdown_table, verdict, wizard_argv
from tmux_terminal import TmuxApp

from rollback_tui import store
from rollback_tui.plan import Plan, new_plan

HERE = Path(__file__).resolve().parent
ECHO_APP = HERE / "echo_app.py"
SIZES = (2, 200, 1000)
BUDGETS = {200: 1.1, 1000: 1.5}
MEDIAN_BUDGETS = {"preview": {1000: 1.1}}
LAYOUTS = {"form": (80, 24), "preview": (200, 50)}
TITLE = "Checkout v2"
TYPED = "abcdefghij"
WORD = 5
GAPS = (0.06, 0.32, 2.05)
"""Between the keys of a word, between words, and once a session (after the 10th key)."""


def gap_after(index: int) -> float:
    """Seconds from key *index* (from 0) to the next one, in the typist's rhythm."""
    if index == 9:
        return GAPS[2]
    return GAPS[1] if index % WORD == WORD - 1 else GAPS[0]


def make_plan(components: int) -> Plan:
    """A complete plan with *components* components, titled as the example."""
    return new_plan(
        title=TITLE,
        incident="Card payments fail for some users",
        version="v2.4.0",
        target_version="v2.3.1",
        db_impact=True,
        feature_flag="checkout_v2",
        components=[f"service-{i}" for i in range(components)],
    )


def write_plans(folder: Path, sizes: Sequence[int]) -> dict[int, Path]:
    """One saved plan (TOML and Markdown) per size, in *folder*."""
    plans = {}
    for size in sizes:
        path = folder / f"plan-{size}.toml"
        store.save(store.new_file(path, make_plan(size)), force=True)
        plans[size] = path
    return plans


def fresh_copy(plan: Path, folder: Path) -> Path:
    """A copy of *plan* (and its Markdown) in a new folder: no lock or recovery file of an
    earlier session."""
    folder.mkdir(parents=True)
    copy = folder / "plan.toml"
    shutil.copyfile(plan, copy)
    if plan.with_suffix(".md").exists():
        shutil.copyfile(plan.with_suffix(".md"), copy.with_suffix(".md"))
    return copy


def marker_for(text: str, echo: bool, layout: str) -> str:
    """What shows a key typed in the field that now holds *text*: the echo app's Static,
    the wizard's Title field (its last characters: the field may scroll), or the preview's
    heading."""
    if echo:
        return f"[{text}]"
    if layout == "preview":
        return f"Rollback Plan: {text}"
    return text[-12:]


def type_keys(app: TmuxApp, keys: int, shown: str, echo: bool, layout: str = "form") -> list[float]:
    """Type *keys* keys after *shown* (the field's text); seconds each took to show."""
    times = []
    text = shown
    for i in range(keys):
        char = TYPED[i % len(TYPED)]
        text += char
        marker = marker_for(text, echo, layout)
        mark = app.mark()
        start = time.perf_counter()
        app.send_text(char)
        times.append(app.wait_for([marker], since=mark) - start)
        app.drain(max(0.0, gap_after(i) - (time.perf_counter() - start)))
    return times


def session(
    argv: list[str],
    markers: Sequence[str],
    env: dict[str, str],
    cwd: Path,
    keys: int,
    echo: bool,
    layout: str,
) -> list[float]:
    """One app in tmux: wait for its first frame, settle, then type."""
    columns, rows = LAYOUTS[layout]
    with TmuxApp(argv, env, cwd, columns, rows) as app:
        app.wait_for(markers)
        app.send_key("End")
        app.drain(0.5 if layout == "form" else 1.5)  # the first frame's follow-ups are over
        return type_keys(app, keys, TITLE, echo, layout)


def measure(
    rounds: int, keys: int, sizes: Sequence[int], layout: str = "form"
) -> dict[str, list[float]]:
    """Keystroke times by subject ("echo", or a plan size), *rounds* sessions each."""
    results: dict[str, list[float]] = {"echo": [], **{str(size): [] for size in sizes}}
    with tempfile.TemporaryDirectory(prefix="rollback-bench-") as tmp:
        home = Path(tmp)
        env = _environment(home)
        env["TEXTUAL_FPS"] = "120"
        plans = write_plans(home, sizes)
        subjects = list(results)
        for round_ in range(rounds):
            for name in subjects[round_ % len(subjects) :] + subjects[: round_ % len(subjects)]:
                folder = home / f"round-{round_}-{name}"
                if name == "echo":
                    folder.mkdir()
                    argv = [sys.executable, str(ECHO_APP), TITLE]
                    markers: Sequence[str] = (f"[{TITLE}]", "Quit")
                else:
                    argv = wizard_argv(fresh_copy(plans[int(name)], folder))
                    markers = WIZARD_MARKERS
                    if layout == "preview":
                        markers = (*markers, f"Rollback Plan: {TITLE}")
                results[name] += session(argv, markers, env, folder, keys, name == "echo", layout)
    return results


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def budget_text(ratio: float, budget: float | None, what: str) -> str:
    return f"{what} ≤ {budget}× {verdict(ratio, budget)}" if budget else ""


def report(
    results: dict[str, list[float]], load: tuple[float, float], layout: str
) -> tuple[str, str]:
    """The figures as lines to read, and as a Markdown table under a ``###`` title."""
    columns, rows_ = LAYOUTS[layout]
    size_text = f"{columns}×{rows_}"
    shows = "the preview's heading" if layout == "preview" else "the Title field"
    echo = results["echo"]
    echo_p50, echo_p95 = statistics.median(echo), percentile(echo, 0.95)
    sizes = [int(name) for name in results if name != "echo"]
    lines = [
        f"Keystroke to {shows} in tmux at {size_text}, {len(echo)} keys each "
        f"(load average {load[0]:.2f} before, {load[1]:.2f} after; {os.cpu_count()} CPUs)",
        "",
        f"  echo app (plain Textual)  p50 {ms(echo_p50)}  p95 {ms(echo_p95)}",
    ]
    rows = [
        [
            "Echo app (plain Textual): an Input a Static repeats",
            ms(echo_p50),
            ms(echo_p95),
            "1.00×",
            "1.00×",
            "",
            "",
        ]
    ]
    p95s = {}
    for size in sizes:
        times = results[str(size)]
        p50 = statistics.median(times)
        p95s[size] = p95 = percentile(times, 0.95)
        ratio, median_ratio = p95 / echo_p95, p50 / echo_p50
        verdicts = [
            budget_text(ratio, BUDGETS.get(size), "p95"),
            budget_text(median_ratio, MEDIAN_BUDGETS.get(layout, {}).get(size), "p50"),
        ]
        verdict_text = ", ".join(v for v in verdicts if v)
        lines.append(
            f"  wizard, {size:>4} components  p50 {ms(p50)} ({median_ratio:.2f}×)  "
            f"p95 {ms(p95)} ({ratio:.2f}×)  {verdict_text}"
        )
        rows.append(
            [
                f"The wizard, {size} components ({shows})",
                ms(p50),
                ms(p95),
                f"{median_ratio:.2f}×",
                f"{ratio:.2f}×",
                verdict_text,
                "",
            ]
        )
    if 200 in p95s and 1000 in p95s:
        growth = (p95s[1000] / p95s[200]) / 5
        rows[-1][-1] = f"{growth:.2f} (p95 ×{p95s[1000] / p95s[200]:.2f} for 5× the plan)"
        lines.append(f"  growth 200→1,000 components: {growth:.2f} (≤ 1.0: no faster than linear)")
    header = ["", "p50", "p95", "p50 over the echo app's", "p95 over the echo app's"]
    table = markdown_table(
        f"Keystroke to {shows} in tmux ({size_text}, {len(echo)} keys each, interleaved)",
        [*header, "Budget", "Growth"],
        rows,
    )
    return "\n".join(lines), table


def one_block(tables: Sequence[str]) -> str:
    """The tables under the first one's ``###`` title; the others' titles become captions
    (the README takes one block from each benchmark)."""
    parts = [tables[0]]
    for table in tables[1:]:
        title, _, rest = table.partition("\n")
        parts.append(title.removeprefix("### ") + ":\n" + rest)
    return "\n\n".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="sessions of each app")
    parser.add_argument("--keys", type=int, default=20, help="keys typed in each session")
    parser.add_argument(
        "--layout",
        choices=[*LAYOUTS, "both"],
        default="both",
        help="80×24 form, 200×50 with the preview, or both (default), one table each",
    )
    parser.add_argument("sizes", type=int, nargs="*", default=list(SIZES))
    args = parser.parse_args(argv)
    layouts = list(LAYOUTS) if args.layout == "both" else [args.layout]
    tables = []
    for layout in layouts:
        before = os.getloadavg()[0]
        results = measure(args.rounds, args.keys, args.sizes, layout)
        text, table = report(results, (before, os.getloadavg()[0]), layout)
        print(text + "\n", flush=True)
        tables.append(table)
    print(one_block(tables))
    return 0


if __name__ == "__main__":
    sys.exit(main())
