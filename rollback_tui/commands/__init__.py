"""Running a step's command: in a process group of its own, with a timeout, stdin from
/dev/null; its output read as it comes, capped, cleaned and masked; each run kept as a
log file in the run's folder and a row of the timeline. No UI here: the checklist screen
and `exec` both drive `StepRun`."""

from rollback_tui.commands.masking import Masker, is_secret_name
from rollback_tui.commands.prepared import NotRunnable, Prepared, prepare
from rollback_tui.commands.step_run import Finished, StepRun

__all__ = ["Finished", "Masker", "NotRunnable", "Prepared", "StepRun", "is_secret_name", "prepare"]
