"""Shell completion beyond Click's own (commands, options and paths): the item ids of a plan.

Turned on per shell as the README says (``_ROLLBACK_TUI_COMPLETE=bash_source``, ...).
Completion runs on every tab press, so a plan that cannot be read just completes nothing.
"""

from __future__ import annotations

from pathlib import Path

import click
from click.shell_completion import CompletionItem

from rollback_tui import store


def _one_line(text: str) -> str:
    return " ".join(text.split())[:60]


def complete_item_ids(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """The checklist ids of the plan named by the command's PATH that start with
    *incomplete*, each with its text as help; ids already on the line are left out."""
    path = ctx.params.get("path")
    if not isinstance(path, Path):
        return []
    try:
        plan, _ = store.read_plan(path)
    except (store.PlanFileError, OSError, ValueError):
        return []
    given = set(ctx.params.get(param.name or "", None) or ())
    return [
        CompletionItem(item.id, help=_one_line(f"{section}: {item.text}"))
        for section, _, item in plan.checklist()
        if item.id.startswith(incomplete) and item.id not in given
    ]
