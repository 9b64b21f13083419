"""The plan as plain text, for ticket systems that show Markdown raw.

The same sections in the same order as the Markdown, with nothing a reader has to look
past: no backslash escapes, no table pipes, no code fences; checkboxes as ``[ ]`` and
``[x]``. User text is shown as typed, but it cannot pass for the document's own layout:
a one-line value keeps to its line, the lines of a longer one are indented under their
label, and invisible or direction-changing characters are shown as ``<U+202E>``.
Commands get their values quoted for a POSIX shell, as in the Markdown.

Pure: no I/O and no UI.
"""

from __future__ import annotations

from rollback_tui.plan.model import ChecklistItem, Plan
from rollback_tui.plan.shell_words import show_invisible, strip_invisible
from rollback_tui.plan.timeline import EVENT_LABELS, option_milestones
from rollback_tui.render import CONTAINMENT_TITLE, RESTORE_TITLE, substitute, substitute_command
from rollback_tui.render.markdown import procedure_parts
from rollback_tui.render.markdown_syntax import TABLE_LINE_BREAK
from rollback_tui.render.run_record import date_fields, duration, run_fields

_UNSET = "(not yet written)"


def _line(text: str, joiner: str = " ") -> str:
    """User text on one line: its lines joined, tabs as spaces, invisible ones shown."""
    lines = [line.strip() for line in show_invisible(text).replace("\t", " ").split("\n")]
    return joiner.join(line for line in lines if line)


def _lines(text: str, indent: str) -> str:
    """User text of several lines, each after the first indented by *indent*."""
    lines = [line.rstrip() for line in show_invisible(text).expandtabs(4).split("\n")]
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    return ("\n" + indent).join(line.strip() if n == 0 else line for n, line in enumerate(lines))


def _heading(text: str, underline: str) -> str:
    return f"{text}\n{underline * len(text)}"


class _TextRenderer:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.variables = plan.variables()

    def field(self, label: str, value: str, indent: str = "  ") -> str:
        body = _lines(substitute(value, self.variables), indent) if value.strip() else _UNSET
        return f"{label}: {body}"

    def item(self, marker: str, item: ChecklistItem, variables: dict[str, str], outer: str) -> str:
        indent = outer + " " * (len(marker) + 1)
        text = _line(substitute(item.text, variables)) or "—"
        line = f"{outer}{marker} [{'x' if item.done else ' '}] {text}"
        if item.irreversible:
            line += " (irreversible)"
        if item.owner and item.owner.strip():
            line += f" — owner: {_line(item.owner)}"
        who = f" by {_line(item.done_by)}" if item.done_by else ""
        if item.state == "done" and item.done_at:
            line += f" (done {item.done_at:%Y-%m-%d %H:%M} UTC{who})"
        elif item.state in ("skipped", "failed"):
            when = f" at {item.done_at:%Y-%m-%d %H:%M} UTC" if item.done_at else ""
            reason = f": {_line(item.reason)}" if item.reason and item.reason.strip() else ""
            line += f" — {item.state.upper()}{who}{when}{reason}"
        command = substitute_command(item.command or "", variables).strip("\n")
        if command.strip():
            pad = indent + "    "
            line += "\n" + "\n".join(
                pad + row if row.strip() else "" for row in command.expandtabs(4).split("\n")
            )
        return line

    def items(
        self,
        items: list[ChecklistItem],
        numbered: bool,
        outer: str = "",
        variables: dict[str, str] | None = None,
    ) -> str:
        if not items:
            return f"{outer}(no steps yet)"
        return "\n".join(
            self.item(f"{n}." if numbered else "-", item, variables or self.variables, outer)
            for n, item in enumerate(items, 1)
        )

    def rows(
        self,
        heading: str,
        rows: list[tuple[str, str, str]],
        labels: tuple[str, str],
        intro: str = "",
    ) -> list[str]:
        """A table as one line a row: first cell, then the others labelled."""
        out = [_heading(heading, "-"), ""] + ([intro, ""] if intro else [])
        for first, second, third in rows:
            cells = [_line(v, TABLE_LINE_BREAK) or "—" for v in (first, second, third)]
            out.append(f"- {cells[0]} — {labels[0]}: {cells[1]}; {labels[1]}: {cells[2]}")
        if not rows:
            out.append("(none yet)")
        return out

    def document(self) -> str:
        """The whole plan: its header, then each section in the Markdown's order."""
        parts = [
            *self.header(),
            *self.assumptions(),
            *self.triggers(),
            *self.decision(),
            *self.procedure(),
            *self.components(),
            *self.communications(),
            *self.post_rollback(),
            *self.followup(),
            *self.contacts(),
        ]
        if self.plan.timeline:
            parts += ["", _heading("Timeline", "-"), "", *self.timeline()]
        return "\n".join(parts) + "\n"

    def header(self) -> list[str]:
        """The title, the plan's one-line fields, its dates, the current run."""
        p = self.plan
        title = _line(p.title) or "Untitled"
        parts = [_heading(f"ROLLBACK PLAN: {title}", "="), ""]
        names = ", ".join(_line(c.name) for c in p.components if c.name.strip()) or "—"
        parts += [
            f"Created: {p.created.isoformat()}",
            f"Deployment Type: {p.deployment_type.label}",
            f"Components: {names}",
        ]
        for label, value in (
            ("Incident", _line(p.incident)),
            ("Incident Link", _line(p.incident_link)),
            ("Current Version", _line(strip_invisible(p.version))),
            ("Target Version", _line(strip_invisible(p.target_version))),
        ):
            if value:
                parts.append(f"{label}: {value}")
        parts.append(f"Database Impact: {'Yes' if p.db_impact else 'No'}")
        if _line(strip_invisible(p.feature_flag)):
            parts.append(f"Feature Flag: {_line(strip_invisible(p.feature_flag))}")
        parts += [f"{label}: {value}" for label, value in date_fields(p)]
        if p.run is not None:
            parts += ["", _heading("Run", "-"), ""]
            parts += [f"{label}: {_line(value)}" for label, value in run_fields(p)]
        return parts

    def assumptions(self) -> list[str]:
        a = self.plan.assumptions
        return [
            "",
            _heading("Assumptions & Data Safety", "-"),
            "",
            *(
                self.field(label, value)
                for label, value in (
                    ("Data Mutations", a.data_mutations),
                    ("Backups", a.backups),
                    ("Migration Reversibility", a.migrations),
                    ("SLAs", a.sla),
                    ("User Impact Tolerance", a.user_impact),
                )
            ),
        ]

    def triggers(self) -> list[str]:
        return [
            "",
            *self.rows(
                "Rollback Triggers",
                [(t.trigger, t.threshold, t.source) for t in self.plan.triggers],
                ("threshold", "monitoring source"),
                "Initiate rollback immediately if ANY of these conditions are met:",
            ),
            *[
                f"  Query for {t.trigger or '—'}: {' '.join(t.query.split())}"
                for t in self.plan.triggers
                if t.query.strip()
            ],
        ]

    def decision(self) -> list[str]:
        d = self.plan.decision
        return [
            "",
            _heading("Rollback Decision Criteria", "-"),
            "",
            *(
                self.field(label, value)
                for label, value in (
                    ("Severity", d.severity),
                    ("Impact Scope", d.impact_scope),
                    ("Time to Resolution", d.time_to_resolution),
                    ("Rollback vs. Hotfix", d.rollback_vs_hotfix),
                )
            ),
        ]

    def procedure(self) -> list[str]:
        """The parts of the procedure the plan uses, each with its estimate and last drill."""
        proc = self.plan.procedure
        titles = {
            "containment": (CONTAINMENT_TITLE, "", None, proc.containment),
            "option-a": (
                "Option A: Feature Flag Rollback",
                proc.option_a_estimate,
                proc.option_a_drilled,
                proc.option_a,
            ),
            "option-b": (
                "Option B: Deployment Rollback",
                proc.option_b_estimate,
                proc.option_b_drilled,
                proc.option_b,
            ),
            "restore": (RESTORE_TITLE, "", None, proc.restore),
        }
        parts = ["", _heading("Rollback Procedure", "-")]
        for key in procedure_parts(self.plan):
            name, estimate, drilled, steps = titles[key]
            said = [_line(estimate)] if estimate.strip() else []
            said += [f"last drill {duration(drilled)}"] if drilled is not None else []
            when = f" ({'; '.join(said)})" if said else ""
            parts += ["", f"{name}{when}", "", self.items(steps, numbered=True)]
        return parts

    def components(self) -> list[str]:
        p = self.plan
        parts = ["", _heading("Component Rollback Steps", "-")]
        if not p.components:
            parts += ["", "(no components yet)"]
        for index, component in enumerate(p.components):
            name = f"Component: {_line(component.name) or index + 1}"
            variables = p.variables(component.name)
            parts += ["", name, "", self.items(component.steps, False, variables=variables)]
        return parts

    def communications(self) -> list[str]:
        """The communication plan, its actions, then each template written."""
        c = self.plan.communications
        parts = [
            "",
            _heading("Communication Plan", "-"),
            "",
            self.field("Stakeholders", c.stakeholders),
            self.field("Status Update Channels", c.channels),
            self.field("Update Cadence", c.cadence),
            *(
                [f"Update Interval: every {c.update_interval} minutes"]
                if c.update_interval is not None
                else []
            ),
            "Incident Timeline: every tick and note is recorded in this plan's Timeline section.",
            "",
            "Communication Actions",
            "",
            self.items(c.actions, False),
        ]
        for title_, body in (
            ("Internal Update", c.internal_template),
            ("Status Page Update", c.status_page_template),
            ("User-Facing Message", c.user_template),
            ("Post-Rollback Status Update", c.post_rollback_update),
        ):
            if body.strip():
                parts += ["", title_, "", "    " + _lines(substitute(body, self.variables), "    ")]
        return parts

    def post_rollback(self) -> list[str]:
        parts = ["", _heading("Post-Rollback Actions", "-"), ""]
        for n, group in enumerate(self.plan.post_rollback, 1):
            parts.append(f"{n}. {_line(group.name) or 'Actions'}")
            parts.append(self.items(group.items, numbered=False, outer="   "))
        if not self.plan.post_rollback:
            parts.append("(no actions yet)")
        return parts

    def followup(self) -> list[str]:
        f = self.plan.followup
        owner = _line(f.rca_owner) or "owner not yet named"
        due = f", due {f.rca_due.isoformat()}" if f.rca_due else ", no due date yet"
        return [
            "",
            _heading("Post-Incident Follow-Up", "-"),
            "",
            f"Root Cause Analysis: {owner}{due}",
            self.field("Prevention", f.prevention),
            self.field("Monitoring & Alerting", f.monitoring),
            self.field("Retrospective", f.retrospective),
            "",
            "Action Items",
            "",
            self.items(f.items, False),
        ]

    def contacts(self) -> list[str]:
        return [
            "",
            *self.rows(
                "Emergency Contacts",
                [(x.role, x.name, x.contact) for x in self.plan.contacts],
                ("name", "contact"),
            ),
        ]

    def timeline(self) -> list[str]:
        items: dict[str, ChecklistItem] = {}
        for checklist_item in self.plan.all_items():
            items.setdefault(checklist_item.id, checklist_item)
        out = []
        for e in sorted(self.plan.timeline, key=lambda event: event.at):
            what = EVENT_LABELS[e.event]
            item_id = _line(strip_invisible(e.item or ""))
            if item_id:
                what += f" {item_id}"
                item = items.get(e.item or "")
                if item is not None and item.text.strip():
                    what += f" {_line(item.text)}"
            note = _line(e.text or "", TABLE_LINE_BREAK)
            if note:
                what += f": {note}"
            out.append(f"{e.at:%Y-%m-%d %H:%M:%S} UTC — {_line(e.by) or '—'} — {what}")
        milestones = option_milestones(self.plan)
        if milestones:
            out.append("")
            out += [f"{label}: {value}" for label, value in milestones]
        return out


def render_text(plan: Plan) -> str:
    """The whole plan as plain text."""
    return _TextRenderer(plan).document()
