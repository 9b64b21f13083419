"""What a save may take as unchanged when the change says what it touched.

A tick changes the state of the items it ticks and adds events at the end of the
timeline, nothing else (PlanFile.changed_only). Its save then compares with the text
only the tables that hold those items, not the thousands of others of a long plan.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from pydantic import BaseModel

from rollback_tui.plan.model import ChecklistItem


def as_read(item_ids: frozenset[str]) -> Callable[[str, BaseModel], bool]:
    """For plan_patch.patch: whether a top-level table (or an entry of a top-level array),
    by its key and model, is known to be as the text has it, when only the checklist items
    *item_ids* changed and the timeline only grew (its entries read are as they were)."""

    def unchanged(name: str, model: BaseModel) -> bool:
        if name == "timeline":
            return True
        return not any(
            item.id in item_ids for key in _item_lists(type(model)) for item in getattr(model, key)
        )

    return unchanged


@functools.cache
def _item_lists(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of *model* that hold checklist items (a component's steps...)."""
    return tuple(
        name for name, info in model.model_fields.items() if info.annotation == list[ChecklistItem]
    )
