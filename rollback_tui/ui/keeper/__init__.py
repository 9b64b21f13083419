"""The open plan's keeper: its file, its saves, its recovery file, its hang-ups."""

from rollback_tui.ui.keeper.plan_keeper import PlanKeeper

__all__ = ["PlanKeeper"]
