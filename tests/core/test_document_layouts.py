"""A save never loses what a hand-written layout holds.

TOML lets a person write a table inline, begin it with dotted keys and continue it under
a header, or put a sub-table's header before its table's. tomlkit hands such tables back
as inline tables or as proxies over several parts; a save must write the plan's keys
into them and keep every key the plan does not know, whatever the edit.
"""

from __future__ import annotations

import random
import tomllib
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from plan_edits import EXAMPLE, edit, loaded

from rollback_tui.plan import Plan
from rollback_tui.store import document as plan_document

TOP = 'feature_flag = "checkout_v2"\n'
"""The example's last key before its first header: where keys are added at the top."""


def _keys(text: str, header: str) -> list[str]:
    """The key lines under the first *header* of *text*, up to the blank line ending them."""
    start = text.index(header + "\n") + len(header) + 1
    return text[start : text.index("\n\n", start)].splitlines()


def _layouts() -> dict[str, str]:
    text = EXAMPLE.read_text()
    decision = _keys(text, "[decision]")
    assumptions = _keys(text, "[assumptions]")
    triggers = text[text.index("[[triggers]]") : text.index("[decision]")]
    rows = [
        "{ " + ", ".join(_keys(f"[[triggers]]\n{row}\n", "[[triggers]]")) + ', team = "sre" }'
        for row in triggers.split("[[triggers]]\n")[1:]
    ]
    inline = text.replace(triggers, "").replace("[decision]\n" + "\n".join(decision) + "\n\n", "")
    inline = inline.replace(
        TOP,
        TOP
        + "decision = { "
        + ", ".join(['owner_note = "ask Sam"', *decision])
        + " }\ntriggers = ["
        + ", ".join(rows)
        + "]\n",
    )
    dotted = text.replace(
        "[assumptions]\n" + "\n".join(assumptions) + "\n", "[assumptions.notes]\nseen = 1\n"
    )
    dotted = dotted.replace(TOP, TOP + "".join(f"assumptions.{line}\n" for line in assumptions))
    return {
        # [decision] inline with a key of its own; [[triggers]] as an array of inline tables.
        "inline": inline,
        # [assumptions] begun with dotted keys at the top, continued by a sub-table.
        "dotted": dotted,
        # A sub-table's header before its table's.
        "sub-table first": text.replace(
            "[decision]\n", "[decision.extra]\nlevel = 3\n\n[decision]\n"
        ),
    }


LAYOUTS = _layouts()


def _unknown(data: Any, model: Any, prefix: str = "") -> dict[str, Any]:
    """Every key of *data* that the plan's models do not define, by its dotted path."""
    found: dict[str, Any] = {}
    if not isinstance(data, dict):
        return found
    fields = type(model).model_fields
    for key, value in data.items():
        if key not in fields:
            found[prefix + key] = value
            continue
        sub = getattr(model, key)
        if isinstance(sub, list) and isinstance(value, list):
            for i, (entry, item) in enumerate(zip(value, sub, strict=False)):
                found |= _unknown(entry, item, f"{prefix}{key}[{getattr(item, 'id', i)}].")
        elif hasattr(type(sub), "model_fields"):
            found |= _unknown(value, sub, f"{prefix}{key}.")
    return found


def _dump(plan: Plan) -> dict[str, Any]:
    return plan.model_dump(mode="json")


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_the_layouts_are_what_they_claim(name: str) -> None:
    text = LAYOUTS[name]
    data = tomllib.loads(text)
    assert _dump(Plan.model_validate(data)) == _dump(loaded(EXAMPLE.read_text()))
    assert _unknown(data, Plan.model_validate(data))
    document = plan_document.parse(text)
    kinds = {type(document[key]).__name__ for key in ("decision", "assumptions", "triggers")}
    assert kinds & {"InlineTable", "OutOfOrderTableProxy", "Array"}


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_a_change_in_the_split_table_keeps_its_other_keys(name: str) -> None:
    text = LAYOUTS[name]
    plan = loaded(text)
    plan.decision.severity = "Any outage"
    plan.assumptions.backups = "changed"
    plan.triggers[0].threshold = ">1%"
    out = plan_document.dumps(plan_document.parse(text), plan, fresh=False)[1]
    data = tomllib.loads(out)
    assert _dump(Plan.model_validate(data)) == _dump(plan)
    assert _unknown(data, plan) == _unknown(tomllib.loads(text), loaded(text))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(LAYOUTS)), seed=st.integers(0, 2**32), edits=st.integers(1, 4))
def test_any_edit_keeps_every_unknown_key(name: str, seed: int, edits: int) -> None:
    rng = random.Random(seed)
    text = LAYOUTS[name]
    before = tomllib.loads(text)
    plan = loaded(text)
    done = [edit(plan, rng) for _ in range(edits)]
    out = plan_document.dumps(plan_document.parse(text), plan, fresh=False)[1]
    data = tomllib.loads(out)
    assert _dump(Plan.model_validate(data)) == _dump(plan), done
    # Triggers have no ids: a row's own keys stay with its place in the array, so they
    # go only with the places the edit removed; every other key stays.
    left = len(plan.triggers)
    expected = {
        k: v
        for k, v in _unknown(before, loaded(text)).items()
        if not k.startswith("triggers[") or int(k[9 : k.index("]")]) < left
    }
    assert {k: v for k, v in _unknown(data, plan).items() if k in expected} == expected, done
