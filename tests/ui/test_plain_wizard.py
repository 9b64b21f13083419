"""Plain mode's wizard writes the plan the full-screen wizard writes for the same answers:
the same Basics choices (and what follows them), the same rows, the same ids."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app_helpers import SIZE
from plain_terminal import assert_plain, environment, piped
from textual.pilot import Pilot
from textual.widgets import Select
from wizard_helpers import clear_and_type, focused, type_text, until

from rollback_tui import store
from rollback_tui.plan import Plan
from rollback_tui.ui.factory import make_app

IGNORED = {"created"}
"""The day each plan was made (two days apart if the test runs across midnight)."""

PLAIN_ANSWERS = [
    "Checkout v2",  # Title
    "",  # Created: kept
    "canary",  # Deployment type, by name
    "INC-7 checkout errors",  # Incident
    "",  # Incident link: kept (empty)
    "1.4.2",  # Current version
    "1.4.1",  # Target version
    "2",  # Database impact: 2) Yes
    "checkout-v2",  # Feature flag
    ":step components",
    "add",
    "checkout-api",  # the component's name
    "done",  # its steps as they are
    "done",
    ":step contacts",
    "add",
    "Incident commander",
    "Sam",
    "#inc-checkout",
    "done",
    ":save",
    ":quit",
]


def comparable(plan: Plan) -> dict[str, Any]:
    return plan.model_dump(mode="json", exclude=IGNORED)


async def type_into(pilot: Pilot[Any], widget_id: str, text: str) -> None:
    pilot.app.screen.query_one(f"#{widget_id}").focus()
    await pilot.pause()
    await clear_and_type(pilot, text)


async def answer_in_full_screen(pilot: Pilot[Any]) -> None:
    """The same answers in the full-screen wizard, field by field."""
    screen: Any = pilot.app.screen
    await type_into(pilot, "title", "Checkout v2")
    screen.query_one("#deployment-type", Select).value = "canary"
    await pilot.pause()
    await type_into(pilot, "incident", "INC-7 checkout errors")
    await type_into(pilot, "version", "1.4.2")
    await type_into(pilot, "target-version", "1.4.1")
    screen.query_one("#db-impact", Select).value = True
    await pilot.pause()
    await type_into(pilot, "feature-flag", "checkout-v2")
    await screen.show_step("components")
    screen.query_one("#add-component").focus()
    await pilot.press("enter")
    await until(pilot, lambda: focused(pilot).id == "component-name")
    await clear_and_type(pilot, "checkout-api")
    await screen.show_step("contacts")
    screen.query_one("#contact-list .row-add").focus()
    await pilot.press("enter")
    await pilot.pause()
    await type_text(pilot, "Incident commander")
    await pilot.press("tab")
    await type_text(pilot, "Sam")
    await pilot.press("tab")
    await type_text(pilot, "#inc-checkout")
    await pilot.press("ctrl+s")
    await pilot.app.keeper.saves.idle()  # type: ignore[attr-defined]
    await until(pilot, lambda: not pilot.app.keeper.dirty)  # type: ignore[attr-defined]


class TestSamePlanAsTheFullScreenWizard:
    """`edit --plain new.toml` through a pipe, and the full-screen wizard driven by Pilot,
    given the same answers, write the same plan."""

    async def test_same_answers_same_plan(self, tmp_path: Path) -> None:
        """Basics (a deployment type, database impact, a flag: the defaults follow), a
        component added and named, a contact added; saved once: equal plans."""
        plain_path = tmp_path / "plain.toml"
        done = piped(["edit", "--plain", plain_path], PLAIN_ANSWERS, environment())
        assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()
        assert_plain(done.stdout)

        screen_path = tmp_path / "screen.toml"
        app = make_app(screen_path, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: focused(pilot).id == "title")
            await answer_in_full_screen(pilot)

        plain, full = store.load(plain_path).plan, store.load(screen_path).plan
        assert plain.procedure.option_b[-2].irreversible  # the migration step came along
        assert [c.name for c in plain.components] == ["checkout-api"]
        assert plain.contacts[-1].name == "Sam"
        assert comparable(plain) == comparable(full)
        assert plain_path.with_suffix(".md").read_text() == screen_path.with_suffix(
            ".md"
        ).read_text().replace("screen.toml", "plain.toml")
