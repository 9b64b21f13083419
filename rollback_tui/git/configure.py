"""`rollback-tui git-setup`: offer the plan merge driver to git in a repository.

Two merge drivers go into the repository's .git/config (which git does not share: every
clone runs git-setup once): ``rollback-plan`` runs `rollback-tui merge-driver` on plan
files, and ``rollback-plan-markdown`` keeps ours for their Markdown, which the first one
re-renders from the merged plan. .gitattributes (committed, so every clone has it) names
each plan file and its Markdown; .git/info/exclude keeps the backup and lock files a save
leaves beside a plan out of commits. Running it again changes nothing.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from rollback_tui import toml_text

DRIVER = "rollback-plan"
MARKDOWN_DRIVER = "rollback-plan-markdown"


SIDE_FILES = ("*.toml.bak", ".*.toml.lock")
"""What a save leaves beside a plan (the previous version, the lock): never committed."""


class SetupError(Exception):
    """Not a git repository, or git failed; the message says which."""


@dataclass
class SetupReport:
    """What git-setup changed, to say so."""

    changes: list[str] = field(default_factory=list)
    plans: list[str] = field(default_factory=list)


def _git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    try:
        # File names are bytes to git: one that is not UTF-8 keeps its bytes (as the
        # surrogates os.fsdecode gives), never a decoding error.
        done = subprocess.run(
            ["git", "-C", str(repo), *args],
            capture_output=True,
            encoding="utf-8",
            errors="surrogateescape",
            check=False,
        )
    except OSError as exc:
        raise SetupError(f"cannot run git: {exc.strerror or exc}") from None
    if check and done.returncode != 0:
        raise SetupError(f"git {' '.join(args)}: {done.stderr.strip() or 'failed'}")
    return done


def driver_command() -> str:
    """The command git runs: this Python running rollback-tui (whatever is on PATH)."""
    return f"{shlex.quote(sys.executable)} -m rollback_tui merge-driver %O %A %B %P"


def is_plan_text(text: str) -> bool:
    """Whether TOML *text* is a plan (every plan rollback-tui writes has schema_version)."""
    try:
        data = toml_text.loads(text)
    except toml_text.TOMLDecodeError:
        return False
    return "schema_version" in data and ("title" in data or "procedure" in data)


def find_plans(top: Path) -> list[str]:
    """The tracked TOML files of the repository at *top* that are plans, relative paths."""
    listed = _git(top, "ls-files", "-z", "--", "*.toml").stdout.split("\0")
    plans = []
    for name in filter(None, listed):
        try:
            text = (top / name).read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if is_plan_text(text):
            plans.append(name)
    return plans


_C_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\t"): "\\t", ord("\n"): "\\n"}


def _pattern(path: str) -> str:
    """*path* as a .gitattributes pattern matching it alone (from the top, globs escaped).

    A name with spaces, quotes, control characters or other bytes than printable ASCII
    is written C-quoted, as git reads it (since 2.12): every such byte in octal, so that
    .gitattributes stays ASCII and no escape sequence is written into it raw.
    """
    escaped = "/" + re.sub(r"([*?\[\\])", r"[\1]", path)
    data = escaped.encode("utf-8", "surrogateescape")
    if all(0x21 <= byte < 0x7F and byte != ord('"') for byte in data):
        return escaped
    quoted = "".join(
        _C_ESCAPES.get(byte) or (chr(byte) if 0x20 <= byte < 0x7F else f"\\{byte:03o}")
        for byte in data
    )
    return f'"{quoted}"'


def attribute_lines(plan: str) -> list[str]:
    """The .gitattributes lines for the plan at *plan* (relative to the top)."""
    markdown = str(Path(plan).with_suffix(".md"))
    return [f"{_pattern(plan)} merge={DRIVER}", f"{_pattern(markdown)} merge={MARKDOWN_DRIVER}"]


def setup(repo: Path, plans: list[Path] | None = None) -> SetupReport:
    """Set the drivers up in the repository holding *repo*, for *plans* (default: every
    tracked plan file). Raises SetupError."""
    top = Path(_git(repo, "rev-parse", "--show-toplevel").stdout.strip())
    report = SetupReport()
    if plans:
        names = []
        for plan in plans:
            try:
                names.append(plan.resolve().relative_to(top.resolve()).as_posix())
            except ValueError:
                raise SetupError(f"{plan}: not inside the repository {top}") from None
    else:
        names = find_plans(top)
    report.plans = names
    wanted = {
        f"merge.{DRIVER}.name": "rollback-tui: plan files merged by item id",
        f"merge.{DRIVER}.driver": driver_command(),
        f"merge.{MARKDOWN_DRIVER}.name": "rollback-tui: keep ours; the plan's merge re-renders it",
        f"merge.{MARKDOWN_DRIVER}.driver": "true",
    }
    for key, value in wanted.items():
        now = _git(top, "config", "--local", "--get", key, check=False).stdout.rstrip("\n")
        if now != value:
            _git(top, "config", "--local", key, value)
            report.changes.append(
                f".git/config: {key} = {value}" + (f" (was {now})" if now else "")
            )
    exclude = Path(_git(top, "rev-parse", "--git-path", "info/exclude").stdout.strip())
    exclude = exclude if exclude.is_absolute() else top / exclude
    try:
        known = exclude.read_text("utf-8").splitlines() if exclude.exists() else []
        missing = [p for p in SIDE_FILES if p not in known]
        if missing:
            exclude.parent.mkdir(parents=True, exist_ok=True)
            with exclude.open("a", encoding="utf-8") as handle:
                handle.write("".join(f"{p}\n" for p in missing))
            report.changes += [f".git/info/exclude: {p}" for p in missing]
    except (OSError, UnicodeDecodeError) as exc:
        raise SetupError(f"{exclude}: cannot update: {exc}") from None
    attributes = top / ".gitattributes"
    try:
        text = attributes.read_text("utf-8") if attributes.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise SetupError(f"{attributes}: cannot read: {exc}") from None
    present = {line.strip() for line in text.splitlines()}
    added = [line for name in names for line in attribute_lines(name) if line not in present]
    if added:
        block = "".join(f"{line}\n" for line in added)
        if text and not text.endswith("\n"):
            text += "\n"
        if "# rollback-tui" not in text:
            block = "# rollback-tui: plans merged by item id (rollback-tui git-setup)\n" + block
        try:
            attributes.write_text(text + block, "utf-8")
        except OSError as exc:
            raise SetupError(f"{attributes}: cannot write: {exc.strerror or exc}") from None
        report.changes += [f".gitattributes: {line}" for line in added]
    return report
