"""Export then import gives the same records, for every kind, through xlsx and through CSV.

Workspaces are generated from each kind's JSON Schema (every field, optional
parts present or not, awkward text: formula triggers, quotes, YAML
punctuation, accents, tabs and line breaks inside text, dates before 1900),
written as JSON files (JSON is YAML), exported, and imported into an empty
workspace; the loader's records must compare equal. An empty list, an empty
string and an absent field read the same in a spreadsheet, so they compare
the same here. Derandomized and kept to a few examples, so it runs in seconds.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from conftest import MINIMAL_CONFIG, RunCli
from vpsec.load.source import open_workspace
from vpsec.models import KINDS

SETTINGS = settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    database=None,
    # No shrinking: each example is a whole export and import; a failure shows it unshrunk.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
# One rule keeps the findings column in the export, and the runs quick.
CONFIG = MINIMAL_CONFIG + "rules:\n  select: [TRF001]\n"
SITES = ("site-a", "site-b")
# Text that a spreadsheet, a CSV parser or a YAML writer could mistake for something else.
_PIECES = st.sampled_from(
    [*list("abcXYZ019 éñü-_.,:#'\"=+@!?%&*()[]{}|<>/\\"), "\t", "\n", "\r\n", "ק", "👩🏽"]
)
TEXT = st.lists(_PIECES, min_size=1, max_size=12).map("".join).map(str.strip).filter(bool)
# A list item cannot hold the list separator or a line break.
ITEM = (
    TEXT.map(lambda t: t.replace(";", ",").replace("\n", " ").replace("\r", ""))
    .map(str.strip)
    .filter(bool)
)
STARTS = st.sampled_from(["", "=", "+", "-", "@", "'=", "yes", "12"])


def _resolve(schema: dict[str, Any], defs: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    optional = False
    if "anyOf" in schema:
        options = [o for o in schema["anyOf"] if o.get("type") != "null"]
        optional = len(options) < len(schema["anyOf"])
        schema = {**options[0], **{k: v for k, v in schema.items() if k != "anyOf"}}
    if "$ref" in schema:
        schema = {**defs[schema["$ref"].rsplit("/", 1)[-1]], **schema}
        schema.pop("$ref")
    return schema, optional


def _value(schema: dict[str, Any], defs: dict[str, Any], in_list: bool = False) -> Any:
    schema, _ = _resolve(schema, defs)
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return st.integers(int(schema.get("minimum", 0)), 5_000)
    if kind == "number":
        return st.one_of(
            st.integers(0, 10**9),
            st.floats(0, 1e9, allow_nan=False, allow_infinity=False).map(lambda f: round(f, 2)),
        )
    if kind == "string" and schema.get("format") == "date":
        return st.dates(date(1850, 1, 1), date(2100, 12, 31)).map(date.isoformat)
    if kind == "string":
        if in_list:
            return ITEM
        return st.builds(lambda start, text: (start + text).strip(), STARTS, TEXT).filter(bool)
    if kind == "array":
        items = schema.get("items", {})
        return st.lists(
            _value(items, defs, in_list=True), min_size=schema.get("minItems", 0), max_size=3
        )
    if kind == "object" and "properties" in schema:
        return _object(schema, defs)
    return st.dictionaries(st.sampled_from(["line", "code"]), TEXT, max_size=2)


def _object(schema: dict[str, Any], defs: dict[str, Any]) -> Any:
    props = schema["properties"]
    needed = set(schema.get("required", ()))
    required = {name: _value(props[name], defs) for name in props if name in needed}
    optional = {name: _value(props[name], defs) for name in props if name not in needed}
    return st.fixed_dictionaries(required, optional=optional)


def _fix_references(kind: str, record: dict[str, Any], number: int) -> dict[str, Any]:
    """Point every reference at a generated site, or drop it; keep cross-field rules."""
    model = KINDS[kind]
    for spec in model.REFERENCES:
        name = spec.path[0]
        if spec.kinds == ("Site",):
            if name in record or model.model_fields[name].is_required():
                record[name] = [SITES[number % 2]] if spec.many else SITES[number % 2]
        elif kind == "Decision" and name == "records":
            record[name] = list(SITES[: number % 3])
        else:
            record.pop(name, None)
    if kind == "Meeting":
        record.pop("country", None)
    if kind == "Deployment":
        if "women" in record:
            record["women"] = min(record["women"], record["headcount"])
        if "end" in record and record["end"] < record["start"]:
            record["start"], record["end"] = record["end"], record["start"]
    return record


@st.composite
def workspace(draw: st.DrawFn) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for kind, model in KINDS.items():
        schema = model.model_json_schema(by_alias=True, mode="validation")
        body = {k: v for k, v in schema["properties"].items() if k not in ("apiVersion", "kind")}
        shape = {**schema, "properties": body}
        count = 2 if kind == "Site" else draw(st.integers(0, 2))
        for number in range(count):
            record = draw(_object(shape, schema.get("$defs", {})))
            record = {"apiVersion": "vpsec/v1", "kind": kind, **record}
            record["id"] = SITES[number] if kind == "Site" else f"{kind.lower()}-{number}"
            records.append(_fix_references(kind, record, number))
    for record in records:
        try:
            KINDS[record["kind"]].model_validate(record)
        except ValidationError:
            assume(False)
    return records


def _write(root: Path, records: list[dict[str, Any]]) -> None:
    root.mkdir(parents=True)
    (root / "vpsec.yaml").write_text(CONFIG)
    for record in records:
        folder = root / KINDS[record["kind"]].INFO.folder
        folder.mkdir(exist_ok=True)
        (folder / f"{record['id']}.yaml").write_text(json.dumps(record, ensure_ascii=False))


def _same(value: Any) -> Any:
    if isinstance(value, dict):
        kept = {k: _same(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v not in (None, [], {}, "")}
    if isinstance(value, list):
        return [_same(v) for v in value]
    return value


def _records(root: Path) -> dict[str, Any]:
    loaded = open_workspace(root).load()
    assert [f.message for f in loaded.findings] == []
    return {r.id: _same(r.model.model_dump(mode="json")) for r in loaded.workspace.records}


def _check(tmp: Path, records: list[dict[str, Any]], cli: RunCli, csv: bool) -> None:
    source, target = tmp / "source", tmp / "target"
    _write(source, records)
    target.mkdir()
    (target / "vpsec.yaml").write_text(CONFIG)
    if csv:
        code, _, err = cli(source, "export", "all", "--format", "csv", "-o", str(tmp / "csv"))
        assert code == 0, err
        # References point only at sites: import them first.
        order = ["sites"] + [m.INFO.folder for m in KINDS.values() if m.INFO.folder != "sites"]
        for folder in order:
            path = tmp / "csv" / f"{folder}.csv"
            kind = next(k for k, m in KINDS.items() if m.INFO.folder == folder)
            if any(r["kind"] == kind for r in records):
                code, _, err = cli(target, "import", str(path), "--kind", kind)
                assert code == 0, err
    else:
        code, _, err = cli(source, "export", "all", "-o", str(tmp / "all.xlsx"))
        assert code == 0, err
        code, _out, err = cli(target, "import", str(tmp / "all.xlsx"), "--kind", "all")
        assert code == 0, err
    assert _records(target) == _records(source)


@pytest.mark.slow
@pytest.mark.parametrize("csv", [False, True], ids=["xlsx", "csv"])
def test_export_then_import_gives_the_same_records(
    csv: bool, cli: RunCli, tmp_path_factory: pytest.TempPathFactory
) -> None:
    @SETTINGS
    @given(workspace())
    def run(records: list[dict[str, Any]]) -> None:
        _check(tmp_path_factory.mktemp("roundtrip"), records, cli, csv)

    run()


def test_the_generator_covers_every_kind_and_optional_parts() -> None:
    """The property is only as good as its workspaces: they hold every kind and nested parts."""
    seen: set[str] = set()
    nested = 0

    @settings(max_examples=10, deadline=None, derandomize=True, database=None)
    @given(workspace())
    def collect(records: list[dict[str, Any]]) -> None:
        nonlocal nested
        seen.update(r["kind"] for r in records)
        nested += sum(1 for r in records if isinstance(r.get("receipt"), dict))

    collect()
    assert seen == set(KINDS)
    assert nested > 0
