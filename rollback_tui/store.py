"""Plan files: TOML <-> plan with tomlkit, comments and layout kept; atomic writes.

A plan is saved into the tomlkit document it was loaded from, key by key, so that hand
edits (comments, blank lines, key order, unknown keys) survive. Tables are never rebuilt
from dicts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
import tempfile
import tomllib
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import tomlkit
from pydantic import BaseModel, ValidationError
from tomlkit.container import Container
from tomlkit.exceptions import ParseError
from tomlkit.items import AoT, Comment, Item, Table, Whitespace

from rollback_tui.plan.model import SCHEMA_VERSION, Plan
from rollback_tui.render import render_markdown


class PlanFileError(Exception):
    """A plan file that cannot be read or written; the message names the file and place."""


class ConflictError(PlanFileError):
    """The file on disk changed since it was loaded."""


@dataclass(frozen=True)
class FileIdentity:
    """What a file was when it was read, to notice a change made by someone else."""

    mtime_ns: int
    size: int
    sha256: str

    @classmethod
    def of(cls, path: Path, data: bytes | None = None) -> FileIdentity:
        st = path.stat()
        if data is None:
            data = path.read_bytes()
        return cls(st.st_mtime_ns, st.st_size, hashlib.sha256(data).hexdigest())


@dataclass
class PlanFile:
    """A plan together with the document it came from and where it lives."""

    path: Path
    plan: Plan
    document: tomlkit.TOMLDocument
    identity: FileIdentity | None = None
    unknown_keys: list[str] = field(default_factory=list)
    fresh: bool = False
    """True until first written: its layout is ours to choose."""

    @property
    def markdown_path(self) -> Path:
        return markdown_path(self.path)


def markdown_path(path: Path) -> Path:
    """Where the rendered Markdown of the plan at *path* is written."""
    return path.with_suffix(".md")


# -- reading ---------------------------------------------------------------------------


def _read_text(path: Path) -> tuple[bytes, str]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PlanFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise PlanFileError(f"{path}: is a folder, not a plan file") from None
    except PermissionError:
        raise PlanFileError(f"{path}: permission denied") from None
    except OSError as exc:
        raise PlanFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PlanFileError(f"{path}:{line}: not UTF-8 text (byte {exc.start})") from None
    return data, text.removeprefix("\ufeff")


def _field_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "plan"


def _validate(path: Path, data: dict[str, Any]) -> Plan:
    version = data.get("schema_version", SCHEMA_VERSION)
    if not isinstance(version, int) or isinstance(version, bool):
        raise PlanFileError(f"{path}: schema_version: must be a whole number")
    if version > SCHEMA_VERSION:
        raise PlanFileError(
            f"{path}: schema_version {version} was written by a newer rollback-tui; "
            f"this one reads up to {SCHEMA_VERSION}. Upgrade rollback-tui to open it."
        )
    if version < 1:
        raise PlanFileError(f"{path}: schema_version: {version} is not a known schema")
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        where = _field_path(error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        raise PlanFileError(f"{path}: {where}: {message}{more}") from None


def _unknown_keys(data: Any, model: BaseModel, prefix: str = "") -> list[str]:
    found: list[str] = []
    if not isinstance(data, dict):
        return found
    for key, value in data.items():
        where = f"{prefix}.{key}" if prefix else key
        if key not in type(model).model_fields:
            found.append(where)
            continue
        attr = getattr(model, key)
        if isinstance(attr, BaseModel):
            found += _unknown_keys(value, attr, where)
        elif isinstance(attr, list) and isinstance(value, list):
            for i, (raw, sub) in enumerate(zip(value, attr, strict=False)):
                if isinstance(sub, BaseModel):
                    found += _unknown_keys(raw, sub, f"{where}[{i}]")
    return found


def read_plan(path: Path) -> tuple[Plan, list[str]]:
    """Read a plan without keeping its document (fast; for the read-only commands)."""
    _, text = _read_text(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PlanFileError(f"{path}: {_toml_message(str(exc))}") from None
    plan = _validate(path, data)
    return plan, _unknown_keys(data, plan)


def _toml_message(message: str) -> str:
    # "Invalid value (at line 3, column 9)" -> "3:9: invalid value"
    if message.endswith(")") and "(at line " in message:
        what, _, where = message[:-1].rpartition(" (at line ")
        line, _, column = where.partition(", column ")
        return f"line {line}, column {column}: TOML syntax error: {what[:1].lower()}{what[1:]}"
    return f"TOML syntax error: {message}"


def load(path: Path) -> PlanFile:
    """Load a plan with its tomlkit document, for editing and saving back."""
    data, text = _read_text(path)
    try:
        document = tomlkit.parse(text)
    except ParseError as exc:
        what = str(exc).split(" at line ")[0]
        raise PlanFileError(
            f"{path}: line {exc.line}, column {exc.col}: TOML syntax error: {what[:1].lower()}"
            f"{what[1:]}"
        ) from None
    raw = document.unwrap()
    plan = _validate(path, raw)
    return PlanFile(path, plan, document, FileIdentity.of(path, data), _unknown_keys(raw, plan))


def new_file(path: Path, plan: Plan) -> PlanFile:
    """A plan not yet on disk."""
    return PlanFile(path, plan, tomlkit.document(), fresh=True)


# -- writing the plan into its document --------------------------------------------------


def _toml_value(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, str) and "\n" in value:
        return tomlkit.string(value, multiline=True)
    return value


def _same(existing: Any, value: Any) -> bool:
    unwrapped = existing.unwrap() if hasattr(existing, "unwrap") else existing
    if isinstance(value, Enum):
        value = value.value
    return type(unwrapped) is type(value) and unwrapped == value


def _unset(model: BaseModel, name: str, value: Any) -> bool:
    # Unset keys are absent from the file; an unticked item carries no `done = false`.
    empty = value is None or value == "" or value == [] or (name == "done" and value is False)
    if not empty:
        return False
    # An absent key reads back as the default: leave it out only if that is empty too
    # (an estimate cleared by the user must not come back as "~1 minute").
    default = type(model).model_fields[name].get_default(call_default_factory=True)
    return default is None or default == "" or default == [] or default is False


def _body(table: Container | Table) -> Container:
    return table.value if isinstance(table, Table) else table


def _add_key(table: Container | Table, name: str, value: Any) -> None:
    """Add a new key after the table's last key, before any comment that ends it.

    tomlkit appends after trailing comments, which in a hand-edited file usually
    introduce the *next* table.
    """
    body = _body(table)
    entries = body.body
    last_key = next((key for key, _ in reversed(entries) if key is not None), None)
    tail = entries[[key for key, _ in entries].index(last_key) + 1 :] if last_key else []
    if last_key is not None and any(isinstance(item, Comment) for _, item in tail):
        body._insert_after(last_key, name, _toml_value(value))  # no public insert-at
    else:
        table[name] = _toml_value(value)


def _new_table(model: BaseModel, *, blank_line: bool = True) -> Table:
    table = tomlkit.table()
    sync_table(table, model)
    if blank_line:
        table.add(tomlkit.nl())
    return table


def sync_table(table: Container | Table, model: BaseModel) -> None:
    """Write *model* into *table* in place: changed keys only, unknown keys untouched."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        if _unset(model, name, value):
            if name in table:
                del table[name]
        elif isinstance(value, BaseModel):
            sub = table.get(name)
            if isinstance(sub, Table):
                sync_table(sub, value)
            else:
                table[name] = _new_table(value)
        elif isinstance(value, list) and isinstance(value[0], BaseModel):
            _sync_array(table, name, value)
        elif name not in table:
            _add_key(table, name, value)
        elif not _same(table[name], value):
            table[name] = _toml_value(value)


def _sync_array(table: Container | Table, name: str, models: list[Any]) -> None:
    existing = table.get(name)
    old: list[Table] = list(existing.body) if isinstance(existing, AoT) else []
    keyed = "id" in type(models[0]).model_fields
    by_id = {str(t.get("id")): t for t in old} if keyed else {}
    tables: list[Table] = []
    new: list[Table] = []
    for i, model in enumerate(models):
        target = by_id.pop(model.id, None) if keyed else (old[i] if i < len(old) else None)
        if target is None:
            target = _new_table(model, blank_line=False)  # tomlkit spaces array tables
            new.append(target)
        else:
            sync_table(target, model)
        tables.append(target)
    if not isinstance(existing, AoT):
        table[name] = tomlkit.aot()
        existing = table[name]
    kept = 0
    while kept < min(len(old), len(tables)) and tables[kept] is old[kept]:
        kept += 1
    # Edit the array in place from the first difference on, so that the tables before
    # it (and their comments) are not touched.
    while len(existing) > kept:
        del existing[len(existing) - 1]
    for t in tables[kept:]:
        if any(t is n for n in new):
            _space_like_neighbours(t, existing[-1] if len(existing) else _before(table, name))
        existing.append(t)


def _before(table: Container | Table, name: str) -> Item | None:
    """The entry just before key *name* in *table*, if any."""
    entries = _body(table).body
    keys = [key.key if key is not None else None for key, _ in entries]
    index = keys.index(name) if name in keys else 0
    return entries[index - 1][1] if index > 0 else None


def _space_like_neighbours(new: Table, previous: Item | None) -> None:
    """Lay out a table appended to a hand-written file the way its neighbours are.

    tomlkit glues a table appended to a parsed array (or a new array) to the line
    before it, after the blank lines and comments that end the previous table, which
    in a hand-edited file introduce whatever follows. Those move to the end of the new
    table, and a blank line goes before its header.
    """
    if isinstance(previous, AoT):
        previous = previous[-1] if len(previous) else None
    if previous is None:
        return
    if isinstance(previous, Table):
        for _, item in _take_tail(previous):
            new.add(item)
    elif isinstance(previous, Whitespace) and "\n" in previous.as_string():
        return
    if not previous.as_string().endswith("\n\n") and "\n" not in new.trivia.indent:
        new.trivia.indent = "\n" + new.trivia.indent


def _take_tail(table: Table) -> list[tuple[Any, Item]]:
    """Remove and return the blank lines and comments that end *table*, at any depth."""
    body = table.value.body
    if body and isinstance(body[-1][1], AoT) and len(body[-1][1]):
        return _take_tail(body[-1][1][-1])
    if body and isinstance(body[-1][1], Table):
        return _take_tail(body[-1][1])
    start = len(body)
    while start and body[start - 1][0] is None and isinstance(body[start - 1][1],
                                                             Whitespace | Comment):
        start -= 1
    # Only unkeyed entries after every key go, so the container's key index stays right.
    tail = body[start:]
    del body[start:]
    return tail


# -- writing files -----------------------------------------------------------------------


def write_atomic(path: Path, data: bytes) -> None:
    """Replace *path* with *data* atomically, keeping its permissions; follows symlinks."""
    target = Path(os.path.realpath(path))
    folder = target.parent
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    except OSError as exc:  # e.g. a path below a file
        raise PlanFileError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except FileNotFoundError:
        raise PlanFileError(f"{path}: the folder {folder} does not exist") from None
    except OSError as exc:
        raise PlanFileError(f"{path}: cannot write in {folder}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise PlanFileError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def dumps(plan_file: PlanFile) -> str:
    """The plan written into its document, as TOML text."""
    sync_table(plan_file.document, plan_file.plan)
    text = tomlkit.dumps(plan_file.document)
    if plan_file.fresh:
        # A file we lay out ourselves: one blank line before every table header.
        lines: list[str] = []
        for line in text.splitlines():
            if line.startswith("[") and lines and lines[-1] != "":
                lines.append("")
            if line or (lines and lines[-1] != ""):
                lines.append(line)
        spaced = "\n".join(lines).rstrip("\n") + "\n"
        document = tomlkit.parse(spaced)
        # A multi-line string may hold such lines too: keep the spacing only if it
        # changed nothing but layout.
        if document.unwrap() == plan_file.document.unwrap():
            plan_file.document, text = document, spaced
        plan_file.fresh = False
    return text


def save(plan_file: PlanFile, *, force: bool = False) -> None:
    """Write ``plan.toml`` and the rendered ``plan.md`` beside it, each atomically.

    Unless *force*, refuses with ConflictError when the file on disk is no longer the one
    that was loaded.
    """
    path = plan_file.path
    if not force:
        check_unchanged(plan_file)
    text = dumps(plan_file).encode("utf-8")
    markdown = render_markdown(plan_file.plan).encode("utf-8")
    write_atomic(path, text)
    plan_file.identity = FileIdentity.of(Path(os.path.realpath(path)), text)
    write_atomic(plan_file.markdown_path, markdown)


def check_unchanged(plan_file: PlanFile) -> None:
    """Raise ConflictError if the file changed (or appeared) since it was loaded."""
    path = plan_file.path
    try:
        now: FileIdentity | None = FileIdentity.of(path)
    except FileNotFoundError:
        now = None
    except OSError as exc:
        raise PlanFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if now is not None and now != plan_file.identity:
        if plan_file.identity is None:
            raise ConflictError(f"{path}: a file was created there since this plan was opened")
        if now.sha256 != plan_file.identity.sha256:
            raise ConflictError(f"{path}: changed on disk since it was opened")


def utc(value: dt.datetime) -> dt.datetime:
    """*value* in UTC (TOML datetimes are written with their offset)."""
    return value.astimezone(dt.UTC)
