"""Checklist outcomes in a real terminal: `rollback-tui run` in tmux at 80×24, keys sent as
a user types them; skip, fail, and the irreversible step that stray keys cannot confirm."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from tmux_session import BIN, Tmux, poll

from rollback_tui import store

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(
        shutil.which("tmux") is None,
        reason="tmux is not installed (`make test` installs it with scripts/ensure-tmux)",
    ),
]


def run(term: Tmux, plan: Path) -> None:
    term.start(
        str(BIN),
        "run",
        "--by",
        "sam",
        str(plan),
        env={
            "ROLLBACK_TUI_STATE_DIR": os.environ["ROLLBACK_TUI_STATE_DIR"],
            "ROLLBACK_TUI_CONFIG_DIR": os.environ["ROLLBACK_TUI_CONFIG_DIR"],
        },
    )
    term.wait_for(lambda s: "Overall" in s and "space Done" in s and "s Skip" in s)


def state(plan: Path, item_id: str) -> tuple[str, str | None]:
    item = store.load(plan).plan.item(item_id)
    assert item is not None
    return item.state, item.reason


class TestOutcomeKeys:
    """s and f ask for a reason on one line; the row and the file show the outcome."""

    def test_skip(self, term: Tmux, example_plan: Path) -> None:
        """s, a reason, enter: the first step (contain-1) is skipped on disk and shown so."""
        run(term, example_plan)
        term.keys("s")
        term.wait_for("Why is contain-1 skipped?")
        term.type("rollout already done")
        term.keys("Enter")
        # Shown at once, marked pending (…) until the save in the background is done.
        screen = term.wait_for("[-] 1. Route traffic: pause the rollout")
        assert "by sam: rollout already done" in screen
        assert state(example_plan, "contain-1") == ("skipped", "rollout already done")

    def test_fail(self, term: Tmux, example_plan: Path) -> None:
        """f, a reason, enter: the first step has failed, counted apart in the summary."""
        run(term, example_plan)
        term.keys("f")
        term.wait_for("Why is contain-1 failed?")
        term.type("403 from the API server")
        term.keys("Enter")
        screen = term.wait_for("[!] 1. Route traffic: pause the rollout")
        assert "✗ failed" in screen
        assert "0/44 done, 1 failed" in screen
        assert state(example_plan, "contain-1") == ("failed", "403 from the API server")

    def test_a_burst_acts_in_the_order_typed(self, term: Tmux, example_plan: Path) -> None:
        """s why enter f bad enter space sent at once: skipped, failed, done, in order."""
        run(term, example_plan)
        term.keys("s", "w", "h", "y", "Enter", "f", "b", "a", "d", "Enter", "Space")
        term.wait_for(lambda s: "1/44 done, 1 skipped, 1 failed" in s)
        expected = [("skipped", "why"), ("failed", "bad"), ("done", None)]
        steps = ("contain-1", "contain-2", "contain-3")
        poll(
            lambda: [state(example_plan, i) for i in steps] == expected,
            what="the three outcomes saved",
        )


class TestIrreversibleConfirmation:
    """The database migration (irreversible in the example) is done only once the word is
    typed."""

    def test_stray_keys_do_not_confirm_the_word_does(self, term: Tmux, example_plan: Path) -> None:
        """space, enter, y, enter leave b-4 open; "irreversible" and enter mark it done."""
        run(term, example_plan)
        term.keys(*["Down"] * 11)  # past the four containment steps and Option A
        term.wait_for(lambda s: "b-4" in s)
        term.keys("Space")
        term.wait_for("b-4 cannot be undone")
        term.keys("Space", "Enter", "y", "Enter")
        term.wait_for("Not confirmed: type irreversible")
        assert state(example_plan, "b-4") == ("open", None)
        term.type("irreversible")
        term.keys("Enter")
        term.wait_for(lambda s: "cannot be undone" not in s and "1/44 done" in s)
        poll(lambda: state(example_plan, "b-4")[0] == "done", what="b-4 saved done")
        plan = store.load(example_plan).plan
        item = plan.item("b-4")
        assert item is not None and item.state == "done" and item.done_by == "sam"
        assert (plan.timeline[-1].event, plan.timeline[-1].text) == (
            "tick",
            "irreversible step confirmed",
        )
