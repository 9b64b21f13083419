"""The wizard: the step list, the step being edited, and the live preview."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import ActiveBinding
from textual.containers import Horizontal
from textual.events import Resize
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Header, OptionList

from rollback_tui.plan.findings import Finding
from rollback_tui.plan.lint import lint
from rollback_tui.plan.model import Plan
from rollback_tui.render import (
    Section,
    component_sections,
    render_sections,
    shown_in_components,
)
from rollback_tui.store import PlanFile
from rollback_tui.ui.keeper import PlanKeeper
from rollback_tui.ui.keys.registry import bindings
from rollback_tui.ui.messages import (
    GoToStep,
    PlanEdited,
    PlanShown,
    ReviewedToday,
    Settled,
    StepsReshaped,
)
from rollback_tui.ui.steady_footer import SteadyFooter
from rollback_tui.ui.wizard.background_lint import BackgroundLint
from rollback_tui.ui.wizard.build_ahead import BuildAhead
from rollback_tui.ui.wizard.fields import focus_unselected
from rollback_tui.ui.wizard.preview import Preview
from rollback_tui.ui.wizard.step_list import StepList, StepState
from rollback_tui.ui.wizard.steps import STEPS, StepPane
from rollback_tui.ui.wizard.steps.review import ReviewStep

WIDE = 120
"""From this width on, the preview sits beside the form."""

LINT_DELAY = 0.3

STEP_SECTIONS: dict[str, tuple[str, ...]] = {
    "basics": ("title",),
    "assumptions": ("assumptions",),
    "triggers": ("triggers",),
    "decision": ("decision",),
    "procedure": ("containment", "option-a", "option-b"),
    "components": ("components",),
    "communications": ("communications",),
    "contacts": ("contacts",),
    "followup": ("post-rollback",),
}
"""The preview sections a step edits, to scroll the preview to them."""


class WizardScreen(Screen[None]):
    """Every part of the plan, one step at a time, with the Markdown beside it."""

    BINDINGS = bindings("wizard")

    FOOTER_ORDER = ("f7", "f8", "ctrl+o", "ctrl+r", "ctrl+t", "ctrl+q", "ctrl+s")
    """The footer shows these keys first, in this order, whichever widget has the focus
    (its bindings would otherwise come first, and push Save off an 80-column footer)."""

    def __init__(self, keeper: PlanKeeper, *, loaded: bool | None = None) -> None:
        """The wizard on *keeper*'s plan; *loaded* (by default: the plan was read from a
        file) shows every step visited, so that their findings show at once."""
        super().__init__()
        self.keeper = keeper
        self.plan = keeper.plan
        self.unknown_keys = keeper.plan_file.unknown_keys
        loaded = keeper.loaded if loaded is None else loaded
        self.step_keys = [step.key for step in STEPS]
        self.current = self.step_keys[0]
        self.visited: set[str] = set(self.step_keys) if loaded else {self.current}
        self.findings: list[Finding] = []
        self.preview_open = False
        self.wide = False
        """The terminal is WIDE columns or more: the preview sits beside the form."""
        self._focus_before_preview: Widget | None = None
        self._lint_timer: Timer | None = None
        self._background_lint = BackgroundLint(self, self.show_findings)
        self.build_ahead = BuildAhead(self, lambda: self.post_message(Settled()))
        self._drawn: tuple[dict[str, str], list[Section]] | None = None
        """The values substituted and the sections of the last preview drawn."""

    def compose(self) -> ComposeResult:
        yield Header(icon="↺")
        with Horizontal(id="body"):
            yield StepList([(step.key, step.short) for step in STEPS], id="steps")
            with ContentSwitcher(initial=self.current, id="forms"):
                for step in STEPS:
                    yield step(self.plan, built=step.key == self.current)
            yield Preview(id="preview")
        yield SteadyFooter()

    async def on_mount(self) -> None:
        self.keeper.replaced.subscribe(self, self._replaced)
        await self._start()

    async def _replaced(self, plan_file: PlanFile) -> None:
        await self.show_plan(plan_file.plan, unknown_keys=plan_file.unknown_keys, loaded=True)

    async def _start(self) -> None:
        self._layout(self.size.width)
        await self.pane(self.current).ensure_built()
        self.query_one(StepList).show_current(self.current)
        self.refresh_preview()
        self.run_lint()
        self.query_one("#title").focus()
        self.call_after_refresh(self.post_message, PlanShown())
        self.build_ahead.start()

    async def show_plan(self, plan: Plan, *, unknown_keys: list[str], loaded: bool) -> None:
        """Edit another plan: every step is rebuilt on it, from the first step."""
        self.plan = plan
        self._drawn = None
        self.unknown_keys = unknown_keys
        self.current = self.step_keys[0]
        self.visited = set(self.step_keys) if loaded else {self.current}
        self.findings = []
        await self.recompose()
        await self._start()

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        bindings = super().active_bindings
        first = {key: bindings[key] for key in self.FOOTER_ORDER if key in bindings}
        return first | {k: v for k, v in bindings.items() if k not in first}

    # -- layout ------------------------------------------------------------------------

    @on(Resize)
    def _resized(self, event: Resize) -> None:
        self._layout(event.size.width)

    def _layout(self, width: int) -> None:
        """The preview beside the form from WIDE columns on; below that, one or the other.

        The two panes are shown and hidden directly: a class on the screen would have
        Textual restyle every widget of the wizard (25-50 ms), on each toggle or resize
        across the line."""
        preview = self.query_one("#preview", Preview)
        was_visible = preview.display
        self.wide = width >= WIDE
        preview.display = self.preview_visible
        self.query_one("#forms").display = self.wide or not self.preview_open
        # Review shows the plan itself only when this preview is not beside it.
        review_shown = self.query_one(ReviewStep).show_own_preview(not self.preview_visible)
        if (self.preview_visible and not was_visible) or (
            review_shown and self.current == "review"
        ):
            # A hidden preview is not kept up to date: it shows the plan as it is now.
            self.refresh_preview()

    def action_toggle_preview(self) -> None:
        """Show or hide the preview (on a narrow terminal it takes the form's place)."""
        self.preview_open = not self.preview_open
        self._layout(self.size.width)
        if self.preview_open:
            if not self.wide:
                self._focus_before_preview = self.focused
                self.query_one("#preview", Preview).focus()
        elif not self.wide:
            # The cursor goes back where it was, the field's text as it was (not selected:
            # the next key must not replace it).
            before, self._focus_before_preview = self._focus_before_preview, None
            if before is not None and before.is_attached and before.focusable:
                focus_unselected(before)
            else:
                self.pane(self.current).focus_first()

    @property
    def preview_visible(self) -> bool:
        return self.wide != self.preview_open

    # -- steps -------------------------------------------------------------------------

    def pane(self, key: str) -> StepPane:
        return self.query_one(f"#{key}", StepPane)

    async def show_step(self, key: str, *, where: str = "", focus: bool = True) -> None:
        """Go to step *key*, and put the cursor in its field *where* or its first field."""
        self.build_ahead.active()
        await self.pane(key).ensure_built()
        self.current = key
        self.visited.add(key)
        self.query_one("#forms", ContentSwitcher).current = key
        self.query_one(StepList).show_current(key)
        if self.preview_open and not self.wide:
            self.preview_open = False
            self._layout(self.size.width)
        pane = self.pane(key)
        pane.scroll_home(animate=False)
        if key == "review":
            self.refresh_preview()
        elif self.preview_visible:
            self.query_one("#preview", Preview).scroll_to_section(*STEP_SECTIONS.get(key, ()))
        self._update_states()
        if focus and not (where and await pane.focus_field(where)):
            pane.focus_first()
        if focus:
            # The scroll home above and the focus's own scroll both wait for a refresh, in
            # an order a busy machine can change (the field was left out of view): once the
            # step is laid out, the field is brought into view if it is not.
            self.call_after_refresh(self._focused_in_view, pane)

    def _focused_in_view(self, pane: StepPane) -> None:
        focused = self.focused
        if focused is None or pane not in focused.ancestors or pane.key != self.current:
            return
        if not pane.region.overlaps(focused.region):
            focused.scroll_visible(animate=False)

    async def action_next_step(self) -> None:
        index = self.step_keys.index(self.current)
        if index + 1 < len(self.step_keys):
            await self.show_step(self.step_keys[index + 1])

    async def action_previous_step(self) -> None:
        index = self.step_keys.index(self.current)
        if index > 0:
            await self.show_step(self.step_keys[index - 1])

    @on(OptionList.OptionSelected, "#steps")
    async def _step_picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            await self.show_step(event.option.id)

    @on(StepsReshaped)
    async def _reshaped(self, event: StepsReshaped) -> None:
        for key in event.steps:
            await self.pane(key).rebuild()

    @on(ReviewedToday)
    def _reviewed_today(self, event: ReviewedToday) -> None:
        """The plan was reviewed today: saved with the plan (the next save writes it)."""
        self.plan.last_reviewed = self.keeper.now().date()
        self.query_one(ReviewStep).show_reviewed()
        self.post_message(PlanEdited())

    @on(GoToStep)
    async def _go_to(self, event: GoToStep) -> None:
        await self.show_step(event.step, where=event.where)

    # -- edits -------------------------------------------------------------------------

    @on(PlanEdited)
    def _edited(self, event: PlanEdited) -> None:
        self.build_ahead.active()
        self.keeper.mark_dirty()
        self.refresh_preview(event)
        self._background_lint.cancel()
        if self._lint_timer is not None:
            self._lint_timer.stop()
        self._lint_timer = self.set_timer(LINT_DELAY, self._lint_in_thread)

    def _lint_in_thread(self) -> None:
        self._lint_timer = None
        self._background_lint.start(self.plan, self.unknown_keys)

    def refresh_preview(self, edit: PlanEdited | None = None) -> None:
        """Re-render the plan and let the visible previews redraw what changed.

        After an *edit* of one value that no component's section shows, with the values
        substituted unchanged, the component sections drawn last time are used again: on a
        1,000-component plan they are most of the work, and a keystroke in the title
        changes none of them.
        """
        review = self.current == "review" and not self.preview_visible
        if not (self.preview_visible or review):
            self._drawn = None
            return
        variables = self.plan.variables()
        same_components = (
            self._drawn is not None
            and edit is not None
            and edit.target is not None
            and not edit.structural
            and self._drawn[0] == variables
            and not shown_in_components(self.plan, edit.target)
        )
        components = component_sections(self._drawn[1]) if same_components and self._drawn else None
        sections = render_sections(self.plan, components)
        self._drawn = (variables, sections)
        if self.preview_visible:
            self.query_one("#preview", Preview).show(sections)
        if review:
            self.query_one("#review-preview", Preview).show(sections)

    def run_lint(self) -> None:
        """Check the plan and show the findings beside their fields and in the step list."""
        self._lint_timer = None
        self._background_lint.cancel()
        self.show_findings(lint(self.plan, self.unknown_keys))

    def show_findings(self, findings: list[Finding]) -> None:
        """Show *findings* beside their fields and in the step list."""
        self.findings = findings
        for step in STEPS:
            pane = self.pane(step.key)
            if step.key == "review":
                pane.show_findings(self.findings)
            else:
                pane.show_findings([f for f in self.findings if f.step == step.key])
        self._update_states()

    def _update_states(self) -> None:
        steps = self.query_one(StepList)
        # A hint marks no step: it is noted beside its field and on Review.
        with_findings = {f.step for f in self.findings if f.fails}
        for key in self.step_keys:
            state: StepState
            if key == "review":
                state = (
                    "findings"
                    if with_findings
                    else ("complete" if key in self.visited else "untouched")
                )
            elif key in with_findings:
                state = "findings"
            else:
                state = "complete" if key in self.visited else "untouched"
            steps.set_state(key, state)
