"""The headless commands, whole processes, against importing what they are built on.

Each command (`status`, `check`, `tick`, `render`, `triggers`, `merge-driver`) runs as a
fresh process on a 2-component plan and on a 200-component one; its baseline is
``python -c "import pydantic, tomlkit, click"``, run in turn with it (A B A B ...), so the
ratio of each pair shares the machine's noise. Figures are medians of those ratios, of the
wall time from start to exit. `tick` ticks a fresh copy of the plan each run (the copy is not
timed); the merge driver merges fresh copies of three versions, ours and theirs each with
another item ticked since the base. Then `check` of 100 plan files in one process against
`check` of one.

Budgets (design.md): each command ≤ 1.3× the import at 2 components, growing ≤ 20% at 200;
`check` of 100 files ≤ 2× one file.

Run: .venv/bin/python benchmarks/headless.py [--runs N]
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
from collections.abc import Callable, Sequence
from pathlib import Path

from rollback_tui import store
from rollback_tui.plan.choices import new_plan
from rollback_tui.plan.timeline import set_done

BIN = Path(sys.executable).parent
COMMAND = str(BIN / "rollback-tui")
BASELINE = [sys.executable, "-c", "import pydantic, tomlkit, click"]
SIZES = (2, 200)
RATIO_BUDGET = 1.3
GROWTH_BUDGET = 1.2
MANY_FILES = 100
MANY_BUDGET = 2.0


def write_plan(path: Path, components: int) -> Path:
    plan = new_plan(
        title="Checkout v2",
        version="v2.4.0",
        target_version="v2.3.1",
        db_impact=True,
        feature_flag="checkout_v2",
        components=[f"c{i}" for i in range(components)],
    )
    store.save(store.new_file(path, plan), force=True)
    return path


def run_once(argv: Sequence[str], before: Callable[[], None] | None = None) -> float:
    """Seconds from start to exit of *argv* (after *before*, untimed)."""
    if before is not None:
        before()
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def paired(
    argv: Sequence[str],
    baseline: Sequence[str],
    runs: int,
    before: Callable[[], None] | None = None,
) -> tuple[float, float, float]:
    """Median seconds of *argv*, of *baseline*, and median of the per-pair ratios."""
    a: list[float] = []
    b: list[float] = []
    for i in range(runs + 1):  # the first pair warms the caches
        if i % 2 == 0:
            ta, tb = run_once(argv, before), run_once(baseline)
        else:
            tb, ta = run_once(baseline), run_once(argv, before)
        if i:
            a.append(ta)
            b.append(tb)
    ratios = [x / y for x, y in zip(a, b, strict=True)]
    return statistics.median(a), statistics.median(b), statistics.median(ratios)


def commands(folder: Path, size: int) -> dict[str, tuple[list[str], Callable[[], None] | None]]:
    """Each command's argv on the plan of *size* components, and what resets it first."""
    plan = write_plan(folder / f"plan-{size}.toml", size)
    pristine = folder / f"pristine-{size}.toml"
    shutil.copyfile(plan, pristine)
    ticked = folder / f"ticked-{size}.toml"
    sides = [folder / f"{side}-{size}.toml" for side in ("base", "ours", "theirs")]
    # As git calls the driver: both sides changed the plan, here each ticked another item
    # (the first and the last of the checklist).
    made = [folder / f"made-{side}-{size}.toml" for side in ("base", "ours", "theirs")]
    ids = [item.id for _, _, item in store.load(pristine).plan.checklist()]
    for path, item_id in zip(made, [None, ids[0], ids[-1]], strict=True):
        side = store.load(pristine)
        if item_id is not None:
            set_done(side.plan, item_id, True, "bench")
        side.path, side.identity = path, None
        store.save(side, force=True)

    def fresh_tick() -> None:
        shutil.copyfile(pristine, ticked)

    def fresh_sides() -> None:
        for source, side in zip(made, sides, strict=True):
            shutil.copyfile(source, side)

    return {
        "status": ([COMMAND, "status", str(plan)], None),
        "check": ([COMMAND, "check", str(plan)], None),
        "tick": ([COMMAND, "tick", str(ticked), "fu-1", "--by", "bench"], fresh_tick),
        "render": ([COMMAND, "render", str(plan)], None),
        "triggers": ([COMMAND, "triggers", str(plan)], None),
        "merge-driver": (
            [COMMAND, "merge-driver", *map(str, sides), str(folder / f"merged-{size}.toml")],
            fresh_sides,
        ),
    }


def verdict(ok: bool) -> str:
    return "PASS" if ok else "OVER"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=15, help="pairs per figure")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    rows: list[list[str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        results: dict[int, dict[str, tuple[float, float, float]]] = {}
        for size in SIZES:
            results[size] = {}
            for name, (command, before) in commands(folder, size).items():
                results[size][name] = paired(command, BASELINE, args.runs, before)
                a, b, ratio = results[size][name]
                print(
                    f"{name} at {size}: {a * 1000:.0f} ms, import {b * 1000:.0f} ms: {ratio:.2f}×"
                )
        for name in results[SIZES[0]]:
            few_a, few_b, few_ratio = results[SIZES[0]][name]
            many_ratio = results[SIZES[1]][name][2]
            grown = many_ratio / few_ratio
            rows.append(
                [
                    f"`{name}`",
                    f"{few_a * 1000:.0f} ms / {few_b * 1000:.0f} ms = {few_ratio:.2f}×",
                    f"≤ {RATIO_BUDGET}× {verdict(few_ratio <= RATIO_BUDGET)}",
                    f"{(grown - 1) * 100:+.0f}%",
                    f"≤ +{(GROWTH_BUDGET - 1) * 100:.0f}% {verdict(grown <= GROWTH_BUDGET)}",
                ]
            )
        one = folder / "one.toml"
        shutil.copyfile(folder / "plan-2.toml", one)
        many = folder / "many"
        many.mkdir()
        for i in range(MANY_FILES):
            shutil.copyfile(one, many / f"plan-{i}.toml")
        files = sorted(map(str, many.iterdir()))
        a, b, ratio = paired([COMMAND, "check", *files], [COMMAND, "check", str(one)], args.runs)
        print(f"check of {MANY_FILES} files: {a * 1000:.0f} ms, ", end="")
        print(f"of one {b * 1000:.0f} ms: {ratio:.2f}×")
    after = os.getloadavg()[0]
    print(f"\nload average {load:.2f} before, {after:.2f} after; {args.runs} pairs a figure")
    print()
    print("### Headless commands (whole process)")
    print()
    print(
        "| Command | at 2 components / `import pydantic, tomlkit, click` | Budget "
        "| Ratio's growth at 200 | Budget |"
    )
    print("|---|--:|--:|--:|--:|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(
        f"| `check` of {MANY_FILES} files | {a * 1000:.0f} ms / one file {b * 1000:.0f} ms = "
        f"{ratio:.2f}× | ≤ {MANY_BUDGET}× {verdict(ratio <= MANY_BUDGET)} | | |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
