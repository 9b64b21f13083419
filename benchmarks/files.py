"""Plan files at scale: load, save and render at 10, 200 and 1,000 components.

Plans come from ``new_plan`` with components named c0, c1, ...; they are written with
``store.save`` to a temporary folder. Each round loads every size, ticks one step and
saves it (as ``rollback-tui tick`` does), and renders it, so the sizes share the machine's
noise alike; figures are medians over the rounds. A save patches only the tables it
changed; its baseline is the same save through the whole tomlkit document (the way a
save that removes or moves rows still goes). The growth factor is the time at 1,000
components over the time at 10, divided by 100: about 1.0 means the cost grows linearly,
less means a fixed cost still dominates at 10.

Then the budgets: rendering exactly 1,000 checklist items; load plus save at 200
components; and ``rollback-tui render`` of a 200-component plan against a 2-component one,
whole processes, interleaved.

Run: .venv/bin/python benchmarks/files.py [--rounds N] [--runs N]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from bench_stats import percentile

from rollback_tui import store
from rollback_tui.plan import Plan, new_plan
from rollback_tui.plan.timeline import set_done
from rollback_tui.render import render_markdown
from rollback_tui.store import patch as plan_patch

SIZES = (10, 200, 1000)
RENDER_ITEMS = 1000
RENDER_BUDGET_MS = 20.0
LOAD_SAVE_SIZE = 200
LOAD_SAVE_BUDGET_MS = 150.0
CLI_SIZES = (2, 200)
CLI_BUDGET_MS = 150.0


def make_plan(components: int) -> Plan:
    """A complete plan from the spec's defaults with *components* components c0, c1, ..."""
    return new_plan(
        title="Checkout v2",
        incident="Card payments fail for some users",
        version="v2.4.0",
        target_version="v2.3.1",
        db_impact=True,
        feature_flag="checkout_v2",
        components=[f"c{i}" for i in range(components)],
    )


def plan_with_items(count: int) -> Plan:
    """A plan whose Markdown shows exactly *count* checklist items (components fill it)."""
    plan = make_plan(0)
    base = len(plan.checklist(active=True))
    if count < base:
        raise ValueError(f"a plan has at least {base} checklist items")
    per_component = len(make_plan(1).checklist()) - base
    full, rest = divmod(count - base, per_component)
    plan = make_plan(full + (1 if rest else 0))
    if rest:
        plan.components[-1].steps = plan.components[-1].steps[:rest]
    assert len(plan.checklist(active=True)) == len(plan.checklist()) == count
    return plan


def write_plan(folder: Path, components: int) -> Path:
    """A plan file with *components* components (and its Markdown) in *folder*."""
    path = folder / f"plan-{components}.toml"
    store.save(store.new_file(path, make_plan(components)), force=True)
    return path


def timed(action: Callable[[], object]) -> float:
    """Seconds taken by *action*."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def growth(small: float, large: float, scale: float) -> float:
    """(large / small) / scale: about 1.0 when the cost is linear in size."""
    return large / small / scale


def verdict(ok: bool) -> str:
    return "PASS" if ok else "OVER"


def ms(seconds: float) -> str:
    value = seconds * 1000
    return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"


def markdown_table(title: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub Markdown table under a ``### title`` line."""
    lines = [
        f"### {title}",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" if i == 0 else "--:" for i in range(len(header))) + "|",
    ]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


# -- measuring ---------------------------------------------------------------------------


def measure_sizes(folder: Path, rounds: int) -> dict[int, dict[str, list[float]]]:
    """Load, tick-and-save, render and load+save at every size, *rounds* times each."""
    paths = {size: write_plan(folder, size) for size in SIZES}
    times: dict[int, dict[str, list[float]]] = {
        size: {"load": [], "save": [], "render": [], "load+save": [], "whole save": []}
        for size in SIZES
    }
    for path in paths.values():  # warm-up: caches, lazy imports
        plan_file = store.load(path)
        store.save(plan_file)
        render_markdown(plan_file.plan)
    for round_ in range(rounds):
        for size in SIZES if round_ % 2 == 0 else reversed(SIZES):
            path = paths[size]
            holder: list[store.PlanFile] = []
            load = timed(lambda path=path, holder=holder: holder.append(store.load(path)))
            plan_file = holder[0]
            item = plan_file.plan.checklist()[0][2]
            set_done(plan_file.plan, item.id, not item.done, "bench")
            save = timed(lambda plan_file=plan_file: store.save(plan_file))
            render = timed(lambda plan_file=plan_file: render_markdown(plan_file.plan))
            # The baseline: the same save through the whole tomlkit document, as a save
            # that removes or moves rows still goes.
            set_done(plan_file.plan, item.id, not item.done, "bench")
            with whole_document():
                whole = timed(lambda plan_file=plan_file: store.save(plan_file))
            for name, value in (
                ("load", load),
                ("save", save),
                ("render", render),
                ("load+save", load + save),
                ("whole save", whole),
            ):
                times[size][name].append(value)
    return times


@contextlib.contextmanager
def whole_document() -> Iterator[None]:
    """Saves inside parse and write the whole document: patching is switched off."""
    patch, patch_data = plan_patch.patch, plan_patch.patch_data
    plan_patch.patch = plan_patch.patch_data = lambda text, raw, plan, **_: None
    try:
        yield
    finally:
        plan_patch.patch, plan_patch.patch_data = patch, patch_data


def measure_render_items(repeats: int) -> list[float]:
    plan = plan_with_items(RENDER_ITEMS)
    render_markdown(plan)
    return [timed(lambda: render_markdown(plan)) for _ in range(repeats)]


def cli_argv(path: Path) -> list[str]:
    script = Path(sys.executable).parent / "rollback-tui"
    if script.exists():
        return [str(script), "render", str(path)]
    return [sys.executable, "-m", "rollback_tui", "render", str(path)]


def measure_cli(folder: Path, runs: int) -> dict[int, list[float]]:
    """Whole ``rollback-tui render`` processes at each of CLI_SIZES, interleaved."""
    paths = {size: write_plan(folder, size) for size in CLI_SIZES}
    times: dict[int, list[float]] = {size: [] for size in CLI_SIZES}
    for i in range(runs + 1):
        for size in CLI_SIZES if i % 2 == 0 else reversed(CLI_SIZES):
            start = time.perf_counter()
            subprocess.run(cli_argv(paths[size]), stdout=subprocess.DEVNULL, check=True)
            if i:  # the first round warms the caches
                times[size].append(time.perf_counter() - start)
    return times


# -- reporting ---------------------------------------------------------------------------


def report(
    sizes: dict[int, dict[str, list[float]]],
    items: list[float],
    cli: dict[int, list[float]],
    load: tuple[float, float],
) -> str:
    """The human-readable report, then the README's table (the last block)."""
    small, large = SIZES[0], SIZES[-1]
    scale = large / small
    med = {
        size: {name: statistics.median(v) for name, v in figures.items()}
        for size, figures in sizes.items()
    }
    rounds = len(sizes[small]["load"])
    lines = [
        f"Plan files at {', '.join(f'{s:,}' for s in SIZES)} components, {rounds} rounds "
        "(p50 / p95)",
        f"load average {load[0]:.2f} before, {load[1]:.2f} after; {os.cpu_count()} CPUs",
        "",
    ]
    for size in SIZES:
        items_count = len(make_plan(size).checklist())
        lines.append(f"  {size:>5,} components ({items_count:,} checklist items)")
        for name, values in sizes[size].items():
            lines.append(
                f"    {name:<10} {ms(statistics.median(values)):>9} / "
                f"{ms(percentile(values, 0.95)):>9}"
            )
    lines.append("")
    lines.append(f"  growth factor ({large:,} vs {small} components, per ×{scale:.0f}):")
    for name in ("load", "save", "render", "load+save", "whole save"):
        lines.append(f"    {name:<10} {growth(med[small][name], med[large][name], scale):.2f}")

    render_ms = statistics.median(items) * 1000
    load_save_ms = med[LOAD_SAVE_SIZE]["load+save"] * 1000
    few, many = CLI_SIZES
    cli_few, cli_many = statistics.median(cli[few]), statistics.median(cli[many])
    extra_ms = (cli_many - cli_few) * 1000
    lines += [
        "",
        "  budgets",
        f"    render {RENDER_ITEMS:,} checklist items   p50 {render_ms:.1f} ms   "
        f"p95 {percentile(items, 0.95) * 1000:.1f} ms   ({len(items)} runs)   "
        f"≤ {RENDER_BUDGET_MS:.0f} ms  {verdict(render_ms <= RENDER_BUDGET_MS)}",
        f"    load + save, {LOAD_SAVE_SIZE} components   p50 {load_save_ms:.0f} ms   "
        f"p95 {percentile(sizes[LOAD_SAVE_SIZE]['load+save'], 0.95) * 1000:.0f} ms   "
        f"≤ {LOAD_SAVE_BUDGET_MS:.0f} ms  {verdict(load_save_ms <= LOAD_SAVE_BUDGET_MS)}",
        f"    `rollback-tui render`, whole process ({len(cli[few])} runs each, interleaved):",
        f"      {few} components    p50 {cli_few * 1000:.0f} ms   "
        f"p95 {percentile(cli[few], 0.95) * 1000:.0f} ms",
        f"      {many} components  p50 {cli_many * 1000:.0f} ms   "
        f"p95 {percentile(cli[many], 0.95) * 1000:.0f} ms",
        f"      difference  {extra_ms:+.0f} ms (ratio {cli_many / cli_few:.2f}×)   "
        f"≤ +{CLI_BUDGET_MS:.0f} ms  {verdict(extra_ms <= CLI_BUDGET_MS)}",
        "",
    ]

    def row(label: str, name: str) -> list[str]:
        return [
            label,
            *(ms(med[size][name]) for size in SIZES),
            f"{growth(med[small][name], med[large][name], scale):.2f}",
        ]

    rows = [
        [*row("Load", "load"), ""],
        [*row("Save (after one tick)", "save"), ""],
        [*row("Baseline: the same save through the whole tomlkit document", "whole save"), ""],
        [
            *row("Load + save", "load+save"),
            f"≤ {LOAD_SAVE_BUDGET_MS:.0f} ms at {LOAD_SAVE_SIZE}: "
            f"{verdict(load_save_ms <= LOAD_SAVE_BUDGET_MS)}",
        ],
        [*row("Render Markdown", "render"), ""],
        [
            f"Render a plan of exactly {RENDER_ITEMS:,} checklist items",
            "",
            "",
            "",
            "",
            f"{render_ms:.1f} ms; ≤ {RENDER_BUDGET_MS:.0f} ms: "
            f"{verdict(render_ms <= RENDER_BUDGET_MS)}",
        ],
        [
            f"`rollback-tui render`, whole process ({few} components: {cli_few * 1000:.0f} ms)",
            "",
            f"{cli_many * 1000:.0f} ms",
            "",
            "",
            f"{extra_ms:+.0f} ms over {few} components; ≤ +{CLI_BUDGET_MS:.0f} ms: "
            f"{verdict(extra_ms <= CLI_BUDGET_MS)}",
        ],
    ]
    header = [
        "Medians",
        *(f"{size:,} components" for size in SIZES),
        f"Growth (per ×{scale:.0f})",
        "Budget",
    ]
    lines.append(
        markdown_table(f"Plan files: load, save and render ({rounds} rounds)", header, rows)
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rounds",
        type=int,
        default=7,
        help="rounds of load, save and render at every size (default 7)",
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=15,
        help="`rollback-tui render` processes at each size (default 15)",
    )
    args = parser.parse_args(argv)
    before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="rollback-bench-") as tmp:
        folder = Path(tmp)
        sizes = measure_sizes(folder, args.rounds)
        items = measure_render_items(max(25, args.rounds * 5))
        cli = measure_cli(folder, args.runs)
    print(report(sizes, items, cli, (before, os.getloadavg()[0])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
