"""Everything on disk: plan files (this package's face: load, save, ...), their TOML
document and layout, the lock, sync with changes made on disk, recovery files and
run records. Never imports Textual."""

from rollback_tui.plan.model import Plan
from rollback_tui.store.errors import (
    ConflictError,
    InvalidPlanError,
    LockBusyError,
    PartialSaveError,
    PlanFileError,
    Problem,
)
from rollback_tui.store.plan_file import (
    FileIdentity,
    PlanFile,
    backup_path,
    check_unchanged,
    dumps,
    finish_markdown,
    load,
    markdown_behind,
    markdown_path,
    new_file,
    read_plan,
    save,
    utc,
    write_atomic,
)

__all__ = [
    "ConflictError",
    "FileIdentity",
    "InvalidPlanError",
    "LockBusyError",
    "PartialSaveError",
    "Plan",
    "PlanFile",
    "PlanFileError",
    "Problem",
    "backup_path",
    "check_unchanged",
    "dumps",
    "finish_markdown",
    "load",
    "markdown_behind",
    "markdown_path",
    "new_file",
    "read_plan",
    "save",
    "utc",
    "write_atomic",
]
