"""Reading a step's outcome and its irreversible mark back from the Markdown's task line.

The renderer writes `` **irreversible**`` after a step's text and
`` — **skipped** by sam at 2026-11-20 14:05 UTC: reason`` (or ``**failed**``) at the end.
Only real strong emphasis counts: stars the user typed are escaped by the renderer and read
back as text.
"""

from __future__ import annotations

import datetime as dt
import re

from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from rollback_tui.importing.unrender import plain

_OUTCOME = re.compile(
    r"^(?: by (.*?))?(?: at (\d{4}-\d\d-\d\d \d\d:\d\d) UTC)?(?:: (.*))?$", re.DOTALL
)
"""What follows ``— **skipped**`` or ``— **failed**``: by whom, when, why."""

Nodes = list[SyntaxTreeNode]


def _text(content: str) -> Nodes:
    if not content:
        return []
    return [SyntaxTreeNode([Token("text", "", 0, content=content)], create_root=False)]


def _marker(nodes: Nodes, index: int, words: tuple[str, ...]) -> bool:
    """Whether nodes[index] is ``**word**`` (strong emphasis) after a space."""
    node = nodes[index]
    return (
        index > 0
        and node.type == "strong"
        and plain(node.children) in words
        and nodes[index - 1].type == "text"
        and nodes[index - 1].content.endswith(" ")
    )


def read_outcome(
    nodes: Nodes,
) -> tuple[Nodes, str | None, str | None, str | None, dt.datetime | None]:
    """The nodes without their outcome, and the outcome, reason, who and when."""
    for index in range(len(nodes) - 1, 0, -1):
        if not _marker(nodes, index, ("skipped", "failed")) or not nodes[
            index - 1
        ].content.endswith(" — "):
            continue
        found = _OUTCOME.match(plain(nodes[index + 1 :]))
        if found is None:
            continue
        at = None
        if found.group(2):
            try:
                at = dt.datetime.strptime(found.group(2), "%Y-%m-%d %H:%M").replace(tzinfo=dt.UTC)
            except ValueError:  # not a real time
                continue
        rest = nodes[: index - 1] + _text(nodes[index - 1].content.removesuffix(" — "))
        return (
            rest,
            plain(nodes[index].children),
            found.group(3) or None,
            found.group(1) or None,
            at,
        )
    return nodes, None, None, None, None


def read_irreversible(nodes: Nodes, owner: str) -> tuple[Nodes, bool]:
    """The nodes without `` **irreversible**`` (after the text, before *owner* or the end),
    and whether it was there."""
    for index in range(1, len(nodes)):
        after = nodes[index + 1] if index + 1 < len(nodes) else None
        last = after is None or (
            index + 2 == len(nodes) and after.type == "text" and not after.content.strip()
        )  # before "_(done ...)_"
        if _marker(nodes, index, ("irreversible",)) and (
            last or (after is not None and after.type == "text" and after.content.startswith(owner))
        ):
            rest = (
                nodes[: index - 1]
                + _text(nodes[index - 1].content.removesuffix(" "))
                + nodes[index + 1 :]
            )
            return rest, True
    return nodes, False
