"""The wizard's Triggers step edits each trigger's query (a wide field of its own) and f5
evaluates it now against a real Prometheus, in a thread: the value, or Prometheus' error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app_helpers import SIZE
from prometheus_server import Prometheus
from textual.app import App
from textual.pilot import Pilot
from wizard_helpers import focused, type_text, until

from rollback_tui import store
from rollback_tui.plan.model import Metrics
from rollback_tui.render import render_markdown
from rollback_tui.ui.factory import make_app
from rollback_tui.ui.wizard.row_lists import QueryInput, TriggerRow
from rollback_tui.ui.wizard.wizard_screen import WizardScreen


def with_prometheus(path: Path, url: str) -> Path:
    plan_file = store.load(path)
    plan_file.plan.metrics = Metrics(prometheus_url=url)
    store.save(plan_file)
    return path


def result(pilot: Pilot[Any]) -> str:
    row = pilot.app.screen.query(TriggerRow).first()
    lines = row.query(".query-result")
    return str(lines.first().render()) if lines else ""


async def first_query(app: App[Any], pilot: Pilot[Any]) -> QueryInput:
    screen = app.screen
    assert isinstance(screen, WizardScreen)
    await screen.show_step("triggers")
    await pilot.pause()
    field = screen.query(QueryInput).first()
    field.focus()
    await pilot.pause()
    return field


class TestQueryField:
    """Typing a query, evaluating it, and seeing it in the Markdown."""

    async def test_typed_evaluated_and_rendered(
        self, example_plan: Path, prometheus: Prometheus
    ) -> None:
        """A firing expression shows its value; the Markdown shows the query in monospace."""
        app = make_app(with_prometheus(example_plan, prometheus.url), cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await first_query(app, pilot)
            await type_text(pilot, "vector(0.074) > 0.005")
            assert app.plan.triggers[0].query == "vector(0.074) > 0.005"
            await pilot.press("f5")
            await until(pilot, lambda: "firing" in result(pilot))
            assert result(pilot).startswith("firing: 0.074 (measured ")
            assert isinstance(focused(pilot), QueryInput)  # the cursor stays in the query
            markdown = render_markdown(app.plan)
            assert "- Error rate spike: `vector(0.074) > 0.005`" in markdown

    async def test_error_shown(self, example_plan: Path, prometheus: Prometheus) -> None:
        """A query Prometheus rejects: its error, under the row."""
        app = make_app(with_prometheus(example_plan, prometheus.url), cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await first_query(app, pilot)
            await type_text(pilot, "sum(rate(x[5m])")
            await pilot.press("f5")
            await until(pilot, lambda: "query error" in result(pilot))
            assert result(pilot).startswith("unknown: query error: ")
            assert "parse error" in result(pilot)

    async def test_no_prometheus(self, example_plan: Path) -> None:
        """No address anywhere: says where to set one, asks nothing."""
        app = make_app(example_plan, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await first_query(app, pilot)
            await type_text(pilot, "up == 0")
            await pilot.press("f5")
            await until(pilot, lambda: "no Prometheus" in result(pilot))
