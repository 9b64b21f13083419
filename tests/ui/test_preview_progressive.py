"""The preview renders what is on screen at once, and the rest a little at a time after."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Horizontal
from wizard_helpers import until

from rollback_tui.plan import new_plan
from rollback_tui.render import Section, render_sections
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
        assert progressive.keys[0] == "header"
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
