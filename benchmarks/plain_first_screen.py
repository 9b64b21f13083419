"""The wizard's first screen built from plain Textual widgets: no plan, no pydantic.

The same widgets as `rollback-tui edit` draws first at 80×24 (header, step list, the
Basics form with its labels, inputs, text area and two selects, the other steps' empty
panes, the hidden preview, footer), in the same layout, with nothing of rollback-tui
imported. The start-up benchmark times it beside the minimal app: what Textual itself
takes to draw this screen, the floor under the wizard's own figure.

Run: .venv/bin/python benchmarks/plain_first_screen.py
"""

from textual.app import App
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.widgets import (
    ContentSwitcher,
    Footer,
    Header,
    Input,
    Label,
    OptionList,
    Select,
    Static,
    TextArea,
)

CSS = """
#body { height: 1fr; }
#steps { width: 18; height: 1fr; border: none; padding: 0;
         border-right: vkey $foreground 20%; }
#forms { width: 1fr; height: 1fr; }
#preview { display: none; }
.pane { padding: 0 1; scrollbar-gutter: stable; }
.heading { margin-bottom: 1; color: $text-muted; }
.findings { display: none; }
.field { height: auto; }
.field > Horizontal { height: auto; }
.label { width: 18; color: $text-muted; }
.stacked { margin-bottom: 1; }
.stacked .label { width: 1fr; }
TextArea { height: auto; min-height: 2; max-height: 6; }
Input { margin-right: 1; }
Select { width: 30; }
"""

STEPS = [
    "Basics",
    "Assumptions",
    "Triggers",
    "Decision",
    "Procedure",
    "Components",
    "Communications",
    "Contacts",
    "Follow-up",
    "Review",
]
FIELDS: list[tuple[str, str | list[str]]] = [
    ("Title", "Checkout v2"),
    ("Created", "2026-11-20"),
    ("Deployment type", ["Rolling", "Feature flag", "Blue-green", "Canary"]),
    ("Incident", ""),
    ("Incident link", "https://status.example.com/incidents/4821"),
    ("Current version", "v2.4.0"),
    ("Target version", "v2.3.1"),
    ("Database impact", ["Yes", "No"]),
    ("Feature flag", "checkout_v2"),
]
"""Label and value of each Basics field, as the example plan fills them (a list: a select)."""


class Form(Screen[None]):
    BINDINGS = [
        Binding("f7", "prev", "Back"),
        Binding("f8", "next", "Next"),
        Binding("ctrl+t", "preview", "Preview"),
    ]

    def compose(self):
        yield Header(icon="↺")
        with Horizontal(id="body"):
            yield OptionList(*[f"✓ {s}" for s in STEPS], id="steps", compact=True)
            with ContentSwitcher(initial="basics", id="forms"):
                with VerticalScroll(id="basics", classes="pane"):
                    yield Static(
                        "Basics\nThe change being rolled back and the incident's inputs.",
                        classes="heading",
                    )
                    yield Static("", classes="findings")
                    for label, value in FIELDS:
                        with Vertical(classes="field stacked" if label == "Incident" else "field"):
                            if label == "Incident":
                                yield Label(label, classes="label")
                                yield TextArea(
                                    "Card payments fail for some users after "
                                    "the checkout v2 rollout",
                                    compact=True,
                                    soft_wrap=True,
                                    show_line_numbers=False,
                                )
                            elif isinstance(value, list):
                                with Horizontal():
                                    yield Label(label, classes="label")
                                    yield Select(
                                        [(v, v) for v in value],
                                        value=value[0],
                                        allow_blank=False,
                                        compact=True,
                                    )
                            else:
                                with Horizontal():
                                    yield Label(label, classes="label")
                                    yield Input(value, compact=True)
                for i in range(len(STEPS) - 1):
                    yield VerticalScroll(id=f"step-{i}", classes="pane")
            yield ScrollView(id="preview")
        yield Footer()

    def on_mount(self):
        self.query_one(Input).focus()


class FormApp(App[None]):
    CSS = CSS
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def on_mount(self):
        self.push_screen(Form())


if __name__ == "__main__":
    FormApp().run()
