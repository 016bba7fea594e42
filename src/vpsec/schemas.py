"""JSON Schemas of every kind, generated from the models, for editors and `vpsec schema`."""

from __future__ import annotations

import json
from typing import Any

from vpsec.models import KINDS, WorkspaceConfig

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_names() -> list[str]:
    """Schema names: the kinds in lower case, and `workspace`."""
    return [kind.lower() for kind in KINDS] + ["workspace"]


def schema_for(name: str) -> dict[str, Any]:
    """The JSON Schema of one kind (`transfer`) or of `workspace` (vpsec.yaml)."""
    models = {kind.lower(): model for kind, model in KINDS.items()}
    model = WorkspaceConfig if name == "workspace" else models.get(name)
    if model is None:
        raise KeyError(name)
    schema = model.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": DIALECT, "$id": f"{name}.json", **schema}


def schema_text(name: str) -> str:
    return json.dumps(schema_for(name), indent=2, ensure_ascii=False, sort_keys=False) + "\n"
