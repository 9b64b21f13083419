"""The private Textual names in rollback_tui/ui/textual_internals.py, pinned: a Textual
release that moves or changes one fails here, by name, rather than in a burst of keys."""

from __future__ import annotations

import ast
from pathlib import Path

from textual import events
from textual.app import App, ComposeResult
from textual.message_pump import MessagePump
from textual.widgets import Input

from rollback_tui.ui.textual_internals import current_message_pump

PACKAGE = Path(__file__).resolve().parents[2] / "rollback_tui"


class Watched(Input):
    """An input that records which pump was running its key handler."""

    seen: list[MessagePump | None]

    def on_key(self, event: events.Key) -> None:
        self.seen.append(current_message_pump())


class TestCurrentMessagePump:
    """current_message_pump() names the widget whose handler is running."""

    async def test_inside_a_handler_it_is_that_widget(self) -> None:
        class Host(App[None]):
            def compose(self) -> ComposeResult:
                field = Watched()
                field.seen = []
                yield field

        app = Host()
        async with app.run_test(size=(80, 24)) as pilot:
            field = app.query_one(Watched)
            field.focus()
            await pilot.press("x")
            assert field.seen == [field]

    def test_outside_any_handler_it_is_none(self) -> None:
        assert current_message_pump() is None


class TestOnlyThere:
    """No other module of the package names a private attribute of Textual."""

    def test_no_private_textual_import_elsewhere(self) -> None:
        found = []
        for path in sorted(PACKAGE.rglob("*.py")):
            if path.name == "textual_internals.py":
                continue
            tree = ast.parse(path.read_text("utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module:
                    parts = node.module.split(".")
                    names = [alias.name for alias in node.names]
                    if parts[0] == "textual" and (
                        any(p.startswith("_") for p in parts)
                        or any(n.startswith("_") for n in names)
                    ):
                        found.append(f"{path.relative_to(PACKAGE)}: {node.module}")
        assert found == []


def _textual_private_names() -> set[str]:
    """Private attribute names of the Textual classes the UI subclasses or holds."""
    from textual.app import App
    from textual.message import Message
    from textual.screen import ModalScreen, Screen
    from textual.scroll_view import ScrollView
    from textual.widget import Widget
    from textual.widgets import Input, Static, TextArea

    names: set[str] = set()
    for cls in (App, Screen, ModalScreen, Widget, ScrollView, MessagePump, Input, Static, TextArea):
        names.update(n for n in dir(cls) if n.startswith("_") and not n.startswith("__"))
    instances: tuple[object, ...] = (
        Static(),
        ScrollView(),
        Screen(),
        Input(),
        TextArea(),
        events.Key("a", "a"),
        Message(),
    )
    for instance in instances:
        names.update(n for n in dir(instance) if n.startswith("_") and not n.startswith("__"))
    return names


class TestNoPrivateAttribute:
    """Outside textual_internals, the UI neither reads nor overrides a private attribute of
    Textual's (an attribute of ours with such a name would shadow Textual's own)."""

    def test_none_used_or_shadowed(self) -> None:
        private = _textual_private_names()
        found = []
        for path in sorted((PACKAGE / "ui").rglob("*.py")):
            if path.name == "textual_internals.py":
                continue
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                name, line = None, 0
                if isinstance(node, ast.Attribute) and node.attr in private:
                    name, line = node.attr, node.lineno
                elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    name, line = (node.name if node.name in private else None), node.lineno
                if name is not None:
                    found.append(f"{path.relative_to(PACKAGE)}:{line} {name}")
        assert found == []
