"""A run of a plan without a screen: the session that every front end drives (the
checklist screen, and the command line's and plain mode's runs to come)."""

from rollback_tui.run.drill import Drill
from rollback_tui.run.holder import FileHolder, PlanHolder
from rollback_tui.run.session import RunSession, Unconfirmed

__all__ = ["Drill", "FileHolder", "PlanHolder", "RunSession", "Unconfirmed"]
