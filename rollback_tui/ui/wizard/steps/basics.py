"""Basics, Assumptions & Data Safety, and Decision Criteria: the plan's plain fields."""

from __future__ import annotations

from pydantic import BaseModel
from textual import on
from textual.app import ComposeResult
from textual.widgets import Select

from rollback_tui.plan.choices import Chooser, Followed, told
from rollback_tui.plan.field_values import parse_date
from rollback_tui.plan.model import DeploymentType, Plan
from rollback_tui.ui.messages import PlanEdited, StepsReshaped
from rollback_tui.ui.wizard.fields import FieldInput, FieldText, LabelledField
from rollback_tui.ui.wizard.steps.base import StepPane


class BasicsStep(StepPane):
    """What is rolled back, from which version to which, and how it was deployed."""

    key = "basics"
    title = "Basics"
    short = "Basics"
    intro = "The change being rolled back and the incident's inputs."

    def build(self) -> ComposeResult:
        p = self.plan
        yield self.heading()
        yield self.findings_line()
        yield LabelledField(
            "Title", FieldInput(p, "title", placeholder="Feature name", id="title"), path="title"
        )
        yield LabelledField(
            "Created",
            FieldInput(p, "created", parse=parse_date, placeholder="YYYY-MM-DD", id="created"),
            path="created",
        )
        deployment = Select(
            [(t.label, t.value) for t in DeploymentType],
            value=p.deployment_type.value,
            allow_blank=False,
            compact=True,
            id="deployment-type",
        )
        yield LabelledField("Deployment type", deployment, path="deployment_type")
        yield LabelledField(
            "Incident", FieldText(p, "incident", id="incident"), stacked=True, path="incident"
        )
        yield LabelledField(
            "Incident link",
            FieldInput(p, "incident_link", id="incident-link", placeholder="https://…"),
            path="incident_link",
        )
        yield LabelledField(
            "Current version",
            FieldInput(p, "version", id="version", placeholder="not set: the live version"),
            path="version",
        )
        yield LabelledField(
            "Target version",
            FieldInput(
                p, "target_version", id="target-version", placeholder="not set: last known good"
            ),
            path="target_version",
        )
        db = Select(
            [("No", False), ("Yes", True)],
            value=p.db_impact,
            allow_blank=False,
            compact=True,
            id="db-impact",
        )
        yield LabelledField("Database impact", db, path="db_impact")
        yield LabelledField(
            "Feature flag",
            FieldInput(p, "feature_flag", id="feature-flag", placeholder="flag name (optional)"),
            path="feature_flag",
        )

    def __init__(self, plan: Plan, *, built: bool = False) -> None:
        super().__init__(plan, built=built)
        self.chooser = Chooser(plan)
        """Makes the choices: the defaults they decide follow them (plan/choices.py)."""

    @on(Select.Changed, "#deployment-type")
    def _deployment(self, event: Select.Changed) -> None:
        self._tell(self.chooser.deployment_type(DeploymentType(str(event.value))))

    @on(Select.Changed, "#db-impact")
    def _db_impact(self, event: Select.Changed) -> None:
        self._tell(self.chooser.db_impact(bool(event.value)))

    def field_edited(self, target: BaseModel, attr: str) -> None:
        # The flag's field has set it on the plan: what follows it comes along now.
        if target is self.plan and attr == "feature_flag":
            self._tell(self.chooser.feature_flag_set())

    def _tell(self, made: tuple[Followed, str] | None) -> None:
        """Say what a choice made the way `new` makes it changed, and what it kept."""
        if made is None:
            return
        followed, choice = made
        self.post_message(PlanEdited(structural=bool(followed.changed)))
        if followed.changed:
            self.post_message(StepsReshaped(("assumptions", "procedure", "components")))
        message = told(followed, choice)
        if followed.kept and message:
            self.notify(
                message,
                title="Edited text kept",
                severity="warning",
                timeout=10,
                markup=False,
            )
        elif message:
            self.notify(message, markup=False)


class AssumptionsStep(StepPane):
    """Assumptions about data, backups and migrations; SLAs and tolerated impact."""

    key = "assumptions"
    title = "Assumptions & Data Safety"
    short = "Assumptions"
    intro = "What the rollback can rely on, and what it must not break."

    def build(self) -> ComposeResult:
        a = self.plan.assumptions
        yield self.heading()
        yield self.findings_line()
        for label, attr in [
            ("Data mutations", "data_mutations"),
            ("Backups", "backups"),
            ("Migration reversibility", "migrations"),
            ("SLAs", "sla"),
            ("User impact tolerance", "user_impact"),
        ]:
            yield LabelledField(
                label,
                FieldText(a, attr, id=f"assumptions-{attr}"),
                stacked=True,
                path=f"assumptions.{attr}",
            )


class DecisionStep(StepPane):
    """How the team decides between rolling back and fixing forward."""

    key = "decision"
    title = "Decision Criteria"
    short = "Decision"
    intro = "Severity, scope, time to resolution, rollback or hotfix."

    def build(self) -> ComposeResult:
        d = self.plan.decision
        yield self.heading()
        yield self.findings_line()
        for label, attr in [
            ("Severity", "severity"),
            ("Impact scope", "impact_scope"),
            ("Time to resolution", "time_to_resolution"),
            ("Rollback vs. hotfix", "rollback_vs_hotfix"),
        ]:
            yield LabelledField(
                label,
                FieldText(d, attr, id=f"decision-{attr}"),
                stacked=True,
                path=f"decision.{attr}",
            )
