"""One factory builds the app, for the command line and for the tests."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import TypedDict, Unpack

from rollback_tui import store
from rollback_tui.launch_options import LaunchOptions, Mode
from rollback_tui.locations import default_user
from rollback_tui.opening import load_replayed, open_plan
from rollback_tui.plan.text import visible
from rollback_tui.ui.app import RollbackApp
from rollback_tui.ui.theme_choice import ThemeSetup, UnknownThemeError


class LaunchFields(TypedDict, total=False):
    """The launch options as keywords (the tests' shorthand)."""

    mode: Mode
    by: str | None
    theme: str | None
    label: str
    git: bool
    publish: Path | None


def make_app(
    path: Path | None = None,
    launch: LaunchOptions | None = None,
    *,
    plan_file: store.PlanFile | None = None,
    cursor_blink: bool | None = None,
    **options: Unpack[LaunchFields],
) -> RollbackApp:
    """The app on *path* (or on *plan_file*, already loaded), opened as *launch* says (or
    as the keyword *options* say: mode, by, theme, label, git).

    Mode "run" opens the checklist, on a plan that must exist, and "drill" the same plan
    as a rehearsal (the label names the drill); *by* names who ticks (the login name by
    default). The cursor blinks as the user config says unless *cursor_blink* is given.
    """
    launch = launch or LaunchOptions(**options)
    # The theme first: an unknown --theme is refused before any file is touched.
    themes = ThemeSetup.find(launch.theme)
    if plan_file is not None:
        untitled, loaded = False, plan_file.identity is not None
    elif launch.checklist:
        if path is None:
            what = "checklist" if launch.mode == "run" else "drill"
            raise store.PlanFileError(f"{what} mode needs the path of a saved plan")
        plan_file, untitled, loaded = load_replayed(path), False, True
    else:
        plan_file, untitled, loaded = open_plan(path)
    app = RollbackApp(
        plan_file,
        replace(launch, by=launch.by or default_user()),
        untitled=untitled,
        loaded=loaded,
        cursor_blink=themes.cursor_blink if cursor_blink is None else cursor_blink,
        themes=themes,
    )
    if launch.git:  # each saved tick committed, pulled and pushed (run --git)
        from rollback_tui.git.workflow import GitError
        from rollback_tui.ui.checklist.git_worker import GitWorker

        try:
            app.git = GitWorker(app.keeper, plan_file.path, plan_file.plan)
        except GitError as exc:
            raise store.PlanFileError(f"{plan_file.path}: --git: {exc}") from None
    return app


def run_app(path: Path | None, launch: LaunchOptions) -> int:
    """Run the app on *path* in this terminal, as *launch* says; returns the exit code."""
    try:
        app = make_app(path, launch)
    except (store.PlanFileError, UnknownThemeError) as exc:
        sys.stderr.write(visible(f"rollback-tui: {exc}", lines=False) + "\n")
        return 2
    if not (os.isatty(0) and os.isatty(1)):
        # Without a terminal Textual's driver reads nothing and waits forever, spinning a
        # CPU (`edit </dev/null`): say so and end instead (a bad plan was said above).
        # Without --no-plain, plain mode opens instead (app_start.py).
        which = "standard input" if not os.isatty(0) else "standard output"
        sys.stderr.write(
            f"rollback-tui: {launch.mode} needs a terminal, and {which} is not one; "
            "--plain works without one\n"
        )
        return 2
    app.freeze_gc = True  # the collector, off since start-up, comes back after one frame
    from rollback_tui.ui.keeper.hang_up import remember_terminal

    remember_terminal()
    code = app.run()
    return code or 0
