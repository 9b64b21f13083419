"""`x` in the checklist: the question, the run with its output live, the outcome asked,
ctrl+c, and keys typed ahead that must not answer (Pilot at 80x24, real bash)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from checklist_helpers import checklist, checklist_app, focus_item, on_disk
from command_helpers import logs, processes_with, step, token, write_plan
from textual import events
from textual.pilot import Pilot
from textual.widgets import Log, Static

from rollback_tui.ui.dialogs.confirm_irreversible import ConfirmIrreversible
from rollback_tui.ui.dialogs.run_question import FreshQuestion

SIZE = (80, 24)


async def until(pilot: Pilot[Any], check: Callable[[], object], seconds: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    while not check():
        assert loop.time() < end, "timed out waiting"
        await pilot.pause(0.05)


async def fresh_question(pilot: Pilot[Any]) -> FreshQuestion:
    """The question once it is drawn (a key from now on may answer it)."""
    await until(pilot, lambda: isinstance(pilot.app.screen, FreshQuestion))
    screen = pilot.app.screen
    assert isinstance(screen, FreshQuestion)
    await until(pilot, lambda: screen.shown_at is not None)
    await pilot.pause()
    return screen


def output_lines(pilot: Pilot[Any]) -> list[str]:
    """The lines in the checklist's command panel (under any dialog)."""
    for screen in reversed(pilot.app.screen_stack):
        if screen.query("#command-output"):
            break
    return list(screen.query_one("#command-output", Log).lines)


class TestRunFromTheChecklist:
    async def test_x_enter_runs_streams_and_enter_marks_done(self, tmp_path: Path) -> None:
        """x shows the exact command and asks; Enter runs it; its output shows; Enter at
        the end marks the step done; the log and the timeline row are on disk."""
        path = write_plan(
            tmp_path, step("shop-1", "echo one; echo two >&2; echo $VERSION > out.txt")
        )
        app = checklist_app(path)
        async with app.run_test(size=SIZE) as pilot:
            await focus_item(pilot, "shop-1")
            await pilot.press("x")
            question = await fresh_question(pilot)
            shown = str(question.query_one(".command", Static).render())
            assert shown == "echo one; echo two >&2; echo v2.4.0 > out.txt"
            assert (tmp_path / "out.txt").exists() is False
            await pilot.press("enter")
            end = await fresh_question(pilot)
            assert "exit 0" in end.question
            assert output_lines(pilot) == ["one", "two"]
            await pilot.press("enter")
            await until(pilot, lambda: on_disk(path).item("shop-1").state == "done")  # type: ignore[union-attr]
        assert (tmp_path / "out.txt").read_text() == "v2.4.0\n"
        rows = [e for e in on_disk(path).timeline if e.event == "command"]
        assert rows and rows[0].text is not None and rows[0].text.startswith("Ran `echo one;")
        assert len(logs(path)) == 1

    async def test_the_panel_shows_the_newest_lines(self, tmp_path: Path) -> None:
        """40 lines at 80x24: the panel holds them all and is scrolled to the last."""
        path = write_plan(tmp_path, step("shop-1", "seq 1 40"))
        app = checklist_app(path)
        async with app.run_test(size=SIZE) as pilot:
            await focus_item(pilot, "shop-1")
            await pilot.press("x")
            await fresh_question(pilot)
            await pilot.press("enter")
            await fresh_question(pilot)
            await pilot.press("escape")  # left open
            await pilot.pause()
            log = checklist(app).query_one("#command-output", Log)
            assert list(log.lines) == [str(n) for n in range(1, 41)]
            await until(pilot, lambda: log.scroll_y == log.max_scroll_y > 0)
        assert on_disk(path).item("shop-1").state == "open"  # type: ignore[union-attr]

    async def test_escape_runs_nothing(self, tmp_path: Path) -> None:
        """Escape at the question: nothing runs, nothing is recorded."""
        path = write_plan(tmp_path, step("shop-1", "touch ran"))
        app = checklist_app(path)
        async with app.run_test(size=SIZE) as pilot:
            await focus_item(pilot, "shop-1")
            await pilot.press("x")
            await fresh_question(pilot)
            await pilot.press("escape")
            await pilot.pause(0.3)
        assert not (tmp_path / "ran").exists() and on_disk(path).timeline == []

    async def test_keys_typed_ahead_never_answer_the_question(self, tmp_path: Path) -> None:
        """x enter enter in one burst: the question stays, nothing has run."""
        path = write_plan(tmp_path, step("shop-1", "touch ran"))
        app = checklist_app(path)
        async with app.run_test(size=SIZE) as pilot:
            await focus_item(pilot, "shop-1")
            for key, char in [("x", "x"), ("enter", "\r"), ("enter", "\r"), ("space", " ")]:
                app.post_message(events.Key(key, char))
            for _ in range(20):
                await pilot.pause()
            await fresh_question(pilot)  # x asks (a loaded machine may take a while)
            await pilot.pause(0.3)  # time for an Enter typed ahead to answer, were it taken
            assert isinstance(app.screen, FreshQuestion)
            assert not (tmp_path / "ran").exists()
            assert on_disk(path).item("shop-1").state == "open"  # type: ignore[union-attr]

    async def test_an_irreversible_step_asks_the_word_first(self, tmp_path: Path) -> None:
        """x on an irreversible step: the typed word, then the question, then it runs."""
        path = write_plan(tmp_path, step("shop-1", "touch ran", irreversible=True))
        app = checklist_app(path)
        async with app.run_test(size=SIZE) as pilot:
            await focus_item(pilot, "shop-1")
            await pilot.press("x")
            await until(pilot, lambda: isinstance(app.screen, ConfirmIrreversible))
            for char in [*"irreversible", "\r", "\r"]:  # in one burst
                app.post_message(events.Key("enter" if char == "\r" else char, char))
            await fresh_question(pilot)  # the enter typed with the word answered nothing
            await pilot.pause(0.3)
            assert isinstance(app.screen, FreshQuestion)
            assert not (tmp_path / "ran").exists()
            await pilot.press("enter")
            await fresh_question(pilot)
            await pilot.press("enter")
            await until(pilot, lambda: on_disk(path).item("shop-1").state == "done")  # type: ignore[union-attr]
        assert (tmp_path / "ran").exists()
        ticks = [e.text for e in on_disk(path).timeline if e.event == "tick"]
        assert ticks == ["irreversible step confirmed"]

    async def test_exit_7_offers_mark_failed_with_the_reason(self, tmp_path: Path) -> None:
        """A non-zero exit: Enter marks it failed, `exit 7: <last line of stderr>`."""
        path = write_plan(tmp_path, step("shop-1", "echo 'release not found' >&2; exit 7"))
        app = checklist_app(path)
        async with app.run_test(size=SIZE) as pilot:
            await focus_item(pilot, "shop-1")
            await pilot.press("x")
            await fresh_question(pilot)
            await pilot.press("enter")
            end = await fresh_question(pilot)
            assert "exit 7: release not found" in end.question
            await pilot.press("enter")
            await until(pilot, lambda: on_disk(path).item("shop-1").state == "failed")  # type: ignore[union-attr]
        assert on_disk(path).item("shop-1").reason == "exit 7: release not found"  # type: ignore[union-attr]

    async def test_ctrl_c_stops_the_group_and_the_list_stays_usable(self, tmp_path: Path) -> None:
        """While it runs the list takes keys; ctrl+c ends every process; the step stays
        open."""
        mark = token()
        path = write_plan(
            tmp_path, step("shop-1", f"echo waiting; sleep {mark} & wait"), step("shop-2", "true")
        )
        app = checklist_app(path)
        async with app.run_test(size=SIZE) as pilot:
            await focus_item(pilot, "shop-1")
            await pilot.press("x")
            await fresh_question(pilot)
            await pilot.press("enter")
            await until(pilot, lambda: processes_with(mark))
            await until(pilot, lambda: output_lines(pilot) == ["waiting"])
            assert checklist(app).commands.running
            await focus_item(pilot, "shop-2")
            await pilot.press("space")  # the checklist still ticks
            await until(pilot, lambda: on_disk(path).item("shop-2").state == "done")  # type: ignore[union-attr]
            await pilot.press("ctrl+c")
            await until(pilot, lambda: not checklist(app).commands.running)
            assert processes_with(mark) == []
            await pilot.pause(0.3)
            assert not isinstance(app.screen, FreshQuestion)  # nothing to mark
        plan = on_disk(path)
        assert plan.item("shop-1").state == "open"  # type: ignore[union-attr]
        assert plan.timeline[-1].text == f"Ran `echo waiting; sleep {mark} & wait`: interrupted"

    async def test_quitting_ends_the_command(self, tmp_path: Path) -> None:
        """The app ends while a command runs: nothing of it is left."""
        mark = token()
        path = write_plan(tmp_path, step("shop-1", f"sleep {mark} & wait"))
        app = checklist_app(path)
        async with app.run_test(size=SIZE) as pilot:
            await focus_item(pilot, "shop-1")
            await pilot.press("x")
            await fresh_question(pilot)
            await pilot.press("enter")
            await until(pilot, lambda: processes_with(mark))
        assert processes_with(mark) == []
        assert (
            on_disk(path).timeline[-1].text
            == f"Ran `sleep {mark} & wait`: interrupted: the app quit"
        )

    async def test_d_runs_the_dry_run_and_asks_nothing_after(self, tmp_path: Path) -> None:
        """d runs the dry run; it is recorded and the step's outcome is untouched."""
        path = write_plan(tmp_path, step("shop-1", "touch ran", dry_run="echo plan only"))
        app = checklist_app(path)
        async with app.run_test(size=SIZE) as pilot:
            await focus_item(pilot, "shop-1")
            await pilot.press("d")
            question = await fresh_question(pilot)
            assert str(question.query_one(".command", Static).render()) == "echo plan only"
            await pilot.press("enter")
            await until(pilot, lambda: not checklist(app).commands.running)
            await until(pilot, lambda: output_lines(pilot) == ["plan only"])
            await pilot.pause(0.3)
            assert not isinstance(app.screen, FreshQuestion)
        plan = on_disk(path)
        assert plan.item("shop-1").state == "open" and not (tmp_path / "ran").exists()  # type: ignore[union-attr]
        assert plan.timeline[-1].text is not None
        assert plan.timeline[-1].text.startswith("Dry run `echo plan only`")


class TestWizard:
    async def test_the_wizard_edits_dry_run_and_timeout(self, tmp_path: Path) -> None:
        """The step's third line (shown with the focus in the row) edits dry_run and
        timeout; a timeout that is no number is refused; the preview's Markdown shows both."""
        from wizard_helpers import clear_and_type

        from rollback_tui.render import render_markdown
        from rollback_tui.ui.factory import make_app
        from rollback_tui.ui.wizard.fields import FieldInput

        path = tmp_path / "plan.toml"
        path.write_bytes((Path(__file__).parents[2] / "examples" / "plan.toml").read_bytes())
        app = make_app(path, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("f8", "f8", "f8", "f8")  # Procedure
            await pilot.pause()
            command = app.screen.query_one("#option-b-steps .item-command", FieldInput)
            command.focus()
            await pilot.pause()
            dry = app.screen.query_one("#option-b-steps .item-dry-run", FieldInput)
            assert dry.display and dry.region.height == 1  # shown with the row's focus
            await pilot.press("tab", "tab", "tab")  # owner, irreversible, dry run
            await until(pilot, lambda: app.focused is dry)
            await clear_and_type(pilot, "helm rollback checkout 41 --dry-run")
            await pilot.press("tab")
            await clear_and_type(pilot, "12m")
            await pilot.pause()
            step = app.keeper.plan_file.plan.procedure.option_b[0]
            assert step.dry_run == "helm rollback checkout 41 --dry-run"
            assert step.timeout == 12  # "12m" refused: the plan keeps the last number
            await clear_and_type(pilot, "300")
            await until(pilot, lambda: step.timeout == 300)
            markdown = render_markdown(app.keeper.plan_file.plan)
            assert (
                "_Timeout: 300 s_" in markdown and "helm rollback checkout 41 --dry-run" in markdown
            )
            await pilot.press("ctrl+s")
            await app.keeper.saves.idle()
        saved = on_disk(path).procedure.option_b[0]
        assert (saved.dry_run, saved.timeout) == ("helm rollback checkout 41 --dry-run", 300)

    async def test_the_plan_default_timeout(self, tmp_path: Path) -> None:
        """The Procedure step's Command timeout sets the plan's default; the Markdown
        says it, and a step without its own timeout is prepared with it."""
        from wizard_helpers import clear_and_type

        from rollback_tui.commands import prepare
        from rollback_tui.render import render_markdown
        from rollback_tui.ui.factory import make_app
        from rollback_tui.ui.wizard.fields import FieldInput

        path = tmp_path / "plan.toml"
        path.write_bytes((Path(__file__).parents[2] / "examples" / "plan.toml").read_bytes())
        app = make_app(path, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("f8", "f8", "f8", "f8")  # Procedure
            await pilot.pause()
            app.screen.query_one("#command-timeout", FieldInput).focus()
            await pilot.pause()
            await clear_and_type(pilot, "600")
            plan = app.keeper.plan_file.plan
            await until(pilot, lambda: plan.command_timeout == 600)
            assert "ends after 600 s unless the step says otherwise" in render_markdown(plan)
            assert prepare(plan, path, "b-2").timeout == 600
