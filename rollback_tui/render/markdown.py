"""The plan as Markdown: the template's layout and the brief's sections, as keyed sections.

Pure: no I/O and no UI. The preview redraws one section at a time, so each section is
rendered on its own and the document is their concatenation.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Collection
from dataclasses import dataclass
from itertools import accumulate
from urllib.parse import quote

from rollback_tui.bulk_work import many_objects
from rollback_tui.plan.model import ChecklistItem, Component, Plan, with_component
from rollback_tui.plan.shell_words import (
    INVISIBLE,
    assignment,
    escaped,
    evaluates_values,
    is_plain_name,
    quoting_at,
    reference,
    strip_invisible,
)
from rollback_tui.plan.timeline import EVENT_LABELS, Progress, item_labels, option_milestones
from rollback_tui.render.markdown_syntax import block, code_span, fenced, heading, inline
from rollback_tui.render.run_record import date_rows, estimate, run_section

_NAMES = "TARGET_VERSION|VERSION|FEATURE_FLAG|INCIDENT|COMPONENT|UPDATE_INTERVAL"
# $NAME or ${NAME}; $NAME_OTHER and $NAMES are other variables and stay as written.
_VARIABLE = re.compile(rf"\$(?:\{{({_NAMES})\}}|({_NAMES})\b)")
_UNSET = "_Not yet written._"


_URL = re.compile(r"https?://[^\s<>`\\]+")


def _link(text: str) -> str:
    """A URL as an explicit autolink (so nothing after it is read as part of it)."""
    return f"<{text}>" if _URL.fullmatch(text) else inline(text)


@dataclass(frozen=True, slots=True)
class Section:
    """One keyed piece of the document; ``markdown`` ends with a newline."""

    key: str
    markdown: str


def unset_variable(name: str) -> str:
    """What a variable with no value shows instead of a raw ``$NAME``: ‹version unset›."""
    return f"‹{name.lower().replace('_', ' ')} unset›"


def substitute(text: str, variables: dict[str, str]) -> str:
    """Replace $VERSION and the other plan variables; one with no value shows as unset."""
    if "$" not in text:
        return text
    return _VARIABLE.sub(
        lambda m: (
            variables.get(m.group(1) or m.group(2)) or unset_variable(m.group(1) or m.group(2))
        ),
        text,
    )


# A shell prompt copied with a command: pasted, it would run a command named "$".
_PROMPT = re.compile(r"^[^\S\n]*(?:\$[^\S\n]+)+", re.MULTILINE)


def substitute_command(command: str, variables: dict[str, str]) -> str:
    """*command* ready to paste: the plan's variables given their values, safely.

    A value that is a plain name is written in; any other is given to the command by an
    assignment line before it (``COMPONENT='web|edge'``), the command keeping its
    ``"$COMPONENT"`` (see shell_words for the rule, and why it holds however the command
    is written). A command that may run a value as code gets no such value: a comment
    line says which variables were left unset. A ``$`` after a backslash is no variable.
    Unset variables show as unset; invisible and bidirectional control characters, and a
    ``$ `` prompt at the start of a line, are removed.
    """
    command, found, spans = _references(command)
    if not found:
        return command
    # Most commands: every value they name is a plain name (which holds no invisible
    # character) or unset, and is written in as it is: no quoting to read.
    plain = _written_in(command, spans, variables)
    if plain is not None:
        return plain
    values = variables
    if INVISIBLE.search("".join(variables.values())):
        values = {name: strip_invisible(value) for name, value in variables.items()}
        plain = _written_in(command, spans, values)
        if plain is not None:
            return plain
    given = [
        m
        for m, (_, _, name) in zip(found, spans, strict=True)
        if not is_plain_name(values.get(name) or "x")
    ]
    states = dict(
        zip(
            (m.start() for m in given), quoting_at(command, [m.start() for m in given]), strict=True
        )
    )
    written = [
        reference(m.group(), states[m.start()])
        if m.start() in states
        else substitute(m.group(), values)
        for m in found
    ]
    out, done = [], 0
    for m, text in zip(found, written, strict=True):
        out += [command[done : m.start()], text]
        done = m.end()
    body = "".join(out) + command[done:]
    names = list(dict.fromkeys(_variable(m) for m in given))
    if not names:
        return body
    if evaluates_values(command):
        unset = ", ".join(names)
        return (
            f"# {unset} left unset: not a plain name, and this command may run it as code\n{body}"
        )
    return "\n".join([*(assignment(name, values[name]) for name in names), body])


def _written_in(
    command: str, spans: tuple[tuple[int, int, str], ...], values: dict[str, str]
) -> str | None:
    """*command* with the value of each variable at *spans* written in, if every one is a
    plain name or unset; else None."""
    out, done = [], 0
    for start, end, name in spans:
        value = values.get(name)
        if value and not is_plain_name(value):
            return None
        out += [command[done:start], value or unset_variable(name)]
        done = end
    return "".join(out) + command[done:]


@functools.lru_cache(maxsize=4096)
def _references(
    command: str,
) -> tuple[str, tuple[re.Match[str], ...], tuple[tuple[int, int, str], ...]]:
    """*command* without invisible characters (and, if it names a variable, without ``$``
    prompts), the references to the plan's variables in it that no backslash escapes, and
    each one's (start, end, name). The same for every component: a plan repeats a handful
    of commands thousands of times."""
    command = strip_invisible(command)
    if "$" not in command:
        return command, (), ()
    command = _PROMPT.sub("", command)
    found = tuple(m for m in _VARIABLE.finditer(command) if not escaped(command, m.start()))
    return command, found, tuple((m.start(), m.end(), _variable(m)) for m in found)


def _variable(match: re.Match[str]) -> str:
    """The name of the variable *match* (of _VARIABLE) found."""
    return match.group(1) or match.group(2)


CONTAINMENT_TITLE = "Immediate Containment (Throttle, Route Traffic)"
"""The heading of the steps before either option (the strategy brief's words)."""
RESTORE_TITLE = "Service Restarts, Config Reversion and Cache Invalidation (As Required)"
"""The heading of the steps after Option B (the strategy brief's words)."""

_SENTENCE_END = ".,;:!\u3002\uff0c\uff1b\uff1a\uff01"
"""What markdownlint (MD026) reads as a heading's trailing punctuation."""
# The headings the renderer writes itself: a component of the same name is numbered.
OWN_HEADINGS = frozenset(
    {
        "Assumptions & Data Safety",
        "Rollback Triggers",
        "Rollback Decision Criteria",
        "Rollback Procedure",
        CONTAINMENT_TITLE,
        RESTORE_TITLE,
        "Component Rollback Steps",
        "Communication Plan",
        "Communication Actions",
        "Internal Update",
        "Status Page Update",
        "User-Facing Message",
        "Post-Rollback Status Update",
        "Post-Rollback Actions",
        "Post-Incident Follow-Up",
        "Action Items",
        "Emergency Contacts",
        "Timeline",
    }
)


def _heading_end(text: str) -> str:
    """*text* (escaped for a heading) with trailing punctuation as a character reference.

    It shows the same, and markdownlint does not read it as a sentence (MD026).
    """
    if not text or text[-1] not in _SENTENCE_END:
        return text
    body = text[:-1]
    backslashes = len(body) - len(body.rstrip("\\"))
    if backslashes % 2:  # the punctuation was escaped: drop the escape
        body = body[:-1]
    return f"{body}&#{ord(text[-1])};"


@functools.lru_cache(maxsize=4)
def _component_names(names: tuple[str, ...]) -> str:
    """The header's list of components (kept: every keystroke draws the header, and a
    plan of 1,000 components names 1,000 of them)."""
    return ", ".join(inline(name) for name in names if name.strip()) or "—"


class _ComponentHeadings:
    """Each component's heading: its name, numbered where it repeats an earlier heading
    (markdownlint MD024), with trailing punctuation written so MD026 does not read it.
    Worked out as far as asked: a tick draws one component of thousands again."""

    def __init__(self, plan: Plan) -> None:
        self._components = plan.components
        self._used = set(OWN_HEADINGS)
        self._made: list[str] = []

    def __getitem__(self, index: int) -> str:
        made, used = self._made, self._used
        while len(made) <= index:
            n = len(made)
            name = heading(self._components[n].name) or f"Component {n + 1}"
            candidate, count = name, 1
            while candidate in used:
                count += 1
                candidate = f"{name} ({count})"
            used.add(candidate)
            made.append(_heading_end(candidate))
        return made[index]


def _text_block(text: str) -> str:
    """A message template as a ``text`` code block.

    One whose every line starts with a ``$`` prompt is message text all the same, shown as
    written: markdownlint's rule for commands without output (MD014) is turned off around it.
    """
    block = fenced(text, "", "text")
    lines = [line for line in text.split("\n") if line.strip()]
    if lines and all(_PROMPT.match(line) for line in lines):
        return (
            f"<!-- markdownlint-disable MD014 -->\n\n{block}\n\n<!-- markdownlint-enable MD014 -->"
        )
    return block


def _name(value: str) -> str:
    """A name or version as shown in code: without invisible characters or spaces around."""
    return strip_invisible(value).strip()


def _run_notes(item: ChecklistItem, variables: dict[str, str], indent: str) -> str:
    """A step's timeout and dry run, under its command, when the plan gives them."""
    out = ""
    if item.timeout is not None:
        out += f"\n\n{indent}_Timeout: {item.timeout} s_"
    if item.dry_run and item.dry_run.strip():
        dry = fenced(substitute_command(item.dry_run, variables), indent, "sh")
        out += f"\n\n{indent}_Dry run:_\n\n{dry}"
    return out


def _has_command(item: ChecklistItem) -> bool:
    return bool(item.command and item.command.strip())


_ITEM_LINES: dict[tuple[object, ...], str] = {}
"""Checklist items as drawn, by everything that decides their lines. A save and the
preview draw the whole plan, and a tick changes one step of its hundreds."""
_INLINE_KEPT = 4096
"""Item texts kept as shown during one drawing (each a few dozen bytes)."""
_ITEM_LINES_KEPT = 20_000
"""Items kept; past this the store starts again (a plan has a few thousand). A plan with
more items than this draws them without keeping any: it could not find them again."""


class _Renderer:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.variables = plan.variables()
        self.component_headings = _ComponentHeadings(plan)
        items = sum(len(items) for _, _, items in plan.groups(prefixes=False))
        self.keeps_items = items <= _ITEM_LINES_KEPT
        self._inline: dict[str, str] = {}  # texts as shown: a long plan repeats its steps'

    def text(self, value: str, variables: dict[str, str] | None = None) -> str:
        value = substitute(value, variables or self.variables)
        shown = self._inline.get(value)
        if shown is None:
            shown = inline(value)
            if len(self._inline) < _INLINE_KEPT:
                self._inline[value] = shown
        return shown

    def field(self, label: str, value: str, indent: str = "  ") -> str:
        body = block(substitute(value, self.variables), indent) if value.strip() else _UNSET
        return f"- **{label}:** {body}"

    def kept_item(
        self, marker: str, item: ChecklistItem, variables: dict[str, str], outer: str = ""
    ) -> str:
        """_item, kept: every field of the item (whatever fields it gains) and the values
        substituted decide its lines, and a step drawn before with all of them the same is
        not drawn again. Only for a plan whose items the store can hold (keeps_items)."""
        key = (
            marker,
            outer,
            tuple(tuple(v) if isinstance(v, list) else v for v in item.__dict__.values()),
            tuple((variables or self.variables).items()),
        )
        try:
            line = _ITEM_LINES.get(key)
        except TypeError:  # a field that cannot be a key: draw it every time
            return self._item(marker, item, variables, outer)
        if line is None:
            if len(_ITEM_LINES) >= _ITEM_LINES_KEPT:
                _ITEM_LINES.clear()
            line = _ITEM_LINES[key] = self._item(marker, item, variables, outer)
        return line

    def _item(
        self, marker: str, item: ChecklistItem, variables: dict[str, str], outer: str = ""
    ) -> str:
        indent = outer + " " * (len(marker) + 1)
        text = self.text(item.text, variables) or "—"
        state = item.state
        if state == "skipped":
            text = f"~~{text}~~"  # visibly not done
        line = f"{marker} [{'x' if item.done else ' '}] {text}"
        if item.irreversible:
            line += " **irreversible**"
        if item.owner and item.owner.strip():
            line += f" — owner: {inline(item.owner)}"
        if state != "open":
            who = f" by {inline(item.done_by)}" if item.done_by else ""
            when = f" at {item.done_at:%Y-%m-%d %H:%M} UTC" if item.done_at else ""
            if state == "done" and item.done_at:
                line += f" _(done {item.done_at:%Y-%m-%d %H:%M} UTC{who})_"
            elif state in ("skipped", "failed"):
                reason = f": {inline(item.reason)}" if item.reason and item.reason.strip() else ""
                line += f" — **{state}**{who}{when}{reason}"
        if item.command is not None and _has_command(item):
            # Blank lines around the block (markdownlint MD031); the list is then loose.
            line += "\n\n" + fenced(substitute_command(item.command, variables), indent, "sh")
            line += _run_notes(item, variables, indent)
        return line

    def items(
        self,
        items: list[ChecklistItem],
        numbered: bool,
        indent: str = "",
        variables: dict[str, str] | None = None,
    ) -> str:
        variables = variables or self.variables
        if not items:
            return f"{indent}_No steps yet._"
        lines = []
        fence_before = False
        draw = self.kept_item if self.keeps_items else self._item
        for n, item in enumerate(items, 1):
            if fence_before:
                lines.append("")  # after a code block, a blank line
            lines.append(indent + draw(f"{n}." if numbered else "-", item, variables, indent))
            fence_before = _has_command(item)
        return "\n".join(lines)

    # -- sections ----------------------------------------------------------------------

    def header(self) -> str:
        p = self.plan
        names = _component_names(tuple(c.name for c in p.components))
        rows = [
            f"**Created:** {p.created.isoformat()}",
            f"**Deployment Type:** {p.deployment_type.label}",
            f"**Components:** {names}",
        ]
        if p.incident.strip():
            rows.append(f"**Incident:** {inline(p.incident)}")
        if p.incident_link.strip():
            rows.append(f"**Incident Link:** {_link(p.incident_link.strip())}")
        if _name(p.version):
            rows.append(f"**Current Version:** {code_span(_name(p.version))}")
        if _name(p.target_version):
            rows.append(f"**Target Version:** {code_span(_name(p.target_version))}")
        rows.append(f"**Database Impact:** {'Yes' if p.db_impact else 'No'}")
        if _name(p.feature_flag):
            rows.append(f"**Feature Flag:** {code_span(_name(p.feature_flag))}")
        rows += date_rows(p)
        return "\\\n".join(rows) + "\n\n---\n"

    def title(self) -> str:
        # A section of its own, the header's lines below it: typing the title redraws one
        # line of the preview, not a paragraph that names every component.
        title = _heading_end(heading(self.plan.title)) or "Untitled"
        return f"# Rollback Plan: {title}\n"

    def assumptions(self) -> str:
        a = self.plan.assumptions
        rows = [
            self.field("Data Mutations", a.data_mutations),
            self.field("Backups", a.backups),
            self.field("Migration Reversibility", a.migrations),
            self.field("SLAs", a.sla),
            self.field("User Impact Tolerance", a.user_impact),
        ]
        return "## Assumptions & Data Safety\n\n" + "\n".join(rows) + "\n"

    def triggers(self) -> str:
        lines = [
            "## Rollback Triggers",
            "",
            "Initiate rollback immediately if ANY of these conditions are met:",
            "",
            "| Trigger | Threshold | Monitoring Source |",
            "| --- | --- | --- |",
        ]
        for t in self.plan.triggers:
            cells = [inline(v, table=True) or "—" for v in (t.trigger, t.threshold, t.source)]
            lines.append(f"| {' | '.join(cells)} |")
        if not self.plan.triggers:
            lines.append("| — | — | — |")
        measured = [t for t in self.plan.triggers if t.query.strip()]
        if measured:  # as an alerting rule's expr: a sample returned is the trigger firing
            lines += [
                "",
                "Measured by these Prometheus queries (firing when they return a sample):",
            ]
            lines.append("")
            lines += [
                f"- {inline(t.trigger) or '—'}: {code_span(' '.join(t.query.split()))}"
                for t in measured
            ]
        return "\n".join(lines) + "\n"

    def decision(self) -> str:
        d = self.plan.decision
        rows = [
            self.field("Severity", d.severity),
            self.field("Impact Scope", d.impact_scope),
            self.field("Time to Resolution", d.time_to_resolution),
            self.field("Rollback vs. Hotfix", d.rollback_vs_hotfix),
        ]
        return "## Rollback Decision Criteria\n\n" + "\n".join(rows) + "\n"

    def procedure_part(self, key: str, top: bool) -> str:
        """One part of the procedure (containment, an option, the restore steps), under
        the procedure's heading if it is the first part shown."""
        proc = self.plan.procedure
        title, items = {
            "containment": (CONTAINMENT_TITLE, proc.containment),
            "option-a": (
                "Option A: Feature Flag Rollback"
                + estimate(proc.option_a_estimate, proc.option_a_drilled),
                proc.option_a,
            ),
            "option-b": (
                "Option B: Deployment Rollback"
                + estimate(proc.option_b_estimate, proc.option_b_drilled),
                proc.option_b,
            ),
            "restore": (RESTORE_TITLE, proc.restore),
        }[key]
        top_heading = "## Rollback Procedure\n\n" if top else ""
        if top and self.plan.command_timeout is not None:
            top_heading += (
                f"_A step's command run from the checklist ends after "
                f"{self.plan.command_timeout} s unless the step says otherwise._\n\n"
            )
        return f"{top_heading}### {title}\n\n" + self.items(items, numbered=True) + "\n"

    def components_heading(self) -> str:
        empty = "" if self.plan.components else "\n_No components yet._\n"
        return "## Component Rollback Steps\n" + empty

    def component(self, index: int) -> str:
        component = self.plan.components[index]
        variables = with_component(self.variables, component.name)
        steps = self.items(component.steps, False, variables=variables)
        return f"### {self.component_headings[index]}\n\n{steps}\n"

    def communications(self) -> str:
        c = self.plan.communications
        parts = [
            "## Communication Plan",
            "",
            self.field("Stakeholders", c.stakeholders),
            self.field("Status Update Channels", c.channels),
            self.field("Update Cadence", c.cadence),
            *(
                [f"- **Update Interval:** every {c.update_interval} minutes"]
                if c.update_interval is not None
                else []
            ),
            "- **Incident Timeline:** every tick and note is recorded in this plan's "
            "Timeline section.",
            "",
            "### Communication Actions",
            "",
            self.items(c.actions, numbered=False),
        ]
        templates = [
            ("Internal Update", c.internal_template),
            ("Status Page Update", c.status_page_template),
            ("User-Facing Message", c.user_template),
            ("Post-Rollback Status Update", c.post_rollback_update),
        ]
        for title, body in templates:
            if body.strip():
                parts += ["", f"### {title}", "", _text_block(substitute(body, self.variables))]
        return "\n".join(parts) + "\n"

    def post_rollback(self) -> str:
        parts = ["## Post-Rollback Actions", ""]
        group_has_command = False
        for n, group in enumerate(self.plan.post_rollback, 1):
            if n > 1 and group_has_command:
                parts.append("")  # after a code block, a blank line
            parts.append(f"{n}. **{inline(group.name) or 'Actions'}**")
            parts.append(self.items(group.items, numbered=False, indent="   "))
            group_has_command = bool(group.items) and _has_command(group.items[-1])
        if not self.plan.post_rollback:
            parts.append("_No actions yet._")
        return "\n".join(parts) + "\n"

    def followup(self) -> str:
        f = self.plan.followup
        owner = inline(f.rca_owner) if f.rca_owner.strip() else "owner not yet named"
        due = f", due {f.rca_due.isoformat()}" if f.rca_due else ", no due date yet"
        parts = [
            "## Post-Incident Follow-Up",
            "",
            f"- **Root Cause Analysis:** {owner}{due}",
            self.field("Prevention", f.prevention),
            self.field("Monitoring & Alerting", f.monitoring),
            self.field("Retrospective", f.retrospective),
            "",
            "### Action Items",
            "",
            self.items(f.items, numbered=False),
        ]
        return "\n".join(parts) + "\n"

    def contacts(self) -> str:
        lines = ["## Emergency Contacts", "", "| Role | Name | Contact |", "| --- | --- | --- |"]
        for c in self.plan.contacts:
            cells = [inline(v, table=True) or "—" for v in (c.role, c.name, c.contact)]
            lines.append(f"| {' | '.join(cells)} |")
        if not self.plan.contacts:
            lines.append("| — | — | — |")
        return "\n".join(lines) + "\n"

    def timeline(self) -> str:
        lines = ["## Timeline", "", "| Time (UTC) | Who | Event |", "| --- | --- | --- |"]
        # One look-up for all events, as plan.item(), of the items they name.
        labels = item_labels(self.plan, {e.item for e in self.plan.timeline if e.item})
        # In time order: after a merge, events appended to the file may be earlier.
        for e in sorted(self.plan.timeline, key=lambda event: event.at):
            what = EVENT_LABELS[e.event]
            if _name(e.item or ""):
                label = f" {code_span(_name(e.item or ''), table=True)}"
                if labels.get(e.item or ""):
                    label += f" {inline(labels[e.item or ''], table=True)}"
                what += label
            note = inline(e.text, table=True) if e.text else ""
            if note:
                what += f": {note}"
            if e.log:
                what += f" ([log]({_log_target(self.plan, e.log)}))"
            by = inline(e.by, table=True) or "—"
            lines.append(f"| {e.at:%Y-%m-%d %H:%M:%S} | {by} | {what} |")
        milestones = option_milestones(self.plan)
        progress = Progress.of(self.plan.all_items(active=True))
        if milestones or progress.settled:
            lines.append("")
        if progress.settled:
            lines.append(f"- **Progress:** {progress.counts()}")
        lines += [f"- **{label}:** {value}" for label, value in milestones]
        return "\n".join(lines) + "\n"


def _log_target(plan: Plan, log: str) -> str:
    """A command's log as a link from this Markdown: the timeline keeps it relative to
    the plan's folder (``plan.runs/logs/…``); a run file's Markdown is in ``plan.runs/``."""
    parts = log.split("/")
    if plan.run is not None and len(parts) > 1:
        parts = parts[1:]
    return quote("/".join(parts), safe="/")


def procedure_parts(plan: Plan) -> list[str]:
    """The procedure's parts shown, in order: containment (if it has steps), the options
    in use, and the restore steps (with Option B, if it has them)."""
    proc = plan.procedure
    parts = ["containment"] if proc.containment else []
    parts += ["option-a"] * proc.uses_a + ["option-b"] * proc.uses_b
    return parts + ["restore"] * (proc.uses_b and bool(proc.restore))


def render_sections(plan: Plan, components: list[Section] | None = None) -> list[Section]:
    """The plan's Markdown as keyed sections, in document order.

    *components*, when given, are the plan's component sections as drawn before: the caller
    knows that neither the components nor the values substituted (``plan.variables()``)
    changed since, which are all that a component's section shows.
    """
    r = _Renderer(plan)
    before, after = _around_components(plan, r)
    if components is None:
        components = [
            Section(f"component-{i}", r.component(i)) for i in range(len(plan.components))
        ]
    return [*before, *components, *after]


def _around_components(plan: Plan, r: _Renderer) -> tuple[list[Section], list[Section]]:
    """The sections before the components' own (their heading last), and those after."""
    before = [
        Section("title", r.title()),
        Section("header", r.header()),
    ]
    if plan.run is not None:
        before.append(Section("run", run_section(plan)))
    before += [
        Section("assumptions", r.assumptions()),
        Section("triggers", r.triggers()),
        Section("decision", r.decision()),
    ]
    parts = procedure_parts(plan)
    before += [Section(key, r.procedure_part(key, n == 0)) for n, key in enumerate(parts)]
    before.append(Section("components", r.components_heading()))
    after = [
        Section("communications", r.communications()),
        Section("post-rollback", r.post_rollback()),
        Section("followup", r.followup()),
        Section("contacts", r.contacts()),
    ]
    if plan.timeline:
        after.append(Section("timeline", r.timeline()))
    return before, after


@dataclass(frozen=True, slots=True)
class DrawnComponents:
    """The components' sections of a document drawn before: *data* holds them, the first
    at *at*, one after the other with a newline between two, each of its length."""

    data: bytes | memoryview
    at: int
    lengths: list[int]


@dataclass(frozen=True, slots=True)
class MarkdownData:
    """A plan's Markdown in UTF-8, in pieces (joined, they are the document), and where
    its components' sections are in it: the first at *at*, each of its length, a newline
    between two (as DrawnComponents says it of a document drawn before)."""

    pieces: list[bytes | memoryview]
    at: int
    lengths: list[int]

    def data(self) -> bytes:
        return b"".join(self.pieces)

    @property
    def size(self) -> int:
        """The document's length in bytes."""
        return sum(len(piece) for piece in self.pieces)

    def sha256(self) -> str:
        """The document's SHA-256, in hex, taken from its pieces (never joined: a long
        plan's Markdown is 5 MB, which a save need not hold twice)."""
        digest = hashlib.sha256()
        for piece in self.pieces:
            digest.update(piece)
        return digest.hexdigest()


def markdown_data(
    plan: Plan, drawn: DrawnComponents | None = None, redraw: Collection[int] = ()
) -> MarkdownData:
    """The plan's Markdown in UTF-8 (see MarkdownData).

    *drawn*, when given, are the component sections of a plan that differs from this one
    only in the items of the components numbered in *redraw* and outside the components
    (what a tick changes: item states, the timeline), as they were drawn for it: those
    components are drawn again, the others taken as they are, in runs. On a long plan the
    components are nearly all of the document, and a tick changes one or two of them.
    """
    with many_objects():
        r = _Renderer(plan)
        before, after = _around_components(plan, r)
        count = len(plan.components)
        head = b"\n".join(s.markdown.encode("utf-8") for s in before)
        tail = b"".join(b"\n" + s.markdown.encode("utf-8") for s in after)
        pieces: list[bytes | memoryview] = [head]
        if drawn is None:
            lengths = []
            for i in range(count):
                part = r.component(i).encode("utf-8")
                pieces += [b"\n", part]
                lengths.append(len(part))
        elif len(drawn.lengths) != count:
            raise ValueError(f"{len(drawn.lengths)} sections drawn for {count} components")
        elif count:
            # The components' run as drawn, newlines between, each redrawn one put in.
            lengths = list(drawn.lengths)
            starts = list(accumulate((n + 1 for n in lengths[:-1]), initial=drawn.at))
            pieces.append(b"\n")
            pos = drawn.at
            for i in sorted(set(redraw)):
                part = r.component(i).encode("utf-8")
                pieces += [drawn.data[pos : starts[i]], part]
                pos, lengths[i] = starts[i] + drawn.lengths[i], len(part)
            pieces.append(drawn.data[pos : starts[-1] + drawn.lengths[-1]])
        else:
            lengths = []
        pieces.append(tail)
        return MarkdownData(pieces, len(head) + 1, lengths)


def shown_in_components(plan: Plan, target: object) -> bool:
    """Whether a value of *target* (a part of *plan*) is drawn in a component's section.

    A component's section shows the component (its name, in every heading, and its steps)
    and the values substituted; the caller compares those (``plan.variables()``) itself.
    """
    if isinstance(target, Component):
        return True
    if isinstance(target, ChecklistItem):
        return any(target is step for component in plan.components for step in component.steps)
    return False


def component_sections(sections: list[Section]) -> list[Section]:
    """The component sections of *sections* (to give render_sections again)."""
    return [s for s in sections if s.key.startswith("component-")]


def render_markdown(plan: Plan) -> str:
    """The whole plan as one Markdown document."""
    with many_objects():
        return "\n".join(section.markdown for section in render_sections(plan))


def render_markdown_data(plan: Plan) -> bytes:
    """render_markdown's document in UTF-8, for a file: made from the sections' bytes, so
    that a long plan's whole document is never held as text as well (one character
    outside ASCII makes Python keep it at two bytes a character: 11 MB for a 9 MB plan)."""
    return markdown_data(plan).data()
