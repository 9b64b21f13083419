"""What a save does with the text, watched from the tests."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from rollback_tui.plan.model import Component
from rollback_tui.store import document as plan_document


def components_compared(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the components compared with the text from now on (by a save, or the
    merge driver writing a merge into a side's text), in order."""
    names: list[str] = []
    in_sync = plan_document.in_sync

    def spy(raw: Any, model: BaseModel) -> bool:
        if isinstance(model, Component):
            names.append(model.name)
        return in_sync(raw, model)

    monkeypatch.setattr(plan_document, "in_sync", spy)
    return names
