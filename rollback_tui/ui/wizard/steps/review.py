"""Review: every finding (each jumps to its step), Save, Copy, and the whole preview."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from rollback_tui.plan.findings import Finding
from rollback_tui.plan.text import findings_summary, plural, visible
from rollback_tui.ui.messages import GoToStep, ReviewedToday
from rollback_tui.ui.wizard.preview import Preview
from rollback_tui.ui.wizard.steps.base import StepPane


class ReviewStep(StepPane):
    """The last step: what `check` would say, and the plan as it will be saved."""

    DEFAULT_CSS = """
    ReviewStep #review-summary { margin-bottom: 1; }
    ReviewStep #review-findings { height: auto; max-height: 8; margin-bottom: 1; }
    ReviewStep #review-buttons { height: auto; margin-bottom: 1; }
    ReviewStep #review-buttons Button { margin-right: 2; }
    ReviewStep #review-dates { margin-bottom: 1; color: $text-muted; }
    ReviewStep #review-preview { height: 1fr; min-height: 100%; }
    """
    # The plan below the buttons scrolls on its own, a screen tall (Tab brings it up):
    # it renders a screenful at once and the rest between frames, as the wizard's preview
    # does. One as tall as its text was rendered whole before the step showed (2 s at
    # 1,000 components, every key held meanwhile); rendered a part at a time, each part
    # laid the whole step out again.

    key = "review"
    title = "Review"
    short = "Review"
    intro = "Enter on a finding goes to its field. A plan with findings can still be saved."

    # The plan is typed by StepPane.__init__, which this only extends.
    def __init__(self, plan, *, built: bool = False) -> None:  # type: ignore[no-untyped-def]
        super().__init__(plan, built=built)
        self._findings: list[Finding] = []
        self._listed: list[Finding] | None = None
        """The findings the list shows, once built."""
        self.own_preview = True
        """Whether the step shows the plan in a preview of its own: not when the wizard's
        preview is beside it (a wide terminal), where it would show the plan twice and
        render the whole of it a second time (two seconds at 1,000 components)."""

    def build(self) -> ComposeResult:
        self._listed = None  # a new list: shown on the next show_findings
        yield self.heading()
        yield Static("", id="review-summary", markup=False)
        yield OptionList(id="review-findings")
        with Horizontal(id="review-buttons"):
            yield Button("Save", id="review-save", compact=True, action="app.save")
            yield Button("Copy Markdown", id="review-copy", compact=True, action="app.copy")
            yield Button("Mark reviewed today", id="review-reviewed", compact=True)
        yield Static(self._reviewed_text(), id="review-dates", markup=False)
        preview = Preview(id="review-preview")
        preview.display = self.own_preview
        yield preview

    def _reviewed_text(self) -> Content:
        plan = self.plan
        reviewed = plan.last_reviewed.isoformat() if plan.last_reviewed else "never"
        drilled = plan.last_drilled.isoformat() if plan.last_drilled else "never"
        return Content(f"Reviewed: {reviewed} · every {plan.review_days} days · drilled: {drilled}")

    def show_own_preview(self, shown: bool) -> bool:
        """Show or hide the step's own preview of the plan; True when it was hidden and is
        now shown (it shows the plan as it was when last given it: give it the plan)."""
        was, self.own_preview = self.own_preview, shown
        for preview in self.query("#review-preview").results(Preview):
            preview.display = shown
        return shown and not was

    @on(Button.Pressed, "#review-reviewed")
    def _mark_reviewed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(ReviewedToday())  # the wizard knows the day (its keeper's clock)

    def show_reviewed(self) -> None:
        self.query_one("#review-dates", Static).update(self._reviewed_text())

    def show_findings(self, findings: list[Finding]) -> None:
        # Review lists every finding of the plan, not only its own.
        self._findings = findings
        if not self.built or findings == self._listed:
            return  # unchanged: redrawing the list would cost a layout after each pause
        self._listed = list(findings)
        summary = (
            "No findings: the plan is complete."
            if not findings
            else findings_summary([f.severity for f in findings])
        )
        if findings and not any(f.fails for f in findings):
            summary = f"No findings: the plan is complete ({plural(len(findings), 'hint')})."
        self.query_one("#review-summary", Static).update(Content(summary))
        options = self.query_one("#review-findings", OptionList)
        highlighted = options.highlighted
        options.set_options(
            Option(
                Content.assemble((f"{f.severity:<7} ", "bold"), visible(f"{f.where}: {f.message}"))
            )
            for f in findings
        )
        options.display = bool(findings)
        if findings:
            # Enter acts at once: on the first finding, or the one that was highlighted.
            options.highlighted = min(highlighted or 0, len(findings) - 1)

    @on(OptionList.OptionSelected, "#review-findings")
    def _go(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        finding = self._findings[event.option_index]
        self.post_message(GoToStep(finding.step, finding.where))
