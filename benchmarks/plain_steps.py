"""Step switches in plain Textual: the floor under the wizard's F8 and F7.

A step list, ten panes in a ContentSwitcher with as many rows of inputs as the wizard's
steps have on the example plan, a long preview beside them and a footer, at whatever size
the terminal is; F8 and F7 show the next or previous pane and put the cursor in its first
input, as the wizard does, with nothing of rollback-tui imported. The step-switch
benchmark times it beside the wizard: what Textual itself takes to show such a pane.

Run: .venv/bin/python benchmarks/plain_steps.py
"""

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import ContentSwitcher, Footer, Header, Input, OptionList, Static

STEPS = [
    ("Basics", 9),
    ("Assumptions", 5),
    ("Triggers", 6),
    ("Decision", 4),
    ("Procedure", 16),
    ("Components", 4),
    ("Communications", 6),
    ("Contacts", 3),
    ("Follow-up", 5),
    ("Review", 2),
]
"""Each pane's title and rows (three inputs each)."""

CSS = """
#body { height: 1fr; }
#steps { width: 18; height: 1fr; border: none; padding: 0; }
#forms { width: 1fr; height: 1fr; }
#preview { width: 70; height: 1fr; }
.pane { padding: 0 1; }
.heading { margin-bottom: 1; }
.row { height: auto; }
.row Input { width: 1fr; margin-right: 1; }
"""


class Steps(App[None]):
    CSS = CSS
    BINDINGS = [
        Binding("f7", "move(-1)", "Back"),
        Binding("f8", "move(1)", "Next"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def compose(self) -> ComposeResult:
        yield Header(icon="↺")
        with Horizontal(id="body"):
            yield OptionList(*[title for title, _ in STEPS], id="steps", compact=True)
            with ContentSwitcher(initial="step-0", id="forms"):
                for index, (title, rows) in enumerate(STEPS):
                    with VerticalScroll(id=f"step-{index}", classes="pane"):
                        yield Static(f"{title}\nWhat this step is for.", classes="heading")
                        for row in range(rows):
                            with Horizontal(classes="row"):
                                for cell in ("text", "command", "owner"):
                                    yield Input(f"{title} {row + 1} {cell}", compact=True)
            with VerticalScroll(id="preview"):
                yield Static("\n".join(f"- [ ] preview line {n}" for n in range(2000)))
        yield Footer()

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = False  # as the benchmark runs the wizard: nothing blinks
        self.query_one(Input).focus()

    def action_move(self, delta: int) -> None:
        switcher = self.query_one(ContentSwitcher)
        index = int((switcher.current or "step-0").split("-")[1]) + delta
        if 0 <= index < len(STEPS):
            switcher.current = f"step-{index}"
            self.query_one(OptionList).highlighted = index
            pane = self.query_one(f"#step-{index}")
            inputs = pane.query(Input)
            if inputs:
                inputs.first().focus()


if __name__ == "__main__":
    Steps().run()
