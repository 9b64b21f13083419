"""The wizard's Basics choices write the plan `new` writes, with ids in step order."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from app_helpers import SIZE
from click.testing import CliRunner
from textual.pilot import Pilot
from wizard_helpers import focused, type_text, until

from rollback_tui import store
from rollback_tui.cli import main
from rollback_tui.plan import DeploymentType, Plan
from rollback_tui.ui.factory import make_app

TYPES = list(DeploymentType)

IGNORED = {"created"}
"""Fields that may legitimately differ between the two plans: `created` is the day each
was made (two days apart if the test runs across midnight). Nothing else may differ."""


def comparable(plan: Plan) -> dict[str, Any]:
    return plan.model_dump(mode="json", exclude=IGNORED)


def written_by_new(path: Path, deployment_type: DeploymentType, db: bool, flag: str) -> Plan:
    """The plan `rollback-tui new` writes for these choices, as read back from its file."""
    args = ["new", str(path), "--deployment-type", deployment_type.value]
    args += ["--db-impact", "yes" if db else "no"]
    if flag:
        args += ["--feature-flag", flag]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return store.load(path).plan


async def pick(pilot: Pilot[Any], select_id: str, index: int, current: int) -> None:
    """Open the drop-down *select_id* with enter and move to option *index*, by keys."""
    screen = pilot.app.screen
    screen.query_one(f"#{select_id}").focus()
    await pilot.pause()
    moves = index - current
    await pilot.press("enter", *(["down"] * moves if moves > 0 else ["up"] * -moves), "enter")


async def choose_in_wizard(
    pilot: Pilot[Any], deployment_type: DeploymentType, db: bool, flag: str
) -> None:
    """Make the three choices on Basics by keys, as an engineer would."""
    plan = pilot.app.plan  # type: ignore[attr-defined]
    await pick(
        pilot, "deployment-type", TYPES.index(deployment_type), TYPES.index(plan.deployment_type)
    )
    await pick(pilot, "db-impact", int(db), int(plan.db_impact))
    pilot.app.screen.query_one("#feature-flag").focus()
    await pilot.pause()
    await pilot.press("ctrl+l", "backspace")
    await type_text(pilot, flag)
    await pilot.pause()


async def save(pilot: Pilot[Any]) -> None:
    await pilot.press("ctrl+s")
    await pilot.app.keeper.saves.idle()  # type: ignore[attr-defined]
    await pilot.pause()
    await until(pilot, lambda: not pilot.app.keeper.dirty)  # type: ignore[attr-defined]


class TestWizardWritesWhatNewWrites:
    """For every deployment type, database impact and feature flag, the wizard's plan (made
    by keys, saved with ctrl+s) is the plan `new` writes with the same options."""

    @pytest.mark.parametrize(
        ("deployment_type", "db", "flag"),
        list(itertools.product(TYPES, [False, True], ["", "checkout-v2"])),
        ids=lambda v: (
            v.value
            if isinstance(v, DeploymentType)
            else ("db" if v else "no-db")
            if isinstance(v, bool)
            else v or "no-flag"
        ),
    )
    async def test_same_plan_for_the_same_choices(
        self, tmp_path: Path, deployment_type: DeploymentType, db: bool, flag: str
    ) -> None:
        """Made by way of the opposite choices first: another type, the other database
        answer, and a flag named then cleared (or none, then named)."""
        expected = comparable(written_by_new(tmp_path / "new.toml", deployment_type, db, flag))
        detour = (
            TYPES[(TYPES.index(deployment_type) + 1) % len(TYPES)],
            not db,
            "" if flag else "x",
        )
        path = tmp_path / "wizard.toml"
        app = make_app(path, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: focused(pilot).id == "title")
            await choose_in_wizard(pilot, *detour)
            await choose_in_wizard(pilot, deployment_type, db, flag)
            await save(pilot)
        assert comparable(store.load(path).plan) == expected


class TestIdsFollowTheSteps:
    """Ids are numbered in step order when a plan is first saved; after that they stay."""

    async def test_canary_then_database_numbers_option_b_in_order(self, tmp_path: Path) -> None:
        """Canary, database impact Yes, save: b-1 to b-6 in order, the migration b-5 and
        irreversible; then Rolling and save again: the steps that stay keep their ids."""
        path = tmp_path / "fresh.toml"
        app = make_app(path, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: focused(pilot).id == "title")
            await choose_in_wizard(pilot, DeploymentType.CANARY, True, "")
            await save(pilot)
            first = store.load(path).plan.procedure.option_b
            assert [i.id for i in first] == [f"b-{n}" for n in range(1, 7)]
            assert first[4].text == "Run database rollback migration"
            assert [i.id for i in first if i.irreversible] == ["b-5"]
            assert "irreversible = true" in path.read_text()
            await choose_in_wizard(pilot, DeploymentType.ROLLING, True, "")
            await save(pilot)
        again = store.load(path).plan.procedure.option_b
        before = {i.text: i.id for i in first}
        kept = [i for i in again if i.text in before]
        assert [i.text for i in kept] == [
            "Trigger deployment of previous version",
            "Wait for all instances to update",
            "Run database rollback migration",
            "Verify all health checks passing",
        ]
        assert [i.id for i in kept] == [before[i.text] for i in kept]
        assert again[0].text == "Identify last known good version"
        assert again[0].id not in before.values()
        assert [i.id for i in again if i.irreversible] == ["b-5"]
