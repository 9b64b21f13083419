"""Opening plain mode: the header line, the plan, then the wizard or the checklist."""

from __future__ import annotations

import sys
from pathlib import Path

from rollback_tui import store
from rollback_tui.launch_options import LaunchOptions
from rollback_tui.plain.ending import Ending
from rollback_tui.plain.lines import Console, Ended
from rollback_tui.plan.text import visible

HEADER = "rollback-tui, plain mode: lines of text only (--no-plain for the full screen)."


def run_plain(path: Path | None, launch: LaunchOptions) -> int:
    """The wizard or the checklist on *path* in plain mode; returns the exit code (2 for
    a plan that cannot be used, said in one line on standard error)."""
    ending = Ending()
    console = Console(ending)
    try:
        ending.install()  # --theme has nothing to colour here: it is left unused
        try:
            console.say(HEADER)
        except Ended:
            return 1
        if launch.checklist:
            return _checklist(path, launch, console)
        from rollback_tui.plain.wizard_questions import run_wizard

        return run_wizard(path, console)
    except store.PlanFileError as exc:
        sys.stderr.write(visible(f"rollback-tui: {exc}", lines=False) + "\n")
        return 2
    finally:
        ending.uninstall()


def _checklist(path: Path | None, launch: LaunchOptions, console: Console) -> int:
    from rollback_tui.locations import default_user
    from rollback_tui.opening import load_replayed
    from rollback_tui.plain.run_commands import PlainChecklist
    from rollback_tui.run.drill import Drill
    from rollback_tui.run.holder import FileHolder
    from rollback_tui.run.session import RunSession

    if path is None:
        what = "checklist" if launch.mode == "run" else "drill"
        raise store.PlanFileError(f"{what} mode needs the path of a saved plan")
    by = launch.by or default_user()
    plan_file = load_replayed(path)
    drill = None
    if launch.mode == "drill":
        plan_file = Drill.start(path, FileHolder(plan_file, by=by).now(), by, launch.label)
        drill = Drill(path)
    holder = FileHolder(plan_file, by=by)
    session = RunSession(holder, drill=drill)
    holder.finished = session.saved
    if launch.git:
        console.say("run --git is not available in plain mode yet: ticks are saved, not committed.")
    if launch.publish is None:
        return PlainChecklist(session, console).run()
    from rollback_tui.notify.publisher import Publisher

    publisher = Publisher(
        launch.publish, by=by, problem=lambda message: console.say(f"Status page: {message}")
    )
    publisher.attach(session)
    try:
        return PlainChecklist(session, console).run()
    finally:
        publisher.stop()
