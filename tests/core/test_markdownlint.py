"""The Markdown is clean under markdownlint-cli2 (the version pinned in package.json,
default rules, line length off): the golden files, fresh plans and hostile plans."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from enum import Enum
from pathlib import Path
from typing import get_args

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from rollback_tui.plan import ActionGroup, Contact, DeploymentType, Plan, Trigger, new_plan
from rollback_tui.plan.text import clean_text
from rollback_tui.plan.timeline import record, set_done
from rollback_tui.render import render_markdown

ROOT = Path(__file__).resolve().parents[2]
LINTER = ROOT / "node_modules" / ".bin" / "markdownlint-cli2"
GOLDEN = [*sorted((ROOT / "snapshots").rglob("*.md")), ROOT / "examples" / "plan.md"]
AT = dt.datetime(2026, 11, 21, 3, 4, 5, tzinfo=dt.UTC)
# Line length is a matter of taste for generated text; every other default rule applies.
CONFIG = '{"config": {"MD013": false}}\n'
HOSTILE = [
    "web|edge `canary` ",
    "a | b || c",
    "line one\nline two\n\nline four",
    "```\nfenced? no\n```",
    "`code | with pipe`",
    "un`balanced ``back`ticks",
    "`  spaced code`",
    "``www.\u00a0\t`` and `\u3000wide spaced\u2003`",
    "<b>bold</b> <script>alert(1)</script> <!-- comment -->",
    "<http://autolink.example>",
    "[link](https://example.com) ![img](x.png) [ref]: /url (text)[link]",
    "see https://grafana.example.com/d/abc?x=1&y=2, then https://en.wikipedia.org/wiki/A_(b).",
    "page oncall@example.com or www.example.com",
    "&amp; &#65; &copy;",
    "# not a heading",
    "ends with a dot.",
    "終わり。",
    "1. not a list",
    "- [ ] fake task",
    "> not a quote",
    "---",
    "===",
    "    indented code?",
    "*emphasis* _emphasis_ **strong** ~~strike~~ __init__.py",
    "back\\slash\\",
    "costs $5 and $10, $ ls -la",
    "$ kubectl rollout undo deployment/x",
    "tabs\there\tand\tthere",
    "Timeline",
    "evil\u202etxt.exe zero\u200bwidth",
    "| --- | --- |",
]
CHARS = st.one_of(
    st.characters(exclude_categories=["Cs"]),
    st.sampled_from(list("\t |`\\\"'#[]<>&*_~-=+.1!$@:/()\u202e\u200b。\n")),
)
PIECES = st.sampled_from(["https://a.io/", "www.", "a@b.co", "``", "$ ", "\n$ "])
TEXT = st.lists(st.one_of(CHARS, CHARS, PIECES), max_size=20).map("".join)


@pytest.fixture(scope="module")
def markdownlint() -> Path:
    """The pinned markdownlint-cli2, installed by scripts/ensure-node-tools if need be."""
    if not LINTER.exists():
        if shutil.which("npm") is None:
            pytest.skip(
                "NPM IS NOT INSTALLED: markdownlint-cli2 cannot be installed, so the "
                "Markdown is NOT checked against it here (install Node.js and npm)"
            )
        subprocess.run([str(ROOT / "scripts" / "ensure-node-tools")], check=True)
    assert LINTER.exists(), "scripts/ensure-node-tools did not install markdownlint-cli2"
    return LINTER


def lint_files(linter: Path, folder: Path, files: list[Path]) -> str:
    """markdownlint-cli2's findings for *files* (copied into *folder*), empty if none."""
    (folder / ".markdownlint-cli2.jsonc").write_text(CONFIG)
    names = []
    for n, path in enumerate(files):
        name = f"{n:03d}-{path.name}"
        (folder / name).write_bytes(path.read_bytes())
        names.append(name)
    run = subprocess.run(
        [str(linter), *names], cwd=folder, capture_output=True, text=True, timeout=120
    )
    findings = [
        line for line in (run.stdout + run.stderr).splitlines() if line.startswith(tuple(names))
    ]
    assert (run.returncode == 0) == (not findings), run.stdout + run.stderr
    return "\n".join(findings)


def lint_plans(linter: Path, folder: Path, plans: list[Plan]) -> str:
    """The findings for the plans' rendered Markdown."""
    paths = []
    for n, plan in enumerate(plans):
        path = folder / f"plan-{n}.md"
        path.write_text(render_markdown(plan), encoding="utf-8")
        paths.append(path)
    out = folder / "lint"
    out.mkdir()
    return lint_files(linter, out, paths)


def fill(model: BaseModel, text: str) -> None:
    """Set every free-text field of *model* and the models within it to *text*."""
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            fill(value, text)
        elif isinstance(value, list):
            for sub in value:
                if isinstance(sub, BaseModel):
                    fill(sub, text)
        elif name in ("id", "event", "item") or isinstance(value, Enum):
            continue
        elif isinstance(value, str) or (value is None and takes_text(info.annotation)):
            setattr(model, name, text)


def takes_text(annotation: object) -> bool:
    """Whether a field's type is text, or text or None (Annotated or not)."""
    return any(arg is str or takes_text(arg) for arg in get_args(annotation))


def hostile_plan(text: str) -> Plan:
    """A plan with *text* in every place the renderer writes user text, ticks and notes."""
    text = clean_text(text)
    plan = new_plan(components=["api", "api"], db_impact=True)
    plan.triggers = [Trigger() for _ in range(2)]
    plan.contacts = [Contact() for _ in range(2)]
    plan.post_rollback.append(ActionGroup(name="x", items=[plan.new_item("post", "x", "y")]))
    for group in plan.post_rollback:
        for item in group.items:
            item.command = "run it"
    fill(plan, text)
    record(plan, "incident-start", text, at=AT)
    set_done(plan, plan.procedure.option_a[0].id, True, text, at=AT)
    record(plan, "note", text, text=text, at=AT)
    return plan


class TestOutsideLinter:
    def test_the_linter_runs_and_finds_the_old_table_rows(
        self, markdownlint: Path, tmp_path: Path
    ) -> None:
        """The check has teeth: Markdown as it was rendered before is reported (MD060)."""
        old = tmp_path / "old.md"
        old.write_text("# T\n\n| Trigger | Threshold |\n|---------|-----------|\n| a | b |\n")
        (tmp_path / "lint").mkdir()
        assert "MD060" in lint_files(markdownlint, tmp_path / "lint", [old])

    def test_golden_files_are_clean(self, markdownlint: Path, tmp_path: Path) -> None:
        """Every golden Markdown file, and the example's, has no finding."""
        assert GOLDEN
        assert lint_files(markdownlint, tmp_path, GOLDEN) == ""

    def test_fresh_plans_are_clean(self, markdownlint: Path, tmp_path: Path) -> None:
        """A plan from `new` of each deployment type, as is and filled in, has no finding."""
        plans = [
            new_plan(deployment_type=kind, components=["api", "web"]) for kind in DeploymentType
        ]
        plans.append(
            new_plan(
                title="Checkout v2.",
                incident="INC-1 https://x.io/1",
                version="v2",
                target_version="v1",
                feature_flag="ff",
                db_impact=True,
                components=["api"],
            )
        )
        plans.append(new_plan())
        assert lint_plans(markdownlint, tmp_path, plans) == ""

    def test_hostile_plans_are_clean(self, markdownlint: Path, tmp_path: Path) -> None:
        """Whatever the user typed, wherever, the Markdown has no finding."""
        assert lint_plans(markdownlint, tmp_path, [hostile_plan(t) for t in HOSTILE]) == ""

    # No shrinking: each step would run the linter again; the failure lists the texts.
    @settings(
        max_examples=4,
        deadline=None,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(texts=st.lists(TEXT, min_size=25, max_size=25))
    def test_any_text_is_clean(
        self, markdownlint: Path, tmp_path_factory: pytest.TempPathFactory, texts: list[str]
    ) -> None:
        """Plans of any text (25 a run, so one run of the linter checks many) are clean."""
        folder = tmp_path_factory.mktemp("any")
        findings = lint_plans(markdownlint, folder, [hostile_plan(t) for t in texts])
        assert findings == "", f"{findings}\nfor plan-N.md made of texts[N] in {texts!r}"


class TestRulesTheRendererKeeps:
    """What makes the Markdown clean, checked without the linter (so also where npm is not)."""

    def test_table_delimiter_rows_are_spaced_like_the_cells(self) -> None:
        """Delimiter rows are `| --- | --- | --- |`, as the header cells are spaced (MD060)."""
        text = render_markdown(new_plan())
        assert "| Trigger | Threshold | Monitoring Source |\n| --- | --- | --- |\n" in text
        assert "| Role | Name | Contact |\n| --- | --- | --- |\n" in text
        assert "|---" not in text

    def test_code_blocks_have_blank_lines_around_them(self) -> None:
        """A step's command is set off by blank lines inside its list item (MD031)."""
        plan = new_plan(components=["api"])
        text = render_markdown(plan)
        assert (
            "- [ ] Revert to previous state\n\n  ```sh\n"
            "  kubectl rollout undo deployment/api\n  ```\n\n- [ ] Verify"
        ) in text

    def test_nested_commands_stay_inside_their_item(self) -> None:
        """A command of a post-rollback action is indented under the action, not the group."""
        plan = new_plan()
        plan.post_rollback = [
            ActionGroup(name="G", items=[plan.new_item("p", "x", "run")]),
            ActionGroup(name="H", items=[plan.new_item("q", "y")]),
        ]
        text = render_markdown(plan)
        assert "1. **G**\n   - [ ] x\n\n     ```sh\n     run\n     ```\n\n2. **H**\n" in text

    def test_repeated_headings_are_numbered(self) -> None:
        """Two components of one name, or one named like a section, get distinct headings."""
        plan = new_plan(components=["api", "api", "Timeline"])
        text = render_markdown(plan)
        assert "### api\n" in text and "### api (2)\n" in text
        assert "### Timeline (2)\n" in text

    def test_trailing_punctuation_in_headings_is_a_character_reference(self) -> None:
        """A title or name ending in . , ; : ! shows the same, but is no sentence (MD026)."""
        plan = new_plan(title="Checkout v2.", components=["1.", "api!"])
        text = render_markdown(plan)
        assert "# Rollback Plan: Checkout v2&#46;\n" in text
        assert "### 1&#46;\n" in text and "### api&#33;\n" in text

    def test_addresses_are_autolinks_and_dollars_are_escaped(self) -> None:
        """Web and mail addresses are autolinks (MD034); $ never opens math."""
        plan = new_plan()
        plan.assumptions.backups = "see https://x.io/a_b. mail ops@x.io, www.x.io; costs $5"
        text = render_markdown(plan)
        assert ("see <https://x.io/a_b>. mail <ops@x.io>, www\\.x.io; costs \\$5") in text

    def test_no_html_tabs_or_prompts(self) -> None:
        """Cell line breaks are " / ", tabs are spaces, a `$ ` prompt leaves commands (MD033,
        MD010, MD014)."""
        plan = new_plan(components=["api"])
        plan.triggers = [Trigger(trigger="a\nb", threshold="c\td", source="e")]
        plan.components[0].steps[0].command = "$ kubectl\tget pods"
        text = render_markdown(plan)
        assert "| a / b | c d | e |" in text
        assert "  kubectl get pods\n" in text
        assert "<br>" not in text and "\t" not in text
