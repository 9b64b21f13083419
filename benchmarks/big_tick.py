"""A tick on a 9 MB plan, whole process, against reading the same file with tomllib.

The plan has 24,000 components of three steps (files.make_plan), 8.8 MB of TOML, close to
the 10 MB a plan may be. Three kinds of tick are timed, with ``rollback-tui tick PLAN ID``:

- the first tick of a run: the plan held the last incident's run (one step ticked, not
  timed), ``rollback-tui reset`` archived and cleared it (timed too), and the next
  incident ticks its first step;
- the next tick: one more step of a plan that was ticked before, as in an incident: the
  shape its files had when last saved is kept (store/saved_shape.py), so only the
  component ticked is drawn again;
- the first tick of a fresh copy of the plan (the copy is not timed), as a plan arrives
  from git or from another member's save with no Markdown beside it: nothing of it is
  known, so its text is parsed, the layout of its text scanned and its whole Markdown
  drawn; once of a step of its sixth component, once of the last step of its last (the
  items are looked for in the plan's order).

Each reads, validates, patches the one component and the timeline, and writes the plan,
its backup and its Markdown. The baseline is ``python -c "import tomllib;
tomllib.loads(open(PLAN).read())"``, run in turn with them (A B C A B C ...). Figures are
medians of the wall time from start to exit and of the peak resident memory (the
process's maxrss). Linux counts in a child's maxrss what its parent held when it was
spawned, so the plan is made by a process of its own and this one stays small (under
50 MB: well below either figure).

Budgets (issue 32, item 8): a tick on a 9 MB plan ≤ 1 s and ≤ 200 MB.

Run: .venv/bin/python benchmarks/big_tick.py [--runs N] [--components N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from files import make_plan, markdown_table, verdict

from rollback_tui import store
from rollback_tui.locations import STATE_DIR_ENV

BIN = Path(sys.executable).parent
COMPONENTS = 24_000
STEP = "c5-1"
TIME_BUDGET_S = 1.0
MEMORY_BUDGET_MB = 200.0


def baseline(path: Path) -> list[str]:
    return [sys.executable, "-c", f"import tomllib; tomllib.loads(open({str(path)!r}).read())"]


def command() -> list[str]:
    script = BIN / "rollback-tui"
    return [str(script)] if script.exists() else [sys.executable, "-m", "rollback_tui"]


def tick(path: Path, step: str = STEP) -> list[str]:
    return [*command(), "tick", str(path), step, "--by", "bench"]


def run(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(seconds from start to exit, peak resident memory in MB) of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{argv[0]} exited {process.returncode}")
    return elapsed, usage.ru_maxrss / 1024  # kilobytes on Linux


def write_plan(path: Path, components: int) -> None:
    """The plan of *components* components at *path* (and its Markdown)."""
    store.save(store.new_file(path, make_plan(components)), force=True)


KINDS = ("first tick", "last step", "after reset", "next tick", "tomllib")
"""What is run in turn: "after reset" times the reset and the tick after it."""


def measure(folder: Path, components: int, runs: int) -> dict[str, list[tuple[float, float]]]:
    source = folder / "source.toml"
    env = {**os.environ, STATE_DIR_ENV: str(folder / "state")}  # gone with the folder
    subprocess.run(
        [sys.executable, __file__, "--write", str(source), "--components", str(components)],
        check=True,
        env={**env, STATE_DIR_ENV: str(folder / "writer-state")},  # nothing kept for the ticks
    )
    plan, ticked, reset = folder / "plan.toml", folder / "ticked.toml", folder / "reset.toml"
    shutil.copyfile(source, ticked)
    run(tick(ticked, "c0-1"), env)  # ticked before: its shape is kept
    results: dict[str, list[tuple[float, float]]] = {kind: [] for kind in (*KINDS, "reset")}
    for i in range(runs + 1):
        turn = i % len(KINDS)
        for kind in KINDS[turn:] + KINDS[:turn]:
            figures: dict[str, tuple[float, float]] = {}
            if kind == "next tick":
                figures[kind] = run(tick(ticked, f"c{i + 1}-1"), env)
            elif kind == "after reset":
                fresh_copy(source, reset)
                run(tick(reset, "c0-1"), env)  # the last incident's run
                figures["reset"] = run(reset_command(reset), env)
                figures[kind] = run(tick(reset), env)
            elif kind == "last step":
                fresh_copy(source, plan)
                figures[kind] = run(tick(plan, f"c{components - 1}-3"), env)
            else:
                fresh_copy(source, plan)
                figures[kind] = run(tick(plan) if kind == "first tick" else baseline(plan), env)
            if i:  # the first round warms the caches
                for name, figure in figures.items():
                    results[name].append(figure)
    return results


def fresh_copy(source: Path, plan: Path) -> None:
    """*source* copied to *plan*, with nothing beside it (no Markdown, backup or runs)."""
    shutil.copyfile(source, plan)
    for side in (plan.with_suffix(".md"), plan.with_name(plan.name + ".bak")):
        side.unlink(missing_ok=True)
    shutil.rmtree(plan.with_suffix(".runs"), ignore_errors=True)


def reset_command(path: Path) -> list[str]:
    return [*command(), "reset", str(path)]


def report(results: dict[str, list[tuple[float, float]]], size_mb: float) -> str:
    med = {
        name: (statistics.median(t for t, _ in runs), statistics.median(m for _, m in runs))
        for name, runs in results.items()
    }
    base_s, base_mb = med["tomllib"]
    runs = len(results["tomllib"])

    def budgets(seconds: float, mb: float) -> str:
        return (
            f"≤ {TIME_BUDGET_S:.0f} s: {verdict(seconds <= TIME_BUDGET_S)}; "
            f"≤ {MEMORY_BUDGET_MB:.0f} MB: {verdict(mb <= MEMORY_BUDGET_MB)}"
        )

    lines = [f"A tick on a {size_mb:.1f} MB plan, whole process ({runs} runs each, interleaved)"]
    rows = []
    for kind, label in (
        ("after reset", "First tick of a run, after `reset` (its files as reset wrote them)"),
        ("next tick", "Next tick: a plan ticked before (its shape kept)"),
        ("first tick", "First tick of a fresh copy, no Markdown beside it (parsed, drawn whole)"),
        ("last step", "The same, of the last step of the last component"),
        ("reset", "`reset` of the last run (one step ticked), archive and plan written"),
    ):
        seconds, mb = med[kind]
        verdicts = budgets(seconds, mb) if kind != "reset" else ""
        lines.append(
            f"  {kind:<11}  p50 {seconds:.2f} s  peak {mb:.0f} MB  "
            f"({seconds / base_s:.2f}× the time of tomllib)  {verdicts}"
        )
        rows.append([label, f"{seconds:.2f} s", f"{mb:.0f} MB", verdicts])
    lines += [f"  tomllib.loads  p50 {base_s:.2f} s  peak {base_mb:.0f} MB", ""]
    rows.append(
        ["Baseline: `tomllib.loads` of the same file", f"{base_s:.2f} s", f"{base_mb:.0f} MB", ""]
    )
    lines.append(
        markdown_table(
            f"A tick on a {size_mb:.1f} MB plan ({runs} runs)",
            ["Whole process, medians", "Wall time", "Peak memory", "Budget"],
            rows,
        )
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each (default 5)")
    parser.add_argument(
        "--components", type=int, default=COMPONENTS, help=f"(default {COMPONENTS:,})"
    )
    parser.add_argument("--write", type=Path, help=argparse.SUPPRESS)  # the plan, in a child
    args = parser.parse_args(argv)
    if args.write is not None:
        write_plan(args.write, args.components)
        return 0
    with tempfile.TemporaryDirectory(prefix="rollback-bench-") as tmp:
        folder = Path(tmp)
        results = measure(folder, args.components, args.runs)
        size_mb = (folder / "source.toml").stat().st_size / 1e6
    print(report(results, size_mb))
    return 0


if __name__ == "__main__":
    sys.exit(main())
