"""Commands safe to paste: substituted values quoted for a POSIX shell, invisible characters
removed from commands and names, shown elsewhere, and `check` warning of both."""

from __future__ import annotations

import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from rollback_tui.plan import DeploymentType, Plan, new_plan
from rollback_tui.plan.lint import lint
from rollback_tui.plan.shell_words import strip_invisible
from rollback_tui.plan.text import clean_text
from rollback_tui.plan.timeline import record
from rollback_tui.render import render_markdown, substitute_command
from rollback_tui.render.markdown_syntax import inline

HOSTILE_NAME = "web|edge `canary` "
RLO = "\u202e"
ZWSP = "\u200b"
# The places a value can stand in a command: bare, in a word, inside double and single
# quotes (the defaults use all of them).
TEMPLATES = [
    ("kubectl argo rollouts undo $COMPONENT", lambda v: ["kubectl", "argo", "rollouts", "undo", v]),
    (
        "kubectl rollout undo deployment/${COMPONENT}",
        lambda v: ["kubectl", "rollout", "undo", f"deployment/{v}"],
    ),
    (
        'curl -X POST "$URL/features/$COMPONENT/environments/off"',
        lambda v: ["curl", "-X", "POST", f"$URL/features/{v}/environments/off"],
    ),
    (
        'kubectl patch service x -p \'{"color":"$COMPONENT"}\'',
        lambda v: ["kubectl", "patch", "service", "x", "-p", f'{{"color":"{v}"}}'],
    ),
]
# Values as hostile as hypothesis makes them, with shell syntax made likely.
SHELL_CHARS = st.sampled_from(list("|&;<>()$`\\\"' \t\n*?[]#~=%!{}\u202e\u200b-"))
VALUE = st.text(
    st.one_of(st.characters(exclude_categories=["Cs"]), SHELL_CHARS), min_size=1, max_size=30
).map(clean_text)


def fences(markdown: str) -> list[str]:
    return [t.content for t in MarkdownIt("commonmark").parse(markdown) if t.type == "fence"]


def commands(plan: Plan, component: int = 0) -> list[str]:
    """The component's commands as the Markdown shows them."""
    variables = plan.variables(plan.components[component].name)
    return [
        substitute_command(step.command, variables)
        for step in plan.components[component].steps
        if step.command
    ]


def words(command: str) -> list[str]:
    """The words bash gives each command of *command* (each command a function that
    prints its arguments): what pasting it into a shell would run."""
    stubs = "".join(
        f'{name}() {{ printf "%s\\0" {name} "$@"; }}; '
        for name in ("kubectl", "curl", "deploy", "x", "get", "a", "printf_args")
    )
    done = subprocess.run(
        ["bash", "-c", stubs + "\n" + command],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "U": "$U", "URL": "$URL"},
    )
    return done.stdout.split("\0")[:-1]


class TestQuotedValues:
    def test_the_hostile_component_is_given_by_an_assignment(self) -> None:
        """The name from the report is never in the command: the block sets it first."""
        plan = new_plan(deployment_type=DeploymentType.CANARY, components=[HOSTILE_NAME])
        wanted = "COMPONENT='web|edge `canary` '\nkubectl argo rollouts undo \"$COMPONENT\""
        assert commands(plan)[0] == wanted
        assert wanted + "\n" in fences(render_markdown(plan))

    def test_plain_names_stay_as_written(self) -> None:
        """Letters, digits and -._/:@ need no quotes, so ordinary plans read as before."""
        plan = new_plan(
            version="v2.4.0+b7",
            target_version="registry/app:v2.3.1@sha256-1",
            feature_flag="checkout_v2",
            incident="INC-42",
            components=["payments-worker"],
        )
        plan.components[0].steps[
            0
        ].command = "deploy $TARGET_VERSION $FEATURE_FLAG $INCIDENT $COMPONENT $VERSION"
        assert commands(plan)[0] == (
            "VERSION='v2.4.0+b7'\n"
            'deploy registry/app:v2.3.1@sha256-1 checkout_v2 INC-42 payments-worker "$VERSION"'
        )

    def test_every_variable_is_given_the_same_way(self) -> None:
        """$VERSION, $TARGET_VERSION, $FEATURE_FLAG and $INCIDENT go as $COMPONENT does."""
        plan = new_plan(
            version="a b",
            target_version="c;d",
            feature_flag="e&f",
            incident="it's down",
            components=["g>h"],
        )
        plan.components[0].steps[
            0
        ].command = "x $VERSION $TARGET_VERSION ${FEATURE_FLAG} $INCIDENT $COMPONENT"
        assert words(commands(plan)[0]) == ["x", "a b", "c;d", "e&f", "it's down", "g>h"]
        assert commands(plan)[0].splitlines()[:5] == [
            "VERSION='a b'",
            "TARGET_VERSION='c;d'",
            "FEATURE_FLAG='e&f'",
            "INCIDENT='it'\\''s down'",
            "COMPONENT='g>h'",
        ]

    def test_inside_double_quotes_the_variable_stays(self) -> None:
        """In "…", $FEATURE_FLAG stays as written: the shell expands it, and $, ` or ! in
        its value do nothing."""
        got = substitute_command('curl "$U/f/$FEATURE_FLAG/off"', {"FEATURE_FLAG": "$(id) !x"})
        assert got == "FEATURE_FLAG='$(id) !x'\ncurl \"$U/f/$FEATURE_FLAG/off\""
        assert words(got) == ["curl", "$U/f/$(id) !x/off"]

    def test_inside_single_quotes_the_quotes_are_closed_around_it(self) -> None:
        """In '…', the quotes close around "$COMPONENT" and reopen."""
        got = substitute_command('x -p \'{"c":"$COMPONENT"}\'', {"COMPONENT": "it's a|b"})
        assert got == "COMPONENT='it'\\''s a|b'\nx -p '{\"c\":\"'\"$COMPONENT\"'\"}'"
        assert words(got) == ["x", "-p", '{"c":"it\'s a|b"}']

    def test_an_escaped_dollar_is_no_variable(self) -> None:
        """\\$VERSION is the text $VERSION to the shell: left as written."""
        got = substitute_command("x \\$VERSION $VERSION", {"VERSION": "v1"})
        assert got == "x \\$VERSION v1"
        assert words(got) == ["x", "$VERSION", "v1"]

    def test_unset_plan_variables_show_as_unset(self) -> None:
        """A plan variable with no value shows as unset (a shell would expand a raw
        $TARGET_VERSION to nothing); other shell variables stay as written."""
        assert substitute_command("echo $TARGET_VERSION $HOME", {"VERSION": "a b"}) == (
            "echo ‹target version unset› $HOME"
        )

    @pytest.mark.parametrize(
        "template",
        [
            "printf '<%s>' $COMPONENT",
            'printf "<%s>" "$(printf %s "$COMPONENT")"',
            'printf "<%s>" "`printf %s $COMPONENT`"',
            "cat <<EOF\n<$COMPONENT>\nEOF",
        ],
    )
    def test_a_real_shell_prints_the_value(self, template: str) -> None:
        """sh runs the command with the value as one argument, wherever it stands."""
        value = 'a|b `c` $HOME \\ "q" it\'s\nnext'
        command = substitute_command(template, {"COMPONENT": value})
        run = subprocess.run(["sh", "-c", command], capture_output=True, text=True, check=True)
        assert run.stdout.rstrip("\n") == f"<{value}>"

    @settings(max_examples=200, deadline=None)
    @given(value=VALUE.filter(strip_invisible), template=st.sampled_from(TEMPLATES))
    def test_any_value_is_one_word_and_never_an_operator(
        self, value: str, template: tuple[str, object]
    ) -> None:
        """Run by bash, the copied command has the value as one word."""
        command, expected_words = template
        copied = substitute_command(command, {"COMPONENT": value}).strip()
        expected = expected_words(strip_invisible(value))  # type: ignore[operator]
        assert words(copied) == expected

    @settings(max_examples=100, deadline=None)
    @given(value=VALUE.filter(lambda v: "\t" not in v and strip_invisible(v).strip()))
    def test_the_markdown_command_of_any_component_is_one_word(self, value: str) -> None:
        """Read back from the rendered Markdown, a component's command has its name as one
        word (tabs aside: the Markdown shows them as spaces)."""
        plan = new_plan(deployment_type=DeploymentType.CANARY, components=[value])
        wanted = ["kubectl", "argo", "rollouts", "undo", strip_invisible(value)]
        undo = [
            f
            for f in fences(render_markdown(plan))
            if "rollouts undo" in f and "<rollout>" not in f
        ]
        assert wanted in [words(fence) for fence in undo]


class TestInvisibleCharacters:
    def test_removed_from_commands(self) -> None:
        """A right-to-left override in a command or a substituted value does not reach it."""
        command = substitute_command(
            f"rm -rf /tmp/{RLO}gol.txt $FEATURE_FLAG", {"FEATURE_FLAG": f"f{ZWSP}f"}
        )
        assert command == "rm -rf /tmp/gol.txt ff"

    def test_removed_from_identifiers_in_the_markdown(self) -> None:
        """The flag name, versions and the item ids of the timeline are shown without them."""
        plan = new_plan(feature_flag=f"check{RLO}out", version=f"v{ZWSP}2", components=["api"])
        record(plan, "tick", "sam", item=f"a{RLO}-1")
        text = render_markdown(plan)
        assert "| Done `a-1` |" in text
        assert "**Feature Flag:** `checkout`" in text
        assert "**Current Version:** `v2`" in text
        assert RLO not in text and ZWSP not in text

    def test_shown_visibly_in_prose(self) -> None:
        """Elsewhere each one is shown by its code point, so the reader sees it is there."""
        plan = new_plan(title=f"evil{RLO}txt.exe", components=[f"we{ZWSP}b"])
        plan.assumptions.backups = f"nightly{RLO}"
        plan.communications.internal_template = f"Hi{RLO}"
        record(plan, "note", "sam", text=f"n{RLO}")
        text = render_markdown(plan)
        assert "# Rollback Plan: evil\\<U+202E>txt.exe" in text
        assert "### we\\<U+200B>b" in text
        assert "nightly\\<U+202E>" in text
        assert "Hi<U+202E>\n" in fences(text)
        assert "Note: n\\<U+202E>" in text
        assert RLO not in text and ZWSP not in text

    def test_inline_escaping_shows_them(self) -> None:
        """The escaping every line of user text goes through shows them."""
        assert inline(f"a{RLO}b") == "a\\<U+202E>b"
        assert inline(f"a{ZWSP}", table=True) == "a\\<U+200B>"


class TestCheck:
    def finding(self, plan: Plan, where: str) -> str:
        found = [f for f in lint(plan) if f.where == where and f.severity == "warning"]
        assert found, f"no warning for {where}"
        return " / ".join(f.message for f in found)

    def test_a_command_that_may_run_a_value_names_what_it_goes_without(self) -> None:
        """A command with `ssh` (or eval, arithmetic...) and a value that is not a plain
        name: `check` says the variable is left unset there, and why."""
        plan = new_plan(components=["checkout api", "web"])
        for component in plan.components:
            component.steps[0].command = 'ssh bastion "restart $COMPONENT"'
        message = self.finding(plan, "components[0].steps[0].command")
        assert "$COMPONENT left unset" in message and "ssh" in message
        assert not [f for f in lint(plan) if f.where == "components[1].steps[0].command"]

    def test_component_name_that_is_not_a_plain_name(self) -> None:
        """`check` names the component whose name a shell would read as more."""
        plan = new_plan(components=["api", HOSTILE_NAME])
        assert "not a plain name" in self.finding(plan, "components[1].name")
        assert not [f for f in lint(plan) if f.where == "components[0].name"]

    def test_flag_name_that_is_not_a_plain_name(self) -> None:
        """`check` names a feature flag with characters beyond a plain name."""
        plan = new_plan(feature_flag="checkout v2", components=["api"])
        assert "not a plain name" in self.finding(plan, "feature_flag")

    def test_plain_names_pass(self) -> None:
        """Names of letters, digits and -._/:@ are not reported."""
        plan = new_plan(feature_flag="team/checkout_v2.1:on@eu", components=["api-2"])
        assert not [f for f in lint(plan) if "plain name" in f.message]

    def test_invisible_characters_are_named_with_their_field(self) -> None:
        """`check` warns of each field that holds them, saying which and what is done."""
        plan = new_plan(feature_flag=f"ff{RLO}", components=["api"])
        plan.components[0].steps[0].command = f"rm {ZWSP}-rf x"
        plan.decision.severity = f"SEV1{RLO}"
        assert "U+202E" in self.finding(plan, "feature_flag")
        assert "removed from commands" in self.finding(plan, "feature_flag")
        assert "plain name" not in self.finding(plan, "feature_flag")
        assert "U+200B" in self.finding(plan, "components[0].steps[0].command")
        assert "shown as <U+202E>" in self.finding(plan, "decision.severity")
