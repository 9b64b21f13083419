"""The preview renders what is on screen at once, and the rest a little at a time after."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.pilot import Pilot
from wizard_helpers import until

from rollback_tui.plan import new_plan
from rollback_tui.render import Section, render_sections
from rollback_tui.ui.wizard import preview
from rollback_tui.ui.wizard.preview import Preview


class TwoPreviews(App[None]):
    """A progressive preview beside one that renders everything at once."""

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Preview(id="progressive")
            yield Preview(id="at-once", progressive=False)


def sections(components: int = 40) -> list[Section]:
    plan = new_plan(title="Bench", components=[f"service-{i}" for i in range(components)])
    return render_sections(plan)


async def test_what_is_on_screen_comes_first_and_the_rest_follows() -> None:
    """Right after show(), the visible sections are drawn but not all of them; then the
    rest follows, and the preview ends exactly as one rendered all at once."""
    app = TwoPreviews()
    async with app.run_test(size=(160, 24)) as pilot:
        await pilot.pause()
        progressive = app.query_one("#progressive", Preview)
        at_once = app.query_one("#at-once", Preview)
        wanted = sections()
        progressive.show(wanted)
        at_once.show(wanted)
        assert at_once.complete and at_once.keys == [s.key for s in wanted]
        assert not progressive.complete
        assert progressive.keys[:2] == ["title", "header"]
        assert 0 < len(progressive.keys) < len(wanted)
        assert len(progressive.plain_text.splitlines()) >= progressive.size.height
        await until(pilot, lambda: progressive.complete)
        assert progressive.keys == at_once.keys
        assert progressive.plain_text == at_once.plain_text


async def test_an_edit_while_the_rest_is_rendered_ends_on_the_latest_text() -> None:
    """Sections given again before the rest was drawn: the preview ends on the new ones."""
    app = TwoPreviews()
    async with app.run_test(size=(160, 24)) as pilot:
        await pilot.pause()
        progressive = app.query_one("#progressive", Preview)
        progressive.show(sections(40))
        progressive.show(sections(30))
        await until(pilot, lambda: progressive.complete)
        assert progressive.keys == [s.key for s in sections(30)]
        assert "service-39" not in progressive.plain_text


async def test_scrolling_to_a_section_still_to_come_renders_it_at_once() -> None:
    """The step being edited scrolls the preview to its section, even one not yet drawn."""
    app = TwoPreviews()
    async with app.run_test(size=(160, 24)) as pilot:
        await pilot.pause()
        progressive = app.query_one("#progressive", Preview)
        progressive.show(sections())
        assert "contacts" not in progressive.keys
        progressive.scroll_to_section("contacts")
        assert "contacts" in progressive.keys
        await pilot.pause()
        assert progressive.scroll_offset.y > 0


class FixedPreviews(TwoPreviews):
    """Two previews of fixed widths: one can be replaced without resizing the other."""

    CSS = "Preview { width: 70; }"


async def drawn_afresh(
    app: TwoPreviews, pilot: Pilot[None], wanted: list[Section], width: int
) -> Preview:
    """A new preview, as wide as *width*, that has drawn *wanted* and nothing before."""
    await app.query_one("#progressive", Preview).remove()
    fresh = Preview(id="progressive", progressive=False)
    await app.query_one(Horizontal).mount(fresh, before=0)
    await until(pilot, lambda: fresh.size.width == width)
    fresh.show(wanted)
    await until(pilot, lambda: fresh.complete)
    return fresh


async def test_edits_redrawn_in_place_end_as_a_fresh_preview_draws_them() -> None:
    """A section edited without changing its number of lines is redrawn where it is; one
    that gains lines, or many edited at once, are laid out again: each time, the preview
    shows exactly what a preview drawing the same sections afresh shows."""
    plan = new_plan(title="Bench", components=[f"service-{i}" for i in range(30)])
    edits: list[tuple[str, Callable[[], None]]] = [
        ("title", lambda: setattr(plan, "title", "Bench now")),  # one line, in place
        ("component", lambda: setattr(plan.components[3].steps[0], "text", "Drain it")),
        ("more lines", lambda: setattr(plan.components[3].steps[0], "command", "a\nb\nc")),
        ("many", lambda: setattr(plan, "version", "v9")),
        ("fewer lines", lambda: setattr(plan.components[3].steps[0], "command", None)),
    ]
    app = FixedPreviews()
    async with app.run_test(size=(160, 24)) as pilot:
        await pilot.pause()
        edited = app.query_one("#at-once", Preview)
        edited.show(render_sections(plan))
        for name, edit in edits:
            edit()
            before = len(edited.updated)
            wanted = render_sections(plan)
            edited.show(wanted)
            assert edited.complete, name
            changed = [s.key for s in wanted if s.key in edited.updated[before:]]
            assert changed, name
            fresh = await drawn_afresh(app, pilot, wanted, edited.size.width)
            assert edited.plain_text == fresh.plain_text, name
            assert edited.keys == fresh.keys, name


async def test_the_rest_waits_while_keys_are_typed_and_follows_in_the_pause(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Edits 50 ms apart (a burst of typing) hold the sections below the visible ones, so
    that each key is drawn without them; once the typing pauses, the rest follows."""
    # The edits' 50 ms gaps are the test's pauses, which a loaded machine may stretch past
    # the 0.15 s that end a burst: the burst's limit is wider here, so that they stay one.
    monkeypatch.setattr(preview, "TYPING", 1.0)
    app = TwoPreviews()
    async with app.run_test(size=(160, 24)) as pilot:
        await pilot.pause()
        progressive = app.query_one("#progressive", Preview)
        wanted = sections(200)
        progressive.show(wanted)
        drawn = list(progressive.keys)
        assert len(drawn) < len(wanted)
        for _ in range(10):
            await pilot.pause(0.05)
            progressive.show(wanted)  # as each key's edit does
            assert progressive.keys == drawn
        await until(pilot, lambda: progressive.complete)
        assert progressive.keys == [s.key for s in wanted]
        at_once = app.query_one("#at-once", Preview)
        at_once.show(wanted)
        assert progressive.virtual_size == at_once.virtual_size  # grown to its full height
        assert progressive.plain_text == at_once.plain_text


async def test_sections_that_moved_are_not_rendered_again() -> None:
    """A component added near the top moves the sections of all those after it (their
    keys are by position): what was drawn is reused, only the new one is rendered, and the
    preview still ends as one rendered all at once."""
    app = TwoPreviews()
    async with app.run_test(size=(160, 24)) as pilot:
        await pilot.pause()
        progressive = app.query_one("#progressive", Preview)
        plan = new_plan(title="Bench", components=[f"service-{i}" for i in range(60)])
        progressive.show(render_sections(plan))
        await until(pilot, lambda: progressive.complete)
        plan.components.insert(1, plan.components[0].model_copy(update={"name": "added"}))
        progressive.updated.clear()
        wanted = render_sections(plan)
        progressive.show(wanted)
        await until(pilot, lambda: progressive.complete)
        assert "component-1" in progressive.updated
        assert len(progressive.updated) <= 3, progressive.updated  # and the header's list
        at_once = app.query_one("#at-once", Preview)
        at_once.show(wanted)
        assert progressive.plain_text == at_once.plain_text
