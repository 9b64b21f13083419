"""`rollback-tui import`: a rollback plan written by hand in Markdown, read into a Plan.

Reads the template's layout and the strategy brief's sections, and everything render
writes: headings are found by their words at any level (``## 2. Rollback Decision
Criteria`` as well as ``### Rollback Decision Criteria``), lists may use ``-``, ``*`` or
``1.``, checkboxes keep their state. What cannot be placed in the plan is returned as
``Unplaced`` (section and line), never dropped: the command line lists it on stderr and
keeps it as comments in the TOML, beside the section it came from.

What render derives rather than stores is not read back: the header's component list
(when the components have sections), the "Incident Timeline" line, the timeline's
milestones. Checklist ids are not in the Markdown: they are numbered as in a new plan.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from rollback_tui.bulk_work import many_objects
from rollback_tui.importing.build import build
from rollback_tui.importing.outcomes import read_irreversible, read_outcome
from rollback_tui.importing.pieces import ReadItem, ReadPieces
from rollback_tui.importing.trigger_queries import QUERIES_SENTENCE, read_query
from rollback_tui.importing.unplaced import Unplaced
from rollback_tui.importing.unrender import (
    block_text,
    cell_text,
    entry_label,
    inline_of,
    line_label,
    one_text,
    pick,
    plain,
    split_lines,
)
from rollback_tui.importing.vocabulary import (
    CODE_SPAN,
    CODE_SPANS,
    DERIVED,
    EVENTS,
    FIELDS,
    HEADER,
    NUMBER,
    TEMPLATES,
    section_of,
)
from rollback_tui.plan.model import Plan
from rollback_tui.plan.text import clean_text

_FRONT_MATTER = re.compile(r"\A---\n(.*?\n)---[ \t]*(?:\n|\Z)", re.DOTALL)
_MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])
_EMPTY = {
    "_No steps yet._",
    "_No components yet._",
    "_No actions yet._",
    "*No steps yet.*",
    "_Not yet written._",
}
_UNSET = "_Not yet written._"
_BOX = re.compile(r"^\s*\[([ xX])\]\s?")
_DONE = re.compile(
    r"^\((?:done|ticked) (\d{4}-\d\d-\d\d \d\d:\d\d(?::\d\d)?) UTC(?: by (.*))?\)$", re.DOTALL
)
_OWNER = " — owner: "
_STEP_LISTS = ("containment", "option_a", "option_b", "restore", "procedure")
"""The sections whose lists are the procedure's steps (a bare procedure's: Option B's)."""
_OPTION = re.compile(r"Option [AB]\b")


def _estimate(title: str) -> str:
    """The estimate in an option's heading: "Option A (~1 minute)" gives "~1 minute".

    What follows the first "(" is the estimate if it ends with ")" (and blank space);
    found by plain string methods, as a pattern with a repeat before an optional group
    took time growing with the square of the blank space after the option's name.
    """
    head = _OPTION.match(title)
    if head is None:
        return ""
    rest = title[head.end() :]
    paren = rest.find("(")
    tail = rest[paren:].rstrip() if paren >= 0 else ""
    return tail[1:-1].strip() if len(tail) >= 2 and tail.endswith(")") else ""


_NUMBERED = re.compile(r"^(.+) \((\d+)\)$", re.DOTALL)


def _unnumbered(title: str, used: set[str]) -> str:
    """A component's name from its heading: render numbers a name that repeats an earlier
    heading ("web", "web (2)"), so a heading that is exactly that numbering is the name."""
    match = _NUMBERED.match(title)
    if match is None or match.group(1) not in used:
        return title
    name, n = match.group(1), 2
    while f"{name} ({n})" in used:
        n += 1
    return name if f"{name} ({n})" == title else title


class NotAPlan(ValueError):
    """The Markdown cannot be read as a rollback plan (the message names the file)."""


class _Reader(ReadPieces):
    """Walks the Markdown's tree, filling its pieces."""

    # -- the walk -----------------------------------------------------------------------

    def read(self, root: SyntaxTreeNode) -> None:
        for node in root.children:
            if node.type == "heading":
                self.heading(node)
            elif node.type == "hr":
                continue
            else:
                self.block(node)

    def keep(self, node: SyntaxTreeNode, text: str | None = None) -> None:
        """Note *node* (or *text* found in it) as not placed."""
        line = node.map[0] + 1 if node.map else 0
        body = text if text is not None else block_text(node)
        if body.strip():
            self.unplaced.append(Unplaced(self.section, line, body.strip()))

    def heading(self, node: SyntaxTreeNode) -> None:
        title = plain(inline_of(node)).strip()
        if node.tag == "h1" and self.title is None and not self.sections_seen:
            self.titled = re.match(r"rollback plan\b", title, re.I) is not None
            # "Rollback Plan: X", "Rollback Plan – X" (en or em dash, hyphen): the title is X.
            self.title = re.sub(r"^rollback plan\s*[:\-\u2013\u2014]?\s*", "", title, flags=re.I)
            self.section, self.sub = "header", None
            return
        key = section_of(title)
        if key in ("option_a", "option_b"):
            self.estimates[key] = _estimate(NUMBER.sub("", title))
            self.options.setdefault(key, [])
        level = int(node.tag[1:])
        if (
            self.section == "components"
            and level > self.level
            and key not in ("option_a", "option_b")
        ):
            key = None  # below "Component Rollback Steps", a heading names a component
        if key is not None:
            self.section, self.sub, self.level = key, None, level
            self.sections_seen.add(key)
            return
        lowered = title.lower().strip()
        if self.section == "components":
            self.components.append((_unnumbered(title, self.component_headings), []))
            self.component_headings.add(title)
            self.sub = "component"
        elif self.section == "communications" and lowered in TEMPLATES:
            self.sub = TEMPLATES[lowered]
        elif self.section == "communications" and "action" in lowered:
            self.sub = "actions"
        elif self.section == "followup" and "action" in lowered:
            self.sub = "items"
        else:
            self.keep(node, f"heading: {title}")
            self.sub = "unknown"

    def block(self, node: SyntaxTreeNode) -> None:
        if node.type == "paragraph" and plain(inline_of(node)).strip() in _EMPTY:
            return
        section = self.section
        if self.sub == "unknown":
            self.keep(node)
        elif node.type == "paragraph" and (section == "header" or _all_header(node)):
            self.header_lines(node)  # the brief ends with "**Current version:** ..." lines
        elif node.type == "table" and section in ("triggers", "contacts", "timeline"):
            self.table(node)
        elif not self.placed(node, section) and not _fixed_sentence(node, section):
            self.keep(node)

    def placed(self, node: SyntaxTreeNode, section: str) -> bool:
        """Place *node* in the piece its section and sub-heading read; False if it has
        none there."""
        sub = self.sub
        if section == "communications" and sub is not None and sub in TEMPLATES.values():
            self.template(node, sub)
            return True
        return _is_list(node) and self.placed_list(node, section, sub)

    def placed_list(self, node: SyntaxTreeNode, section: str, sub: str | None) -> bool:
        """Place the list *node*: steps, actions, labelled lines, triggers..."""
        if section in _STEP_LISTS:
            key = "option_b" if section == "procedure" else section
            self.options.setdefault(key, []).extend(self.items(node))
        elif section == "components" and sub == "component":
            self.components[-1][1].extend(self.items(node))
        elif section == "communications" and sub == "actions":
            self.actions.extend(self.items(node))
        elif section == "followup" and sub == "items":
            self.followup_items.extend(self.items(node))
        elif section == "post_rollback":
            self.post_rollback(node)
        elif section in FIELDS:
            self.labelled(node, section)
        elif section == "triggers":
            for entry in node.children:
                if not read_query(entry, self.triggers):
                    self.triggers.append({"trigger": one_text(entry)})
        elif section == "timeline":
            for entry in node.children:
                if not DERIVED.match(entry_label(entry)[0] or ""):
                    self.keep(entry)
        else:
            return False
        return True

    # -- pieces ---------------------------------------------------------------------------

    def header_lines(self, node: SyntaxTreeNode) -> None:
        first = node.map[0] + 1 if node.map else 0
        for offset, line in enumerate(split_lines(inline_of(node))):
            if not line:
                continue
            label, value, _ = line_label(line)
            key = HEADER.get((label or "").lower())
            if key is None:
                self.unplaced.append(Unplaced(self.section, first + offset, plain(line)))
                continue
            self.header_at[key] = first + offset
            span = CODE_SPAN.fullmatch(value)
            if key in CODE_SPANS and span and span.group(1) not in span.group(2):
                inner = span.group(2)  # CommonMark drops one space on each side
                value = inner[1:-1] if inner[:1] == inner[-1:] == " " and inner.strip() else inner
            self.header[key] = value

    def table(self, node: SyntaxTreeNode) -> None:
        rows = [row for part in node.children for row in part.children]
        if not rows:
            return
        names = [plain(inline_of(cell), table=True).strip().lower() for cell in rows[0].children]
        for row in rows[1:]:
            cells = [cell_text(c) for c in row.children]
            if not any(cells):
                continue  # "| — | — | — |": render's row for an empty table
            values = dict(zip(names, cells, strict=False))
            if self.section == "triggers":
                self.triggers.append(
                    {
                        "trigger": pick(values, "trigger", "signal", "condition"),
                        "threshold": pick(values, "threshold"),
                        "source": pick(values, "source", "monitor"),
                    }
                )
            elif self.section == "contacts":
                self.contacts.append(
                    {
                        "role": pick(values, "role"),
                        "name": pick(values, "name"),
                        "contact": pick(values, "contact", "phone", "slack"),
                    }
                )
            else:
                self.timeline_row(row, values)

    def timeline_row(self, row: SyntaxTreeNode, values: dict[str, str]) -> None:
        cells = row.children
        event_nodes = inline_of(cells[2]) if len(cells) > 2 else []
        head = plain(event_nodes[:1], table=True) if event_nodes else ""
        kind = next(
            (k for k in sorted(EVENTS, key=len, reverse=True) if head.lower().startswith(k)), None
        )
        try:
            at = dt.datetime.strptime(pick(values, "time"), "%Y-%m-%d %H:%M:%S")
        except ValueError:
            at = None
        if kind is None or at is None:
            self.keep(row, " | ".join(plain(inline_of(c), table=True) for c in cells))
            return
        rest_nodes = list(event_nodes)
        first = rest_nodes[0]
        remainder = first.content[len(kind) :] if first.type == "text" else ""
        item = None
        rest_nodes = rest_nodes[1:]
        if not remainder.strip() and rest_nodes and rest_nodes[0].type == "code_inline":
            item = rest_nodes[0].content
            remainder = plain(rest_nodes[1:], table=True)
        else:
            remainder += plain(rest_nodes, table=True)
        self.timeline.append(
            {
                "at": at.replace(tzinfo=dt.UTC),
                "by": pick(values, "who"),
                "event": EVENTS[kind],
                "item": item,
                "rest": remainder,
            }
        )

    def items(self, node: SyntaxTreeNode) -> list[ReadItem]:
        return [item for entry in node.children if (item := self.item(entry)) is not None]

    def item(self, entry: SyntaxTreeNode) -> ReadItem | None:
        text_nodes: list[SyntaxTreeNode] = []
        command = None
        for child in entry.children:
            if child.type == "paragraph" and not text_nodes:
                text_nodes = inline_of(child)
            elif child.type in ("fence", "code_block") and command is None:
                command = child.content.removesuffix("\n")
            else:
                self.keep(child)
        if not text_nodes and command is None:
            return None
        item = ReadItem("")
        nodes = _done_stamp(list(text_nodes), item)
        nodes, item.outcome, item.reason, by, at = read_outcome(nodes)
        if item.outcome is not None:
            item.done_by, item.done_at = by, at
        nodes, item.irreversible = read_irreversible(nodes, _OWNER)
        _item_text(plain(nodes), item)
        # Empty optional values are unset, as a saved plan has them.
        item.command = command if command and command.strip() else None
        item.owner = item.owner or None
        item.done_by = item.done_by or None
        return item

    def post_rollback(self, node: SyntaxTreeNode) -> None:
        loose: list[ReadItem] = []
        for entry in node.children:
            name_nodes = (
                inline_of(entry.children[0])
                if entry.children and entry.children[0].type == "paragraph"
                else []
            )
            name = plain(name_nodes).strip()
            if _BOX.match(name):  # a step without a group
                if (item := self.item(entry)) is not None:
                    loose.append(item)
                continue
            if len(name_nodes) == 1 and name_nodes[0].type == "strong":
                name = plain(name_nodes[0].children).strip()
            items: list[ReadItem] = []
            for child in entry.children[1:]:
                if _is_list(child):
                    items += self.items(child)
                else:
                    self.keep(child)
            self.groups.append((name, items))
        if loose:
            self.groups.append(("Actions", loose))

    def labelled(self, node: SyntaxTreeNode, section: str) -> None:
        fields = self.fields.setdefault(section, {})
        for entry in node.children:
            label, value = entry_label(entry)
            if label is not None and DERIVED.match(label):
                continue
            name = next(
                (
                    f
                    for pattern, f in FIELDS[section]
                    if label is not None and pattern.search(label)
                ),
                None,
            )
            if name is None and section in ("communications", "followup"):
                item = self.item(entry)
                if item is not None:
                    (self.actions if section == "communications" else self.followup_items).append(
                        item
                    )
                continue
            if name is None or name in fields:
                self.keep(entry)
                continue
            fields[name] = "" if value.strip() == _UNSET else value

    def template(self, node: SyntaxTreeNode, name: str) -> None:
        if node.type in ("fence", "code_block"):
            body = node.content.removesuffix("\n")
        elif node.type == "paragraph":
            body = plain(inline_of(node))
        else:
            self.keep(node)
            return
        previous = self.templates.get(name)
        self.templates[name] = f"{previous}\n\n{body}" if previous else body


def _fixed_sentence(node: SyntaxTreeNode, section: str) -> bool:
    """The template's fixed sentence ("Initiate rollback immediately if..."): not kept."""
    return (
        node.type == "paragraph"
        and section in ("triggers", "post_rollback")
        and (
            re.match(r"initiate rollback", block_text(node), re.I) is not None
            or QUERIES_SENTENCE.match(block_text(node)) is not None
        )
    )


def _done_stamp(nodes: list[SyntaxTreeNode], item: ReadItem) -> list[SyntaxTreeNode]:
    """A step's "_(done 2026-11-20 14:02 UTC by sam)_" read into *item*; the nodes
    before it (all of them when there is none, or its time is not a real one)."""
    if not nodes or nodes[-1].type != "em":
        return nodes
    done = _DONE.match(plain(nodes[-1].children))
    if not done:
        return nodes
    stamp = done.group(1)
    stamp_format = "%Y-%m-%d %H:%M:%S" if stamp.count(":") == 2 else "%Y-%m-%d %H:%M"
    try:
        at = dt.datetime.strptime(stamp, stamp_format).replace(tzinfo=dt.UTC)
    except ValueError:  # not a real time: the text keeps it
        return nodes
    item.done_at, item.done_by = at, done.group(2)
    return nodes[:-1]


def _item_text(text: str, item: ReadItem) -> None:
    """A step's text read into *item*: its checkbox, its owner, the text itself."""
    if item.done_at is not None:
        text = text.removesuffix(" ")
    if box := _BOX.match(text):
        item.done = box.group(1) != " "
        text = text[box.end() :]
    if _OWNER in text:
        text, item.owner = text.split(_OWNER, 1)
    if (
        item.outcome == "skipped"
        and len(text) > 4
        and text.startswith("~~")
        and text.endswith("~~")
    ):
        text = text[2:-2]  # struck through: visibly not done
    item.text = "" if text.strip() == "—" else text.strip()


def _all_header(node: SyntaxTreeNode) -> bool:
    """Every line of the paragraph is a header field (``**Current version:** ...``)."""
    lines = [line for line in split_lines(inline_of(node)) if line]
    return bool(lines) and all((line_label(line)[0] or "").lower() in HEADER for line in lines)


def _is_list(node: SyntaxTreeNode) -> bool:
    return node.type in ("bullet_list", "ordered_list")


def parse_markdown(text: str) -> tuple[Plan, list[Unplaced]]:
    """The plan in Markdown *text*, and what could not be placed in it.

    Raises NotAPlan when the text has neither a "Rollback Plan" title nor any of a plan's
    sections.
    """
    with many_objects():
        return _parse(clean_text(text.removeprefix("\ufeff")))


def _parse(text: str) -> tuple[Plan, list[Unplaced]]:
    reader = _Reader()
    front = _FRONT_MATTER.match(text)
    if front:  # YAML front matter (as the brief has): kept, and its lines left blank
        reader.unplaced.append(Unplaced("header", 1, front.group(1).strip()))
        text = "\n" * front.group(0).count("\n") + text[front.end() :]
    reader.read(SyntaxTreeNode(_MD.parse(text)))
    gc.collect()  # the tree (its nodes and parents refer to each other), before the plan
    if not reader.sections_seen and not reader.titled:
        raise NotAPlan(
            "not a rollback plan (no 'Rollback Plan' title and none of its "
            "sections: triggers, procedure, components, contacts...)"
        )
    plan = build(reader)
    return plan, sorted(reader.unplaced, key=lambda note: note.line)


def read_file(path: Path) -> tuple[Plan, list[Unplaced]]:
    """The plan in the Markdown file at *path*; NotAPlan with one line naming the file."""
    from rollback_tui.store.errors import PlanFileError
    from rollback_tui.store.file_safety import read_regular

    try:  # a regular file only, of a plan's size at most: a FIFO or /dev/zero is refused
        data = read_regular(path)
    except PlanFileError as exc:
        raise NotAPlan(str(exc).replace("not a plan file", "not a Markdown file")) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise NotAPlan(f"{path}:{line}: not UTF-8 text (byte {exc.start})") from None
    try:
        return parse_markdown(text)
    except NotAPlan as exc:
        raise NotAPlan(f"{path}: {exc}") from None
    except ValueError as exc:  # a value the plan's model refuses
        first = str(exc).splitlines()[0]
        raise NotAPlan(f"{path}: cannot be read as a plan: {first}") from None
