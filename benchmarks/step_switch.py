"""Step switches and row changes until the screen settles, end to end in tmux.

The wizard opens a plan of 200 (and 1,000) components in tmux at 160×48 (the preview beside
the form; benchmarks/tmux_terminal.py), with a steady cursor (`cursor_blink = false` in the
user config: nothing else writes on its own). Once its preview is drawn and READING seconds
later (a user reads the first step; the wizard builds the others meanwhile), F8 walks from
Basics to Review, every step's first visit, and F7 walks back, every step seen before; then
on Components, ctrl+o adds a component and ctrl+r removes it, three times. Each key is timed
from the moment it is sent to tmux until the last screen update it caused: the app is
deemed settled once the key's result is on screen (the next step's title and first line,
the new component's name, the notice of its removal) and it has then written nothing for
QUIET seconds; the time of its last output counts (not the first change: a step drawn in
parts settles when its last part is drawn). Both conditions matter on long plans: an app
busy for longer than the quiet time writes nothing meanwhile, and quiet alone would count
such a key as settled at once.

The baselines, in the same run and at the same size: a key's way to the screen in plain
Textual (benchmarks/echo_app.py, typed as the keystroke benchmark types it), and the same
walk in plain Textual (benchmarks/plain_steps.py: panes of as many rows of inputs as the
wizard's, a long preview, a footer), timed the same way: what Textual itself takes to show
such a pane. Budget: every switch and row change, first visits included, settles within
2× the echo app's p95 at 200 components.

Run: .venv/bin/python benchmarks/step_switch.py [--rounds N] [SIZES...]
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

from bench_stats import percentile
from keystrokes import ECHO_APP, TITLE, fresh_copy, type_keys, write_plans
from startup import WIZARD_MARKERS, _environment, markdown_table, verdict, wizard_argv
from tmux_terminal import TmuxApp

SIZES = (200, 1000)
BUDGET = 2.0
BUDGET_SIZE = 200
COLUMNS, ROWS = 160, 48
QUIET = 1.0
"""Seconds without output after which the screen counts as settled."""
NOTICE = 5.5
"""Seconds a removal's notice stays (Textual's 5 s, and a margin): it goes before the next
key, whose settling it would otherwise end late."""
STEPS = 10
"""Basics to Review: F8 nine times forward, F7 nine times back."""
ROW_CHANGES = 3
READING = 8.0
"""Seconds on the first step before F8: the wizard builds the other steps meanwhile."""
COMPONENTS_STEP = 5
"""F8 presses from Basics to Components."""


def timed(app: TmuxApp, key: str, shows: Sequence[str]) -> float:
    """Seconds from sending *key* until the screen settled: every one of *shows* written
    since, then nothing for QUIET seconds."""
    since = app.mark()
    start = time.perf_counter()
    app.send_key(key)
    app.wait_for(shows, since=since)
    return app.settle(QUIET) - start


def step_shows(index: int) -> list[str]:
    """What the wizard's step *index* (0 is Basics) shows of its own when it is on screen:
    its title and the first words of its introduction (the step list and the preview show
    the title alone; Follow-up's introduction is the key hints every list step has)."""
    from rollback_tui.ui.wizard.steps import STEPS as PANES

    pane = PANES[index]
    first_line = pane.intro.splitlines()[0] if pane.intro else ""
    shows = [pane.title]
    if first_line and "ctrl+o" not in first_line:
        # Its first words only: the pane wraps a long line, and a marker must be one piece.
        shows.append(first_line[: first_line.rfind(" ", 0, 40)])
    return shows + LAST_DRAWN.get(pane.key, [])


LAST_DRAWN = {"review": ["Reviewed:"]}
"""What a step draws below its title and introduction, where those may come first: Review's
dates, under its findings and buttons. (Beside the preview, as here, Review shows no
preview of its own; narrower, its own comes after its form, as the wizard's does.)"""


def wizard_session(plan: Path, env: dict[str, str], folder: Path) -> dict[str, list[float]]:
    """One session: the step walk and the row changes; seconds by kind."""
    times: dict[str, list[float]] = {"first": [], "again": [], "add": [], "remove": []}
    with TmuxApp(wizard_argv(fresh_copy(plan, folder)), env, folder, COLUMNS, ROWS) as app:
        app.wait_for([*WIZARD_MARKERS, f"Rollback Plan: {TITLE}"])
        app.settle(1.0)  # the preview's sections below the screen are drawn
        app.drain(READING)
        for step in range(1, STEPS):
            times["first"].append(timed(app, "F8", step_shows(step)))
        for step in range(STEPS - 2, -1, -1):
            times["again"].append(timed(app, "F7", step_shows(step)))
        for step in range(1, COMPONENTS_STEP + 1):
            timed(app, "F8", step_shows(step))
        for _ in range(ROW_CHANGES):
            times["add"].append(timed(app, "C-o", ["Name", "component-"]))
            sent = time.perf_counter()
            times["remove"].append(timed(app, "C-r", ["Removed component"]))
            app.drain(sent + NOTICE - time.perf_counter())
            app.settle(QUIET)
    return times


PLAIN_APP = Path(__file__).resolve().parent / "plain_steps.py"


def plain_session(env: dict[str, str], folder: Path) -> dict[str, list[float]]:
    """The same walk in plain Textual."""
    folder.mkdir()
    times: dict[str, list[float]] = {"first": [], "again": []}
    with TmuxApp([sys.executable, str(PLAIN_APP)], env, folder, COLUMNS, ROWS) as app:
        app.wait_for(["preview line 1", "Quit"])
        app.settle(1.0)
        for step in range(1, STEPS):
            times["first"].append(timed(app, "F8", [plain_shows(step)]))
        for step in range(STEPS - 2, -1, -1):
            times["again"].append(timed(app, "F7", [plain_shows(step)]))
    return times


def plain_shows(index: int) -> str:
    """What plain_steps.py's pane *index* shows of its own: its first input's value."""
    from plain_steps import STEPS as PANES

    return f"{PANES[index][0]} 1 text"


def echo_session(env: dict[str, str], folder: Path, keys: int) -> list[float]:
    folder.mkdir()
    argv = [sys.executable, str(ECHO_APP), TITLE]
    with TmuxApp(argv, env, folder, COLUMNS, ROWS) as app:
        app.wait_for([f"[{TITLE}]", "Quit"])
        app.send_key("End")
        app.drain(0.5)
        return type_keys(app, keys, TITLE, True, "form")


def measure(
    rounds: int, sizes: Sequence[int]
) -> tuple[list[float], dict[str, list[float]], dict[int, dict[str, list[float]]]]:
    echo: list[float] = []
    plain: dict[str, list[float]] = {"first": [], "again": []}
    wizard: dict[int, dict[str, list[float]]] = {size: {} for size in sizes}
    with tempfile.TemporaryDirectory(prefix="rollback-bench-") as tmp:
        home = Path(tmp)
        env = _environment(home)
        env["TEXTUAL_FPS"] = "120"
        config = Path(env["ROLLBACK_TUI_CONFIG_DIR"]) / "config.toml"
        config.parent.mkdir(parents=True)
        config.write_text("cursor_blink = false\n")
        plans = write_plans(home, sizes)
        for round_ in range(rounds):
            echo += echo_session(env, home / f"echo-{round_}", 20)
            for kind, seconds in plain_session(env, home / f"plain-{round_}").items():
                plain[kind] += seconds
            for size in sizes:
                got = wizard_session(plans[size], env, home / f"round-{round_}-{size}")
                for kind, seconds in got.items():
                    wizard[size].setdefault(kind, []).extend(seconds)
    return echo, plain, wizard


KINDS = {
    "first": "F8 to the next step, first visit",
    "again": "F7 to the step before, seen before",
    "add": "ctrl+o: add a component",
    "remove": "ctrl+r: remove it",
}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def report(
    echo: list[float],
    plain: dict[str, list[float]],
    wizard: dict[int, dict[str, list[float]]],
    rounds: int,
) -> str:
    echo_p95 = percentile(echo, 0.95)
    lines = [f"  echo app (plain Textual)  p50 {ms(statistics.median(echo))}  p95 {ms(echo_p95)}"]
    rows = [
        [
            "Baseline: a key to the screen in plain Textual (echo app), p95",
            "",
            ms(echo_p95),
            "",
            "1.00×",
            "",
        ]
    ]
    for kind in ("first", "again"):
        times = plain[kind]
        p50, p95 = statistics.median(times), percentile(times, 0.95)
        label = f"Baseline: {KINDS[kind].split(',')[0]} in plain Textual (plain_steps.py)"
        lines.append(f"  {label}: p50 {ms(p50)}  p95 {ms(p95)}  {p95 / echo_p95:.2f}×")
        rows.append([label, ms(p50), ms(p95), ms(max(times)), f"{p95 / echo_p95:.2f}×", ""])
    for size, kinds in wizard.items():
        for kind, label in KINDS.items():
            times = kinds[kind]
            p50, p95, worst = statistics.median(times), percentile(times, 0.95), max(times)
            ratio = p95 / echo_p95
            budget = f"≤ {BUDGET}× {verdict(ratio, BUDGET)}" if size == BUDGET_SIZE else ""
            lines.append(
                f"  {size:>4} components, {label}: p50 {ms(p50)}  p95 {ms(p95)}  "
                f"worst {ms(worst)}  {ratio:.2f}× the echo p95  {budget}"
            )
            rows.append(
                [
                    f"{label}, {size} components",
                    ms(p50),
                    ms(p95),
                    ms(worst),
                    f"{ratio:.2f}×",
                    budget,
                ]
            )
    title = (
        f"Step switches and row changes until settled ({COLUMNS}×{ROWS} in tmux, "
        f"{rounds} sessions each)"
    )
    table = markdown_table(
        title, ["", "p50", "p95", "Worst", "p95 over the echo app's p95", "Budget"], rows
    )
    return "\n".join([*lines, "", table])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="sessions of each app")
    parser.add_argument("sizes", type=int, nargs="*", default=list(SIZES))
    args = parser.parse_args(argv)
    print(f"load average {os.getloadavg()[0]:.2f}; {os.cpu_count()} CPUs", flush=True)
    echo, plain, wizard = measure(args.rounds, args.sizes)
    print(report(echo, plain, wizard, args.rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
