"""What a save may take as unchanged when the change says what it touched.

A tick changes the state of the items it ticks and adds events at the end of the
timeline, nothing else (PlanFile.changed_only). Its save then compares with the text
only the tables that hold those items, not the thousands of others of a long plan.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from pydantic import BaseModel

from rollback_tui.plan.model import ChecklistItem


@dataclass(frozen=True)
class KnownChanges:
    """The checklist items a tick changed in a plan, and the tables holding them."""

    plan: BaseModel
    holders: frozenset[int]
    """The id() of each top-level table (or entry of a top-level array of tables: a
    component) of *plan* that holds one of the changed items, found in one pass."""

    @classmethod
    def of(cls, plan: BaseModel, item_ids: frozenset[str]) -> KnownChanges:
        holders: set[int] = set()
        for name in type(plan).model_fields:
            value = getattr(plan, name)
            for model in value if isinstance(value, list) else [value]:
                if not isinstance(model, BaseModel):
                    continue
                for key in _item_lists(type(model)):
                    for item in getattr(model, key):
                        if item.id in item_ids:
                            holders.add(id(model))
                            break
        return cls(plan, frozenset(holders))

    def as_read(self, name: str, model: BaseModel) -> bool:
        """For plan_patch.patch: whether a top-level table (or an entry of a top-level
        array), by its key and model, is known to be as the text has it: it holds none of
        the changed items, or it is the timeline (which only grew: its entries read are
        as they were)."""
        return name == "timeline" or id(model) not in self.holders

    def components(self) -> set[int]:
        """The index of each component holding a changed item."""
        components: list[BaseModel] = getattr(self.plan, "components", [])
        return {i for i, component in enumerate(components) if id(component) in self.holders}


@functools.cache
def _item_lists(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of *model* that hold checklist items (a component's steps...)."""
    return tuple(
        name for name, info in model.model_fields.items() if info.annotation == list[ChecklistItem]
    )
