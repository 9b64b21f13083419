"""The baseline of a keystroke's way to the screen: plain Textual's echo app.

An Input whose text a Static repeats, between brackets, on every change; nothing of
rollback-tui is imported. The keystroke benchmark types into it in tmux beside the wizard:
what Textual (and tmux) take for a key to reach the screen in the simplest app.

Run: .venv/bin/python benchmarks/echo_app.py [TEXT]
"""

import sys

from textual.app import App, ComposeResult
from textual.content import Content
from textual.widgets import Footer, Header, Input, Static


class Echo(App[None]):
    BINDINGS = [("ctrl+q", "quit", "Quit")]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(self.text, id="typed")
        yield Static(Content(f"[{self.text}]"), id="echo")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#echo", Static).update(Content(f"[{event.value}]"))


if __name__ == "__main__":
    Echo(sys.argv[1] if len(sys.argv) > 1 else "Checkout v2").run()
