"""Hostile and random text through every door: the wizard's fields, `new --title`, and
hand-written plan files. Nothing crashes, nothing is lost, and after control characters
are cleaned every value round-trips through a save and a load. Bounded to stay quick."""

from __future__ import annotations

import random
from pathlib import Path

import tomlkit
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.widgets import Input
from wizard_helpers import settle_previews, wait_for

from rollback_tui import store
from rollback_tui.cli import main
from rollback_tui.plan.text import clean_text
from rollback_tui.render import render_markdown
from rollback_tui.ui.factory import make_app
from rollback_tui.ui.wizard.fields import FieldInput, FieldText
from rollback_tui.ui.wizard.steps import STEPS

HOSTILE = [
    "[bold] [/x] [@click=app.quit]",
    "\x1b[31mred\x1b[0m \x1b]0;stolen title\x07 \x9b2J \x1b]52;c;aGk=\x07",
    "L" * 5000,
    "nul\x00byte\x00",
    "\u202eright-to-left\u202c \u200f\u05e9\u05dc\u05d5\u05dd",
    "emoji 🚀 👩\u200d👩\u200d👧 ✓ \ufe0f",
    "crlf\r\nline\rtwo\n",
    "${VERSION} $INCIDENT {{x}} %s \\n \\",
    "`code` **bold** <script>x</script> | pipe # heading",
    "\t tabs \t and  spaces ",
]
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plan.toml"
HUGE = "x" * 99_000 + "[/] \x1b[2J" * 100
"""100,000 characters: markup and escape sequences at the end."""

# Text as hostile as hypothesis can make it: any code point, with the usual suspects
# mixed in so that they appear in most examples.
hostile_text = st.text(
    st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(
            [
                "[",
                "]",
                "/",
                "@",
                "\x1b",
                "\x00",
                "\r",
                "\n",
                "\u202e",
                "\x9b",
                "\x7f",
                "🚀",
                '"',
                "'",
                "\\",
                "=",
            ]
        ),
    ),
    min_size=1,
    max_size=200,
)


def random_hostile(rng: random.Random, size: int) -> str:
    alphabet = "ab [/]@=\"'\\\x1b\x00\r\n\t\u202e\x9b\x7f🚀é漢"
    return "".join(rng.choice(alphabet) for _ in range(size))


class TestWizardFields:
    """Every free-text field of every step, through the UI, then saved and reloaded."""

    async def test_every_field_round_trips(self, example_plan: Path) -> None:
        """Set each field to a hostile value; the model holds it cleaned; the file keeps it."""
        rng = random.Random(6)
        samples = [*HOSTILE, *(random_hostile(rng, 300) for _ in range(20))]
        app = make_app(example_plan, cursor_blink=False)
        expected: dict[tuple[int, str], tuple[object, str, str]] = {}
        seen: set[int] = set()
        huge_used = False
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, "#title")
            wizard = app.screen
            for step in STEPS:
                await wizard.show_step(step.key)  # type: ignore[attr-defined]
                await pilot.pause()
                for field in [*wizard.query(FieldInput), *wizard.query(FieldText)]:
                    if id(field) in seen:
                        continue  # steps built earlier stay mounted
                    seen.add(id(field))
                    if isinstance(field, FieldInput) and field.parse is not None:
                        continue  # parsed fields (dates, versions) refuse, with a message
                    value = samples[len(seen) % len(samples)]
                    if isinstance(field, FieldText):
                        if not huge_used:
                            value, huge_used = HUGE, True
                        field.text = value
                    else:
                        field.value = value
                    # Two fields may edit one attribute (a summary and its step): the last wins.
                    expected[(id(field.target), field.attr)] = (field.target, field.attr, value)
                await pilot.pause()
            await settle_previews(pilot)
            assert huge_used and len(expected) >= 20
            for target, attr, value in expected.values():
                assert getattr(target, attr) == clean_text(value).strip() or getattr(
                    target, attr
                ) == clean_text(value), (attr, value[:40])
            assert app.query_one("#title", Input).value  # the app is alive
            await pilot.press("ctrl+s")
            await app.keeper.saves.idle()  # the save runs in a thread
            await pilot.pause()
            assert not app.keeper.dirty
            saved = app.plan
        reloaded = store.load(example_plan).plan
        assert reloaded == saved
        render_markdown(reloaded)


class TestCommandLine:
    """`new --title` and hand-written files: a clean result or a one-line error."""

    @settings(
        max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(title=hostile_text)
    def test_new_title_round_trips(self, tmp_path: Path, title: str) -> None:
        """Any title: written, and read back as the title cleaned."""
        path = tmp_path / "fuzz.toml"
        result = CliRunner().invoke(main, ["new", str(path), "--title", title, "--force"])
        assert result.exit_code == 0, result.output
        assert store.load(path).plan.title == clean_text(title)

    @settings(
        max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(values=st.lists(hostile_text, min_size=4, max_size=4))
    def test_hand_written_file(self, tmp_path: Path, values: list[str]) -> None:
        """A file with hostile strings: render and check answer; a load and save round-trip."""
        path = tmp_path / "hand.toml"
        doc = tomlkit.parse(EXAMPLE.read_text())  # a whole plan, hand-edited
        doc["title"] = values[0]
        doc["incident"] = values[1]
        doc["feature_flag"] = values[2]
        try:
            text = tomlkit.dumps(doc)
        except Exception:
            return  # tomlkit cannot write it: no such file can exist
        # A comment as an editor would write it: control characters and all (tomlkit
        # refuses those in a comment, and TOML readers refuse the file: one line, exit 2).
        text += "# " + values[3].replace("\n", " ").replace("\r", " ")[:80] + "\n"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        runner = CliRunner()
        for command in ("render", "check", "status"):
            result = runner.invoke(main, [command, str(path)])
            assert result.exception is None or isinstance(result.exception, SystemExit), (
                result.output
            )
            if result.exit_code == 2:
                assert len(result.output.strip().splitlines()) == 1
        try:
            plan_file = store.load(path)
        except store.PlanFileError:
            return  # refused in one sentence (e.g. not UTF-8): nothing to round-trip
        assert plan_file.plan.title == clean_text(values[0])
        assert plan_file.plan.incident == clean_text(values[1])
        store.save(plan_file)
        assert store.load(path).plan == plan_file.plan

    def test_huge_title(self, tmp_path: Path) -> None:
        """100,000 characters of title, markup and escapes included."""
        path = tmp_path / "huge.toml"
        result = CliRunner().invoke(main, ["new", str(path), "--title", HUGE])
        assert result.exit_code == 0, result.output
        assert store.load(path).plan.title == clean_text(HUGE)
