"""Plan files: TOML <-> plan with tomlkit, comments and layout kept; atomic writes.

A plan is saved into the tomlkit document it was loaded from, key by key, so that hand
edits (comments, blank lines, key order, unknown keys) survive (see plan_document).
Tables are never rebuilt from dicts. Plans are read with toml_text, which is fast;
tomlkit parses only what a save changes (usually a table or two of the text), or the
whole text when the change calls for it, so that opening a plan and the read-only commands
do not pay for it and a tick on a long plan stays quick.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import hashlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

from pydantic import BaseModel, ValidationError

from rollback_tui import toml_text
from rollback_tui.bulk_work import many_objects
from rollback_tui.plan.copying import copy_model
from rollback_tui.plan.model import SCHEMA_VERSION, Plan
from rollback_tui.store import file_safety, toml_scan
from rollback_tui.store.errors import (
    ConflictError,
    InvalidPlanError,
    PartialSaveError,
    PlanFileError,
    Problem,
    toml_error_message,
)
from rollback_tui.store.file_safety import read_regular

if TYPE_CHECKING:
    import tomlkit

    from rollback_tui.store.known_changes import KnownChanges
    from rollback_tui.store.layout import Shape


@dataclass(frozen=True)
class FileIdentity:
    """What a file was when it was read, to notice a change made by someone else."""

    mtime_ns: int
    size: int
    sha256: str

    @classmethod
    def of(cls, path: Path, data: bytes | bytearray | None = None) -> FileIdentity:
        if data is None:
            data = read_regular(path)
        st = path.stat()
        return cls(st.st_mtime_ns, st.st_size, hashlib.sha256(data).hexdigest())


@dataclass
class PlanFile:
    """A plan together with the text it came from and where it lives."""

    path: Path
    plan: Plan
    source: str = ""
    """The TOML text as last read or written (empty for a plan not yet on disk)."""
    identity: FileIdentity | None = None
    fresh: bool = False
    """True until first written: its layout is ours to choose."""
    follows_links: bool = True
    """A plan named through a symlink is written where the link points (the user named
    it); a file of ours (a run file in PLAN.runs/) is never written through one."""
    _raw: dict[str, Any] | None = field(default=None, repr=False)
    _document: tomlkit.TOMLDocument | None = field(default=None, repr=False)
    _changed: tuple[str, frozenset[str], frozenset[int] | None] | None = field(
        default=None, repr=False
    )
    """What the plan changed since ``source`` was read, when its changer said (changed_only)."""
    _unknown: list[str] | None = field(default=None, repr=False)
    """unknown_keys, once asked for."""

    @property
    def unknown_keys(self) -> list[str]:
        """The keys of the text that no field of a plan takes, with where they are (kept
        by every save, reported by check). Found when first asked: a tick never asks."""
        if self._unknown is None:
            self._unknown = _unknown_keys(self.raw, Plan) if self.source else []
        return self._unknown

    @unknown_keys.setter
    def unknown_keys(self, keys: list[str]) -> None:
        self._unknown = keys

    @property
    def raw(self) -> dict[str, Any]:
        """``source`` as toml_text reads it."""
        if self._raw is None:
            self._raw = _loads(self.source)
        return self._raw

    @property
    def document(self) -> tomlkit.TOMLDocument:
        """The tomlkit document of ``source``, parsed when first needed (to save)."""
        if self._document is None:
            from rollback_tui.store import document as plan_document

            try:
                self._document = plan_document.parse(self.source)
            except plan_document.DocumentError as exc:
                raise PlanFileError(f"{self.path}: {exc}") from None
        return self._document

    def changed_only(
        self, item_ids: Iterable[str], holders: Iterable[BaseModel] | None = None
    ) -> None:
        """Say that the plan changed, since its text was read, only in these checklist
        items (their state) and by events added at the end of its timeline: what a tick
        does. The next save then compares only the tables that hold them with the text,
        not the thousands of others of a long plan, and leaves those as they are. Said of
        the text read: forgotten once another text replaces it (a save, a merge). The
        caller that found the items with the tables holding them (Plan.items_held) says
        which those are: the save need not look for them again."""
        found = None if holders is None else frozenset(map(id, holders))
        self._changed = (self.source, frozenset(item_ids), found)

    def read_back(self) -> None:
        """Read the text last written as the next save reads it (its values, its layout):
        done once the files are on disk, it is off the next save's way there."""
        from rollback_tui.store import layout

        self.raw  # noqa: B018
        layout.split_again(self.source)

    def use_source(self, other: PlanFile) -> None:
        """Take *other*'s text (read from the same file since) as the one to save into."""
        self.source, self._raw, self._document = other.source, other._raw, other._document
        self._changed = None
        self.fresh = other.fresh

    def detached(self) -> PlanFile:
        """A copy whose plan may change and be written out while this one goes on: it
        parses its own document from the text, if it needs one, and shares nothing."""
        return self.written_with(copy_model(self.plan))

    def written_with(self, plan: Plan) -> PlanFile:
        """A copy of this file with *plan* as its plan, to write *plan* into this text: it
        shares the text as read (not read again), not the document (it parses its own, if
        it needs one), and says nothing of what changed."""
        scratch = copy.copy(self)
        scratch.plan = plan
        # Found from the same text when first asked (a long plan's take 0.1 s).
        scratch._unknown = None if self._unknown is None else list(self._unknown)
        scratch._document, scratch._changed = None, None
        return scratch

    @property
    def markdown_path(self) -> Path:
        return markdown_path(self.path)


def _markdown(plan: Plan) -> bytes:
    """The plan's Markdown, in UTF-8. The renderer is imported here, on the first save: a
    command that only reads plans (status, check) never loads it."""
    from rollback_tui.render import render_markdown_data

    return render_markdown_data(plan)


def markdown_path(path: Path) -> Path:
    """Where the rendered Markdown of the plan at *path* is written: beside the plan's own
    file, so that a plan reached through a symlink has its Markdown next to its source."""
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    return path.with_suffix(".md")


# -- reading ---------------------------------------------------------------------------


def _read_text(path: Path) -> tuple[bytes, str]:
    data = read_regular(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PlanFileError(f"{path}:{line}: not UTF-8 text (byte {exc.start})") from None
    return data, text.removeprefix("\ufeff")


def _parse(path: Path, text: str) -> tuple[dict[str, Any], Plan]:
    """*text* read and validated; a nesting too deep for the parsers is one clear error,
    found before they see it where they would take long to find it."""
    line = toml_scan.long_key(text)
    if line is not None:
        raise PlanFileError(f"{path}: {toml_scan.long_key_message(line)}")
    try:
        with many_objects():
            try:
                raw = _loads(text)
            except toml_text.TOMLDecodeError as exc:
                raise PlanFileError(f"{path}: {toml_error_message(str(exc))}") from None
            return raw, _validate(path, raw, text)
    except RecursionError:
        raise PlanFileError(f"{path}: arrays or tables nested too deeply to read") from None


def _loads(text: str) -> dict[str, Any]:
    """A plan's *text* read by toml_text: a long one by its compiled reader when
    layout.found_shallow says it may (few brackets, or the layout's scan went through)."""
    from rollback_tui.store import layout

    return toml_text.loads(text, shallow=layout.found_shallow)


def _validate(path: Path, data: dict[str, Any], text: str) -> Plan:
    """*data* as a plan, read strictly (see plan.model); InvalidPlanError lists every value
    that is not right, each at its line in *text*."""
    version = data.get("schema_version", SCHEMA_VERSION)
    if not isinstance(version, int) or isinstance(version, bool):
        raise _invalid(path, text, "schema_version", "must be a whole number")
    if version > SCHEMA_VERSION:
        raise PlanFileError(
            f"{path}: schema_version {version} was written by a newer rollback-tui; "
            f"this one reads up to {SCHEMA_VERSION}. Upgrade rollback-tui to open it."
        )
    if version < 1:
        raise _invalid(path, text, "schema_version", f"{version} is not a known schema")
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        from rollback_tui.store import invalid_values

        raise InvalidPlanError(path, invalid_values.problems(exc, text)) from None


def _invalid(path: Path, text: str, where: str, message: str) -> InvalidPlanError:
    from rollback_tui.store.key_lines import key_lines, line_of

    return InvalidPlanError(path, [Problem(line_of(where, key_lines(text)), where, message)])


def _unknown_keys(data: Any, model: type[BaseModel], dotted: str = "") -> list[str]:
    """The keys of *data* (a table read for a *model*) that no field of *model* takes, at
    any depth, with where they are (*dotted* is the prefix of the path, ending in a dot).
    Only the models' classes are asked: the answer is the text's, whatever became of the
    plan read from it since."""
    found: list[str] = []
    if not isinstance(data, dict):
        return found
    fields = _fields(model)
    if fields.leaf and data.keys() <= fields.names:
        return found  # plain values under known keys: most tables of a long plan (its steps)
    for key, value in data.items():
        if key not in fields.names:
            found.append(dotted + key)
            continue
        below = fields.models.get(key)
        if below is None:
            continue
        if isinstance(value, dict):
            found += _unknown_keys(value, below, f"{dotted}{key}.")
        elif isinstance(value, list):
            for i, entry in enumerate(value):
                found += _unknown_keys(entry, below, f"{dotted}{key}[{i}].")
    return found


@dataclass(frozen=True)
class _Fields:
    names: frozenset[str]
    models: dict[str, type[BaseModel]]
    """The fields that hold a model (or a list of them), and its class."""

    @property
    def leaf(self) -> bool:
        """No field holds a model: nothing below to walk (a checklist item)."""
        return not self.models


@functools.cache
def _fields(model: type[BaseModel]) -> _Fields:
    def held(kind: Any) -> list[type[BaseModel]]:
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            return [kind]
        return [m for arg in get_args(kind) for m in held(arg)]

    models = {}
    for name, info in model.model_fields.items():
        found = held(info.annotation)
        if found:
            models[name] = found[0]  # a plan's fields hold one kind of model each
    return _Fields(frozenset(model.model_fields), models)


def read_plan(path: Path) -> tuple[Plan, list[str]]:
    """Read a plan without keeping its document (fast; for the read-only commands)."""
    _, text = _read_text(path)
    data, plan = _parse(path, text)
    return plan, _unknown_keys(data, Plan)


def load(path: Path) -> PlanFile:
    """Load a plan with its TOML text, for editing and saving back into it. A long plan
    last written by a save of this code is not parsed again: its values were kept
    (kept_values)."""
    from rollback_tui.store import kept_values, layout

    data, text = _read_text(path)
    identity = FileIdentity.of(path, data)
    kept = kept_values.read(path, identity.sha256) if len(data) >= kept_values.FROM_BYTES else None
    del data  # 9 MB fewer while the text is read, for a long plan
    if kept is None:
        if len(text) >= layout.ASIDE_FROM:  # its save will want the layout: found meanwhile
            layout.split_aside(text)
        try:
            raw, plan = _parse(path, text)
        except BaseException:
            layout.forget(text)
            raise
    else:
        with many_objects():
            raw, plan = kept, _validate(path, kept, text)
    return PlanFile(path, plan, text, identity, _raw=raw)


def new_file(path: Path, plan: Plan) -> PlanFile:
    """A plan not yet on disk."""
    return PlanFile(path, plan, fresh=True)


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
        fd, tmp = tempfile.mkstemp(
            dir=folder, prefix=file_safety.temp_prefix(target.name), suffix=".tmp"
        )
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
    file_safety.sync_folder(folder)


def dumps(plan_file: PlanFile, as_read: Callable[[str, BaseModel], bool] | None = None) -> str:
    """The plan written into its file's text, as TOML (the file itself is not touched).

    Only the tables that changed are parsed and rewritten when the text allows it (see
    plan_patch.patch); otherwise the whole document is. *as_read*, when given, says which
    top-level tables the caller knows to be as the text has them (plan_patch.patch).
    """
    with many_objects():
        return _dumps(plan_file, as_read)


def _dumps(plan_file: PlanFile, as_read: Callable[[str, BaseModel], bool] | None = None) -> str:
    from rollback_tui.store import patch as plan_patch

    if not plan_file.fresh:
        if as_read is None:
            known = _known(plan_file)
            as_read = known.as_read if known is not None else None
        text = plan_patch.patch(plan_file.source, plan_file.raw, plan_file.plan, as_read=as_read)
        if text is not None:
            plan_file._document = None  # it no longer matches once the text is written
            return text
    return _whole(plan_file)


def _dumps_data(
    plan_file: PlanFile, known: KnownChanges | None = None
) -> tuple[bytes | bytearray, Shape | None, Callable[[], dict[str, Any] | None] | None]:
    """dumps() in UTF-8, for the file (a patched text is never held as text as well);
    where the tables of the new text are, and what gives its values (as toml_text reads
    them), when the patch knows."""
    from rollback_tui.store import patch as plan_patch

    with many_objects():
        if not plan_file.fresh:
            known = _known(plan_file) if known is None else known
            patched = plan_patch.patch_data(
                plan_file.source,
                plan_file.raw,
                plan_file.plan,
                as_read=known.as_read if known is not None else None,
            )
            if patched is not None:
                plan_file._document = None
                return patched.data, patched.shape, patched.values
        return _whole(plan_file).encode("utf-8"), None, None


def _whole(plan_file: PlanFile) -> str:
    """The plan written into its whole tomlkit document (see plan_document.dumps)."""
    from rollback_tui.store import document as plan_document

    plan_file._document, text = plan_document.dumps(
        plan_file.document, plan_file.plan, fresh=plan_file.fresh
    )
    return text


def _known(plan_file: PlanFile) -> KnownChanges | None:
    """What changed_only said of the text the plan file holds (for plan_patch.patch and
    the Markdown's redraw), found once for the save."""
    changed = plan_file._changed
    if changed is None or changed[0] is not plan_file.source:
        return None
    from rollback_tui.store.known_changes import KnownChanges

    if changed[2] is not None:
        return KnownChanges(plan_file.plan, changed[2])
    return KnownChanges.of(plan_file.plan, changed[1])


def _saved(plan_file: PlanFile, data: bytes | bytearray, shape: Shape | None = None) -> None:
    """*data* is now the file's content, whose layout has *shape* when the patch knew it
    (the next save's, found). The text it replaces goes first (with its layout, if kept):
    a long plan's is 9 MB."""
    from rollback_tui.store import layout

    layout.forget(plan_file.source)
    plan_file.source, plan_file._raw, plan_file._changed = "", None, None
    plan_file.source, plan_file.fresh = data.decode("utf-8"), False
    found = shape.layout(plan_file.source) if shape is not None else None
    if found is not None:
        layout.remember(found)


def save(
    plan_file: PlanFile,
    *,
    force: bool = False,
    lock_timeout: float | None = None,
    replace_read_only: bool = False,
) -> None:
    """Write ``plan.toml`` and the rendered ``plan.md`` beside it, each atomically.

    Unless *force*, refuses with ConflictError when the file on disk is no longer the one
    that was loaded. Unless *replace_read_only*, a plan its owner made read-only is
    refused. Everything happens under the plan's lock (LockBusyError after *lock_timeout*
    seconds); the previous version is kept as PLAN.toml.bak. Whether each file may be
    written, keeping its owner, group and mode, is decided before any is written
    (file_safety). The plan is written first, then its Markdown is drawn and written: the
    change is on disk half a second sooner on a long plan, and the save never holds both.
    A save that wrote the plan but not its Markdown raises PartialSaveError, which says so.
    A long plan's save keeps the shape of what it wrote for the next tick (saved_shape),
    and the values of its text, so that the next load need not parse it (kept_values).
    """
    from rollback_tui.store import kept_values, layout, saved_shape
    from rollback_tui.store.lock import LOCK_TIMEOUT, plan_lock, plan_of_run

    path = plan_file.path
    # The check and the write under one lock: another rollback-tui cannot slip in between.
    with plan_lock(path, LOCK_TIMEOUT if lock_timeout is None else lock_timeout):
        if not force:
            check_unchanged(plan_file)
        plan = file_safety.plan_target(
            path, replace_read_only=replace_read_only, follow=plan_file.follows_links
        )
        # The Markdown follows the plan's mode (a `chmod 0660 plan.toml` opens both).
        markdown_file = file_safety.side_target(plan_file.markdown_path, plan, copy=True)
        keeps_backup = plan.exists and plan_of_run(path) is None
        backup = (
            file_safety.side_target(backup_path(path), plan, copy=True) if keeps_backup else None
        )
        # A tick's save: what it changed (found before the save forgets it), and the
        # shape the files had when last saved, if it is kept (saved_shape): the layout of
        # the text read need not be scanned, nor its Markdown drawn whole.
        known = _known(plan_file)
        saved = None
        if known is not None and plan_file.identity is not None:
            saved = saved_shape.Saved.read(path, plan_file.identity.sha256)
            found = saved.layout(plan_file.source) if saved is not None else None
            if found is not None:
                layout.remember(found)
            del found  # it holds the text read, let go of once written over
        # What a long plan's save holds at once is kept small (a 9 MB plan's save held
        # 250 MB): the new text only as bytes, until written; the text as read, parsed,
        # is of no more use to it (should it fail, the next reads it again).
        data, shape, values = _dumps_data(plan_file, known)
        redraw = known.components() if known is not None else set()
        del known
        plan_file._raw = None  # (values holds what it needs of it, until the plan is written)
        if len(data) > file_safety.MAX_PLAN_BYTES:  # it could not be opened again
            raise PlanFileError(
                f"{path}: would be {len(data) / 1e6:.1f} MB, larger than a "
                "plan may be (10 MB); not saved"
            )
        folder = plan.path.parent
        file_safety.clean_stale_temps(
            folder,
            [
                plan.path.name,
                backup_path(path).name,
                plan_file.markdown_path.name,
                f".{plan.path.name}.lock",
            ],
        )
        if backup is not None:
            # Copied from the file a piece at a time: never all of it in memory.
            _write(backup, plan.path, f"nothing was saved ({path.name} is as it was)")
        elif plan_of_run(path) is not None:  # an earlier release kept these for run files
            file_safety.remove_side_files(
                folder, [backup_path(path).name, f".{plan.path.name}.lock"]
            )
        kept = f"; its previous version is in {backup.path.name}" if backup else ""
        _write(plan, data, f"not saved ({path.name} is as it was{kept})")
        identity = FileIdentity.of(plan.path, data)
        kept_values.keep(path, identity.sha256, len(data), values)
        del values
        _saved(plan_file, data, shape)
        plan_file.identity = identity
        del data
        drawing = saved_shape.draw(plan_file.plan, saved, markdown_file.path, redraw)
        del saved
        try:
            file_safety.write(markdown_file, drawing.pieces)  # never joined: see MarkdownData
        except OSError as exc:
            raise PartialSaveError(
                f"{markdown_file.path}: cannot write: {exc.strerror or exc}. {path} was "
                f"saved with the change (it is safe there); {markdown_file.path.name} still "
                "shows the previous version until the next save, tick or "
                "`rollback-tui render`",
                (plan.path,),
                markdown_file.path,
            ) from None
        saved_shape.keep(path, identity.sha256, shape, drawing)


def _write(target: file_safety.Target, data: bytes | bytearray | Path, consequence: str) -> None:
    try:
        file_safety.write(target, data)
    except FileNotFoundError:
        if not target.path.parent.is_dir():
            raise PlanFileError(
                f"{target.path}: the folder {target.path.parent} does not exist"
            ) from None
        raise PlanFileError(f"{target.path}: cannot write: no such file; {consequence}") from None
    except OSError as exc:
        raise PlanFileError(
            f"{target.path}: cannot write: {exc.strerror or exc}; {consequence}"
        ) from None


def backup_path(path: Path) -> Path:
    """Where the previous version of the plan at *path* is kept (``PLAN.toml.bak``): one
    a plan, replaced by each save, so that a save a person regrets (or one that read a hand
    edit wrongly) can be taken back. A run file in ``PLAN.runs/`` keeps none: only
    rollback-tui writes it, and its previous version is in its own timeline."""
    target = Path(os.path.realpath(path))
    return target.with_name(target.name + ".bak")


def markdown_behind(path: Path, plan: Plan, *, missing: bool = True) -> bool:
    """Whether the plan's Markdown is older than the plan and not its rendering (or
    missing, if *missing*): what a save that stopped half-way (a full disk) leaves."""
    where = markdown_path(path)
    try:
        st = os.lstat(where)
    except FileNotFoundError:
        return missing
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode):
        return True  # a link or something else: a save replaces it with the file
    try:
        if st.st_mtime_ns > os.stat(path).st_mtime_ns:
            return False
        return read_regular(where) != _markdown(plan)
    except (OSError, PlanFileError):
        return False


def finish_markdown(path: Path, plan: Plan, lock_timeout: float, *, missing: bool = True) -> bool:
    """Rewrite the plan's Markdown if markdown_behind says so, under the plan's lock;
    returns whether it did. Raises PlanFileError naming the file if it cannot."""
    from rollback_tui.store.lock import plan_lock

    if not markdown_behind(path, plan, missing=missing):
        return False
    with plan_lock(path, lock_timeout):
        if not markdown_behind(path, plan, missing=missing):
            return False
        target = file_safety.side_target(markdown_path(path), file_safety.as_it_is(path))
        _write(
            target,
            _markdown(plan),
            f"{Path(path).name} is safe; the Markdown is out of date",
        )
    return True


def check_unchanged(plan_file: PlanFile) -> None:
    """Raise ConflictError if the file changed (or appeared) since it was loaded."""
    path = plan_file.path
    if not os.path.exists(path):
        now: FileIdentity | None = None
    else:
        try:
            now = FileIdentity.of(path)
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
