"""The queries the Markdown lists under its triggers table, read back into the triggers.

render writes ``- Error rate spike: `sum(rate(…)) > 0.005``` under the table, after a
sentence of its own; each such entry naming a trigger of the table gives that trigger its
query (rather than being read as one more trigger).
"""

from __future__ import annotations

import re

from markdown_it.tree import SyntaxTreeNode

from rollback_tui.importing.unrender import inline_of, plain

QUERIES_SENTENCE = re.compile(r"measured by these prometheus queries", re.I)
"""render's sentence before the list: not kept as an unplaced piece."""


def read_query(entry: SyntaxTreeNode, triggers: list[dict[str, str]]) -> bool:
    """Give the trigger *entry* names (``Name: `query```) its query; False if *entry* is
    not that (it is then read as a trigger, as before)."""
    paragraphs = [c for c in entry.children if c.type == "paragraph"]
    if len(paragraphs) != 1:
        return False
    nodes = inline_of(paragraphs[0])
    if len(nodes) < 2 or nodes[-1].type != "code_inline":
        return False
    label = plain(nodes[:-1]).strip()
    if not label.endswith(":"):
        return False
    name = label[:-1].strip()
    for trigger in triggers:
        if trigger.get("trigger") == name and not trigger.get("query"):
            trigger["query"] = nodes[-1].content
            return True
    return False
