"""`rollback-tui import`: hand-written Markdown plans, the template, the brief, bad input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from cli_helpers import run
from markdown_it import MarkdownIt

from rollback_tui import store
from rollback_tui.importing.reader import NotAPlan, parse_markdown
from rollback_tui.importing.unrender import unsubstitute
from rollback_tui.plan import ProcedureChoice, new_plan
from rollback_tui.plan.lint import lint
from rollback_tui.render import render_markdown

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
# The spec's plan template, as teams copy it (tests/data holds a copy of the file).
TEMPLATE_FILE = Path(__file__).resolve().parents[1] / "data" / "rollback-plan-template.md"
BRIEF_FILE = TEMPLATE_FILE.with_name("rollback-strategy-brief.md")

HAND_WRITTEN = """Rollback Plan: Search   reindex
====

**Created:**   2026-10-01
**Deployment Type:**   blue-green
Current Version: `s-9.1`
**Target Version:** s-9.0
**Feature Flag:** new_index

### assumptions & data safety
* **Backups:**   nightly snapshot
* Migrations: none
* We also assume the weather holds.

#### 1. Incident Detection Signals
* p95 latency over 2 s
* Errors above 1%

# Rollback Decision Criteria
- **Severity:** any outage

## 3. Rollback Steps
1) [x] Switch traffic back to blue
   ```bash
   kubectl patch svc search -p '{"spec":{"selector":{"colour":"blue"}}}'
   ```
2) [X] Check `search` health — owner: Ana
3) Drop the new index

A paragraph nobody expected.

## Component Rollback Steps
### search-api
* [ ] Restart search-api

## Emergency Contacts
Role | Name | Contact
| --- | --- | --- |
On-call | Ana | @ana
"""


class TestTemplate:
    def test_template_imports_and_check_lists_its_placeholders(self, tmp_path: Path) -> None:
        """The template itself: every part placed or listed; `check` names the
        placeholders of the fields that hold text."""
        plan, unplaced = parse_markdown(TEMPLATE_FILE.read_text())
        assert plan.title == "[Feature Name]"
        assert [c.name for c in plan.components] == ["[Component 1]", "[Component 2]"]
        assert [s.text for s in plan.procedure.option_b][3:] == [
            "Run database rollback migration (if applicable)",
            "Verify all health checks passing",
        ]
        assert len(plan.triggers) == 6 and plan.triggers[5].source == "Support dashboard"
        assert [len(group.items) for group in plan.post_rollback] == [3, 3, 3]
        assert plan.procedure.option_a_estimate == "~1 minute"
        assert [g.name for g in plan.post_rollback] == [
            "Incident report",
            "Communication",
            "Fix forward",
        ]
        assert [(c.role, c.name, c.contact) for c in plan.contacts][1] == (
            "On-Call Engineer",
            "[Name]",
            "[PagerDuty]",
        )
        placeholders = {(f.where, f.message) for f in lint(plan) if "placeholder" in f.message}
        for where, placeholder in [
            ("title", "[Feature Name]"),
            ("components[0].name", "[Component 1]"),
            ("components[1].name", "[Component 2]"),
            ("contacts[0].name", "[Name]"),
            ("contacts[0].contact", "[Slack/Phone]"),
            ("contacts[1].contact", "[PagerDuty]"),
        ]:
            assert (where, f"placeholder {placeholder} is still to be filled in") in placeholders
        # What a date or a choice cannot hold is listed, not dropped.
        assert {u.text for u in unplaced} == {
            "Created: [Date]",
            "Deployment Type: [Feature Flag / Blue-Green / Rolling]",
            "Components: [List affected components] (no section of its own)",
        }

    def test_template_file_through_the_command_line(self, tmp_path: Path) -> None:
        """The template file, through `import -o`, then `check` on the plan written."""
        out = tmp_path / "plan.toml"
        result = run("import", TEMPLATE_FILE, "-o", out)
        assert result.exit_code == 0, result.output
        assert "not placed (header), kept as a comment: Created: [Date]" in result.stderr
        assert "#   Created: [Date]" in out.read_text()
        checked = run("check", out)
        assert checked.exit_code == 1
        assert "placeholder [Feature Name]" in checked.stdout
        assert "placeholder [PagerDuty]" in checked.stdout


class TestOptionHeadings:
    @pytest.mark.parametrize("estimate", ["TRIGGER", "until the containment holds", "contacts"])
    def test_an_estimate_naming_another_section_keeps_the_options_steps(
        self, estimate: str
    ) -> None:
        """An option's heading starts "Option A"/"Option B" whatever its estimate says: an
        estimate with "trigger" in it made the option's steps triggers."""
        plan = new_plan(title="t", feature_flag="f")
        plan.procedure.option_a_estimate = estimate
        plan.procedure.option_b_estimate = estimate
        read, _ = parse_markdown(render_markdown(plan))
        for option in ("option_a", "option_b"):
            assert [s.text for s in getattr(read.procedure, option)] == [
                s.text for s in getattr(plan.procedure, option)
            ]
        assert read.procedure.option_a_estimate == estimate
        assert [t.trigger for t in read.triggers] == [t.trigger for t in plan.triggers]


class TestHandWritten:
    def test_variations_are_read(self) -> None:
        """Setext title, other heading levels, numbered brief headings, * and 1) bullets,
        extra spaces, plain labels, a table without outer pipes and `| --- |` rows."""
        plan, unplaced = parse_markdown(HAND_WRITTEN)
        assert plan.title == "Search   reindex"
        assert plan.created == dt.date(2026, 10, 1)
        assert plan.deployment_type.value == "blue-green"
        assert (plan.version, plan.target_version, plan.feature_flag) == (
            "s-9.1",
            "s-9.0",
            "new_index",
        )
        assert plan.assumptions.backups == "nightly snapshot"
        assert plan.assumptions.migrations == "none"
        assert [t.trigger for t in plan.triggers] == ["p95 latency over 2 s", "Errors above 1%"]
        assert plan.decision.severity == "any outage"
        assert plan.procedure.choice == ProcedureChoice.B
        steps = plan.procedure.option_b
        assert [(s.text, s.done, s.owner) for s in steps] == [
            ("Switch traffic back to blue", True, None),
            ("Check `search` health", True, "Ana"),
            ("Drop the new index", False, None),
        ]
        assert (
            steps[0].command
            == 'kubectl patch svc search -p \'{"spec":{"selector":{"colour":"blue"}}}\''
        )
        assert [c.name for c in plan.components] == ["search-api"]
        # The component's name in its own steps is read as $COMPONENT (it renders the same).
        assert plan.components[0].steps[0].text == "Restart $COMPONENT"
        assert [(c.role, c.name, c.contact) for c in plan.contacts] == [("On-call", "Ana", "@ana")]
        assert [(u.section, u.line, u.text) for u in unplaced] == [
            ("assumptions", 13, "We also assume the weather holds."),
            ("procedure", 30, "A paragraph nobody expected."),
        ]

    def test_crlf_and_missing_sections(self) -> None:
        """CRLF line ends; a plan with only some sections keeps the others empty."""
        text = (
            "# Rollback Plan: Tiny\r\n\r\n## Emergency Contacts\r\n\r\n| Role | Name | "
            "Contact |\r\n|---|---|---|\r\n| Lead | Kim | @kim |\r\n"
        )
        plan, unplaced = parse_markdown(text)
        assert plan.title == "Tiny" and unplaced == []
        assert [(c.role, c.name, c.contact) for c in plan.contacts] == [("Lead", "Kim", "@kim")]
        assert plan.triggers == [] and plan.components == []
        assert plan.procedure.option_a == [] and plan.procedure.option_b == []

    @pytest.mark.parametrize("separator", ["–", "—", "-", ":"])
    def test_title_separator_is_not_kept(self, separator: str) -> None:
        """`# Rollback Plan – Checkout Service 5.4`, whatever the separator: the title alone."""
        plan, _ = parse_markdown(f"# Rollback Plan {separator} Checkout Service 5.4\n")
        assert plan.title == "Checkout Service 5.4"

    def test_a_lone_url_after_incident_is_its_link(self) -> None:
        """`Incident:` holding only a URL fills incident_link; words stay the summary."""
        plan, unplaced = parse_markdown(
            "# Rollback Plan: X\n\n**Incident:** https://tickets.example.com/INC-4821\n"
        )
        assert (plan.incident, plan.incident_link) == ("", "https://tickets.example.com/INC-4821")
        assert unplaced == []
        plan, _ = parse_markdown(
            "# Rollback Plan: X\n\n**Incident:** <https://tickets.example.com/INC-1>\n"
        )
        assert (plan.incident, plan.incident_link) == ("", "https://tickets.example.com/INC-1")
        plan, _ = parse_markdown("# Rollback Plan: X\n\n**Incident:** payments fail, see x\n")
        assert (plan.incident, plan.incident_link) == ("payments fail, see x", "")

    def test_example_markdown_gives_the_example_plan(self) -> None:
        """examples/plan.md imports to examples/plan.toml, variables written back."""
        plan, unplaced = parse_markdown((EXAMPLES / "plan.md").read_text())
        want, _ = store.read_plan(EXAMPLES / "plan.toml")
        assert unplaced == []
        assert plan.model_dump() == want.model_dump()
        assert "$FEATURE_FLAG" in (plan.procedure.option_a[0].command or "")

    def test_brief_sections(self) -> None:
        """The strategy brief's headings and labelled bullets land in their fields."""
        text = """# Rollback Plan: Brief

## Assumptions & Data Safety
- **Data Mutations:** none
- **SLAs:** 99.9%

## 2. Rollback Decision Criteria
- Time to resolution: 30 min
- Rollback vs. hotfix: prefer rollback

## 4. Communication Plan
- **Stakeholders:** team
- Status update channels: #inc
- Frequency: 30 min
- [ ] Post the first update

## 5. Post-Incident Follow-Up
- **Root Cause Analysis:** Kim, due 2026-12-01
- **Prevention:** tests
- [x] Hold the retrospective
"""
        plan, unplaced = parse_markdown(text)
        assert unplaced == []
        assert (plan.assumptions.data_mutations, plan.assumptions.sla) == ("none", "99.9%")
        assert plan.decision.time_to_resolution == "30 min"
        assert plan.decision.rollback_vs_hotfix == "prefer rollback"
        c = plan.communications
        assert (c.stakeholders, c.channels, c.cadence) == ("team", "#inc", "30 min")
        assert [a.text for a in c.actions] == ["Post the first update"]
        assert (plan.followup.rca_owner, plan.followup.rca_due) == ("Kim", dt.date(2026, 12, 1))
        assert plan.followup.prevention == "tests"
        assert [(i.text, i.done) for i in plan.followup.items] == [("Hold the retrospective", True)]

    def test_the_brief_itself(self) -> None:
        """The strategy brief: front matter and prose kept aside, its bullets placed in
        the sections they head, its closing header lines read as header fields."""
        plan, unplaced = parse_markdown(BRIEF_FILE.read_text())
        assert (
            plan.triggers[0].trigger
            == "Error rates, latency spikes, or service degradation indicators"
        )
        assert len(plan.triggers) == 5
        assert plan.procedure.choice == ProcedureChoice.B
        assert (
            plan.procedure.option_b[1].text
            == "Step-by-step rollback to `$VERSION` with exact commands"
        )
        assert (plan.incident, plan.version) == ("$INCIDENT", "$VERSION")
        assert unplaced[0].line == 1 and unplaced[0].text.startswith("title: Rollback Strategy")
        texts = [u.text for u in unplaced]
        assert "You are Codex preparing an emergency rollback plan." in texts
        assert "Time to resolution estimate" in texts


class TestVariables:
    def test_values_come_back_as_variables(self) -> None:
        """A value standing on its own, or shell-quoted in a command, is its variable;
        inside a longer name it is left as written."""
        values = {"VERSION": "v1.2", "COMPONENT": "web|edge"}
        assert (
            unsubstitute("deploy v1.2 now; v1.20 stays", values)
            == "deploy $VERSION now; v1.20 stays"
        )
        assert (
            unsubstitute("undo 'web|edge' and web|edge", values, command=True)
            == "undo $COMPONENT and $COMPONENT"
        )
        assert unsubstitute("v1.2x", {"VERSION": "v1.2"}) == "v1.2x"


class TestCommandLine:
    def test_stdout_and_output_file(self, tmp_path: Path) -> None:
        """Without -o the TOML goes to stdout; with -o to the file, which loads and keeps
        the comments of what was not placed through a save."""
        source = tmp_path / "plan.md"
        source.write_text(HAND_WRITTEN)
        printed = run("import", source)
        assert printed.exit_code == 0
        assert 'title = "Search   reindex"' in printed.stdout
        assert "#   A paragraph nobody expected." in printed.stdout
        assert printed.stderr.count("not placed") == 2
        out = tmp_path / "out.toml"
        assert run("import", source, "-o", out).exit_code == 0
        assert out.read_text() == printed.stdout
        assert not (tmp_path / "out.md").exists()
        plan_file = store.load(out)
        plan_file.plan.title = "Search reindex"
        store.save(plan_file)
        assert "#   A paragraph nobody expected." in out.read_text()

    def test_refuses_to_overwrite(self, tmp_path: Path) -> None:
        """An existing output is left alone without --force, replaced with it."""
        source = tmp_path / "plan.md"
        source.write_text(HAND_WRITTEN)
        out = tmp_path / "plan.toml"
        out.write_text("keep me")
        result = run("import", source, "-o", out)
        assert result.exit_code == 2 and "--force" in result.stderr
        assert out.read_text() == "keep me"
        assert run("import", source, "-o", out, "--force").exit_code == 0
        assert 'title = "Search   reindex"' in out.read_text()

    @pytest.mark.parametrize(
        "content",
        [
            b"# Shopping list\n\n- eggs\n- milk\n",
            b"just some words\n",
            b"",
            b"\xff\xfe not utf-8",
            b"[tool]\nname = 'x'\n",
        ],
    )
    def test_not_a_plan(self, tmp_path: Path, content: bytes) -> None:
        """Anything that is not a rollback plan: one line, exit 2, nothing written."""
        source = tmp_path / "notes.md"
        source.write_bytes(content)
        out = tmp_path / "plan.toml"
        result = run("import", source, "-o", out)
        assert result.exit_code == 2
        assert len(result.stderr.splitlines()) == 1 and str(source) in result.stderr
        assert "Traceback" not in result.output and not out.exists()

    def test_missing_file_and_folder(self, tmp_path: Path) -> None:
        """A missing file or a folder: one line naming it, exit 2."""
        for path in (tmp_path / "missing.md", tmp_path):
            result = run("import", path)
            assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1

    def test_not_a_plan_error_names_nothing_raw(self) -> None:
        """The error for text that is not a plan is a NotAPlan, not a crash."""
        with pytest.raises(NotAPlan):
            parse_markdown("\x1b[31mred\x1b[0m text\n")


class TestRenderedCommandsStayInTheirItem:
    def test_post_rollback_command_inside_its_item(self) -> None:
        """A command below a post-rollback action is inside that action's list item."""
        plan = new_plan(title="t")
        plan.post_rollback[0].items[0].command = "echo one\n\necho two"
        tokens = MarkdownIt("commonmark").parse(render_markdown(plan))
        fences = [t for t in tokens if t.type == "fence" and "echo one" in t.content]
        assert fences and fences[0].level >= 4  # ordered list > item > bullet list > item
        assert fences[0].content == "echo one\n\necho two\n"


class TestNotAFile:
    def test_a_fifo_is_refused_at_once(self, tmp_path: Path) -> None:
        """import of a FIFO: one line and exit 2, never a hang waiting for a writer."""
        import os
        import subprocess
        import sys

        fifo = tmp_path / "plan.md"
        os.mkfifo(fifo)
        done = subprocess.run(
            [sys.executable, "-m", "rollback_tui", "import", str(fifo)],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert done.returncode == 2
        assert "not a regular file" in done.stderr and done.stderr.count("\n") == 1
