"""The wizard's rows and lists at 80×24: whole values of a cut row, the irreversible mark,
and Enter on the obvious thing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app_helpers import SIZE
from textual.pilot import Pilot
from textual.widgets import Checkbox, Label, OptionList, Static
from wizard_helpers import focused, type_text, until

from rollback_tui import store
from rollback_tui.ui.factory import make_app
from rollback_tui.ui.wizard.fields import FieldInput, LabelledField
from rollback_tui.ui.wizard.row_lists import ListRow, RowList
from rollback_tui.ui.wizard.wizard_screen import WizardScreen


async def started(pilot: Pilot[Any]) -> WizardScreen:
    await until(pilot, lambda: focused(pilot).id == "title")
    screen = pilot.app.screen
    assert isinstance(screen, WizardScreen)
    return screen


def row_of(widget: object) -> ListRow:
    return next(a for a in widget.ancestors if isinstance(a, ListRow))  # type: ignore[attr-defined]


def whole_lines(row: ListRow) -> list[str]:
    """What the row shows of its cut values under itself ([] when nothing shows)."""
    shown = [s for s in row.query(".row-whole").results(Static) if s.display]
    return [line.strip() for s in shown for line in str(s.render()).splitlines()]


class TestWholeValuesOfTheFocusedRow:
    """A focused row whose cells are too narrow shows their whole values under it."""

    async def test_a_cut_command_shows_whole_under_its_row(self, example_plan: Path) -> None:
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            screen = await started(pilot)
            await screen.show_step("procedure", where="procedure.option_b[2].command")
            await pilot.pause()
            field = focused(pilot)
            assert isinstance(field, FieldInput)
            command = "kubectl -n shop rollout status deployment/checkout-api"
            assert field.value == command
            assert field.scrollable_content_region.width < len(command)  # cut at 80 columns
            row = row_of(field)
            assert " ".join(whole_lines(row)) == f"$ {command}"
            await pilot.press("end", "space", "-", "w")
            await pilot.pause()
            assert " ".join(whole_lines(row)) == f"$ {command} -w"
            await pilot.press("down")  # the next row: this one shows nothing more
            await pilot.pause()
            assert whole_lines(row) == []
            assert app.plan.procedure.option_b[2].command == f"{command} -w"

    async def test_cut_trigger_cells_show_whole_and_end_in_an_ellipsis(
        self, example_plan: Path
    ) -> None:
        """The focused row shows its cut cells whole; unfocused cut cells end in "…"."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            screen = await started(pilot)
            await screen.show_step("triggers")
            await pilot.pause()
            trigger = app.plan.triggers[0]
            cells = list(screen.query("#trigger-list ListRow").first().query(FieldInput))
            threshold = cells[1]
            assert threshold.value == trigger.threshold
            assert threshold.scrollable_content_region.width < len(trigger.threshold)
            threshold.focus()
            await pilot.pause()
            assert f"Threshold: {trigger.threshold}" in whole_lines(row_of(threshold))
            await pilot.press("down")
            await pilot.pause()
            width = threshold.scrollable_content_region.width
            drawn = threshold.render_line(0).text[:width]
            assert drawn == trigger.threshold[: width - 1] + "…"


class TestIrreversibleMark:
    """The irreversible box reads without colour: [x] or [ ], and saves what it says."""

    async def test_marks_read_as_text_and_toggle_with_space(self, example_plan: Path) -> None:
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            screen = await started(pilot)
            await screen.show_step("procedure")
            await pilot.pause()
            boxes = list(screen.query("#option-b-steps .item-irreversible").results(Checkbox))
            items = app.plan.procedure.option_b
            marks = [box.render().plain.strip() for box in boxes]
            assert marks == [
                "[x] irreversible" if item.irreversible else "[ ] irreversible" for item in items
            ]
            assert "[x] irreversible" in marks and "[ ] irreversible" in marks
            boxes[0].focus()
            await pilot.press("space")
            await pilot.pause()
            assert boxes[0].render().plain.strip() == "[x] irreversible"
            assert items[0].irreversible
            await pilot.press("ctrl+s")
            await app.keeper.saves.idle()
            await pilot.pause()
        assert store.load(example_plan).plan.procedure.option_b[0].irreversible


class TestEnterActsOnTheObviousThing:
    """Enter where there is one thing to do does it."""

    async def test_enter_on_an_empty_components_step_adds_one(self, tmp_path: Path) -> None:
        app = make_app(tmp_path / "fresh.toml", cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            assert app.plan.components == []
            await pilot.press(*["f8"] * 5)
            assert app.screen.current == "components"  # type: ignore[attr-defined]
            assert focused(pilot).id == "add-component"  # where Enter adds one
            await pilot.press("shift+tab")  # the empty list: Enter adds there too
            assert focused(pilot).id == "component-picker"
            await pilot.press("enter")
            await pilot.pause()
            assert [c.name for c in app.plan.components] == ["component-1"]
            assert focused(pilot).id == "component-name"

    async def test_enter_on_review_opens_the_first_finding(self, tmp_path: Path) -> None:
        app = make_app(tmp_path / "fresh.toml", cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            screen = await started(pilot)
            await screen.show_step("review")
            await pilot.pause()
            findings = screen.query_one("#review-findings", OptionList)
            assert focused(pilot) is findings
            first = screen.findings[0]
            await pilot.press("enter")
            await pilot.pause()
            assert screen.current == first.step
            field = focused(pilot)
            assert getattr(field, "target", None) is not None


class TestRowsChangedInPlace:
    """ctrl+o, ctrl+r and alt+up/down change one row: the others keep their widgets (a
    long list no longer blanks while it is rebuilt), every row shows its number, and each
    row edits the item at its place in the plan's list."""

    @staticmethod
    def shown(rows: RowList) -> list[tuple[str, str, str]]:
        """Each row's number, the text in its first cell, and its item's text."""
        out = []
        for row in rows.query_children(ListRow):
            number = row.query_one(".item-number", Label).content
            out.append((str(number), row.query(FieldInput).first().value, row.item.text))
        return out

    async def test_add_remove_and_move_keep_the_other_rows(self, example_plan: Path) -> None:
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            screen = app.screen
            assert isinstance(screen, WizardScreen)
            await screen.show_step("procedure")
            rows = screen.query_one("#option-b-steps", RowList)
            items = app.plan.procedure.option_b
            texts = [item.text for item in items]
            widgets = list(rows.query_children(ListRow))
            widgets[1].query(FieldInput).first().focus()
            await pilot.press("ctrl+r")  # the second row goes
            await pilot.pause()
            assert [item.text for item in items] == [texts[0], *texts[2:]]
            assert list(rows.query_children(ListRow)) == [widgets[0], *widgets[2:]]
            assert app.focused is widgets[2].query(FieldInput).first()
            await pilot.press("alt+up")  # the (old) third row becomes the first
            await pilot.pause()
            assert [item.text for item in items] == [texts[2], texts[0], *texts[3:]]
            assert list(rows.query_children(ListRow)) == [widgets[2], widgets[0], *widgets[3:]]
            assert app.focused is widgets[2].query(FieldInput).first()
            await pilot.press("ctrl+o")  # a new row after the first
            await pilot.pause()
            await type_text(pilot, "Drain eu-west")
            assert [item.text for item in items] == [
                texts[2],
                "Drain eu-west",
                texts[0],
                *texts[3:],
            ]
            now = list(rows.query_children(ListRow))
            assert now[0] is widgets[2] and now[2:] == [widgets[0], *widgets[3:]]
            assert self.shown(rows) == [
                (f"{n}.", text, text) for n, text in enumerate([item.text for item in items], 1)
            ]
            assert [row.index for row in now] == list(range(len(items)))


class TestTheComponentEditor:
    """Another component picked, added or removed: the editor's fields and rows stay, bound
    to the component now shown (making them again cost a quarter of a second)."""

    @staticmethod
    async def components_step(pilot: Pilot[Any]) -> Any:
        from rollback_tui.ui.wizard.steps.components import ComponentsStep

        screen = await started(pilot)
        await screen.show_step("components")
        await pilot.pause()
        return screen.query_one(ComponentsStep)

    @staticmethod
    def shown(step: Any) -> tuple[str, list[tuple[str, ...]]]:
        """The name field's text, and each row's number and cells."""
        rows = step.query_one("#component-steps", RowList)
        return step.query_one("#component-name", FieldInput).value, [
            (
                str(row.query_one(".item-number", Label).render()),
                *(cell.value for cell in row.query(FieldInput)),
                "x" if row.query_one(Checkbox).value else " ",
            )
            for row in rows.query_children(ListRow)
        ]

    @staticmethod
    def expected(component: Any) -> tuple[str, list[tuple[str, ...]]]:
        return component.name, [
            (
                f"{n}.",
                item.text,
                item.command or "",
                item.owner or "",
                item.dry_run or "",
                "" if item.timeout is None else str(item.timeout),
                "x" if item.irreversible else " ",
            )
            for n, item in enumerate(component.steps, 1)
        ]

    async def test_each_component_shows_in_the_same_widgets(self, example_plan: Path) -> None:
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            step = await self.components_step(pilot)
            components = app.plan.components
            components[1].steps[0].irreversible = True
            components[1].steps[1].timeout = 120
            del components[2].steps[1:]  # one step: rows go
            name = step.query_one("#component-name", FieldInput)
            rows = step.query_one("#component-steps", RowList)
            first_row = rows.query_children(ListRow).first()
            for index in (1, 2, 0):
                step.selected = index
                await step._show_editor()
                await pilot.pause()
                assert self.shown(step) == self.expected(components[index])
                assert step.query_one("#component-name", FieldInput) is name
                assert rows.query_children(ListRow).first() is first_row
                assert rows.items is components[index].steps
            # Four steps: a row comes; its fields edit the fourth step.
            components[1].steps.append(app.plan.new_item("payments-worker"))
            step.selected = 1
            await step._show_editor(focus_name=True)
            await pilot.pause()
            assert self.shown(step) == self.expected(components[1])
            assert app.focused is name
            await pilot.press("end", "2")
            last = list(rows.query_children(ListRow))[-1]
            last.query(FieldInput).first().focus()
            await type_text(pilot, "Page the team")
            assert components[1].name == "payments-worker2"
            assert components[1].steps[3].text == "Page the team"
            assert components[0].name == "checkout-api"
            # Undo has nothing of the component shown before.
            step.query_one("#component-name", FieldInput).focus()
            await pilot.press("ctrl+z", "ctrl+z")
            await until(pilot, lambda: components[1].name == "payments-worker")
            step.selected = 0
            await step._show_editor(focus_name=True)
            await pilot.press("ctrl+z")
            await pilot.pause()
            assert components[0].name == "checkout-api"
            assert components[1].name == "payments-worker"

    async def test_what_was_typed_before_the_switch_stays_where_it_was_typed(
        self, example_plan: Path
    ) -> None:
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            step = await self.components_step(pilot)
            first, second = app.plan.components[:2]
            name = step.query_one("#component-name", FieldInput)
            row = step.query_one("#component-steps", RowList).query_children(ListRow).first()
            box = row.query_one(Checkbox)
            assert not first.steps[0].irreversible and not second.steps[0].irreversible
            # Typed and ticked; the next component shown before their messages arrive.
            name.value = "checkout-api-v2"
            box.value = True
            step.selected = 1
            await step._show_editor()
            await until(pilot, lambda: first.name == "checkout-api-v2")
            await until(pilot, lambda: first.steps[0].irreversible)
            assert second.name == "payments-worker" and not second.steps[0].irreversible
            assert self.shown(step) == self.expected(second)
            picker = step.query_one(OptionList)
            assert "checkout-api-v2" in str(picker.get_option_at_index(0).prompt)

    async def test_a_finding_follows_its_component(self, tmp_path: Path) -> None:
        path = tmp_path / "plan.toml"
        plan = store.load(Path(__file__).parents[2] / "examples" / "plan.toml").plan
        plan.components[1].name = ""
        store.save(store.new_file(path, plan))
        app = make_app(path, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            step = await self.components_step(pilot)
            await step.focus_field("components[1].name")
            name = step.query_one("#component-name", FieldInput)
            holder = next(h for h in step.query(LabelledField) if h.field is name)

            def message() -> str:
                lines = holder.query(".field-message").results(Static)
                return " ".join(str(line.render()) for line in lines if line.display)

            await until(pilot, lambda: "name" in message().lower())
            step.selected = 0
            await step._show_editor()
            await pilot.pause()
            assert message() == ""

    async def test_a_component_added_from_the_name_field_takes_the_name_typed(
        self, example_plan: Path
    ) -> None:
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            step = await self.components_step(pilot)
            name = step.query_one("#component-name", FieldInput)
            name.focus()
            await pilot.press("end", "ctrl+o", "n", "e", "w")  # no pause: a burst
            await until(pilot, lambda: len(app.plan.components) == 4)
            await until(pilot, lambda: app.plan.components[1].name == "new")
            assert app.focused is name
            assert [c.name for c in app.plan.components] == [
                "checkout-api",
                "new",
                "payments-worker",
                "web-frontend",
            ]
