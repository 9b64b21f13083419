"""import(render(plan)) == plan, for the plans the wizard makes (hypothesis)."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rollback_tui import store
from rollback_tui.importing.build import with_notes
from rollback_tui.importing.reader import NotAPlan, parse_markdown
from rollback_tui.plan import ActionGroup, Contact, DeploymentType, Plan, Trigger, new_plan
from rollback_tui.plan.model import ProcedureChoice
from rollback_tui.plan.timeline import record, set_done
from rollback_tui.render import render_markdown

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
START = dt.datetime(2026, 11, 21, 3, 0, 0, tzinfo=dt.UTC)

# Text as typed in the wizard, Markdown's syntax made likely. No "v" or "V": the variables'
# values below all hold one, so text never holds a value except through its variable.
CHARS = st.sampled_from(
    [
        *"abcdefghijklmnopqrstuwxyzABCDEFGHIJKLMNOPQRSTUWXYZ0123456789",
        *"*_[]<>|#&\\~-+.!():;'\"/=%@,?",
        "é",
        "日",
    ]
)
WORD = st.one_of(
    st.text(CHARS, min_size=1, max_size=8),
    # $COMPONENT is only in the components' own steps, as new plans have it.
    st.sampled_from(
        [
            "$VERSION",
            "$TARGET_VERSION",
            "$FEATURE_FLAG",
            "$INCIDENT",
            "$UNLEASH_URL",
            "&amp;",
            "<br>",
            "1.",
            "-",
            "#",
            "**",
            "<http://x.io>",
        ]
    ),
    st.text(st.sampled_from(list("abc xyz")), min_size=1, max_size=6).map(
        lambda s: f"`{s.strip() or 'x'}`"
    ),
)
LINE = (
    st.lists(WORD, min_size=1, max_size=6)
    .map(" ".join)
    .filter(lambda s: s not in ("—", "Untitled", "owner not yet named"))
)
TEXT = st.one_of(st.just(""), LINE)
BLOCK = st.lists(LINE, max_size=3).map("\n".join)
VALUE = st.integers(0, 999)


@st.composite
def wizard_plans(draw: st.DrawFn) -> Plan:
    """A plan as `new` and the wizard make it: any options, text typed in every kind of
    field, steps added at the end of lists, ticks and notes in the timeline."""
    components = draw(
        st.lists(st.text("abcdefgh", min_size=1, max_size=5).map(lambda s: f"svc-{s}v"), max_size=3)
    )
    plan = new_plan(
        title=draw(LINE),
        incident=draw(VALUE.map(lambda n: f"INC v{n}")),
        version=draw(VALUE.map(lambda n: f"v{n}.0")),
        target_version=draw(VALUE.map(lambda n: f"V{n}")),
        db_impact=draw(st.booleans()),
        feature_flag=draw(VALUE.map(lambda n: f"flag_v{n}")),
        deployment_type=draw(st.sampled_from(list(DeploymentType))),
        components=components,
    )
    plan.procedure.choice = draw(st.sampled_from(list(ProcedureChoice)))
    plan.incident_link = draw(st.one_of(TEXT, st.just("https://example.com/i/1")))
    for model, name in [
        (plan.assumptions, "sla"),
        (plan.assumptions, "backups"),
        (plan.decision, "severity"),
        (plan.communications, "cadence"),
        (plan.followup, "prevention"),
        (plan.communications, "user_template"),
        (plan.communications, "internal_template"),
    ]:
        setattr(model, name, draw(BLOCK))
    plan.followup.rca_owner = draw(TEXT)
    plan.followup.rca_due = draw(st.one_of(st.none(), st.dates()))
    plan.procedure.option_a_estimate = draw(TEXT)
    plan.triggers = [
        Trigger(trigger=a, threshold=b, source=c)
        for a, b, c in draw(st.lists(st.tuples(LINE, TEXT, TEXT), max_size=3))
    ]
    plan.contacts = [
        Contact(role=a, name=b, contact=c)
        for a, b, c in draw(st.lists(st.tuples(TEXT, LINE, TEXT), max_size=3))
    ]
    plan.post_rollback.append(ActionGroup(name=draw(LINE), items=[]))
    _draw_steps(draw, plan)
    _draw_run(draw, plan)
    return plan


def _draw_steps(draw: st.DrawFn, plan: Plan) -> None:
    """Steps edited in place and added at the end of lists; the unused option's dropped."""
    for _, prefix, item in plan.checklist():
        edit = draw(st.sampled_from(["keep", "text", "command", "owner"]))
        if edit == "text":
            item.text = draw(TEXT)
        elif edit == "command":
            item.command = draw(st.one_of(st.none(), BLOCK.filter(bool)))  # "" is saved as none
        elif edit == "owner":
            item.owner = draw(LINE)
        del prefix
    for _ in range(draw(st.integers(0, 2))):  # a step added at the end of Option B
        plan.procedure.option_b.append(plan.new_item("b", draw(LINE), draw(st.none() | LINE)))
    plan.post_rollback[-1].items.append(plan.new_item("post", draw(LINE)))
    # The unused option is not in the Markdown: the wizard keeps its steps, import cannot.
    if not plan.procedure.uses_a:
        plan.procedure.option_a, plan.procedure.option_a_estimate = [], "~1 minute"
    if not plan.procedure.uses_b:
        plan.procedure.option_b, plan.procedure.option_b_estimate = [], "~15-30 minutes"
        plan.procedure.restore = []  # the steps after Option B go with it
    if draw(st.booleans()):  # a plan without them (written before they were)
        plan.procedure.containment, plan.procedure.restore = [], []


def _draw_run(draw: st.DrawFn, plan: Plan) -> None:
    """The incident's start, ticks by someone, a note: the timeline of a run."""
    ids = [item.id for _, _, item in plan.checklist()]
    if draw(st.booleans()):
        record(plan, "incident-start", draw(TEXT), at=START)
    for n, index in enumerate(draw(st.lists(st.integers(0, 200), max_size=4, unique=True))):
        if ids:
            # Ticked by someone: the app and `tick` always name who did it.
            set_done(
                plan,
                ids[index % len(ids)],
                True,
                draw(LINE),
                at=START + dt.timedelta(seconds=37 * n + 5),
            )
    if draw(st.booleans()):
        record(plan, "note", draw(TEXT), text=draw(LINE), at=START + dt.timedelta(hours=1))


def differences(got: object, want: object, path: str = "plan") -> list[str]:
    """Where *got* and *want* differ, as ``path: got != want`` lines."""
    if isinstance(got, dict) and isinstance(want, dict):
        return [
            line
            for key in sorted(set(got) | set(want))
            for line in differences(got.get(key), want.get(key), f"{path}.{key}")
        ]
    if isinstance(got, list) and isinstance(want, list) and len(got) == len(want):
        return [
            line
            for i, (a, b) in enumerate(zip(got, want, strict=True))
            for line in differences(a, b, f"{path}[{i}]")
        ]
    return [] if got == want else [f"{path}: {got!r} != {want!r}"]


class TestImportOfRender:
    @SETTINGS
    @given(plan=wizard_plans())
    def test_import_gives_back_the_plan(self, plan: Plan) -> None:
        """import(render(plan)) == plan, exactly, for plans the wizard makes, on these terms:

        - ids are not in the Markdown: import numbers them as a new plan does (a-1, a-2, ...
          in each list), so the plans here keep that numbering (steps are added at the end
          of a list, none removed from its middle);
        - item text and table cells are one line each (Markdown joins an item's lines);
          multi-line fields have no blank or indented lines (render drops those);
        - text holds a variable's value only through the variable: render substitutes
          $VERSION and the others, import writes a value it finds back as its variable
          (the values here all hold a "v", which the text never does);
        - every variable the text uses has a value ($VERSION, $TARGET_VERSION,
          $FEATURE_FLAG, $INCIDENT are set; $COMPONENT is used in components' steps only):
          how render shows a variable without a value is not read back;
        - in a command, render quotes a value that is not a plain name ($INCIDENT's) to fit
          where it stands, and import reads each quoted form back; a variable that begins
          or ends a double-quoted string ("$X", "$X a") comes back outside it ($X, $X" a"),
          which the shell reads the same. Words here are space-separated, so never so;
        - component names repeat or not: render numbers a repeated heading ("svc-av (2)")
          and import reads that numbering back (no name here holds parentheses);
        - the option the plan does not use is empty and has its default estimate: render
          leaves it out, so its steps cannot come back;
        - no text is exactly what render writes for an empty value ("—", "Untitled",
          "owner not yet named"), and no table row is all empty (render writes one such
          row for an empty table).
        """
        markdown = render_markdown(plan)
        imported, unplaced = parse_markdown(markdown)
        assert unplaced == []
        assert differences(imported.model_dump(), plan.model_dump()) == []

    @SETTINGS
    @given(plan=wizard_plans(), crlf=st.booleans())
    def test_render_of_import_is_stable(self, plan: Plan, crlf: bool) -> None:
        """Rendering the imported plan gives the same Markdown, with CRLF line ends too."""
        markdown = render_markdown(plan)
        text = markdown.replace("\n", "\r\n") if crlf else markdown
        imported, _ = parse_markdown(text)
        assert render_markdown(imported) == markdown


MD_PIECES = st.sampled_from(
    [
        "# Rollback Plan: ",
        "## Rollback Triggers\n",
        "## Component Rollback Steps\n",
        "### ",
        "## Emergency Contacts\n",
        "| a | b |\n|---|---|\n",
        "| x | y |\n",
        "- [x] ",
        "1. ",
        "* ",
        "**Created:** ",
        "**Root Cause Analysis:** k, due 2026-13-45\n",
        "```sh\n",
        "```\n",
        "_(done 2026-99-01 03:04 UTC by x)_",
        "## Timeline\n",
        "| 2026-11-21 03:04:05 | s | Done `a-1` |\n",
        "\r\n",
        "\n",
        "\n\n",
        "   ",
        "<br>",
        "<!-- c -->",
        "\\",
        "`",
        "—",
        "## Post-Rollback Actions\n",
        "## Communication Plan\n",
        "### Internal Update\n",
        "## Rollback Procedure\n",
        "### Option A (",
        ")\n",
        "**Deployment Type:** canary\n",
        "**Database Impact:** Yes\n",
        "\x1b[31m",
        "\x00",
    ]
)


class TestAnyMarkdown:
    @settings(SETTINGS, max_examples=200)
    @given(pieces=st.lists(st.one_of(MD_PIECES, st.text(max_size=12)), max_size=40))
    def test_import_never_crashes(self, pieces: list[str]) -> None:
        """Any text: a plan (that saves as TOML and loads back) or NotAPlan, nothing else."""
        try:
            plan, unplaced = parse_markdown("".join(pieces))
        except NotAPlan:
            return
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "plan.toml"
            text = with_notes(store.dumps(store.new_file(path, plan)), unplaced, "in.md")
            path.write_text(text)
            assert store.load(path).plan.model_dump() == plan.model_dump()
