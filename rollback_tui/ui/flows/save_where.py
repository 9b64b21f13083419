"""Save as: the path asked for in a dialog that stays, with the error, until a save works.

Enter on a new folder asks before creating it, and on an existing file before replacing it
("Keep it" focused). The plan's own path is an ordinary save, which may ask about a
conflict.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from rollback_tui.ui.dialogs.ask_path import AskPath
from rollback_tui.ui.dialogs.choice import Choice
from rollback_tui.ui.dialogs.path_input import free_name
from rollback_tui.ui.keeper import PlanKeeper


def ask_save_as(keeper: PlanKeeper, prompt: str, then: Callable[[], object] | None) -> None:
    """Ask where to save *keeper*'s plan, save it there, then run *then*."""
    start = str(keeper.plan_file.path) if not keeper.untitled else free_name(Path.cwd())

    def saved(path: Path | None) -> None:
        if path is not None and then:
            then()

    keeper.app.push_screen(
        AskPath(
            prompt or "Save the plan as (TOML; the Markdown goes beside it):",
            start,
            attempt=partial(try_save_as, keeper),
        ),
        saved,
    )


def try_save_as(
    keeper: PlanKeeper, dialog: AskPath, path: Path, asked: frozenset[str] = frozenset()
) -> None:
    """Save to *path* from the Save as dialog: asks before creating a folder or replacing
    a file (Enter keeps it), and keeps the dialog, with the error, if the save fails."""
    if path.suffix != ".toml":
        path = path.with_suffix(path.suffix + ".toml") if path.suffix else path.with_suffix(".toml")
    same = not keeper.untitled and path == keeper.plan_file.path
    again = partial(try_save_as, keeper, dialog, path)

    def create(answer: str | None) -> None:
        if answer == "create" and _make_folder(dialog, path):
            again(asked=asked | {"folder"})

    if "folder" not in asked and not path.parent.exists():
        keeper.app.push_screen(
            Choice(
                f"The folder {path.parent} does not exist. Create it?",
                [("create", "Create it"), ("cancel", "Cancel")],
            ),
            create,
        )
        return
    if "replace" not in asked and path.exists() and not same:
        keeper.app.push_screen(
            Choice(
                f"{path} exists. Replace it?",
                [("cancel", "Keep it"), ("replace", "Replace")],
                focus="cancel",
            ),
            lambda answer: (
                again(asked=asked | {"replace"}) if answer == "replace" else dialog.show_error("")
            ),
        )
        return
    if (
        keeper.write(force=False, report=dialog.show_error)
        if same
        else keeper.write_as(path, report=dialog.show_error)
    ):
        dialog.dismiss(path)


def _make_folder(dialog: AskPath, path: Path) -> bool:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        dialog.show_error(f"Cannot create {path.parent}: {exc.strerror or exc}")
        return False
    return True
