"""copy_model: the copy a thread saves equals the plan, writes the same bytes, and shares
nothing mutable with it, whatever field a model has or gains."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationError, field_validator

from rollback_tui import store
from rollback_tui.plan import Plan, new_plan
from rollback_tui.plan import model as plan_models
from rollback_tui.plan.copying import copy_model
from rollback_tui.plan.model import Component, Metrics, RunInfo, Trigger
from rollback_tui.plan.timeline import record, set_done, set_outcome
from rollback_tui.render import render_markdown

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plan.toml"
AT = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
IMMUTABLE = (str, int, float, bool, type(None), dt.date, dt.datetime, dt.time, dt.timedelta)


def large_plan(components: int = 300) -> Plan:
    """A generated plan as the benchmarks make it, with every kind of value set: ticks,
    outcomes, timeline events, a run, dates and drill times."""
    plan = new_plan(
        title="Checkout v2",
        incident="Card payments fail",
        version="v2.4.0",
        target_version="v2.3.1",
        db_impact=True,
        feature_flag="checkout_v2",
        components=[f"service-{i}" for i in range(components)],
    )
    items = [item.id for _, _, item in plan.checklist()]
    for n, item_id in enumerate(items[::7]):
        set_done(plan, item_id, True, "ana", AT + dt.timedelta(seconds=n))
    set_outcome(plan, items[1], "skipped", "bo", "not needed here", AT)
    set_outcome(plan, items[2], "failed", "bo", "timed out", AT)
    record(plan, "note", "ana", text="paged the on-call", at=AT)
    plan.procedure.option_a_drilled = 42
    plan.last_reviewed = dt.date(2026, 2, 1)
    plan.run = RunInfo(kind="drill", label="game day", started=AT, plan="plan.toml")
    plan.metrics = Metrics(prometheus_url="http://127.0.0.1:9090", interval=15)
    plan.triggers[0].query = "up == 0"
    plan.procedure.option_a[0].verify = [plan.triggers[0].trigger]
    return plan


def example_file() -> store.PlanFile:
    return store.load(EXAMPLE)


PLANS = pytest.mark.parametrize(
    "make", [lambda: example_file().plan, large_plan], ids=["example", "large"]
)


def walk(value: Any, path: str = "plan") -> Iterator[tuple[str, Any]]:
    """(path, value) for *value* and everything inside it: models (their fields, extra and
    private values and fields-set), lists, tuples, sets and dicts."""
    yield path, value
    if isinstance(value, BaseModel):
        yield f"{path}.<fields set>", value.__pydantic_fields_set__
        for name, field_value in value.__dict__.items():
            yield from walk(field_value, f"{path}.{name}")
        for name, extra in (value.__pydantic_extra__ or {}).items():
            yield from walk(extra, f"{path}.<extra {name}>")
        for name, private in (getattr(value, "__pydantic_private__", None) or {}).items():
            yield from walk(private, f"{path}.<private {name}>")
    elif isinstance(value, list | tuple | set | frozenset):
        for index, element in enumerate(value):
            yield from walk(element, f"{path}[{index}]")
    elif isinstance(value, dict):
        for key, element in value.items():
            yield from walk(element, f"{path}[{key!r}]")


def shared_mutables(original: Any, twin: Any) -> list[str]:
    """The paths in *twin* of objects that are also in *original* and could change."""
    mutable = {
        id(value): value
        for _, value in walk(original)
        if not isinstance(value, IMMUTABLE) and not isinstance(value, tuple | frozenset)
    }
    return [path for path, value in walk(twin) if id(value) in mutable]


def fields_sets(model: Any) -> list[tuple[str, set[str]]]:
    return [(path, set(value)) for path, value in walk(model) if path.endswith("<fields set>")]


def mutate_everything(model: Any) -> int:
    """Change every list (a new element), dict (a new key, each value replaced), set and
    model (each string field, its fields-set) reachable from *model*; how many changes."""
    targets = [value for _, value in walk(model)]
    changes = 0
    for value in targets:
        if isinstance(value, BaseModel):
            for name, field_value in list(value.__dict__.items()):
                if isinstance(field_value, str):
                    value.__dict__[name] = field_value + " (changed)"
                    changes += 1
            value.__pydantic_fields_set__.add("changed")
        elif isinstance(value, list):
            value.append("added")
        elif isinstance(value, dict):
            for key in list(value):
                value[key] = "replaced"
            value["added"] = 1
        elif isinstance(value, set):
            value.add("added")
        else:
            continue
        changes += 1
    return changes


# -- the same plan, the same bytes -------------------------------------------------------


@PLANS
def test_the_copy_equals_the_plan(make: Any) -> None:
    plan = make()
    twin = copy_model(plan)
    assert type(twin) is Plan
    assert twin == plan
    assert twin.model_dump() == plan.model_dump()
    assert fields_sets(twin) == fields_sets(plan)


def test_the_copy_of_the_example_saves_the_same_bytes(tmp_path: Path) -> None:
    """Both files written from the copy are byte for byte those written from the plan,
    through the patch of the loaded text (the example, ticked and noted since loading)."""
    mine, theirs = tmp_path / "plan", tmp_path / "copy"
    mine.mkdir()
    theirs.mkdir()
    for folder in (mine, theirs):
        (folder / "plan.toml").write_bytes(EXAMPLE.read_bytes())
    original = store.load(mine / "plan.toml")
    item_id = original.plan.checklist()[0][2].id
    set_done(original.plan, item_id, True, "ana", AT)
    record(original.plan, "note", "ana", text="rolled back", at=AT)
    original.plan.components[0].steps[0].text = "Drain the pods"
    twin = store.load(theirs / "plan.toml")
    twin.plan = copy_model(original.plan)
    store.save(original)
    store.save(twin)
    for name in ("plan.toml", "plan.md"):
        assert (theirs / name).read_bytes() == (mine / name).read_bytes()
    assert "Drain the pods" in (theirs / "plan.toml").read_text()


def test_the_copy_of_a_large_plan_saves_the_same_bytes(tmp_path: Path) -> None:
    plan = large_plan()
    twin = copy_model(plan)
    assert store.dumps(store.new_file(tmp_path / "b.toml", twin)) == store.dumps(
        store.new_file(tmp_path / "a.toml", plan)
    )
    assert render_markdown(twin) == render_markdown(plan)


# -- nothing mutable shared ----------------------------------------------------------------


@PLANS
def test_no_mutable_object_is_shared(make: Any) -> None:
    """Walking every field of the copy meets no list, dict, set or model of the plan."""
    plan = make()
    assert shared_mutables(plan, copy_model(plan)) == []


@PLANS
def test_changing_everything_in_the_plan_leaves_the_copy_alone(make: Any) -> None:
    plan = make()
    twin = copy_model(plan)
    before, sets_before = copy.deepcopy(twin), fields_sets(twin)
    assert mutate_everything(plan) > 100
    assert twin == before
    assert fields_sets(twin) == sets_before


def test_the_edits_of_a_checklist_leave_the_copy_alone() -> None:
    """What the UI does between the copy and the end of its save: a tick, a step's text,
    a timeline event, a component added, a run."""
    plan = large_plan(20)
    twin = copy_model(plan)
    before = copy.deepcopy(twin)
    open_id = next(item.id for _, _, item in plan.checklist() if item.state == "open")
    set_done(plan, open_id, True, "ana", AT)
    plan.components[3].steps[1].text = "Another step"
    plan.components[3].steps.append(plan.new_item("x", "new"))
    record(plan, "note", "bo", text="all clear", at=AT)
    plan.components.append(Component(name="late"))
    plan.triggers[0].threshold = "2%"
    assert plan.run is not None
    plan.run.label = "incident 7"
    assert twin == before
    assert twin.item(open_id) is not None and twin.item(open_id).state == "open"  # type: ignore[union-attr]


# -- any field, of any model -------------------------------------------------------------


class Tagged(Component):
    """A component with fields the plan's models do not have (yet): every shape of value."""

    model_config = ConfigDict(extra="allow", validate_assignment=True)

    tags: list[str] = []
    limits: dict[str, list[int]] = {}
    pair: tuple[list[int], str] = ([], "")
    frozen: tuple[int, str] = (0, "")
    nested: Trigger = Trigger()
    maybe: Trigger | None = None
    when: dt.datetime | None = None
    _seen: list[str] = PrivateAttr(default_factory=list)


def tagged() -> Tagged:
    model = Tagged(
        name="api",
        steps=[{"id": "api-1", "text": "Roll back"}],  # type: ignore[list-item]
        tags=["a", "b"],
        limits={"cpu": [1, 2], "memory": [3]},
        pair=([1, 2], "p"),
        frozen=(1, "f"),
        nested={"trigger": "errors", "threshold": "1%"},  # type: ignore[arg-type]
        maybe={"trigger": "latency"},  # type: ignore[arg-type]
        when=AT,
        surplus=[1, 2],  # type: ignore[call-arg]  # an extra key, kept by extra="allow"
    )
    model._seen.append("x")
    return model


def test_fields_a_model_gains_are_copied_too() -> None:
    model = tagged()
    twin = copy_model(model)
    assert type(twin) is Tagged
    assert twin == model
    assert twin.model_dump() == model.model_dump()
    assert twin.__pydantic_extra__ == {"surplus": [1, 2]}
    assert twin._seen == ["x"]
    assert twin.frozen is model.frozen  # immutable all through: shared
    assert shared_mutables(model, twin) == []
    before = copy.deepcopy(twin)
    model.limits["cpu"].append(9)
    model.limits["disk"] = [1]
    model.pair[0].append(3)
    model.nested.threshold = "5%"
    model.tags.append("c")
    model._seen.append("y")
    assert model.__pydantic_extra__ is not None
    model.__pydantic_extra__["surplus"].append(3)
    assert mutate_everything(model) > 10
    assert twin == before
    assert twin._seen == ["x"]


def test_every_field_of_every_plan_model_is_in_the_copy() -> None:
    """Field by field from `model_fields`: a field the copy forgot would be missing."""
    plan = large_plan(3)
    twin = copy_model(plan)
    pairs: list[tuple[BaseModel, BaseModel]] = [(plan, twin)]
    checked, seen = 0, set()
    while pairs:
        original, copied = pairs.pop()
        seen.add(type(copied))
        for name in type(original).model_fields:
            assert name in copied.__dict__, name
            value, copied_value = getattr(original, name), getattr(copied, name)
            assert copied_value == value, name
            checked += 1
            if isinstance(value, BaseModel):
                pairs.append((value, copied_value))
            elif isinstance(value, list):
                pairs += [
                    (a, b)
                    for a, b in zip(value, copied_value, strict=True)
                    if isinstance(a, BaseModel)
                ]
    assert checked > 400
    every_model = {
        value
        for value in vars(plan_models).values()
        if isinstance(value, type)
        and issubclass(value, plan_models._Model)
        and value is not plan_models._Model
    }
    assert seen == every_model


VALIDATED: list[str] = []


class Counted(BaseModel):
    model_config = ConfigDict(validate_assignment=True)
    text: str = ""
    items: list[Trigger] = []

    @field_validator("text")
    @classmethod
    def _count(cls, value: str) -> str:
        VALIDATED.append(value)
        return value.strip()


def test_nothing_is_validated_again_and_the_copy_still_validates() -> None:
    model = Counted(text=" a ", items=[Trigger(trigger="x")])
    VALIDATED.clear()
    twin = copy_model(model)
    assert VALIDATED == []
    assert twin == model and twin.model_fields_set == {"text", "items"}
    twin.text = " b "  # the copy is a full model: assignments are validated
    assert twin.text == "b" and model.text == "a"
    with pytest.raises(ValidationError):
        twin.items = "not a list"  # type: ignore[assignment]


def test_a_detached_plan_file_shares_nothing() -> None:
    """PlanFile.detached (the recovery file's copy, written by a worker) uses the same copy."""
    plan_file = example_file()
    scratch = plan_file.detached()
    assert scratch.plan == plan_file.plan
    assert shared_mutables(plan_file.plan, scratch.plan) == []
    assert scratch.unknown_keys is not plan_file.unknown_keys
