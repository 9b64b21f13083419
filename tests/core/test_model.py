"""The plan model: the spec's defaults, checklist ids, text cleaning and UTC times."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
import tomlkit
from pydantic import BaseModel, ValidationError

from rollback_tui import store
from rollback_tui.plan import (
    ChecklistItem,
    Component,
    DeploymentType,
    Plan,
    ProcedureChoice,
    TimelineEvent,
    new_component,
    new_plan,
)
from rollback_tui.plan.text import clean_text
from rollback_tui.plan.timeline import record, set_done

TEMPLATE_TRIGGERS = [
    ("Error rate spike", ">0.5% increase over baseline", "Error tracking"),
    ("Latency regression", ">50% increase in p95", "APM dashboard"),
    ("Data corruption", "Any instance detected", "Data integrity checks"),
    ("Security incident", "Any severity", "Security alerts"),
    ("Revenue impact", ">5% drop in conversion", "Business metrics"),
    ("User complaints", ">10x normal rate", "Support dashboard"),
]
TEMPLATE_OPTION_A = [
    "Disable feature flag in dashboard",
    "Verify flag change propagated",
    "Confirm feature is deactivated",
    "Monitor error rates returning to baseline",
]
TEMPLATE_COMPONENT_STEPS = [
    "Revert to previous state",
    "Verify health/connectivity",
    "Check for data inconsistencies",
]
TEMPLATE_POST_ROLLBACK = [
    ("Incident report", ["Document timeline of events", "Identify root cause", "Assess impact"]),
    (
        "Communication",
        ["Notify stakeholders", "Update status page if needed", "Schedule post-mortem"],
    ),
    ("Fix forward", ["Identify the fix", "Update test suite", "Plan re-deployment"]),
]
DB_STEP = "Run database rollback migration"

# Every kind of character the design says must not reach the model, with the text
# around it that must survive.
DIRTY = "a\x1b[31mb\x00c\x07d\x08e\x0bf\x0cg\x7fh\x80i\x9bj\x9fk\tl\nm"
CLEAN = "a[31mbcdefghijk\tl\nm"
# Fields that are not free text: identifiers, enums, literals.
NOT_TEXT = {"id", "event"}


def _all_ids(plan: Plan) -> list[str]:
    return [item.id for _, _, item in plan.checklist()]


def _text_fields(
    model: BaseModel, where: str = "plan", unset: bool = True
) -> list[tuple[BaseModel, str, str]]:
    """(owner model, field name, path) for every free-text field reachable from *model*.

    With *unset*, optional text fields that hold None are included too.
    """
    found: list[tuple[BaseModel, str, str]] = []
    for name in type(model).model_fields:
        value = getattr(model, name)
        path = f"{where}.{name}"
        if isinstance(value, BaseModel):
            found += _text_fields(value, path, unset)
        elif isinstance(value, list):
            for i, sub in enumerate(value):
                if isinstance(sub, BaseModel):
                    found += _text_fields(sub, f"{path}[{i}]", unset)
        elif (
            name not in NOT_TEXT
            and not isinstance(value, Enum)
            and (
                isinstance(value, str)
                or (
                    unset
                    and value is None
                    and name in ("command", "owner", "done_by", "item", "text")
                )
            )
        ):
            found.append((model, name, path))
    return found


def _full_plan() -> Plan:
    """A plan in which every optional text field exists, so that every field is reached."""
    plan = new_plan(title="t", feature_flag="f", components=["api"], db_impact=True)
    for _, _, item in plan.checklist():
        item.command = item.command or "true"
        item.owner = "someone"
    set_done(plan, "a-1", True, "sam")
    record(plan, "note", "sam", text="a note")
    return plan


class TestDefaultTriggers:
    def test_six_template_triggers_in_order(self) -> None:
        """A new plan starts with the template's six triggers, thresholds and sources."""
        plan = new_plan()
        rows = [(t.trigger, t.threshold, t.source) for t in plan.triggers]
        assert rows[:6] == TEMPLATE_TRIGGERS

    def test_then_the_brief_signals_the_template_lacks(self) -> None:
        """After the template's six: the brief's database/infrastructure and critical
        functionality signals, each with a threshold and a source."""
        extra = new_plan().triggers[6:]
        assert [t.trigger for t in extra] == [
            "Database or infrastructure issues",
            "Critical functionality failures",
        ]
        assert all(t.threshold.strip() and t.source.strip() for t in extra)

    def test_old_plans_keep_their_triggers_on_load(self, tmp_path: Path) -> None:
        """A plan file with the template's six triggers loads with those six, none added."""
        path = tmp_path / "plan.toml"
        rows = "".join(
            f'[[triggers]]\ntrigger = "{t}"\nthreshold = "{h}"\nsource = "{s}"\n\n'
            for t, h, s in TEMPLATE_TRIGGERS
        )
        path.write_text(f'schema_version = 1\ntitle = "old"\n\n{rows}')
        plan = store.load(path).plan
        assert [(t.trigger, t.threshold, t.source) for t in plan.triggers] == TEMPLATE_TRIGGERS


class TestDefaultProcedure:
    def test_option_a_has_the_template_four_steps(self) -> None:
        """Option A is the template's four feature-flag steps."""
        plan = new_plan(feature_flag="checkout_v2")
        assert [i.text for i in plan.procedure.option_a] == TEMPLATE_OPTION_A

    def test_option_a_kill_switch_uses_the_flag_variable(self) -> None:
        """Option A's first command turns the flag off through $FEATURE_FLAG."""
        command = new_plan(feature_flag="x").procedure.option_a[0].command or ""
        assert "$FEATURE_FLAG" in command and "/off" in command

    @pytest.mark.parametrize("deployment_type", list(DeploymentType))
    def test_database_step_only_with_db_impact(self, deployment_type: DeploymentType) -> None:
        """Option B has a database rollback step exactly when the database is affected."""
        without = new_plan(deployment_type=deployment_type, db_impact=False).procedure.option_b
        with_db = new_plan(deployment_type=deployment_type, db_impact=True).procedure.option_b
        assert DB_STEP not in [i.text for i in without]
        texts = [i.text for i in with_db]
        assert texts.count(DB_STEP) == 1
        assert len(with_db) == len(without) + 1
        db = with_db[texts.index(DB_STEP)]
        assert db.command is not None and "down" in db.command
        # The database step comes before the final health check.
        assert texts[-1] == "Verify all health checks passing"
        assert texts.index(DB_STEP) == len(texts) - 2

    def test_rolling_uses_helm_history_then_rollback(self) -> None:
        """Rolling deployments identify the revision with helm history, then helm rollback."""
        steps = new_plan(deployment_type=DeploymentType.ROLLING).procedure.option_b
        commands = [s.command or "" for s in steps]
        assert [s.text for s in steps] == [
            "Identify last known good version",
            "Trigger deployment of previous version",
            "Wait for all instances to update",
            "Verify all health checks passing",
        ]
        assert commands[0].startswith("helm history")
        assert commands[1].startswith("helm rollback")

    def test_canary_pauses_argo_cd_then_aborts_then_undoes(self) -> None:
        """Canary deployments pause Argo CD auto-sync, abort, then undo the rollout."""
        commands = [
            s.command or ""
            for s in new_plan(deployment_type=DeploymentType.CANARY).procedure.option_b
        ]
        pause = next(i for i, c in enumerate(commands) if "argocd app set" in c)
        abort = next(i for i, c in enumerate(commands) if "rollouts abort" in c)
        undo = next(i for i, c in enumerate(commands) if "rollouts undo" in c)
        assert pause < abort < undo

    def test_blue_green_switches_the_router_back(self) -> None:
        """Blue-green deployments switch the service selector back to the previous colour."""
        commands = [
            s.command or ""
            for s in new_plan(deployment_type=DeploymentType.BLUE_GREEN).procedure.option_b
        ]
        assert any("kubectl patch service" in c and "previous-colour" in c for c in commands)

    @pytest.mark.parametrize(
        ("kwargs", "choice"),
        [
            ({}, ProcedureChoice.B),
            ({"feature_flag": "checkout_v2"}, ProcedureChoice.BOTH),
            ({"deployment_type": DeploymentType.FEATURE_FLAG}, ProcedureChoice.BOTH),
        ],
    )
    def test_choice_follows_the_feature_flag(
        self, kwargs: dict[str, Any], choice: ProcedureChoice
    ) -> None:
        """Option A is chosen only when there is a feature flag to turn off."""
        assert new_plan(**kwargs).procedure.choice is choice

    def test_estimates_match_the_template(self) -> None:
        """The options carry the template's time estimates."""
        proc = new_plan().procedure
        assert (proc.option_a_estimate, proc.option_b_estimate) == ("~1 minute", "~15-30 minutes")


class TestDefaultComponents:
    @pytest.mark.parametrize("deployment_type", list(DeploymentType))
    def test_three_template_steps_per_component(self, deployment_type: DeploymentType) -> None:
        """Each component gets the template's three steps, with commands for its platform."""
        plan = new_plan(deployment_type=deployment_type, components=["checkout-api", "worker"])
        assert [c.name for c in plan.components] == ["checkout-api", "worker"]
        for component in plan.components:
            assert [s.text for s in component.steps] == TEMPLATE_COMPONENT_STEPS
            assert "$COMPONENT" in (component.steps[0].command or "")

    def test_component_ids_come_from_the_name(self) -> None:
        """Component step ids are made from the component's name."""
        plan = new_plan(components=["Checkout API"])
        assert [s.id for s in plan.components[0].steps] == [
            "checkout-api-1",
            "checkout-api-2",
            "checkout-api-3",
        ]

    def test_same_name_twice_gets_distinct_ids(self) -> None:
        """Two components with the same name still get unique ids."""
        plan = new_plan(components=["api", "api"])
        ids = _all_ids(plan)
        assert len(ids) == len(set(ids))

    def test_new_component_avoids_ids_in_use(self) -> None:
        """A component added later takes ids not yet used in the plan."""
        plan = new_plan(components=["api"])
        plan.components.append(new_component(plan, "api"))
        ids = _all_ids(plan)
        assert len(ids) == len(set(ids))
        assert all(i.startswith("api-") for i in (s.id for s in plan.components[1].steps))


class TestDefaultContactsAndActions:
    def test_three_template_contact_roles(self) -> None:
        """The template's three contact roles are there, with the names left to fill in."""
        contacts = new_plan().contacts
        assert [c.role for c in contacts] == [
            "Engineering Lead",
            "On-Call Engineer",
            "Product Manager",
        ]
        assert all(c.name == "" and c.contact == "" for c in contacts)

    def test_post_rollback_groups_follow_the_template(self) -> None:
        """Post-rollback actions are the template's three numbered groups."""
        groups = new_plan().post_rollback
        assert [(g.name, [i.text for i in g.items]) for g in groups] == TEMPLATE_POST_ROLLBACK

    def test_follow_up_and_communication_actions_exist(self) -> None:
        """The brief's follow-up and communication sections come with action items."""
        plan = new_plan()
        assert len(plan.followup.items) == 5
        assert len(plan.communications.actions) == 4
        assert "$TARGET_VERSION" in plan.communications.post_rollback_update

    def test_arguments_land_in_their_fields(self) -> None:
        """The brief's arguments are stored as given."""
        plan = new_plan(
            title="Checkout v2",
            incident="Card payments fail",
            version="v2.4.0",
            target_version="v2.3.1",
            db_impact=True,
            feature_flag="checkout_v2",
            deployment_type=DeploymentType.CANARY,
        )
        assert (
            plan.title,
            plan.incident,
            plan.version,
            plan.target_version,
            plan.db_impact,
            plan.feature_flag,
            plan.deployment_type,
        ) == (
            "Checkout v2",
            "Card payments fail",
            "v2.4.0",
            "v2.3.1",
            True,
            "checkout_v2",
            DeploymentType.CANARY,
        )

    def test_nothing_is_done_and_the_timeline_is_empty(self) -> None:
        """A new plan has no ticked item and no timeline event."""
        plan = new_plan(components=["a"])
        assert not any(item.done for _, _, item in plan.checklist())
        assert plan.timeline == []


class TestChecklistIds:
    def test_every_default_id_is_unique(self) -> None:
        """All checklist ids of a new plan are unique and non-empty."""
        plan = new_plan(feature_flag="f", db_impact=True, components=["a", "b", "c"])
        ids = _all_ids(plan)
        assert all(ids)
        assert len(ids) == len(set(ids))

    @pytest.mark.parametrize("choice", list(ProcedureChoice))
    @pytest.mark.parametrize("active", [False, True])
    def test_all_items_are_the_checklists(self, choice: ProcedureChoice, active: bool) -> None:
        """all_items (what look-ups and counts walk) is checklist() without its sections,
        item for item and in order, whatever options the plan uses."""
        plan = new_plan(feature_flag="f", db_impact=True, components=["a", "b"])
        plan.procedure.choice = choice
        expected = [item for _, _, item in plan.checklist(active=active)]
        assert [id(i) for i in plan.all_items(active=active)] == [id(i) for i in expected]
        assert plan.item(expected[-1].id) is expected[-1]

    def test_missing_ids_are_assigned_without_collision(self) -> None:
        """Items without an id get the first free one for their section."""
        plan = Plan.model_validate(
            {
                "procedure": {
                    "option_a": [{"text": "x"}, {"id": "a-1", "text": "y"}, {"text": "z"}]
                },
                "followup": {"items": [{"text": "f"}]},
            }
        )
        assert [i.id for i in plan.procedure.option_a] == ["a-2", "a-1", "a-3"]
        assert plan.followup.items[0].id == "fu-1"

    def test_duplicate_ids_are_rejected(self) -> None:
        """Two items with the same id make the plan invalid."""
        with pytest.raises(ValidationError, match="used twice"):
            Plan.model_validate(
                {
                    "procedure": {"option_a": [{"id": "x-1", "text": "a"}]},
                    "followup": {"items": [{"id": "x-1", "text": "b"}]},
                }
            )

    def test_ids_must_look_like_ids(self) -> None:
        """An id with spaces or punctuation is refused."""
        with pytest.raises(ValidationError):
            ChecklistItem(id="not an id!")

    def test_new_item_takes_a_free_id(self) -> None:
        """plan.new_item never reuses an id already in the plan."""
        plan = new_plan(feature_flag="f")
        item = plan.new_item("a", "Extra step")
        assert item.id == "a-5"

    def test_item_lookup_by_id(self) -> None:
        """plan.item finds an item by id and returns None for an unknown one."""
        plan = new_plan(components=["api"])
        assert plan.item("api-2") is plan.components[0].steps[1]
        assert plan.item("nope") is None


class TestTextCleaning:
    def test_clean_text_removes_every_control_but_tab_and_newline(self) -> None:
        """ESC, C0 (but tab and newline), DEL and C1 are removed; the rest is kept."""
        assert clean_text(DIRTY) == CLEAN

    @pytest.mark.parametrize("code", [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)])
    def test_each_control_character(self, code: int) -> None:
        """Every control character is dropped except tab and newline (CR becomes newline)."""
        expected = {0x09: "x\ty", 0x0A: "x\ny", 0x0D: "x\ny"}.get(code, "xy")
        assert clean_text(f"x{chr(code)}y") == expected

    def test_crlf_and_lone_cr_become_newlines(self) -> None:
        """Windows and old Mac line endings become plain newlines."""
        assert clean_text("a\r\nb\rc\n") == "a\nb\nc\n"

    def test_printable_unicode_is_kept(self) -> None:
        """Accents, emoji and non-breaking spaces are not control characters."""
        text = "café ☕ naïve\u00a0x 日本"
        assert clean_text(text) == text

    def test_every_text_field_is_cleaned_on_assignment(self) -> None:
        """Assigning dirty text to any text field of the plan stores it cleaned."""
        plan = _full_plan()
        fields = _text_fields(plan)
        assert len(fields) > 60  # the walk really reaches the whole plan
        for owner, name, path in fields:
            setattr(owner, name, DIRTY)
            assert getattr(owner, name) == CLEAN, path

    def test_every_text_field_is_cleaned_when_constructed(self) -> None:
        """Text given to the constructors is cleaned as well."""
        item = ChecklistItem(id="x-1", text=DIRTY, command=DIRTY, owner=DIRTY, done_by=DIRTY)
        assert (item.text, item.command, item.owner, item.done_by) == (CLEAN,) * 4
        assert Component(name="\x1b]0;title\x07api").name == "]0;titleapi"

    def test_every_text_field_is_cleaned_when_loaded(self, tmp_path: Path) -> None:
        """Control characters written as TOML escapes are removed by both readers."""
        plan = _full_plan()
        data = plan.model_dump(exclude_none=True)
        paths = [p for _, _, p in _text_fields(plan, unset=False)]
        assert len(paths) > 60
        _dirty_strings(data)
        path = tmp_path / "plan.toml"
        path.write_text(tomlkit.dumps(data), encoding="utf-8")
        assert "\\u001b" in path.read_text() or "\\e" in path.read_text()
        for loaded in (store.load(path).plan, store.read_plan(path)[0]):
            fields = _text_fields(loaded, unset=False)
            assert [p for _, _, p in fields] == paths
            for owner, name, where in fields:
                assert getattr(owner, name) == CLEAN, where

    def test_crlf_in_a_file_is_normalised(self, tmp_path: Path) -> None:
        """Text with CRLF line ends in a TOML file is loaded with LF."""
        path = tmp_path / "plan.toml"
        path.write_text(
            'title = "a\\r\\nb"\n[assumptions]\nsla = """x\r\ny"""\n', encoding="utf-8", newline=""
        )
        for plan in (store.load(path).plan, store.read_plan(path)[0]):
            assert (plan.title, plan.assumptions.sla) == ("a\nb", "x\ny")


def _dirty_strings(data: Any) -> None:
    """Replace every free-text string in a dumped plan with DIRTY, in place."""
    items = data.items() if isinstance(data, dict) else enumerate(data)
    for key, value in list(items):
        if isinstance(value, dict | list):
            _dirty_strings(value)
        elif isinstance(value, Enum):
            data[key] = value.value
        elif isinstance(value, str) and key not in NOT_TEXT:
            data[key] = DIRTY


class TestUtcTimes:
    def test_done_at_with_an_offset_becomes_utc(self) -> None:
        """A done_at with a +02:00 offset is stored as the same instant in UTC."""
        local = dt.datetime(2026, 11, 21, 5, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=2)))
        item = ChecklistItem(id="a-1", done=True, done_at=local)
        assert item.done_at == local
        assert item.done_at is not None and item.done_at.utcoffset() == dt.timedelta(0)
        assert item.done_at.hour == 3

    def test_naive_done_at_is_taken_as_utc(self) -> None:
        """A done_at without an offset is read as UTC, not as local time."""
        item = ChecklistItem(id="a-1", done_at=dt.datetime(2026, 11, 21, 3, 4, 5))
        assert item.done_at == dt.datetime(2026, 11, 21, 3, 4, 5, tzinfo=dt.UTC)

    def test_done_at_is_normalised_on_assignment(self) -> None:
        """Assigning a local time to done_at stores it in UTC."""
        item = ChecklistItem(id="a-1")
        item.done_at = dt.datetime(2026, 1, 1, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
        assert item.done_at == dt.datetime(2026, 1, 1, 5, 30, tzinfo=dt.UTC)
        assert item.done_at.tzinfo is dt.UTC

    def test_done_at_loaded_from_a_file_is_utc(self, tmp_path: Path) -> None:
        """A done_at written with an offset in the file is UTC once loaded."""
        path = tmp_path / "plan.toml"
        path.write_text(
            '[[procedure.option_a]]\nid = "a-1"\ntext = "x"\ndone = true\n'
            'done_at = 2026-11-21T05:04:05+02:00\ndone_by = "sam"\n'
        )
        for plan in (store.load(path).plan, store.read_plan(path)[0]):
            item = plan.item("a-1")
            assert item is not None and item.done_at is not None
            assert item.done_at.tzinfo is dt.UTC and item.done_at.hour == 3

    def test_timeline_times_are_utc(self) -> None:
        """Timeline events are stored in UTC."""
        event = TimelineEvent(
            at=dt.datetime(2026, 1, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=9))), event="note"
        )
        assert event.at == dt.datetime(2026, 1, 1, 3, tzinfo=dt.UTC)


class TestTicking:
    def test_tick_records_who_and_when(self) -> None:
        """Ticking sets done, done_at and done_by and appends a tick event."""
        plan = new_plan(feature_flag="f")
        at = dt.datetime(2026, 11, 21, 3, 4, 5, tzinfo=dt.UTC)
        assert set_done(plan, "a-1", True, "sam", at=at) is True
        item = plan.item("a-1")
        assert item is not None
        assert (item.done, item.done_at, item.done_by) == (True, at, "sam")
        assert [(e.event, e.item, e.by, e.at) for e in plan.timeline] == [
            ("tick", "a-1", "sam", at)
        ]

    def test_untick_clears_the_state_and_appends(self) -> None:
        """Unticking clears the state; the timeline keeps both events."""
        plan = new_plan(feature_flag="f")
        set_done(plan, "a-1", True, "sam")
        assert set_done(plan, "a-1", False, "lee") is True
        item = plan.item("a-1")
        assert item is not None and (item.done, item.done_at, item.done_by) == (False, None, None)
        assert [e.event for e in plan.timeline] == ["tick", "untick"]

    def test_ticking_twice_changes_nothing(self) -> None:
        """Ticking an item already done records nothing new."""
        plan = new_plan(feature_flag="f")
        set_done(plan, "a-1", True, "sam")
        assert set_done(plan, "a-1", True, "sam") is False
        assert len(plan.timeline) == 1

    def test_unknown_id_raises(self) -> None:
        """Ticking an id that is not in the plan raises KeyError."""
        with pytest.raises(KeyError):
            set_done(new_plan(), "nope-1", True, "sam")


def test_items_held_are_items_with_the_tables_that_hold_them() -> None:
    """Plan.items_held finds, in one walk, what item() finds for each id, with the
    top-level table holding it: the tables a tick's save compares (KnownChanges.of finds
    the same ones walking the plan itself)."""
    from rollback_tui.store.known_changes import KnownChanges

    plan = new_plan(title="t", components=["api", "web", "db"])
    plan.post_rollback[0].items.append(plan.new_item("post", "Check the dashboards"))
    ids = [item.id for _, _, item in plan.checklist()]
    holders = {
        id(plan.procedure): plan.procedure,
        **{id(c): c for c in plan.components},
        id(plan.communications): plan.communications,
        **{id(g): g for g in plan.post_rollback},
        id(plan.followup): plan.followup,
    }
    for wanted in ([], ids[:1], ids[-1:], ids[::3], [*ids, "no-such-id"], ["nope"]):
        found = plan.items_held(wanted)
        assert list(found) == [i for i in dict.fromkeys(ids) if i in wanted]
        for item_id, (item, holder) in found.items():
            assert item is plan.item(item_id)
            assert id(holder) in holders
        known = KnownChanges.of(plan, frozenset(wanted))
        assert known.holders == frozenset(id(holder) for _, holder in found.values())
    # The first of two items with one id, as item() finds it.
    twin = plan.components[2].steps[0]
    plan.components[2].steps.append(ChecklistItem(id=twin.id, text="again"))
    assert plan.items_held([twin.id])[twin.id] == (twin, plan.components[2])
