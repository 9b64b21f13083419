"""The JSON Schema of the plan file, made from the plan's pydantic models.

Editors validate and complete the TOML with it (Taplo / Even Better TOML read a
``#:schema`` directive at the top of the file). The field descriptions are the models'
attribute docstrings.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from rollback_tui.plan.model import SCHEMA_VERSION, Plan

if TYPE_CHECKING:
    from rollback_tui.store import PlanFile

DIALECT = "https://json-schema.org/draft/2020-12/schema"
DIRECTIVE = "#:schema"


def plan_schema() -> dict[str, Any]:
    """The plan file's JSON Schema (draft 2020-12), as a dict."""
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


def directive(location: str) -> str:
    """The first line of a plan file that points editors at the schema at *location*."""
    return f"{DIRECTIVE} {location}\n"


def configured_location() -> str | None:
    """The schema location the user config names for new plans, if any (a config that
    cannot be read names none: the theme code reports it)."""
    from rollback_tui import themes

    try:
        return themes.load_config().plan_schema
    except themes.ConfigError:
        return None


def start_with_directive(plan_file: PlanFile, location: str | None) -> None:
    """Make a plan not yet written start with a `#:schema` line naming *location*."""
    if location and plan_file.fresh and not plan_file.source:
        plan_file.source = directive(location)
