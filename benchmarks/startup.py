"""Start-up: process start to the wizard's first frame, against the same screen in plain Textual.

Both apps run as fresh processes in a pseudo-terminal of 80×24 (TERM=xterm-256color), in
turn, so that whatever else the machine is doing weighs on both alike. The clock runs from
just before the fork until the terminal has been sent the whole first screen: for the
wizard, the Basics form filled from the plan (its title in the Title field) and the footer;
for the baseline, its Input, Markdown and Footer. Then the process is killed and its peak
memory (ru_maxrss, from wait4) is read. The budgets: the wizard's first frame within 1.1×
that of the same screen drawn by plain Textual (benchmarks/plain_first_screen.py: what
Textual itself needs for it), its peak memory within 1.5× the minimal app's. Last,
processes that import Textual's widgets and then what the wizard adds show where the time
goes.

Run: .venv/bin/python benchmarks/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import fcntl
import os
import pty
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench_stats import percentile

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "plan.toml"
PLAIN_APP = Path(__file__).resolve().parent / "plain_first_screen.py"
ROWS, COLUMNS = 24, 80
TIME_BUDGET = 1.1
"""The wizard's first frame over the plain-Textual screen's."""
MEMORY_BUDGET = 1.5
TIMEOUT = 30.0

MINIMAL_APP = """
from textual.app import App
from textual.widgets import Footer, Header, Input, Markdown


class Minimal(App):
    BINDINGS = [("ctrl+s", "save", "Save"), ("ctrl+q", "quit", "Quit")]

    def compose(self):
        yield Header()
        yield Input(value="Checkout v2", id="title")
        yield Markdown("# Checkout v2\\n\\nA rollback plan, *in Markdown*.")
        yield Footer()

    def on_mount(self):
        self.query_one(Input).focus()


Minimal().run()
"""

# Text that is on screen only once the whole first frame has been drawn.
MINIMAL_MARKERS = ("Checkout v2", "in Markdown", "Quit")
WIZARD_MARKERS = ("Checkout v2", "Deployment type", "Quit")

_ESCAPES = re.compile(
    r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC ... BEL / ST
    r"|\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b[PX^_][^\x1b]*\x1b\\"  # DCS, SOS, PM, APC
    r"|\x1b[ -/]*[0-~]"  # other escapes
)


def screen_text(output: bytes) -> str:
    """What a terminal would show of *output*, as text: escape sequences removed."""
    return _ESCAPES.sub("", output.decode("utf-8", errors="replace"))


def verdict(ratio: float, budget: float) -> str:
    return "PASS" if ratio <= budget else "OVER"


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


@dataclass
class Run:
    seconds: float
    max_rss_kb: int


@dataclass
class Subject:
    name: str
    argv: list[str]
    markers: tuple[str, ...]
    runs: list[Run] = field(default_factory=list)

    @property
    def times(self) -> list[float]:
        return [r.seconds for r in self.runs]

    @property
    def memory(self) -> list[float]:
        return [r.max_rss_kb / 1024 for r in self.runs]


def _environment(home: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TEXTUAL") and k not in ("NO_COLOR", "COLUMNS", "LINES")
    }
    env["TERM"] = "xterm-256color"
    env.setdefault("COLORTERM", "truecolor")
    # The user's own config and themes must not weigh on the figures.
    for name in (
        "XDG_CONFIG_HOME",
        "XDG_DATA_HOME",
        "XDG_STATE_HOME",
        "XDG_CACHE_HOME",
        "ROLLBACK_TUI_CONFIG_DIR",
        "ROLLBACK_TUI_STATE_DIR",
    ):
        env[name] = str(home / name.lower())
    return env


def first_frame(argv: list[str], markers: Sequence[str], env: dict[str, str], cwd: Path) -> Run:
    """Start *argv* in an 80×24 pty; time until every marker is on screen, then kill it."""
    start = time.perf_counter()
    pid, master = pty.fork()
    if pid == 0:  # the child: size the terminal, then become the app
        try:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
            os.chdir(cwd)
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    output = bytearray()
    elapsed: float | None = None
    try:
        while elapsed is None:
            left = start + TIMEOUT - time.perf_counter()
            if left <= 0:
                break
            ready, _, _ = select.select([master], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child has gone
                break
            if not chunk:
                break
            output += chunk
            text = screen_text(bytes(output))
            if all(marker in text for marker in markers):
                elapsed = time.perf_counter() - start
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        _, _, usage = os.wait4(pid, 0)
        os.close(master)
    if elapsed is None:
        tail = screen_text(bytes(output))[-1500:]
        raise RuntimeError(
            f"{' '.join(argv[:3])}: no first frame within {TIMEOUT:.0f} s; "
            f"the screen ended with:\n{tail}"
        )
    return Run(elapsed, usage.ru_maxrss)


def wizard_argv(plan: Path) -> list[str]:
    script = Path(sys.executable).parent / "rollback-tui"
    if script.exists():
        return [str(script), "edit", str(plan)]
    return [sys.executable, "-m", "rollback_tui", "edit", str(plan)]


def measure(runs: int, warmups: int = 1) -> tuple[Subject, Subject, Subject]:
    """The three apps, *runs* times each, in a rotating order: (baseline, plain, wizard)."""
    # The package as pip installs it, compiled: an editable install is not, and with
    # PYTHONDONTWRITEBYTECODE set every start would compile it again (~80 ms here).
    compileall.compile_dir(ROOT / "rollback_tui", quiet=1)
    baseline = Subject(
        "Minimal Textual app (Header, Input, Markdown, Footer)",
        [sys.executable, "-c", MINIMAL_APP],
        MINIMAL_MARKERS,
    )
    plain = Subject(
        "The wizard's first screen in plain Textual (benchmarks/plain_first_screen.py)",
        [sys.executable, str(PLAIN_APP)],
        WIZARD_MARKERS,
    )
    wizard = Subject("`rollback-tui edit examples/plan.toml`", [], WIZARD_MARKERS)
    subjects = [baseline, plain, wizard]
    with tempfile.TemporaryDirectory(prefix="rollback-bench-") as tmp:
        home = Path(tmp)
        env = _environment(home)
        for i in range(warmups + runs):
            # A fresh copy each time: nothing left by one run (a lock, a recovery file)
            # changes the next one's first screen.
            folder = home / f"run-{i}"
            folder.mkdir()
            plan = folder / "plan.toml"
            shutil.copyfile(EXAMPLE, plan)
            wizard.argv = wizard_argv(plan)
            for subject in subjects[i % 3 :] + subjects[: i % 3]:
                run = first_frame(subject.argv, subject.markers, env, folder)
                if i >= warmups:
                    subject.runs.append(run)
    return baseline, plain, wizard


# Where the time goes: Textual with the plain screen's widgets, then what the wizard adds on
# top of them, as whole processes.
TEXTUAL = (
    "from textual.app import App\n"
    "from textual.widgets import ContentSwitcher, Footer, Header, Input, Label, OptionList, "
    "Select, Static, TextArea"
)
IMPORTS = {
    "Python itself": "pass",
    "Textual and the plain screen's widgets": TEXTUAL,
    "+ pydantic": f"{TEXTUAL}\nimport pydantic.main",
    "+ pydantic and the plan's models": f"{TEXTUAL}\nimport rollback_tui.plan.model",
    "+ everything the wizard imports before its first frame": (
        f"{TEXTUAL}\nimport rollback_tui.launch, rollback_tui.ui.factory"
    ),
}


def measure_imports(runs: int) -> dict[str, list[float]]:
    """Seconds for a process that only imports, for each of IMPORTS, interleaved."""
    times: dict[str, list[float]] = {name: [] for name in IMPORTS}
    with tempfile.TemporaryDirectory(prefix="rollback-bench-") as tmp:
        env = _environment(Path(tmp))
        for i in range(runs + 1):
            for name, code in IMPORTS.items():
                start = time.perf_counter()
                subprocess.run([sys.executable, "-c", code], env=env, check=True)
                if i:  # the first round warms the caches
                    times[name].append(time.perf_counter() - start)
    return times


def imports_table(imports: dict[str, list[float]], plain: Subject) -> str:
    """The import times beside the plain screen's whole first frame and the budget."""
    first_frame = statistics.median(plain.times)
    textual = statistics.median(imports["Textual and the plain screen's widgets"])
    rows = []
    for name, times in imports.items():
        median = statistics.median(times)
        added = f"+{(median - textual) * 1000:.0f} ms" if name.startswith("+") else ""
        rows.append([name, f"{median * 1000:.0f} ms", added, f"{median / first_frame:.2f}×"])
    rows.append(
        [
            f"Budget: {TIME_BUDGET}× the plain screen's first frame",
            f"{first_frame * TIME_BUDGET * 1000:.0f} ms",
            f"+{first_frame * (TIME_BUDGET - 1) * 1000:.0f} ms",
            f"{TIME_BUDGET:.2f}×",
        ]
    )
    lines = [
        "",
        "Where the time goes: processes that only import, "
        f"{len(next(iter(imports.values())))} runs each; what the wizard adds to Textual's "
        "imports, against the time its budget leaves over the plain screen's first frame.",
        "",
        "|  | p50 | Over Textual's | Of the plain screen's first frame |",
        "|---|--:|--:|--:|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _ratio(a: Subject, b: Subject) -> tuple[float, list[float]]:
    """*a*'s median first frame over *b*'s, and the per-run ratios."""
    return (
        statistics.median(a.times) / statistics.median(b.times),
        [x / y for x, y in zip(a.times, b.times, strict=True)],
    )


def report(
    baseline: Subject,
    plain: Subject,
    wizard: Subject,
    load: tuple[float, float],
    imports: dict[str, list[float]] | None = None,
) -> str:
    """The human-readable report, then the README's table (the last block)."""
    time_ratio, pair_ratios = _ratio(wizard, plain)
    floor_ratio, _ = _ratio(plain, baseline)
    memory_ratio = statistics.median(wizard.memory) / statistics.median(baseline.memory)
    lines = [
        f"Start-up to the first frame at {COLUMNS}×{ROWS}, {len(wizard.runs)} runs each, "
        "interleaved (after a warm-up run)",
        f"load average {load[0]:.2f} before, {load[1]:.2f} after; {os.cpu_count()} CPUs",
        "",
    ]
    for subject in (baseline, plain, wizard):
        t = subject.times
        lines.append(f"  {subject.name}")
        lines.append(
            f"    first frame  p50 {statistics.median(t) * 1000:6.0f} ms   "
            f"p95 {percentile(t, 0.95) * 1000:6.0f} ms   "
            f"min {min(t) * 1000:6.0f} ms   max {max(t) * 1000:6.0f} ms"
        )
        lines.append(
            f"    peak memory  p50 {statistics.median(subject.memory):6.1f} MB   "
            f"max {max(subject.memory):6.1f} MB"
        )
    lines += [
        "",
        f"  time ratio    {time_ratio:.2f}× (of the medians; per-run ratios "
        f"{min(pair_ratios):.2f}–{max(pair_ratios):.2f}, median "
        f"{statistics.median(pair_ratios):.2f})   budget ≤ {TIME_BUDGET}×  "
        f"{verdict(time_ratio, TIME_BUDGET)}",
        f"  memory ratio  {memory_ratio:.2f}×   budget ≤ {MEMORY_BUDGET}×  "
        f"{verdict(memory_ratio, MEMORY_BUDGET)}",
        f"  the same screen in plain Textual: {floor_ratio:.2f}× the minimal app",
        "",
    ]
    rows = [
        [
            subject.name,
            f"{statistics.median(subject.times) * 1000:.0f} ms",
            f"{percentile(subject.times, 0.95) * 1000:.0f} ms",
            f"{statistics.median(subject.times) / statistics.median(baseline.times):.2f}×",
            f"{statistics.median(subject.times) / statistics.median(plain.times):.2f}×",
            f"{statistics.median(subject.memory):.1f} MB",
        ]
        for subject in (baseline, plain, wizard)
    ]
    rows.append(
        [
            f"Budget: the wizard ≤ {TIME_BUDGET}× the plain screen's time, "
            f"≤ {MEMORY_BUDGET}× the minimal app's memory",
            "",
            "",
            "",
            f"{time_ratio:.2f}× {verdict(time_ratio, TIME_BUDGET)}",
            f"{memory_ratio:.2f}× {verdict(memory_ratio, MEMORY_BUDGET)}",
        ]
    )
    title = (
        f"Start-up to the first frame ({COLUMNS}×{ROWS}, {len(wizard.runs)} runs each, interleaved)"
    )
    lines.append(
        markdown_table(
            title,
            ["", "First frame p50", "p95", "Of the minimal app", "Of the plain one", "Peak memory"],
            rows,
        )
    )
    if imports:
        lines.append(imports_table(imports, plain))
    return "\n".join(lines)


GROWTH_SIZES = (2, 200, 1000)


def measure_sizes(runs: int) -> dict[int, list[float]]:
    """The wizard's first frame on plans of GROWTH_SIZES components, in turn."""
    from keystrokes import fresh_copy, write_plans

    times: dict[int, list[float]] = {size: [] for size in GROWTH_SIZES}
    with tempfile.TemporaryDirectory(prefix="rollback-bench-") as tmp:
        home = Path(tmp)
        env = _environment(home)
        plans = write_plans(home, GROWTH_SIZES)
        for i in range(runs + 1):
            for size in GROWTH_SIZES:
                copy = fresh_copy(plans[size], home / f"size-{size}-{i}")
                run = first_frame(wizard_argv(copy), WIZARD_MARKERS, env, copy.parent)
                if i:  # the first round warms the caches
                    times[size].append(run.seconds)
    return times


def sizes_table(times: dict[int, list[float]], plain: Subject) -> str:
    """The first frame by plan size, with the growth factor from 200 to 1,000."""
    medians = {size: statistics.median(t) for size, t in times.items()}
    floor = statistics.median(plain.times)
    lines = [
        "",
        f"The wizard's first frame by plan size ({len(times[GROWTH_SIZES[0]])} runs each); "
        "growth: the time at 1,000 components over that at 200, divided by 5 (at most 1.0: "
        "no faster than linear).",
        "",
        "| Components | First frame p50 | Of the plain screen | Growth |",
        "|---|--:|--:|--:|",
    ]
    for size, median in medians.items():
        growth = f"{medians[1000] / medians[200] / 5:.2f}" if size == 1000 else ""
        lines.append(f"| {size} | {median * 1000:.0f} ms | {median / floor:.2f}× | {growth} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each app (default 15)")
    args = parser.parse_args(argv)
    before = os.getloadavg()[0]
    baseline, plain, wizard = measure(args.runs)
    imports = measure_imports(max(5, args.runs // 2))
    sizes = measure_sizes(max(3, args.runs // 5))
    print(report(baseline, plain, wizard, (before, os.getloadavg()[0]), imports))
    print(sizes_table(sizes, plain))
    return 0


if __name__ == "__main__":
    sys.exit(main())
