"""The wizard as questions: each field of each step asked in order, with its label, its
value now and a one-line help; Enter keeps the value. Anywhere: `:back`, `:next`,
`:step NAME`, `:preview`, `:check`, `:save`, `:quit`, `:help`.

The plan is the one the full-screen wizard would make: opened the same way (opening.py),
its Basics choices made by the same `Chooser` (plan/choices.py), saved by the same draft
save (run/saving.py: ids numbered in step order at the first save). Until saved, every
edit is kept in the plan's recovery file, which the next edit of the plan (here or in the
full-screen wizard) offers back: EOF, a hang-up or SIGTERM lose nothing."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from rollback_tui import store
from rollback_tui.opening import open_plan
from rollback_tui.plain.ending import HungUp
from rollback_tui.plain.lines import Console, Ended
from rollback_tui.plain.wizard_rows import edit_components, edit_rows
from rollback_tui.plain.wizard_steps import STEPS, Components, Field, Rows, Step
from rollback_tui.plan.choices import Chooser, told
from rollback_tui.plan.findings import place
from rollback_tui.plan.lint import lint
from rollback_tui.plan.model import Plan
from rollback_tui.run.saving import save_draft
from rollback_tui.store import recovery

HELP = [
    "Enter keeps a value; :clear empties it; end a line with \\ to write another.",
    "Choices take their number or their name. Anywhere:",
    "  :back, :next      the step before or after this one",
    "  :step NAME        go to a step: " + ", ".join(step.key for step in STEPS),
    "  :preview          the plan's Markdown as it is now",
    "  :check            the plan's findings",
    "  :save             save the plan (and its Markdown); :save! overwrites a plan",
    "                    changed on disk",
    "  :quit             leave (asks first if there are unsaved edits)",
]


class GoTo(Exception):
    """Go to step *index*."""

    def __init__(self, index: int) -> None:
        super().__init__(index)
        self.index = index


class Quit(Exception):
    """Leave the wizard."""


class PlainWizard:
    """The wizard on *plan_file*, in plain mode."""

    def __init__(self, plan_file: store.PlanFile, console: Console, *, untitled: bool) -> None:
        self.plan_file = plan_file
        self.console = console
        self.untitled = untitled
        self.dirty = False
        self.step = 0
        self.kept = self._recovery_file()
        self.chooser = Chooser(plan_file.plan)

    @property
    def plan(self) -> Plan:
        return self.plan_file.plan

    def _recovery_file(self) -> recovery.RecoveryFile:
        if self.untitled:
            return recovery.RecoveryFile.untitled()
        return recovery.RecoveryFile.for_plan(self.plan_file.path)

    # -- lines -------------------------------------------------------------------------

    def say(self, text: str) -> None:
        self.console.say(text)

    def ask(self, prompt: str) -> str:
        """A line typed; the wizard's own commands are done here and the question asked
        again (`:back`, `:next`, `:step` and `:quit` leave it: GoTo, Quit)."""
        while True:
            line = self.console.ask(prompt).strip()
            if not line.startswith(":") or line == ":clear":
                return line
            self._command(line[1:].strip())

    def _command(self, line: str) -> None:
        name, _, arg = line.partition(" ")
        keys = [step.key for step in STEPS]
        if name == "back":
            raise GoTo(max(0, self.step - 1))
        if name == "next":
            raise GoTo(min(len(STEPS) - 1, self.step + 1))
        if name == "step":
            arg = arg.strip().lower()
            if arg in keys:
                raise GoTo(keys.index(arg))
            if arg.isdigit() and 1 <= int(arg) <= len(keys):
                raise GoTo(int(arg) - 1)
            self.say(f"No step {arg!r}: the steps are {', '.join(keys)}.")
        elif name in ("save", "save!"):
            self.save(force=name == "save!")
        elif name == "quit":
            self.quit()
        elif name == "preview":
            from rollback_tui.render import render_markdown

            for text in render_markdown(self.plan).splitlines():
                self.console.verbatim(text)
        elif name == "check":
            self.check()
        elif name == "help":
            for text in HELP:
                self.say(text)
        else:
            self.say(f"Unknown command :{name}; :help lists them.")

    # -- the steps ---------------------------------------------------------------------

    def run(self) -> int:
        """Ask every step in order, then review; returns the exit code (0; 1 if input
        ended with edits not saved; 128 + the signal after a hang-up)."""
        self.say(f"Wizard: {self._where()}. Type :help for help; Enter keeps a value.")
        self._offer_recovered()
        try:
            while True:
                try:
                    self._run_step(STEPS[self.step])
                    self.step = min(self.step + 1, len(STEPS) - 1)
                except GoTo as go:
                    self.step = go.index
        except Quit:
            return 0
        except Ended:
            return self._ended()
        except (HungUp, KeyboardInterrupt) as exc:
            self._keep()
            return exc.code if isinstance(exc, HungUp) else 130

    def _where(self) -> str:
        return "a new plan, not saved yet" if self.untitled else str(self.plan_file.path)

    def _run_step(self, step: Step) -> None:
        self.say(f"Step {self.step + 1} of {len(STEPS)}: {step.title}. {step.intro}")
        if step.key == "review":
            self._review()
            return
        for part in step.parts(self.plan):
            if not part.when(self.plan):
                continue
            if isinstance(part, Field):
                self._ask_field(part)
            elif isinstance(part, Rows):
                edit_rows(self, part)
            elif isinstance(part, Components):
                edit_components(self, part)

    def _review(self) -> None:
        self.check()
        while True:
            self.say("The last step: :save saves, :quit leaves, :step NAME goes back.")
            self.ask("> ")

    def _ask_field(self, field: Field) -> None:
        target = field.target(self.plan)
        value = getattr(target, field.attr)
        self.say(f"{field.label}: {field.help}.")
        if field.kind == "choice":
            self._ask_choice(field, target, value)
            return
        shown = "empty" if value in (None, "") else str(value)
        self.say(f"  Now: {shown}" if "\n" not in shown else "  Now:\n" + _indented(shown))
        while True:
            answer = self.ask(f"{field.label}: ")
            while field.kind == "text" and answer.endswith("\\"):
                answer = answer[:-1] + "\n" + self.ask("... ")
            if not answer:
                return
            error = self._set(field, target, answer)
            if error is None:
                return
            self.say(f"Not set: {error}. Try again, or Enter to keep it.")

    def _set(self, field: Field, target: Any, answer: str) -> str | None:
        """Set the field from *answer*; the error, if it cannot be."""
        old = getattr(target, field.attr)
        if answer == ":clear":
            new: object = None if old is None or field.kind in ("date", "minutes") else ""
        else:
            try:
                new = field.parse(answer)
            except ValueError as exc:
                return str(exc)
        if new == old:
            return None
        try:
            setattr(target, field.attr, new)
        except ValidationError as exc:
            return str(exc.errors()[0]["msg"])
        self.edited()
        if target is self.plan and field.attr == "feature_flag":
            self._tell(self.chooser.feature_flag_set())
        return None

    def _ask_choice(self, field: Field, target: Any, value: object) -> None:
        names = [name for name, _ in field.choices]
        now = next((n for n, (_, v) in enumerate(field.choices, 1) if v == value), 0)
        self.say(f"  Now: {now}) {names[now - 1]}" if now else "  Now: not chosen")
        self.say("  Choices: " + " ".join(f"{n}) {name}" for n, name in enumerate(names, 1)))
        while True:
            answer = self.ask(f"{field.label}: ").strip()
            if not answer:
                return
            picked = _pick(answer, field.choices)
            if picked is not None:
                break
            self.say(f"Not a choice: type a number from 1 to {len(names)}, or Enter.")
        if picked == value:
            return
        if field.attr == "deployment_type":
            self._tell(self.chooser.deployment_type(picked))
        elif field.attr == "db_impact":
            self._tell(self.chooser.db_impact(bool(picked)))
        else:
            setattr(target, field.attr, picked)
        self.edited()

    def _tell(self, made: Any) -> None:
        if made is not None:
            message = told(*made)
            if message:
                self.say(message)

    # -- the plan ----------------------------------------------------------------------

    def edited(self) -> None:
        """The plan changed: keep it in the recovery file until it is saved."""
        self.dirty = True
        with contextlib.suppress(store.PlanFileError, OSError):
            self.kept.write(recovery.plan_text(self.plan_file))

    def check(self) -> None:
        findings = lint(self.plan, self.plan_file.unknown_keys)
        if not findings:
            self.say("Check: no findings.")
            return
        self.say(f"Check: {len(findings)} finding{'s' * (len(findings) != 1)}.")
        for finding in findings:
            self.say(f"  {finding.severity}: {place(finding.where, self.plan)}: {finding.message}")

    def save(self, *, force: bool = False) -> bool:
        """Save the plan (asking where, for a new one); whether it was saved."""
        if self.untitled:
            answer = self.console.ask("Save as (the path of a .toml file): ").strip()
            if not answer:
                self.say("Not saved.")
                return False
            path = Path(answer).expanduser()
            if path.exists() and self.console.ask(
                f"{path} exists: replace it? yes or no: "
            ).strip().lower() not in ("y", "yes"):
                self.say("Not saved.")
                return False
            self.plan_file.path, force = path, True
        try:
            save_draft(self.plan_file, force=force)
        except store.ConflictError as exc:
            self.say(f"Not saved: {exc} :save! overwrites it.")
            return False
        except store.PartialSaveError as exc:
            self.say(f"Saved, but the Markdown was not written: {exc}")
        except store.PlanFileError as exc:
            self.say(f"Not saved: {exc}")
            return False
        else:
            self.say(f"Saved {self.plan_file.path} and {self.plan_file.markdown_path.name}.")
        self.kept.delete()
        self.untitled, self.dirty = False, False
        self.kept = self._recovery_file()
        return True

    def quit(self) -> None:
        if self.dirty:
            answer = self.console.ask("Unsaved edits: save them first? yes, no or cancel: ")
            answer = answer.strip().lower()
            if answer in ("y", "yes"):
                if not self.save():
                    return
            elif answer in ("n", "no"):
                self.kept.delete()
                self.say("Left without saving.")
            else:
                return
        raise Quit

    def _offer_recovered(self) -> None:
        found = self.kept.offer()
        if found is None:
            return
        self.say(f"Edits of this plan not saved were kept at {found.saved_at:%Y-%m-%d %H:%M}.")
        answer = self.console.ask("Restore them? yes or no: ").strip().lower()
        if answer not in ("y", "yes"):
            self.say("Not restored (kept until the next save).")
            return
        from rollback_tui.plan.merge import merge

        try:
            restored = recovery.plan_from_text(found.text, self.plan_file.path)
        except store.PlanFileError as exc:
            self.say(f"Not restored: {exc}")
            return
        self.plan_file.plan = merge(self.plan, restored)
        self.chooser = Chooser(self.plan_file.plan)
        self.dirty = True
        self.say("Restored the unsaved edits; :save keeps them.")

    def _keep(self) -> None:
        if self.dirty:  # the recovery file holds them already; written again to be sure
            with contextlib.suppress(store.PlanFileError, OSError):
                self.kept.write(recovery.plan_text(self.plan_file))

    def _ended(self) -> int:
        if not self.dirty:
            return 0
        self._keep()
        with contextlib.suppress(Ended):
            self.say("Input ended: the edits are not saved; the next edit offers them back.")
        return 1


def _indented(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def _pick(answer: str, choices: tuple[tuple[str, Any], ...]) -> Any:
    if answer.isdigit() and 1 <= int(answer) <= len(choices):
        return choices[int(answer) - 1][1]
    wanted = answer.lower()
    for name, value in choices:
        if wanted in (name.lower(), str(value).lower()):
            return value
    return None


def run_wizard(path: Path | None, console: Console) -> int:
    """The wizard on *path* (a new plan if there is none), in plain mode. Raises
    PlanFileError if the plan cannot be used."""
    plan_file, untitled, _ = open_plan(path)
    return PlainWizard(plan_file, console, untitled=untitled).run()
