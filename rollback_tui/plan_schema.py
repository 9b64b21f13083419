"""The JSON Schema of the plan file, made from the plan's pydantic models.

Editors validate and complete the TOML with it (Taplo / Even Better TOML read a
``#:schema`` directive at the top of the file). The field descriptions are the models'
attribute docstrings.
"""

from __future__ import annotations

import ast
import functools
import inspect
import json
import re
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from rollback_tui.plan import model as plan_model
from rollback_tui.plan.model import SCHEMA_VERSION, Plan

if TYPE_CHECKING:
    from rollback_tui.store import PlanFile

DIALECT = "https://json-schema.org/draft/2020-12/schema"
DIRECTIVE = "#:schema"


def attribute_docstrings(module: Any) -> dict[str, dict[str, str]]:
    """The docstring under each annotated attribute of each class in *module*'s source:
    {class name: {attribute: docstring}}."""
    found: dict[str, dict[str, str]] = {}
    for node in ast.parse(inspect.getsource(module)).body:
        if not isinstance(node, ast.ClassDef):
            continue
        docs = found.setdefault(node.name, {})
        for statement, after in zip(node.body, node.body[1:], strict=False):
            if (
                isinstance(statement, ast.AnnAssign)
                and isinstance(statement.target, ast.Name)
                and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            ):
                docs[statement.target.id] = inspect.cleandoc(after.value.value)
    return found


@functools.cache
def _describe_fields() -> None:
    """Give the plan's fields their attribute docstrings as descriptions (once): the models
    are rebuilt in the order they are defined, so that each one embeds described parts."""
    docs = attribute_docstrings(plan_model)
    for value in vars(plan_model).values():
        if not (isinstance(value, type) and issubclass(value, BaseModel)):
            continue
        changed = False
        for name, info in value.model_fields.items():
            doc = docs.get(value.__name__, {}).get(name)
            if doc and info.description is None:
                info.description = doc
                changed = True
        if changed:
            value.model_rebuild(force=True)


def plan_schema() -> dict[str, Any]:
    """The plan file's JSON Schema (draft 2020-12), as a dict."""
    _describe_fields()
    schema = Plan.model_json_schema(mode="validation")
    schema = {"$schema": DIALECT, "title": "rollback-tui plan", **schema}
    schema["title"] = "rollback-tui plan"
    version = schema["properties"]["schema_version"]
    # A newer schema_version is refused on load: the editor says so as well.
    version.update({"minimum": 1, "maximum": SCHEMA_VERSION})
    return schema


def schema_text() -> str:
    """The schema as indented JSON, ending with a newline."""
    return json.dumps(plan_schema(), indent=2, ensure_ascii=False) + "\n"


_NOT_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
"""What a schema location cannot hold: a line break of any kind (it must stay on the
plan's first line, a comment) or another control character."""


def valid_location(location: str) -> bool:
    """Whether *location* can name the schema on a plan's first line."""
    return bool(location.strip()) and _NOT_ONE_LINE.search(location) is None


def directive(location: str) -> str:
    """The first line of a plan file that points editors at the schema at *location*."""
    if not valid_location(location):
        raise ValueError(f"not a schema location on one line: {location!r}")
    return f"{DIRECTIVE} {location}\n"


def configured_location() -> str | None:
    """The schema location the user config names for new plans, if any (a config that
    cannot be read names none: the theme code reports it)."""
    from rollback_tui import user_config

    try:
        location = user_config.load_config().plan_schema
    except user_config.ConfigError:
        return None
    # One that is not one line would add lines to every new plan: ignored (`themes` and
    # the app say what is wrong with the config).
    return location if location and valid_location(location) else None


def start_with_directive(plan_file: PlanFile, location: str | None) -> None:
    """Make a plan not yet written start with a `#:schema` line naming *location*."""
    if location and plan_file.fresh and not plan_file.source:
        plan_file.source = directive(location)
