"""Terminal safety in the app: links never launch a browser, and a plan's escape sequences
never reach what is drawn. (test_terminal.py checks the same in a real terminal.)"""

from __future__ import annotations

import webbrowser
from pathlib import Path

import pytest
from textual.message import Message
from textual.widgets import Markdown
from textual.widgets._markdown import MarkdownBlock

from rollback_tui.ui.app import RollbackApp
from rollback_tui.ui.factory import make_app
from rollback_tui.ui.screens.wizard import WizardScreen

WIDE = (160, 48)
"""Wide enough for the preview beside the form."""
CONTROL = {chr(c) for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)]} - {"\t", "\n"}


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every URL the app or Python's webbrowser was asked to open."""
    urls: list[str] = []
    monkeypatch.setattr(RollbackApp, "open_url",
                        lambda self, url, *, new_tab=True: urls.append(url))
    monkeypatch.setattr(webbrowser, "open", lambda url, *args, **kwargs: urls.append(url))
    return urls


def link_cells(app: RollbackApp) -> list[tuple[int, int, str]]:
    """Screen cells (x, y) of every link drawn in the Markdown, with the link's action."""
    cells = []
    for block in app.screen.query(MarkdownBlock):
        region = block.content_region
        if not block.display or not region:
            continue
        for y in range(region.height):
            x = 0
            for segment in block.render_line(y):
                action = segment.style.meta.get("@click") if segment.style else None
                if action and action.startswith("link("):
                    cells.append((region.x + x, region.y + y, action))
                x += segment.cell_length
    return cells


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(60):
        views = [v for v in pilot.app.screen.query(Markdown) if v.display]
        if views and all(v.children for v in views):
            break
        await pilot.pause(0.05)
    await pilot.pause()


class TestLinks:
    """The preview shows links; clicking one never opens anything."""

    async def test_clicking_the_incident_link_opens_nothing(
        self, example_plan: Path, opened: list[str]
    ) -> None:
        """A click on the incident link in the preview is a click on the link (Textual
        reports it), yet neither App.open_url nor the webbrowser module is called."""
        clicked: list[str] = []

        def hook(message: Message) -> None:
            if isinstance(message, Markdown.LinkClicked):
                clicked.append(message.href)

        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=WIDE, message_hook=hook) as pilot:
            await settle(pilot)
            cells = link_cells(app)
            x, y, _ = next(c for c in cells if "incidents/4821" in c[2])
            assert await pilot.click(offset=(x + 2, y))
            await pilot.pause(0.2)
            assert app.is_running
        assert set(clicked) == {"https://status.example.com/incidents/4821"}  # as it bubbles
        assert opened == []

    async def test_no_markdown_widget_in_any_step_opens_links(
        self, example_plan: Path, opened: list[str]
    ) -> None:
        """The wizard's preview and the Review step's: a link click reaching any Markdown
        widget in the app opens nothing."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=WIDE) as pilot:
            screen = app.screen
            assert isinstance(screen, WizardScreen)
            await screen.show_step("review")  # the only step with a preview of its own
            await settle(pilot)
            widgets = list(app.query(Markdown))
            assert len(widgets) > 10  # one per section, in both previews
            for widget in widgets:
                widget.post_message(Markdown.LinkClicked(widget, "https://example.com/x"))
            await pilot.pause(0.2)
        assert opened == []


HOSTILE = "Hi\x1b]0;pwned\x07\x1b]52;c;cHduZWQ=\x07\x1b[2J\x9b31m\x1bkname\x1b\\ there"


class TestEscapes:
    """Control characters in a plan never reach the screen."""

    async def test_hostile_plan_draws_no_control_character(self, tmp_path: Path) -> None:
        """A plan whose every field was written with escape sequences (by hand, in the
        TOML): the model holds cleaned text, and nothing drawn contains a control char."""
        plan = tmp_path / "plan.toml"
        escaped = HOSTILE.encode("unicode_escape").decode("ascii").replace("\\x", "\\u00")
        fields = ["title", "incident", "version", "target_version", "feature_flag"]
        plan.write_text("schema_version = 1\n" + "".join(
            f'{name} = "{escaped}"\n' for name in fields
        ) + f'[[triggers]]\ntrigger = "{escaped}"\nthreshold = "{escaped}"\n'
            f'source = "{escaped}"\n', encoding="utf-8")
        app = make_app(plan, cursor_blink=False)
        for name in fields:
            assert not CONTROL & set(getattr(app.plan, name)), name
        assert app.plan.title == "Hi]0;pwned]52;c;cHduZWQ=[2J31mkname\\ there"
        async with app.run_test(size=WIDE) as pilot:
            screen = app.screen
            assert isinstance(screen, WizardScreen)
            for key in ("basics", "triggers", "review"):
                await screen.show_step(key)
                await settle(pilot)
                drawn = [
                    segment.text
                    for widget in screen.query("*") if widget.display and widget.size
                    for y in range(widget.size.height)
                    for segment in widget.render_line(y)
                ]
                assert "".join(drawn).count("pwned") >= 1, key
                assert not CONTROL & set("".join(drawn)), key
