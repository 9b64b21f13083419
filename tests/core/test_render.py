"""The Markdown renderer: the template's layout, task lists, commands, and hostile text."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.tasklists import tasklists_plugin

from rollback_tui import store
from rollback_tui.plan import (
    ActionGroup,
    ChecklistItem,
    Contact,
    Plan,
    ProcedureChoice,
    Trigger,
    new_plan,
)
from rollback_tui.plan.timeline import record, set_done, set_outcome
from rollback_tui.render import render_markdown, render_sections, substitute
from rollback_tui.render.markdown_syntax import code_span, fenced, heading, inline

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plan.toml"
AT = dt.datetime(2026, 11, 21, 3, 4, 5, tzinfo=dt.UTC)

H2_ORDER = [
    "Assumptions & Data Safety",
    "Rollback Triggers",
    "Rollback Decision Criteria",
    "Rollback Procedure",
    "Component Rollback Steps",
    "Communication Plan",
    "Post-Rollback Actions",
    "Post-Incident Follow-Up",
    "Emergency Contacts",
    "Timeline",
]
SMALL_WORDS = {"a", "an", "and", "or", "of", "to", "the", "in", "for", "vs.", "&"}
HOSTILE = [
    "a | b || c",
    "line one\nline two\n\nline four",
    "```\nfenced? no\n```",
    "`code | with pipe`",
    "un`balanced ``back`ticks",
    "[bold] [/x] [@click=app.quit]",
    "[link](https://example.com) ![img](x.png) [ref]: /url",
    "<b>bold</b> <script>alert(1)</script> <!-- comment -->",
    "<http://autolink.example>",
    "&amp; &#65; &copy;",
    "# not a heading",
    "## not a heading ##",
    "1. not a list",
    "1) not a list",
    "- not a list",
    "+ not a list",
    "* not a list",
    "> not a quote",
    "---",
    "===",
    "    indented code?",
    "*emphasis* _emphasis_ **strong** ~~strike~~",
    "back\\slash\\",
    "trailing hashes #",
    "[ ] fake task",
    "| --- | --- |",
]


def _parser(tasks: bool = False) -> MarkdownIt:
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    return md.use(tasklists_plugin) if tasks else md


def parse(markdown: str, tasks: bool = False) -> list[Token]:
    """The block tokens of *markdown*, as GitHub would read it (no raw HTML rendering)."""
    return _parser(tasks).parse(markdown)


def plain(token: Token) -> str:
    """The text an inline token shows, with markup other than breaks dropped."""
    out = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type == "softbreak":
            out.append(" ")
        elif child.type == "hardbreak":
            out.append("\n")
    return "".join(out)


def headings(tokens: list[Token], level: int | None = None) -> list[str]:
    """The text of every heading (of *level*), in order."""
    return [
        plain(tokens[i + 1])
        for i, t in enumerate(tokens)
        if t.type == "heading_open" and (level is None or t.tag == f"h{level}")
    ]


def tables(tokens: list[Token]) -> list[list[list[str]]]:
    """Every table as rows of cell texts, header row first."""
    out: list[list[list[str]]] = []
    row: list[str] = []
    for i, t in enumerate(tokens):
        if t.type == "table_open":
            out.append([])
        elif t.type == "tr_open":
            row = []
        elif t.type in ("th_open", "td_open"):
            row.append(plain(tokens[i + 1]))
        elif t.type == "tr_close":
            out[-1].append(row)
    return out


def shape(tokens: list[Token]) -> Counter[str]:
    """How many of each block and inline structure the document has."""
    counts: Counter[str] = Counter()
    for t in tokens:
        if t.type.endswith("_open") or t.type in ("fence", "hr", "code_block", "html_block"):
            counts[t.type if t.type != "heading_open" else f"heading_{t.tag}"] += 1
        for child in t.children or []:
            if child.markup == "autolink":  # an address in the text, shown as written
                continue
            if child.type.endswith("_open") or child.type in ("image", "html_inline"):
                counts[f"inline:{child.type}"] += 1
    return counts


def user_html(tokens: list[Token]) -> list[str]:
    """Raw HTML anywhere (the renderer writes none, and user text never becomes any)."""
    found = [t.content for t in tokens if t.type == "html_block"]
    for t in tokens:
        found += [c.content for c in t.children or [] if c.type == "html_inline"]
    return found


def links(tokens: list[Token]) -> list[tuple[str, str, str]]:
    """Every link as (markup, target, text shown)."""
    found = []
    for t in tokens:
        children = t.children or []
        for i, c in enumerate(children):
            if c.type == "link_open":
                found.append((c.markup, str(c.attrs.get("href")), children[i + 1].content))
    return found


def example_plan() -> Plan:
    return store.read_plan(EXAMPLE)[0]


def busy_plan(text: str) -> Plan:
    """A plan with *text* in every kind of place the renderer writes user text."""
    plan = new_plan(
        title=text,
        incident=text,
        version=text,
        target_version=text,
        feature_flag=text,
        db_impact=True,
        components=[text, "api"],
    )
    plan.incident_link = text
    plan.triggers = [Trigger(trigger=text, threshold=text, source=text) for _ in range(3)]
    plan.contacts = [Contact(role=text, name=text, contact=text) for _ in range(2)]
    plan.assumptions.backups = text
    plan.decision.severity = text
    plan.procedure.option_a_estimate = text
    plan.procedure.option_b_estimate = text
    for _, _, item in plan.checklist():
        item.text, item.owner, item.command = text, text, text
    plan.post_rollback.append(ActionGroup(name=text, items=[plan.new_item("post", text)]))
    plan.communications.channels = text
    plan.communications.internal_template = text
    plan.followup.rca_owner = text
    plan.followup.prevention = text
    record(plan, "incident-start", text, at=AT)
    set_done(plan, "a-1", True, text, at=AT)
    record(plan, "note", text, text=text, at=AT)
    return plan


class TestSections:
    def test_keys_in_document_order(self) -> None:
        """Sections are keyed and ordered as the template and the brief lay them out."""
        plan = example_plan()
        set_done(plan, "a-1", True, "sam", at=AT)
        keys = [s.key for s in render_sections(plan)]
        assert keys == [
            "title",
            "header",
            "assumptions",
            "triggers",
            "decision",
            "containment",
            "option-a",
            "option-b",
            "restore",
            "components",
            "component-0",
            "component-1",
            "component-2",
            "communications",
            "post-rollback",
            "followup",
            "contacts",
            "timeline",
        ]

    def test_document_is_the_sections_joined(self) -> None:
        """The document is the sections' Markdown, each ending in a newline, joined."""
        sections = render_sections(example_plan())
        assert all(s.markdown.endswith("\n") for s in sections)
        assert render_markdown(example_plan()) == "\n".join(s.markdown for s in sections)

    def test_each_section_stands_alone(self) -> None:
        """Each section parses on its own as the same blocks it has in the document."""
        plan = example_plan()
        whole = shape(parse(render_markdown(plan)))
        parts = sum((shape(parse(s.markdown)) for s in render_sections(plan)), Counter())
        assert parts == whole

    def test_option_b_only_carries_the_procedure_heading(self) -> None:
        """Without containment steps and Option A, Option B's section opens the Rollback
        Procedure."""
        plan = example_plan()
        plan.procedure.choice = ProcedureChoice.B
        plan.procedure.containment = []
        sections = {s.key: s.markdown for s in render_sections(plan)}
        assert "option-a" not in sections and "containment" not in sections
        assert sections["option-b"].startswith("## Rollback Procedure\n\n### Option B")
        assert "Disable feature flag" not in render_markdown(plan)

    def test_containment_opens_the_procedure(self) -> None:
        """Immediate containment comes first, under the procedure's heading; the options
        follow without it."""
        sections = {s.key: s.markdown for s in render_sections(example_plan())}
        assert sections["containment"].startswith(
            "## Rollback Procedure\n\n### Immediate Containment (Throttle, Route Traffic)\n"
        )
        assert sections["option-a"].startswith("### Option A")

    def test_restore_steps_go_with_option_b(self) -> None:
        """The restore steps follow Option B, and go when Option B is not used."""
        plan = example_plan()
        keys = [s.key for s in render_sections(plan)]
        assert keys.index("restore") == keys.index("option-b") + 1
        plan.procedure.choice = ProcedureChoice.A
        assert "restore" not in [s.key for s in render_sections(plan)]
        assert "Service Restarts" not in render_markdown(plan)

    def test_option_a_only(self) -> None:
        """With Option A only, Option B's steps are not rendered."""
        plan = example_plan()
        plan.procedure.choice = ProcedureChoice.A
        text = render_markdown(plan)
        assert "### Option A" in text and "### Option B" not in text
        assert text.count("## Rollback Procedure") == 1

    def test_no_timeline_section_until_something_happens(self) -> None:
        """The timeline appears only once it has an event."""
        plan = example_plan()
        assert "timeline" not in [s.key for s in render_sections(plan)]
        record(plan, "note", "sam", text="paged the DBA", at=AT)
        assert render_sections(plan)[-1].key == "timeline"


class TestHeadings:
    def test_top_level_sections_in_template_order(self) -> None:
        """The level-2 headings are the template's and the brief's, in a stable order."""
        plan = example_plan()
        set_done(plan, "a-1", True, "sam", at=AT)
        assert headings(parse(render_markdown(plan)), 2) == H2_ORDER

    def test_headers_are_title_case(self) -> None:
        """Every heading the renderer writes itself is in Title Case."""
        plan = example_plan()
        set_done(plan, "a-1", True, "sam", at=AT)
        names = {c.name for c in plan.components}
        fixed = [h for h in headings(parse(render_markdown(plan))) if h not in names]
        assert len(fixed) >= 15
        for title in fixed:
            words = re.sub(r"\(.*?\)", "", title.split(": ", 1)[0]).split()
            for word in words:
                assert word in SMALL_WORDS or word[0].isupper(), (title, word)

    def test_title_heading_and_header_fields(self) -> None:
        """The plan opens with the template's title line and header fields."""
        tokens = parse(render_markdown(example_plan()))
        assert headings(tokens, 1) == ["Rollback Plan: Checkout v2"]
        header = plain(tokens[4])
        assert header.splitlines()[:3] == [
            "Created: 2026-11-20",
            "Deployment Type: Rolling",
            "Components: checkout-api, payments-worker, web-frontend",
        ]
        assert "Database Impact: Yes" in header
        assert any(t.type == "hr" for t in tokens)

    def test_untitled_plan(self) -> None:
        """A plan with no title still has a title heading."""
        assert headings(parse(render_markdown(new_plan())), 1) == ["Rollback Plan: Untitled"]

    def test_procedure_headings_carry_the_estimates(self) -> None:
        """Option A and Option B headings show the template's time estimates."""
        assert headings(parse(render_markdown(example_plan())), 3)[1:3] == [
            "Option A: Feature Flag Rollback (~1 minute)",
            "Option B: Deployment Rollback (~15-30 minutes)",
        ]

    def test_an_option_without_an_estimate_has_no_empty_parentheses(self) -> None:
        """A blank estimate leaves the heading as the template names the option."""
        plan = example_plan()
        plan.procedure.option_a_estimate = "  "
        plan.procedure.option_b_estimate = ""
        assert headings(parse(render_markdown(plan)), 3)[1:3] == [
            "Option A: Feature Flag Rollback",
            "Option B: Deployment Rollback",
        ]

    def test_component_headings_use_the_names(self) -> None:
        """Each component has its own heading, in plan order, under the steps heading."""
        h3 = headings(parse(render_markdown(example_plan())), 3)
        assert h3[4:7] == ["checkout-api", "payments-worker", "web-frontend"]


class TestTriggerTable:
    def test_any_rule_introduces_the_table(self) -> None:
        """The 'initiate rollback if ANY' rule is the paragraph just before the table."""
        tokens = parse(render_markdown(example_plan()))
        start = next(i for i, t in enumerate(tokens) if t.type == "table_open")
        assert tokens[start - 2].content == (
            "Initiate rollback immediately if ANY of these conditions are met:"
        )

    def test_rows_match_the_triggers(self) -> None:
        """One row per trigger, three columns, under the template's header."""
        plan = example_plan()
        triggers = tables(parse(render_markdown(plan)))[0]
        assert triggers[0] == ["Trigger", "Threshold", "Monitoring Source"]
        assert triggers[1:] == [[t.trigger, t.threshold, t.source] for t in plan.triggers]

    def test_empty_cells_and_no_triggers(self) -> None:
        """An empty cell shows a dash, and a plan without triggers keeps a valid table."""
        plan = new_plan()
        plan.triggers = [Trigger(trigger="Error rate")]
        assert tables(parse(render_markdown(plan)))[0][1] == ["Error rate", "—", "—"]
        plan.triggers = []
        assert tables(parse(render_markdown(plan)))[0][1:] == [["—", "—", "—"]]


class TestContactTable:
    def test_rows_match_the_contacts(self) -> None:
        """One row per contact with role, name and contact, under the template's header."""
        plan = example_plan()
        contacts = tables(parse(render_markdown(plan)))[1]
        assert contacts[0] == ["Role", "Name", "Contact"]
        assert contacts[1:] == [[c.role, c.name, c.contact] for c in plan.contacts]

    def test_unfilled_contacts_show_dashes(self) -> None:
        """Contacts of a new plan render with their role and dashes for the blanks."""
        rows = tables(parse(render_markdown(new_plan())))[1][1:]
        assert rows == [
            [role, "—", "—"] for role in ("Engineering Lead", "On-Call Engineer", "Product Manager")
        ]


class TestTaskLists:
    def test_every_active_item_is_a_task(self) -> None:
        """Every checklist item in use is one GitHub task list checkbox."""
        plan = example_plan()
        tokens = parse(render_markdown(plan), tasks=True)
        boxes = [
            c
            for t in tokens
            for c in t.children or []
            if c.type == "html_inline" and "task-list-item-checkbox" in c.content
        ]
        assert len(boxes) == len(plan.checklist(active=True))

    def test_procedure_steps_are_numbered_tasks(self) -> None:
        """Option A and B steps are numbered `1. [ ]` tasks."""
        text = render_markdown(example_plan())
        for n, step in enumerate(example_plan().procedure.option_a, 1):
            assert f"\n{n}. [ ] {step.text}\n" in text
        assert "\n5. [ ] Verify all health checks passing\n" in text

    def test_an_owner_of_only_spaces_is_no_owner(self) -> None:
        """A step's owner is named only when there is one."""
        plan = example_plan()
        plan.procedure.option_a[0].owner = "   "
        plan.procedure.option_a[1].owner = "Sam"
        text = render_markdown(plan)
        assert f"1. [ ] {plan.procedure.option_a[0].text}\n" in text
        assert f"2. [ ] {plan.procedure.option_a[1].text} — owner: Sam\n" in text

    def test_other_items_are_bulleted_tasks(self) -> None:
        """Component, communication, post-rollback and follow-up items are `- [ ]` tasks."""
        plan = example_plan()
        text = render_markdown(plan)
        numbered = ("Containment", "Option A", "Option B", "Restore services")
        bulleted = [i for s, _, i in plan.checklist() if s not in numbered]
        for item in bulleted:
            assert re.search(rf"^ *- \[ \] {re.escape(item.text)}$", text, re.M), item.id

    def test_ticked_item_shows_x_with_who_and_when(self) -> None:
        """A ticked item is `[x]` with the time (UTC) and who ticked it."""
        plan = example_plan()
        set_done(plan, "b-2", True, "sam", at=AT)
        set_done(plan, "web-frontend-1", True, "lee", at=AT)
        text = render_markdown(plan)
        assert (
            "2. [x] Trigger deployment of previous version — owner: On-call engineer "
            "_(done 2026-11-21 03:04 UTC by sam)_"
        ) in text
        assert "- [x] Revert to previous state _(done 2026-11-21 03:04 UTC by lee)_" in text
        assert text.count("[x]") == 2

    def test_post_rollback_groups_are_numbered_with_nested_tasks(self) -> None:
        """Post-rollback groups are a numbered list, each holding its own task list."""
        tokens = parse(render_markdown(example_plan()))
        start = next(
            i
            for i, t in enumerate(tokens)
            if t.type == "heading_open" and plain(tokens[i + 1]) == "Post-Rollback Actions"
        )
        assert tokens[start + 3].type == "ordered_list_open"
        depth = 0
        nested = 0
        for t in tokens[start + 3 :]:
            if t.type in ("bullet_list_open", "ordered_list_open"):
                depth += 1
            elif t.type in ("bullet_list_close", "ordered_list_close"):
                depth -= 1
                if depth == 0:
                    break
            elif t.type == "list_item_open" and depth == 2:
                nested += 1
        assert nested == 9

    def test_empty_option_says_so(self) -> None:
        """An option without steps says there are none rather than rendering nothing."""
        plan = new_plan()
        plan.procedure.option_b = []
        assert "_No steps yet._" in render_markdown(plan)


class TestCommands:
    def fences(self, plan: Plan) -> list[tuple[str, str]]:
        return [(t.info, t.content) for t in parse(render_markdown(plan)) if t.type == "fence"]

    def test_commands_are_fenced_and_substituted(self) -> None:
        """Every command is a `sh` code block with the plan's variables filled in."""
        plan = example_plan()
        sh = [content for info, content in self.fences(plan) if info == "sh"]
        assert sh[4:7] == [
            'curl -fsS -X POST -H "Authorization: $UNLEASH_TOKEN" '
            '"$UNLEASH_URL/api/admin/projects/default/features/checkout_v2/environments/'
            'production/off"\n',
            'curl -fsS -H "Authorization: $UNLEASH_TOKEN" '
            '"$UNLEASH_URL/api/admin/projects/default/features/checkout_v2"\n',
            "helm history checkout --max 10\n",
        ]
        commands = [i.command for _, _, i in plan.checklist(active=True) if i.command]
        assert len(sh) == len(commands)

    def test_component_commands_name_their_component(self) -> None:
        """$COMPONENT is the name of the component the step belongs to."""
        sh = [c for info, c in self.fences(example_plan()) if info == "sh"]
        assert "kubectl rollout undo deployment/payments-worker\n" in sh
        assert not any("$COMPONENT" in c for c in sh)

    def test_all_variables(self) -> None:
        """$VERSION, $TARGET_VERSION, $FEATURE_FLAG, $INCIDENT and $COMPONENT are replaced."""
        plan = new_plan(
            version="v2",
            target_version="v1",
            feature_flag="ff",
            incident="INC-9",
            components=["api"],
        )
        plan.components[0].steps[
            0
        ].command = "deploy $VERSION ${TARGET_VERSION} $FEATURE_FLAG $INCIDENT $COMPONENT"
        assert ("sh", "deploy v2 v1 ff INC-9 api\n") in self.fences(plan)

    def test_unset_variables_show_as_unset_and_lookalikes_stay(self) -> None:
        """A variable with no value shows as unset, never as a raw $NAME; longer names that
        merely start like one stay as written."""
        plan = new_plan(version="v2", components=["api"])
        plan.components[0].steps[0].command = "echo $TARGET_VERSION $VERSION_OLD $VERSIONS $HOME"
        assert ("sh", "echo ‹target version unset› $VERSION_OLD $VERSIONS $HOME\n") in self.fences(
            plan
        )
        assert substitute("$VERSION.", {"VERSION": "v2"}) == "v2."

    def test_templates_are_text_blocks_with_variables(self) -> None:
        """Communication templates are `text` code blocks with the variables filled in."""
        text_blocks = [c for info, c in self.fences(example_plan()) if info == "text"]
        assert text_blocks[0] == (
            "Rolling back v2.4.0 to v2.3.1 because of: Card payments fail for some users "
            "after the checkout v2 rollout.\nIncident lead: Dana Kim. Next update in 30 "
            "minutes.\n"
        )
        assert len(text_blocks) == 4

    def test_variables_in_prose_are_substituted(self) -> None:
        """Variables in assumptions and other prose are shown filled in too."""
        text = render_markdown(example_plan())
        assert "data written by v2.4.0 stays readable by v2.3.1" in text

    @pytest.mark.parametrize("command", ["echo ```", "a\n```\nb", "````", "echo `x` ``y``"])
    def test_backticks_cannot_close_the_fence(self, command: str) -> None:
        """A command with backtick runs stays one code block with its exact text."""
        plan = new_plan(components=["api"])
        plan.components[0].steps[0].command = command
        assert ("sh", command + "\n") in self.fences(plan)

    def test_blank_command_renders_no_block(self) -> None:
        """A command of only spaces is not rendered as an empty code block."""
        plan = new_plan(components=["api"])
        before = len(self.fences(plan))
        plan.components[0].steps[0].command = "   "
        assert len(self.fences(plan)) == before - 1


class TestHostileText:
    @pytest.fixture(scope="class")
    def baseline(self) -> Counter[str]:
        return shape(parse(render_markdown(busy_plan("plain words"))))

    @pytest.mark.parametrize("text", HOSTILE)
    def test_structure_never_changes(self, text: str, baseline: Counter[str]) -> None:
        """Whatever the user types, the document has the same blocks as with plain words."""
        tokens = parse(render_markdown(busy_plan(text)))
        assert shape(tokens) == baseline

    @pytest.mark.parametrize("text", HOSTILE)
    def test_no_html_links_or_images_from_user_text(self, text: str) -> None:
        """User text never becomes raw HTML, an image, or a link showing other than its target.

        A web address becomes an autolink, which shows the address itself.
        """
        tokens = parse(render_markdown(busy_plan(text)))
        assert user_html(tokens) == []
        assert "image" not in {c.type for t in tokens for c in t.children or []}
        for markup, target, shown in links(tokens):
            assert (markup, target) == ("autolink", shown)
            assert target.startswith(("https://", "http://"))

    @pytest.mark.parametrize("text", HOSTILE)
    def test_tables_keep_three_columns(self, text: str) -> None:
        """Trigger and contact tables keep one row per entry and three cells a row."""
        plan = busy_plan(text)
        found = tables(parse(render_markdown(plan)))
        triggers, contacts, timeline = found
        assert len(triggers) == 1 + len(plan.triggers)
        assert len(contacts) == 1 + len(plan.contacts)
        assert len(timeline) == 1 + len(plan.timeline)
        assert all(len(row) == 3 for table in found for row in table)

    @pytest.mark.parametrize("text", [t for t in HOSTILE if "`" not in t])
    def test_text_shows_literally(self, text: str) -> None:
        """Escaped text reads back exactly as typed, in headings, cells and list items."""
        tokens = parse(render_markdown(busy_plan(text)))
        one_line = " ".join(line.strip() for line in text.split("\n") if line.strip())
        cell = " / ".join(line.strip() for line in text.split("\n") if line.strip())
        assert headings(tokens, 1) == [f"Rollback Plan: {one_line}"]
        assert one_line in headings(tokens, 3)
        assert tables(tokens)[0][1] == [cell] * 3
        assert tables(tokens)[1][1] == [cell] * 3
        items = [
            plain(tokens[i + 2])
            for i, t in enumerate(tokens)
            if t.type == "list_item_open" and tokens[i + 1].type == "paragraph_open"
        ]
        assert f"[ ] {one_line} — owner: {one_line}" in items

    def test_markup_like_title_is_literal(self) -> None:
        """A title of Textual markup shows as typed in the Markdown."""
        tokens = parse(render_markdown(new_plan(title="[bold] [/x] [@click=app.quit]")))
        assert headings(tokens, 1) == ["Rollback Plan: [bold] [/x] [@click=app.quit]"]

    def test_code_spans_the_user_writes_are_kept(self) -> None:
        """Inline code the user writes stays code, even with a pipe inside a table cell."""
        plan = new_plan()
        plan.triggers = [Trigger(trigger="`a|b` spike", threshold="x", source="y")]
        tokens = parse(render_markdown(plan))
        row = next(i for i, t in enumerate(tokens) if t.type == "td_open")
        codes = [c.content for c in tokens[row + 1].children or [] if c.type == "code_inline"]
        assert codes == ["a|b"]
        assert tables(tokens)[0][1] == ["a|b spike", "x", "y"]


class TestEscapingHelpers:
    @pytest.mark.parametrize("text", ["#", "#1 incident", "C# service", "a #", "x \\#", "##"])
    def test_heading_escapes_hashes_once(self, text: str) -> None:
        """A `#` in a heading shows as typed, with no stray backslash."""
        assert headings(parse(f"## {heading(text)}\n")) == [text]

    def test_heading_leaves_code_spans_alone(self) -> None:
        """A `#` inside a code span in a heading is not escaped."""
        tokens = parse(f"## {heading('tag `#x`')}\n")
        assert [c.content for c in tokens[1].children or [] if c.type == "code_inline"] == ["#x"]

    @pytest.mark.parametrize("text", ["a`b", "``", "`x`", " y ", "a | b"])
    def test_code_span_shows_its_text(self, text: str) -> None:
        """code_span keeps any text, backticks included, as one code span; spaces at the
        ends, which no reader can see, are dropped (markdownlint MD038)."""
        tokens = parse(f"x {code_span(text)} y\n")
        codes = [c.content for c in tokens[1].children or [] if c.type == "code_inline"]
        assert codes == [text.strip(" ")]

    def test_fenced_indents_every_line(self) -> None:
        """A fenced block inside a list item stays inside the item."""
        markdown = "- [ ] step\n" + fenced("a\n\nb", "  ", "sh") + "\n"
        tokens = parse(markdown)
        fence = next(t for t in tokens if t.type == "fence")
        assert fence.content == "a\n\nb\n"
        assert [t.type for t in tokens].index("fence") < [t.type for t in tokens].index(
            "bullet_list_close"
        )

    def test_inline_in_tables_turns_newlines_into_slashes(self) -> None:
        """In a table cell, a newline is " / " (no raw HTML), never a new row."""
        assert inline("a\nb", table=True) == "a / b"
        assert inline("a\nb") == "a b"


class TestOtherContent:
    def test_assumptions_and_decision_fields(self) -> None:
        """Assumptions and decision criteria are labelled bullets; blanks say so."""
        plan = example_plan()
        plan.decision.severity = ""
        text = render_markdown(plan)
        assert "- **Backups:** A database snapshot is taken before the deploy" in text
        assert "- **Severity:** _Not yet written._" in text

    def test_multi_line_field_keeps_its_lines(self) -> None:
        """A multi-line field stays one bullet with hard line breaks."""
        plan = example_plan()
        plan.assumptions.backups = "Nightly snapshot\nPITR for 7 days"
        tokens = parse(render_markdown(plan))
        items = [
            plain(tokens[i + 2])
            for i, t in enumerate(tokens)
            if t.type == "list_item_open" and tokens[i + 1].type == "paragraph_open"
        ]
        assert "Backups: Nightly snapshot\nPITR for 7 days" in items

    def test_follow_up_names_owner_and_due_date(self) -> None:
        """The follow-up names the root cause analysis owner and due date."""
        assert "- **Root Cause Analysis:** Dana Kim, due 2026-11-27" in render_markdown(
            example_plan()
        )
        assert "owner not yet named, no due date yet" in render_markdown(new_plan())

    def test_timeline_rows_and_milestones(self) -> None:
        """Timeline rows show time, who and what; option milestones are measured."""
        plan = example_plan()
        record(plan, "incident-start", "sam", at=AT)
        for n, item in enumerate(plan.procedure.option_a):
            set_done(plan, item.id, True, "sam", at=AT + dt.timedelta(minutes=n + 1))
        tokens = parse(render_markdown(plan))
        timeline = tables(tokens)[2]
        assert timeline[0] == ["Time (UTC)", "Who", "Event"]
        assert timeline[1] == ["2026-11-21 03:04:05", "sam", "Incident started"]
        assert timeline[2] == [
            "2026-11-21 03:05:05",
            "sam",
            "Done a-1 Option A: Disable feature flag in dashboard",
        ]
        text = render_markdown(plan)
        assert "- **Start to first step of Option A:** 1 min" in text
        assert "- **Start to last step of Option A:** 4 min" in text

    def test_item_without_text_still_renders_a_task(self) -> None:
        """A step with no text renders as a task with a dash, not as broken Markdown."""
        plan = new_plan(components=["api"])
        plan.components[0].steps = [ChecklistItem(id="api-1")]
        assert "- [ ] —" in render_markdown(plan)


def _drawn_cold(plan: Plan) -> str:
    from rollback_tui.render import markdown

    markdown._ITEM_LINES.clear()
    return render_markdown(plan)


def _step(plan: Plan) -> ChecklistItem:
    item = plan.item("a-1")
    assert item is not None
    return item


CHANGES: dict[str, Callable[[Plan], object]] = {
    "text": lambda plan: setattr(_step(plan), "text", "Flip the flag back"),
    "command": lambda plan: setattr(_step(plan), "command", "echo changed"),
    "owner": lambda plan: setattr(_step(plan), "owner", "Dana"),
    "irreversible": lambda plan: setattr(_step(plan), "irreversible", True),
    "tick": lambda plan: set_done(plan, "a-1", True, "lee", at=AT),
    "skip": lambda plan: set_outcome(plan, "a-1", "skipped", "not needed", "lee", at=AT),
    "value": lambda plan: setattr(plan, "feature_flag", "checkout_v3"),
}


class TestItemsDrawnBefore:
    """A step drawn before is not drawn again, and every change to it is drawn."""

    def test_the_same_text_cold_and_kept(self) -> None:
        plan = store.load(EXAMPLE).plan
        cold = _drawn_cold(plan)
        assert render_markdown(plan) == cold
        assert _drawn_cold(plan) == cold

    def test_a_step_drawn_before_is_not_drawn_again(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Drawn again, a plan draws none of its steps again (a step's list of triggers it
        verifies is part of what decides its lines, and no bar to keeping them); a plan with
        more steps than are kept draws each once, keeping none."""
        from rollback_tui.render import markdown

        drawn: list[str] = []
        draw = markdown._Renderer._item

        def spy(
            self: Any, marker: str, item: ChecklistItem, variables: dict[str, str], outer: str = ""
        ) -> str:
            drawn.append(item.id)
            return draw(self, marker, item, variables, outer)

        monkeypatch.setattr(markdown._Renderer, "_item", spy)
        plan = store.load(EXAMPLE).plan
        _step(plan).verify = ["Error rate spike"]
        cold = _drawn_cold(plan)
        assert len(drawn) == len(plan.checklist(active=True))
        drawn.clear()
        assert render_markdown(plan) == cold and drawn == []
        monkeypatch.setattr(markdown, "_ITEM_LINES_KEPT", 3)
        drawn.clear()
        assert _drawn_cold(plan) == cold
        assert len(drawn) == len(plan.checklist(active=True)) and markdown._ITEM_LINES == {}

    @pytest.mark.parametrize("change", sorted(CHANGES))
    def test_after_each_change_the_kept_lines_are_the_cold_ones(self, change: str) -> None:
        plan = store.load(EXAMPLE).plan
        before = render_markdown(plan)  # every step kept as drawn
        CHANGES[change](plan)
        kept = render_markdown(plan)
        assert kept != before
        assert kept == _drawn_cold(plan)
