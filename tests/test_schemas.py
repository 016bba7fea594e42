"""schemas/ is derived from the models: it must never drift, and must accept the example."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

from conftest import EXAMPLE, REPO
from vpsec.schemas import schema_names, schema_text

SCHEMAS = REPO / "schemas"


@pytest.mark.parametrize("name", schema_names())
def test_committed_schema_is_current(name: str) -> None:
    committed = (SCHEMAS / f"{name}.json").read_text(encoding="utf-8")
    assert committed == schema_text(name), (
        f"schemas/{name}.json is stale: run `vpsec schema --output schemas`"
    )


def test_no_stray_schema_files() -> None:
    assert sorted(p.stem for p in SCHEMAS.glob("*.json")) == sorted(schema_names())


def _as_json(value: object) -> object:
    return json.loads(json.dumps(value, default=str))


@pytest.mark.parametrize("path", sorted(EXAMPLE.rglob("*.yaml")), ids=lambda p: p.name)
def test_example_records_pass_the_json_schema(path: Path) -> None:
    document = _as_json(YAML(typ="safe").load(path.read_text(encoding="utf-8")))
    assert isinstance(document, dict)
    name = "workspace" if path.name == "vpsec.yaml" else str(document["kind"]).lower()
    schema = json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(document, schema, cls=jsonschema.Draft202012Validator)


def test_schema_rejects_unknown_field() -> None:
    schema = json.loads((SCHEMAS / "transfer.json").read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"recieve": True}, schema)
