"""Work over a whole plan made in the background of the wizard gives way to the keys typed
meanwhile, and ends once its result is stale (bulk_work.paced): the check after a pause in
typing, and the recovery file's text."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from rollback_tui import bulk_work, store
from rollback_tui.bulk_work import Stale, pace, paced
from rollback_tui.plan import new_plan
from rollback_tui.plan.lint import lint


def big_plan_file(tmp_path: Path) -> store.PlanFile:
    path = tmp_path / "plan.toml"
    plan = new_plan(title="t", components=[f"c{i}" for i in range(200)])
    store.save(store.new_file(path, plan), force=True)
    plan_file = store.load(path)
    plan_file.plan.title = "edited"
    return plan_file


def test_pace_outside_paced_work_does_nothing() -> None:
    started = time.perf_counter()
    for _ in range(10_000):
        pace()
    assert time.perf_counter() - started < 0.5  # never sleeps: 10,000 rests would be 20 s


@pytest.mark.parametrize("work", ["lint", "recovery text"])
def test_stale_work_ends_at_its_next_pace(work: str, tmp_path: Path) -> None:
    """The check and the recovery text both have pace points: once stale, they end."""
    plan_file = big_plan_file(tmp_path)
    asked: list[int] = []

    def stale_on_the_third_ask() -> bool:
        asked.append(1)
        return len(asked) >= 3

    with pytest.raises(Stale), paced(stop=stale_on_the_third_ask):
        if work == "lint":
            lint(plan_file.plan)
        else:
            store.dumps(plan_file.detached())
    assert len(asked) == 3
    # Outside the block the same work runs to its end.
    if work == "lint":
        assert lint(plan_file.plan) == lint(plan_file.plan)
    else:
        assert "edited" in store.dumps(plan_file.detached())


def test_paced_work_rests_once_it_has_run_its_share(monkeypatch: pytest.MonkeyPatch) -> None:
    """A paced thread sleeps REST_SECONDS (letting the interpreter go) each time it has run
    RUN_SECONDS: counted by the sleeps it makes over 40 ms of work."""
    sleeps: list[float] = []
    real_sleep = time.sleep

    def counting_sleep(seconds: float) -> None:
        sleeps.append(seconds)
        real_sleep(seconds)

    monkeypatch.setattr(time, "sleep", counting_sleep)

    def work() -> None:
        with paced(stop=lambda: False):
            end = time.perf_counter() + 0.04
            while time.perf_counter() < end:
                pace()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert sleeps and all(s == bulk_work.REST_SECONDS for s in sleeps)
    # 40 ms of running and resting: about one rest for every RUN + REST seconds.
    assert 3 <= len(sleeps) <= 0.04 / bulk_work.RUN_SECONDS + 1


def test_the_pacing_is_the_threads_own() -> None:
    """Another thread's paced block does not pace (or stop) this one."""
    inside, release = threading.Event(), threading.Event()

    def other() -> None:
        with paced(stop=lambda: True):
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=other)
    thread.start()
    assert inside.wait(5)
    try:
        pace()  # would raise Stale if the other thread's stop applied here
    finally:
        release.set()
        thread.join()
