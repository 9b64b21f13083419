"""run --publish and drill --publish in the app: the status page written beside the
checklist by a `Publisher` (notify/publisher.py) listening to the run session, in its
own thread; a folder that cannot be written is shown in a notification, never in the way
of a tick."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from textual.app import App

from rollback_tui.notify.publisher import Publisher
from rollback_tui.run.session import RunSession
from rollback_tui.ui.keeper import PlanKeeper


def publish_session(app: App[Any], keeper: PlanKeeper, session: RunSession, folder: Path) -> None:
    """Keep *folder*'s status page up to date with *session* (the one publisher of the
    app follows the session of the checklist shown last)."""

    def problem(message: str) -> None:
        with contextlib.suppress(RuntimeError):  # the app has ended meanwhile
            app.call_from_thread(
                app.notify,
                f"{message}\nThe checklist goes on; the page is written again at the next change.",
                title="Status page not written",
                severity="warning",
                markup=False,
            )

    publisher = next((c for c in keeper.children if isinstance(c, Publisher)), None)
    if publisher is None:
        publisher = Publisher(folder, by=keeper.by, problem=problem)
        keeper.children.append(publisher)  # its last page written when the app ends
    publisher.attach(session)
