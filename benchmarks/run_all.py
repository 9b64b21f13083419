"""Run every benchmark, then put their tables in the README's Performance section.

Each benchmark is a script in this folder that measures its figure beside its baseline and
ends its output with a Markdown table under a ``### Title`` line. They run one at a time,
each in a fresh process, in a fixed order; their output is echoed as it comes. The README's
section between ``<!-- bench:start -->`` and ``<!-- bench:end -->`` is then rewritten
(the markers are added under a "## Performance" heading at the end if absent).

Run: .venv/bin/python benchmarks/run_all.py [--no-readme]   (or `make bench`)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
README = ROOT / "README.md"
SCRIPTS = (
    "startup",
    "files",
    "big_tick",
    "headless",
    "preview_latency",
    "keystrokes",
    "step_switch",
    "first_preview",
    "checklist",
    "trigger_watch",
)
START = "<!-- bench:start -->"
END = "<!-- bench:end -->"


def last_block(output: str) -> str | None:
    """The last ``### `` heading of *output* and everything after it (the table)."""
    lines = output.rstrip().splitlines()
    for index in range(len(lines) - 1, -1, -1):
        if lines[index].startswith("### "):
            return "\n".join(lines[index:]).strip()
    return None


def machine_line(today: dt.date | None = None) -> str:
    """Where and when the figures were measured, and how to measure them again."""
    today = today or dt.date.today()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"Measured on {os.cpu_count()} CPUs (nproc), Python {platform.python_version()}, "
        f"{platform.system()}, on {today.isoformat()} (load average {load:.1f} at the "
        "start); `make bench` regenerates this section. Every figure is measured beside "
        "its baseline in the same run: medians over interleaved runs."
    )


def section(blocks: Sequence[str], intro: str) -> str:
    """The text between the markers."""
    return "\n\n".join([intro, *blocks])


def replace_section(readme: str, body: str) -> str:
    """*readme* with *body* between the markers (added at the end if absent)."""
    if START in readme and END in readme and readme.index(START) < readme.index(END):
        head, _, rest = readme.partition(START)
        _, _, tail = rest.partition(END)
        return f"{head}{START}\n{body}\n{END}{tail}"
    block = f"{START}\n{body}\n{END}"
    lines = readme.splitlines(keepends=True)
    for index, line in enumerate(lines):
        if line.rstrip() == "## Performance":  # the heading is there: the table goes below
            return "".join([*lines[: index + 1], "\n", block, "\n", *lines[index + 1 :]])
    return f"{readme.rstrip()}\n\n## Performance\n\n{block}\n"


def run(name: str) -> tuple[int, str]:
    """Run benchmarks/<name>.py, echoing its output; returns (exit code, stdout)."""
    process = subprocess.Popen(
        [sys.executable, str(HERE / f"{name}.py")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        bufsize=1,
    )
    assert process.stdout is not None
    captured = []
    for line in process.stdout:
        print(line, end="", flush=True)
        captured.append(line)
    return process.wait(), "".join(captured)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-readme", action="store_true", help="leave README.md as it is")
    args = parser.parse_args(argv)
    intro = machine_line()
    blocks: list[str] = []
    failed: list[str] = []
    for name in SCRIPTS:
        script = HERE / f"{name}.py"
        print(f"\n== {name} ==", flush=True)
        if not script.exists():
            print(f"(skipped: benchmarks/{name}.py does not exist yet)")
            blocks.append(f"_Not measured yet: `benchmarks/{name}.py` does not exist._")
            continue
        code, output = run(name)
        block = last_block(output)
        if code != 0 or block is None:
            why = f"exit code {code}" if code else "no table in its output"
            print(f"(failed: benchmarks/{name}.py, {why})")
            failed.append(name)
            blocks.append(f"_Not measured: `benchmarks/{name}.py` failed ({why})._")
            continue
        blocks.append(block)
    if not args.no_readme:
        README.write_text(replace_section(README.read_text(), section(blocks, intro)))
        print(f"\nUpdated {README.relative_to(ROOT)}")
    if failed:
        print(f"Failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
