"""A step switch shows what is already there: the steps are built in the pauses of the
user's work, the footer is rebuilt only when its keys change, and findings that did not
change redraw nothing."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import pytest
from app_helpers import SIZE
from textual.pilot import Pilot
from textual.widgets import Static
from wizard_helpers import until

from rollback_tui import store
from rollback_tui.plan import new_plan
from rollback_tui.plan.findings import Finding
from rollback_tui.render import render_sections
from rollback_tui.ui.app import RollbackApp
from rollback_tui.ui.factory import make_app
from rollback_tui.ui.steady_footer import SteadyFooter
from rollback_tui.ui.wizard import build_ahead
from rollback_tui.ui.wizard.preview import Preview
from rollback_tui.ui.wizard.steps.base import StepPane
from rollback_tui.ui.wizard.wizard_screen import WizardScreen


def wizard(app: RollbackApp) -> WizardScreen:
    screen = app.screen
    assert isinstance(screen, WizardScreen)
    return screen


def ready(app: RollbackApp) -> list[str]:
    screen = wizard(app)
    return [key for key in screen.step_keys if screen.pane(key).ready]


def test_steps_are_built_in_the_order_f8_visits_them() -> None:
    keys = ["a", "b", "c", "d"]
    assert build_ahead.build_order(keys, "b") == ["c", "d", "a"]
    assert build_ahead.build_order(keys, "d") == ["a", "b", "c"]


async def test_the_steps_are_built_in_a_pause_and_a_switch_builds_nothing(
    example_plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Left alone on the first step, the wizard builds every other step, in F8's order;
    F8 then finds the next step built."""
    built: list[str] = []
    real = StepPane.ensure_built

    async def recording(self: StepPane) -> None:
        if not self.ready:
            built.append(self.key)
        await real(self)

    monkeypatch.setattr(StepPane, "ensure_built", recording)
    # The pause is measured by a clock the test moves: a loaded machine's slow start is
    # not a pause of the user's.
    now = [0.0]
    monkeypatch.setattr(build_ahead, "clock", lambda: now[0])
    app = make_app(example_plan, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await until(
            pilot,
            lambda: isinstance(app.screen, WizardScreen) and "basics" in ready(app),
            timeout=10,
        )
        screen = wizard(app)
        await pilot.pause(2 * build_ahead.EVERY)  # a look for a pause comes meanwhile
        assert ready(app) == ["basics"]
        now[0] += build_ahead.IDLE
        await until(pilot, lambda: ready(app) == screen.step_keys, timeout=15)
        assert built == screen.step_keys  # the first with the screen, the rest in the pause
        before = list(built)
        await pilot.press("f8")
        await pilot.pause()
        assert screen.current == "assumptions" and built == before


async def test_nothing_is_built_while_the_user_types(
    example_plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Edits less than IDLE apart hold the builds back, however long the typing lasts; the
    pause after them lets them go. The pauses are measured by a clock the test moves, so
    that a slow machine's own delays between keys do not count as the user's."""
    now = [0.0]
    monkeypatch.setattr(build_ahead, "clock", lambda: now[0])
    monkeypatch.setattr(build_ahead, "IDLE", 0.5)
    app = make_app(example_plan, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(int(3 * build_ahead.IDLE / 0.15)):  # 1.5 s of typing in all
            now[0] += 0.15
            await pilot.press("x")
            await pilot.pause(2 * build_ahead.EVERY)  # a look for a pause comes meanwhile
        assert ready(app) == ["basics"]
        now[0] += build_ahead.IDLE
        await until(pilot, lambda: len(ready(app)) > 1, timeout=10)


def footer_keys(app: RollbackApp) -> list[str]:
    return [str(getattr(key, "key", "")) for key in app.screen.query("SteadyFooter FooterKey")]


async def test_the_footer_is_rebuilt_only_when_its_keys_change(
    example_plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tab from a text field to another with the same keys: no rebuild (Textual's footer
    rebuilt, laying the whole screen out again, on every change of focus). Into a list of
    rows, whose ctrl+o adds one: rebuilt, and it shows ctrl+o."""
    rebuilt: list[int] = []
    real = SteadyFooter.recompose

    async def counting(self: SteadyFooter) -> None:
        rebuilt.append(1)
        await real(self)

    monkeypatch.setattr(SteadyFooter, "recompose", counting)
    app = make_app(example_plan, cursor_blink=False)
    async with app.run_test(size=(160, 48)) as pilot:
        # The form up and its footer drawn, before the rebuilds are counted.
        await until(
            pilot,
            lambda: app.focused is not None and app.focused.id == "title" and footer_keys(app),
            timeout=10,
        )
        await settle_footer(pilot)
        assert "ctrl+o" not in footer_keys(app)
        count = len(rebuilt)
        await pilot.press("tab")  # Title to Created: both plain text fields
        await settle_footer(pilot)
        assert len(rebuilt) == count
        await pilot.press("f8", "f8")  # Triggers: the cursor in its list of rows
        await until(pilot, lambda: "ctrl+o" in footer_keys(app), timeout=10)
        assert len(rebuilt) > count
        assert "ctrl+o" in footer_keys(app)


async def settle_footer(pilot: Pilot[Any]) -> None:
    """Time for a rebuild that is not to come (the tests count the ones that come)."""
    for _ in range(3):
        await pilot.pause(0.05)


async def test_unchanged_findings_redraw_nothing(
    example_plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check after each pause in typing gives the same findings most of the time:
    the step's findings line is not updated again (each update lays the screen out)."""
    app = make_app(example_plan, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = wizard(app)
        line = screen.pane("basics").query_one(".step-findings", Static)
        updates: list[object] = []
        real_update = line.update

        def recording(*args: Any, **kwargs: Any) -> Any:
            updates.append(args)
            return real_update(*args, **kwargs)

        monkeypatch.setattr(line, "update", recording)
        screen.show_findings(list(screen.findings))
        assert updates == []
        whole_step = Finding("error", "basics-whole-step", "something about the step")
        screen.show_findings([*screen.findings, whole_step])
        assert len(updates) == 1


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The Markdown of each section Review's own preview renders, in order."""
    rendered: list[str] = []
    real = Preview._render_section

    def recording(self: Preview, markdown: str, width: int) -> list[Any]:
        if self.id == "review-preview":
            rendered.append(markdown)
        return real(self, markdown, width)

    monkeypatch.setattr(Preview, "_render_section", recording)
    return rendered


async def test_review_draws_its_preview_once(example_plan: Path, drawn: list[str]) -> None:
    """The whole preview on Review makes the step taller than the screen: the scrollbar
    that then shows must not narrow it, which drew every section a second time."""
    app = make_app(example_plan, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = wizard(app)
        await screen.show_step("review")
        preview = app.screen.query_one("#review-preview", Preview)
        await until(pilot, lambda: preview.complete and preview.virtual_size.height > SIZE[1])
        await pilot.pause(0.2)
        assert drawn and len(drawn) == len(set(drawn))  # each section once


def laid_out(pane: StepPane) -> bool:
    return pane.ready and pane.size.width > 0


@pytest.mark.parametrize("size", [SIZE, (160, 48)])
async def test_a_form_is_as_wide_whether_it_scrolls_or_not(
    example_plan: Path, size: tuple[int, int]
) -> None:
    """A form that grows taller than the screen (drawn for the first time, a row added,
    its findings shown) must not be narrowed by the scrollbar that then shows: the whole
    step would be laid out and drawn a second time. Every step's form has one width."""
    app = make_app(example_plan, cursor_blink=False)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = wizard(app)
        widths: dict[str, int] = {}
        scrolls: dict[str, bool] = {}
        for key in screen.step_keys:
            await screen.show_step(key)
            pane = screen.pane(key)
            await until(pilot, partial(laid_out, pane))
            await pilot.pause()
            widths[key] = pane.scrollable_content_region.width
            scrolls[key] = pane.virtual_size.height > pane.scrollable_content_region.height
        assert any(scrolls.values()) and not all(scrolls.values()), scrolls  # both kinds
        assert len(set(widths.values())) == 1, widths


async def test_review_shows_the_plan_once(example_plan: Path, drawn: list[str]) -> None:
    """Beside the wizard's preview (a wide terminal), Review shows no preview of its own:
    the plan twice, rendered twice (two seconds at 1,000 components). Where that preview is
    not beside it (narrower, or hidden with ctrl+t), Review shows the plan as it is now."""
    app = make_app(example_plan, cursor_blink=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        screen = wizard(app)
        await screen.show_step("review")
        await pilot.pause(0.2)
        own = screen.query_one("#review-preview", Preview)
        assert screen.query_one("#preview", Preview).display
        assert not own.display and drawn == []

        screen.plan.title = "Retitled while wide"
        await pilot.resize_terminal(*SIZE)
        await until(pilot, lambda: own.display and own.complete)
        assert "Rollback Plan: Retitled while wide" in own.plain_text

        await pilot.resize_terminal(160, 48)
        await until(pilot, lambda: not own.display)
        assert screen.query_one("#preview", Preview).display

        screen.plan.title = "Retitled again"
        screen.action_toggle_preview()  # the wizard's preview hidden on a wide terminal
        await until(pilot, lambda: own.display and "Retitled again" in own.plain_text)
        assert not screen.query_one("#preview", Preview).display


async def test_review_on_a_narrow_terminal_shows_a_long_plan_a_screenful_first(
    tmp_path: Path, drawn: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Below the wizard's preview width, Review shows the plan in a preview of its own: as
    tall as the step, scrolling on its own, it renders a screenful at once and the rest
    between frames. Rendered all at once, a long plan held every key for seconds (2 s at
    1,000 components); a preview as tall as its text could not be rendered a part at a
    time (each part laid the whole step out again)."""
    path = tmp_path / "long.toml"
    plan = new_plan(title="Long", components=[f"service-{n}" for n in range(60)])
    store.save(store.new_file(path, plan), force=True)
    first_shown: list[int] = []  # the sections rendered when Review's preview first showed
    lay_out = Preview._lay_out

    def recording(self: Preview, *args: Any) -> None:
        if self.id == "review-preview" and not first_shown:
            first_shown.append(len(drawn))
        lay_out(self, *args)

    monkeypatch.setattr(Preview, "_lay_out", recording)
    app = make_app(path, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = wizard(app)
        await screen.show_step("review")
        own = screen.query_one("#review-preview", Preview)
        await until(pilot, lambda: own.complete)
        assert first_shown and 0 < first_shown[0] < len(render_sections(plan)) // 2
        assert own.size.height >= screen.pane("review").scrollable_content_region.height
        assert "service-59" in own.plain_text
        assert len(drawn) == len(set(drawn))  # each section once
