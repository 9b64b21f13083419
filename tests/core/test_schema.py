"""`rollback-tui schema`: the plan file's JSON Schema, checked by an outside validator."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from rollback_tui import store
from rollback_tui.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plan.toml"
VALIDATOR = Path(sys.executable).parent / "check-jsonschema"


@pytest.fixture(scope="module")
def schema_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The schema as `rollback-tui schema` prints it, saved to a file."""
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0, result.output
    path = tmp_path_factory.mktemp("schema") / "plan.schema.json"
    path.write_text(result.stdout)
    return path


def validate(schema: Path, plan: Path) -> subprocess.CompletedProcess[str]:
    """check-jsonschema (from PyPI, in the test extras) on the plan's TOML."""
    assert VALIDATOR.exists() or shutil.which("check-jsonschema"), (
        "check-jsonschema is missing: install the test extras (make .venv/.installed)"
    )
    command = str(VALIDATOR) if VALIDATOR.exists() else "check-jsonschema"
    return subprocess.run(
        [command, "--schemafile", str(schema), str(plan)],
        capture_output=True,
        text=True,
        timeout=120,
    )


class TestSchema:
    def test_made_from_the_models_with_descriptions(self, schema_file: Path) -> None:
        """Draft 2020-12, every plan field, descriptions from the attribute docstrings."""
        schema = json.loads(schema_file.read_text())
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert (
            schema["properties"]["version"]["description"]
            == "The live version being rolled back ($VERSION)."
        )
        item = schema["$defs"]["ChecklistItem"]["properties"]
        assert item["done_at"]["anyOf"][0]["format"] == "date-time"
        assert "pattern" in item["id"]
        assert schema["properties"]["schema_version"]["maximum"] == 1

    def test_every_field_is_described(self, schema_file: Path) -> None:
        """Each field has a description (its docstring), or is a table described by its
        model's docstring."""
        schema = json.loads(schema_file.read_text())
        models = [schema, *schema["$defs"].values()]
        for model in models:
            for name, prop in model.get("properties", {}).items():
                described = (
                    "description" in prop or "$ref" in prop or "$ref" in prop.get("items", {})
                )
                assert described, (model["title"], name)
        assert all("description" in model for model in schema["$defs"].values())

    def test_validator_accepts_the_example(self, schema_file: Path) -> None:
        """check-jsonschema reads the example's TOML and finds nothing."""
        done = validate(schema_file, EXAMPLE)
        assert done.returncode == 0, done.stdout + done.stderr

    @pytest.mark.parametrize(
        ("old", "new", "where"),
        [
            ("db_impact = true", 'db_impact = "maybe"', "$.db_impact"),
            ('deployment_type = "rolling"', 'deployment_type = "big-bang"', "$.deployment_type"),
            ('name = "Dana Kim"', "name = 7", "$.contacts[0].name"),
        ],
    )
    def test_validator_rejects_a_wrong_type(
        self, schema_file: Path, tmp_path: Path, old: str, new: str, where: str
    ) -> None:
        """A wrong type or value is reported at its field."""
        plan = tmp_path / "plan.toml"
        plan.write_text(EXAMPLE.read_text().replace(old, new, 1))
        done = validate(schema_file, plan)
        assert done.returncode == 1, done.stdout
        assert where in done.stdout


class TestSchemaDirective:
    def test_new_writes_it_and_saves_keep_it(self, tmp_path: Path, schema_file: Path) -> None:
        """`new --schema` starts the file with the directive; a whole-file save and a tick
        (a patched save) keep it; the validator accepts the new plan."""
        path = tmp_path / "plan.toml"
        result = CliRunner().invoke(
            main, ["new", str(path), "--title", "t", "--schema", str(schema_file)]
        )
        assert result.exit_code == 0, result.output
        first = f"#:schema {schema_file}"
        assert path.read_text().splitlines()[0] == first
        plan_file = store.load(path)
        plan_file.plan.title = "changed"
        plan_file.plan.components = []
        store.save(plan_file)
        assert CliRunner().invoke(main, ["tick", str(path), "a-1"]).exit_code == 0
        text = path.read_text()
        assert text.splitlines()[0] == first and 'title = "changed"' in text
        assert validate(schema_file, path).returncode == 0

    def test_user_config_names_it_for_every_new_plan(
        self, tmp_path: Path, private_user_dirs: Path
    ) -> None:
        """`plan_schema` in the user config: `new` and the wizard's new plans start with
        the directive; an existing plan is opened as it is."""
        from rollback_tui.opening import open_plan

        config = private_user_dirs / "user-config"
        config.mkdir(exist_ok=True)
        (config / "config.toml").write_text('plan_schema = "./plan.schema.json"\n')
        path = tmp_path / "by-new.toml"
        assert CliRunner().invoke(main, ["new", str(path), "--title", "t"]).exit_code == 0
        assert path.read_text().startswith("#:schema ./plan.schema.json\nschema_version = 1\n")
        plan_file, untitled, loaded = open_plan(tmp_path / "by-wizard.toml")
        assert (untitled, loaded) == (False, False)
        plan_file.plan.title = "t"
        store.save(plan_file)
        assert plan_file.path.read_text().startswith("#:schema ./plan.schema.json\n")
        existing = tmp_path / "plain.toml"
        existing.write_bytes(EXAMPLE.read_bytes())
        assert open_plan(existing)[0].source == EXAMPLE.read_text()
        assert open_plan(None)[0].source == "#:schema ./plan.schema.json\n"
