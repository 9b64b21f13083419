"""Terminal safety in the app: links never launch a browser, and a plan's escape sequences
never reach what is drawn. (test_terminal.py checks the same in a real terminal.)"""

from __future__ import annotations

import ast
import webbrowser
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from rollback_tui import store
from rollback_tui.ui.app import RollbackApp
from rollback_tui.ui.factory import make_app
from rollback_tui.ui.wizard.preview import Preview
from rollback_tui.ui.wizard.wizard_screen import WizardScreen

ROOT = Path(__file__).resolve().parents[2]
WIDE = (160, 48)
"""Wide enough for the preview beside the form."""
CONTROL = {chr(c) for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)]} - {"\t", "\n"}
LINK = "https://status.example.com/incidents/4821"
"""The example plan's incident link."""


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every URL the app or Python's webbrowser was asked to open."""
    urls: list[str] = []
    monkeypatch.setattr(
        RollbackApp, "open_url", lambda self, url, *, new_tab=True: urls.append(url)
    )
    monkeypatch.setattr(webbrowser, "open", lambda url, *args, **kwargs: urls.append(url))
    return urls


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until every preview has drawn the plan."""
    for _ in range(100):
        previews = [p for p in pilot.app.screen.query(Preview) if p.display]
        if previews and all(p.keys and p.complete for p in previews):
            break
        await pilot.pause(0.05)
    await pilot.pause()


def drawn_links(preview: Preview) -> list[str]:
    """What in the preview's visible lines would be a link: a hyperlink or a click action."""
    found = []
    for y in range(preview.size.height):
        for segment in preview.render_line(y):
            style = segment.style
            if style is not None and (style.link or style.meta.get("@click")):
                found.append(f"{segment.text!r}: {style.link or style.meta}")
    return found


class TestLinks:
    """The preview shows links as text: nothing in it can open a browser."""

    async def test_clicking_the_incident_link_opens_nothing(
        self, example_plan: Path, opened: list[str]
    ) -> None:
        """The incident link is shown; a click on it leaves App.open_url and the webbrowser
        module uncalled, and the preview draws it with no hyperlink (OSC 8) or action."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=WIDE) as pilot:
            await settle(pilot)
            preview = app.screen.query_one("#preview", Preview)
            row = next(i for i, line in enumerate(preview.plain_text.splitlines()) if LINK in line)
            column = preview.plain_text.splitlines()[row].index(LINK)
            region = preview.content_region
            assert row < region.height  # the header is on screen
            assert await pilot.click(offset=(region.x + column + 3, region.y + row))
            await pilot.pause(0.2)
            assert app.is_running
            assert drawn_links(preview) == []
        assert opened == []

    async def test_an_autolink_is_shown_once(self, example_plan: Path) -> None:
        """Rich draws a link as "text (address)"; an autolink's text is its address, so it
        is drawn once. Markdown typed in a field stays the text it was."""
        plan_file = store.load(example_plan)
        plan_file.plan.communications.channels = "See [the runbook](https://runbook.example/x)."
        store.save(plan_file)
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=WIDE) as pilot:
            await settle(pilot)
            text = app.screen.query_one("#preview", Preview).plain_text
            line = next(line for line in text.splitlines() if "Incident Link:" in line)
            assert line.strip() == f"Incident Link: {LINK}"
            assert "See [the runbook](https://runbook.example/x)." in " ".join(text.split())

    async def test_review_preview_draws_no_link(self, example_plan: Path) -> None:
        """The Review step's own preview (a narrow terminal's) draws the link as plain
        text too."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = app.screen
            assert isinstance(screen, WizardScreen)
            await screen.show_step("review")
            await settle(pilot)
            review = screen.query_one("#review-preview", Preview)
            assert LINK in review.plain_text
            assert drawn_links(review) == []

    def test_every_markdown_renderer_keeps_links_closed(self) -> None:
        """In the app's source, each Textual Markdown widget is made with open_links=False
        and each Rich Markdown with hyperlinks=False (a guard for future widgets)."""
        needs = {
            "textual.widgets": ("open_links", {"Markdown", "MarkdownViewer"}),
            "rich.markdown": ("hyperlinks", {"Markdown"}),
        }
        checked = 0
        for path in (ROOT / "rollback_tui").rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            names: dict[str, str] = {}
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module in needs:
                    keyword, classes = needs[node.module]
                    for alias in node.names:
                        if alias.name in classes:
                            names[alias.asname or alias.name] = keyword
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in names
                ):
                    keyword = names[node.func.id]
                    given = {k.arg: k.value for k in node.keywords}
                    value = given.get(keyword)
                    assert isinstance(value, ast.Constant) and value.value is False, (
                        f"{path.name}:{node.lineno}: {node.func.id}(...) without {keyword}=False"
                    )
                    checked += 1
        assert checked >= 1


HOSTILE = "Hi\x1b]0;pwned\x07\x1b]52;c;cHduZWQ=\x07\x1b[2J\x9b31m\x1bkname\x1b\\ there"


class TestEscapes:
    """Control characters in a plan never reach the screen."""

    async def test_hostile_plan_draws_no_control_character(self, tmp_path: Path) -> None:
        """A plan whose every field was written with escape sequences (by hand, in the
        TOML): the model holds cleaned text, and nothing drawn contains a control char."""
        plan = tmp_path / "plan.toml"
        escaped = HOSTILE.encode("unicode_escape").decode("ascii").replace("\\x", "\\u00")
        fields = ["title", "incident", "version", "target_version", "feature_flag"]
        plan.write_text(
            "schema_version = 1\n"
            + "".join(f'{name} = "{escaped}"\n' for name in fields)
            + f'[[triggers]]\ntrigger = "{escaped}"\nthreshold = "{escaped}"\n'
            f'source = "{escaped}"\n',
            encoding="utf-8",
        )
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
                    for widget in screen.query("*")
                    if widget.display and widget.size
                    for y in range(widget.size.height)
                    for segment in widget.render_line(y)
                ]
                assert "".join(drawn).count("pwned") >= 1, key
                assert not CONTROL & set("".join(drawn)), key
