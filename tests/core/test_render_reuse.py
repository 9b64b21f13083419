"""Component sections drawn before, given again: the preview's way to skip them.

The wizard gives render_sections the component sections it drew last time when the edit was
of one value that no component section shows (shown_in_components says so) and the values
substituted did not change. These tests make every kind of edit the wizard makes and check
that the sections given again are the ones a full rendering draws, or that
shown_in_components forbids giving them.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rollback_tui.plan.choices import new_plan
from rollback_tui.plan.model import ChecklistItem, Contact, Plan, Trigger
from rollback_tui.render import (
    component_sections,
    render_markdown,
    render_sections,
    shown_in_components,
)

Edit = Callable[[Plan], object]
"""Changes one value of the plan; returns the part whose value it changed."""


def plan() -> Plan:
    p = new_plan(
        title="Checkout v2",
        version="v2.4.0",
        target_version="v2.3.1",
        db_impact=True,
        feature_flag="checkout_v2",
        components=["api", "worker", "api"],
    )
    p.components[1].steps[0].command = "helm rollback $COMPONENT $TARGET_VERSION  # was $VERSION"
    p.components[1].steps[0].text = "Post an update every $UPDATE_INTERVAL"
    return p


def _set(target: Callable[[Plan], object], attr: str, value: object) -> Edit:
    def edit(p: Plan) -> object:
        part = target(p)
        setattr(part, attr, value)
        return part

    return edit


EDITS: dict[str, Edit] = {
    "title": _set(lambda p: p, "title", "Checkout v3 | `now`"),
    "incident link": _set(lambda p: p, "incident_link", "https://example.com/i/1"),
    "db impact": _set(lambda p: p, "db_impact", False),
    "assumptions": _set(lambda p: p.assumptions, "backups", "Nightly, tested"),
    "trigger": _set(lambda p: p.triggers[0], "threshold", "> 1% | p99"),
    "decision": _set(lambda p: p.decision, "severity", "Data loss | outage"),
    "option A step": _set(lambda p: p.procedure.option_a[0], "text", "Flip $FEATURE_FLAG off"),
    "option A command": _set(lambda p: p.procedure.option_a[0], "command", "echo $VERSION"),
    "communications": _set(lambda p: p.communications, "stakeholders", "#ops, support"),
    "contact": _set(lambda p: p.contacts[0], "name", "Sam"),
    "follow-up": _set(lambda p: p.followup, "rca_owner", "sam"),
    # The values substituted change: the caller draws the components again.
    "version": _set(lambda p: p, "version", "v9"),
    "update interval": _set(lambda p: p.communications, "update_interval", 15),
    # Parts that a component's section shows.
    "component name": _set(lambda p: p.components[1], "name", "api"),
    "component step": _set(lambda p: p.components[0].steps[0], "text", "Roll back $COMPONENT"),
    "component step command": _set(lambda p: p.components[2].steps[1], "command", "kubectl x"),
    "component step irreversible": _set(lambda p: p.components[0].steps[0], "irreversible", True),
}


@pytest.mark.parametrize("name", list(EDITS))
def test_sections_given_again_are_the_ones_drawn(name: str) -> None:
    p = plan()
    drawn = render_sections(p)
    variables = p.variables()
    target = EDITS[name](p)
    full = render_sections(p)
    if shown_in_components(p, target) or p.variables() != variables:
        # The wizard draws every section then; a test that the rule is needed:
        assert component_sections(full) != component_sections(drawn), name
        return
    assert render_sections(p, component_sections(drawn)) == full


def test_the_edits_that_skip_the_components_are_most_of_them() -> None:
    """The rule is not so strict that it never skips: every edit outside the components
    and the substituted values does."""
    skipped = []
    for name, edit in EDITS.items():
        p = plan()
        variables = p.variables()
        target = edit(p)
        if not shown_in_components(p, target) and p.variables() == variables:
            skipped.append(name)
    assert skipped == [
        "title",
        "incident link",
        "db impact",
        "assumptions",
        "trigger",
        "decision",
        "option A step",
        "option A command",
        "communications",
        "contact",
        "follow-up",
    ]


def test_a_step_outside_the_components_is_not_shown_in_them() -> None:
    p = plan()
    assert not shown_in_components(p, p.procedure.option_b[0])
    assert not shown_in_components(p, ChecklistItem(text="a step of no plan"))
    assert not shown_in_components(p, Trigger())
    assert not shown_in_components(p, Contact())
    assert shown_in_components(p, p.components[2])
    assert shown_in_components(p, p.components[2].steps[-1])


def test_the_title_is_a_section_of_its_own_and_the_document_is_unchanged() -> None:
    """Splitting the title from the header lines changes no byte of the Markdown."""
    p = plan()
    sections = render_sections(p)
    assert [s.key for s in sections[:2]] == ["title", "header"]
    assert sections[0].markdown == "# Rollback Plan: Checkout v2\n"
    document = render_markdown(p)
    assert document.startswith("# Rollback Plan: Checkout v2\n\n**Created:** ")
    assert document == "\n".join(s.markdown for s in sections)
