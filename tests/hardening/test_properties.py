"""Generated and mutated records never crash the loader, the rules or any renderer.

Records come from two places: the example's valid records with fields
deleted, retyped, renamed, duplicated or given random YAML values (and their
text with lines deleted, duplicated or spliced), and records generated from
scratch with each kind's field names and random values. Each workspace goes
through parse_documents, build_workspace and run_rules as `vpsec assess`
runs them, then through all seven formats, and every output must still parse:
JSON, SARIF against the official schema, JUnit XML, GitLab's JSON. Mutated
workspaces also fill the four built-in reports for both audiences.

In-process, derandomized (the same examples on every run, so CI is
reproducible) and bounded by max_examples.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from render_support import validate as validate_sarif

from conftest import AS_OF, EXAMPLE
from vpsec import __version__, catalogue
from vpsec.engine import run_rules
from vpsec.errors import UsageError
from vpsec.findings import Finding, RunResult
from vpsec.load.config import load_config
from vpsec.load.parallel import parse_bytes
from vpsec.load.workspace import Workspace, build_workspace
from vpsec.load.yamlread import RawDocument, YamlProblem
from vpsec.models import KINDS
from vpsec.render import RenderOptions, format_names, renderer
from vpsec.render.report import render_html, render_markdown
from vpsec.reports import ReportRequest, build_context
from vpsec.results import ReportResult

DAY = date.fromisoformat(AS_OF)
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

CONFIG, CONFIG_FINDINGS, CONFIG_DOC = load_config(EXAMPLE)
FILES: dict[str, bytes] = {
    path.relative_to(EXAMPLE).as_posix(): path.read_bytes()
    for path in sorted(EXAMPLE.rglob("*.yaml"))
    if path.name != "vpsec.yaml"
}
PARSED: dict[str, list[RawDocument] | YamlProblem] = {
    rel: parse_bytes(data) for rel, data in FILES.items()
}
RECORDS: dict[str, dict[str, Any]] = {
    rel: parsed[0].value for rel, parsed in PARSED.items() if not isinstance(parsed, YamlProblem)
}
IDS = sorted(str(record["id"]) for record in RECORDS.values())

# Text with what breaks naive code: right-to-left, emoji joined by ZWJ, combining marks,
# control characters, YAML and Markdown punctuation, and GitHub's command syntax.
TRICKY = st.sampled_from(
    [
        "קמיטוגה",
        "👩🏽\u200d🚒",
        "e\u0301",
        "\u202eevil\u202c",
        "\x00\x07\x1b[31m",
        "::error::x%0A",
        "]]></failure>",
        "- [x] | `tick` *",
        "2026-02-30",
        "null",
        "\ufeff",
    ]
)
TEXT = st.one_of(st.text(max_size=30), TRICKY, st.sampled_from(IDS))
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    TEXT,
    st.dates().map(str),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)


def _yaml_text(value: Any) -> bytes:
    """A value as YAML text (JSON is YAML 1.2); NaN and infinities in their YAML spelling."""

    def clean(item: Any) -> Any:
        if isinstance(item, float) and not math.isfinite(item):
            return {math.inf: ".inf", -math.inf: "-.inf"}.get(item, ".nan")
        if isinstance(item, dict):
            return {str(k): clean(v) for k, v in item.items()}
        if isinstance(item, list):
            return [clean(v) for v in item]
        return item

    text = json.dumps(clean(value), ensure_ascii=False, indent=1)
    return (
        text.replace('".inf"', ".inf")
        .replace('"-.inf"', "-.inf")
        .replace('".nan"', ".nan")
        .encode()
    )


def _paths(value: Any, trail: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key and item path inside a record."""
    out = []
    if isinstance(value, dict):
        for key, item in value.items():
            out.append((*trail, key))
            out.extend(_paths(item, (*trail, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out.append((*trail, index))
            out.extend(_paths(item, (*trail, index)))
    return out


@st.composite
def mutated_record(draw: st.DrawFn) -> tuple[str, Any]:
    """An example record with one to four fields deleted, retyped, renamed or duplicated."""
    rel = draw(st.sampled_from(sorted(RECORDS)))
    record: Any = json.loads(json.dumps(RECORDS[rel], default=str))
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(record)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = record
        for step in path[:-1]:
            parent = parent[step]
        last = path[-1]
        action = draw(st.sampled_from(["delete", "retype", "rename", "duplicate", "replace"]))
        if action == "delete":
            del parent[last]
        elif action in ("retype", "replace"):
            parent[last] = draw(VALUES)
        elif action == "rename" and isinstance(parent, dict):
            parent[draw(TEXT)] = parent.pop(last)
        elif action == "duplicate" and isinstance(parent, dict):
            parent[f"{last}{draw(st.sampled_from(['', '_', 's', 'X']))}"] = parent[last]
        elif isinstance(parent, list):
            parent.append(parent[last])
    return rel, record


@st.composite
def mangled_text(draw: st.DrawFn) -> tuple[str, bytes]:
    """An example file's text with lines deleted, duplicated (duplicate keys) or spliced."""
    rel = draw(st.sampled_from(sorted(FILES)))
    lines = FILES[rel].decode().splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "splice", "indent"]))
        if action == "delete" and len(lines) > 1:
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "splice":
            cut = draw(st.integers(0, len(lines[index])))
            lines[index] = lines[index][:cut] + draw(TEXT) + lines[index][cut:]
        else:
            lines[index] = draw(st.sampled_from(["\t", " ", "  - ", "? "])) + lines[index]
    return rel, "".join(lines).encode("utf-8", "surrogatepass")


@st.composite
def generated_record(draw: st.DrawFn) -> tuple[str, Any]:
    """A record from scratch: a kind's envelope and random values under its own field names."""
    kind = draw(st.sampled_from(sorted(KINDS)))
    fields = sorted(KINDS[kind].model_fields)
    record: dict[str, Any] = {"apiVersion": "vpsec/v1", "kind": kind, "id": draw(TEXT)}
    for name in draw(st.lists(st.sampled_from(fields), max_size=8, unique=True)):
        record[name] = draw(VALUES)
    return f"generated/{kind.lower()}.yaml", record


def load(files: dict[str, bytes]) -> tuple[Workspace, list[Finding]]:
    documents = [
        (rel, PARSED[rel] if FILES.get(rel) == data else parse_bytes(data))
        for rel, data in sorted(files.items())
    ]
    return build_workspace(EXAMPLE, CONFIG, documents)


def assess(files: dict[str, bytes]) -> RunResult:
    """Load, validate and assess files as `vpsec assess` does; the run's result."""
    workspace, findings = load(files)
    assessment = run_rules(workspace, DAY, ["ALL"], [], CONFIG_DOC)
    everything = [*CONFIG_FINDINGS, *findings, *assessment.findings]
    codes = sorted({f.rule for f in everything} | {w.finding.rule for w in assessment.waived})
    return RunResult(
        command="assess",
        version=__version__,
        as_of=DAY,
        workspace="ws",
        records=len(workspace.records),
        findings=tuple(everything),
        waived=assessment.waived,
        rules=tuple(catalogue.rule(code) for code in codes),
        checked=assessment.checked,
    )


def render_everything(result: RunResult) -> None:
    """Every format renders, and every machine format parses (SARIF against its schema)."""
    outputs = {
        name: renderer(RunResult, name).render(result, RenderOptions())
        for name in format_names(RunResult)
    }
    statistics = renderer(RunResult, "text").render(result, RenderOptions(statistics=True))
    assert isinstance(statistics, str)
    document = json.loads(outputs["json"])
    assert len(document["findings"]) == len(result.findings)
    validate_sarif(json.loads(outputs["sarif"]))
    ElementTree.fromstring(outputs["junit"].encode("utf-8"))
    assert isinstance(json.loads(outputs["gitlab"]), list)
    # The runner reads commands line by line (\n, \r): no message ever starts a line of its own.
    for line in re.split(r"\r\n|\r|\n", outputs["github"].removesuffix("\n")):
        assert line.startswith("::"), line


def with_file(rel: str, data: bytes) -> dict[str, bytes]:
    return {**FILES, rel: data}


@pytest.mark.slow
@SETTINGS
@given(mutated_record())
def test_mutated_records(mutation: tuple[str, Any]) -> None:
    rel, record = mutation
    render_everything(assess(with_file(rel, _yaml_text(record))))


@pytest.mark.slow
@SETTINGS
@given(mangled_text())
def test_mangled_record_text(mangled: tuple[str, bytes]) -> None:
    render_everything(assess(with_file(*mangled)))


@pytest.mark.slow
@SETTINGS
@given(st.lists(generated_record(), min_size=1, max_size=4))
def test_generated_records(records: list[tuple[str, Any]]) -> None:
    files = dict(FILES)
    for index, (rel, record) in enumerate(records):
        files[rel.replace(".yaml", f"-{index}.yaml")] = _yaml_text(record)
    render_everything(assess(files))


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(
    st.binary(max_size=2000) | st.text(max_size=2000).map(lambda t: t.encode("utf-8", "replace"))
)
def test_any_bytes_parse_or_give_a_problem(data: bytes) -> None:
    """parse_bytes returns documents or a YamlProblem with a sane position, never raises."""
    parsed = parse_bytes(data)
    if isinstance(parsed, YamlProblem):
        assert parsed.message
        assert parsed.line is None or parsed.line >= 1
        assert parsed.column is None or parsed.column >= 1
    else:
        assert all(isinstance(doc, RawDocument) for doc in parsed)


@pytest.mark.slow
@settings(max_examples=12, deadline=None, derandomize=True, database=None)
@given(st.lists(mutated_record(), min_size=1, max_size=3))
def test_mutated_records_in_reports(mutations: list[tuple[str, Any]]) -> None:
    """The four built-in reports, internal and public, Markdown and HTML, never crash."""
    files = dict(FILES)
    for rel, record in mutations:
        files[rel] = _yaml_text(record)
    workspace, _ = load(files)
    result = assess(files)
    sites = [r.id for r in workspace.of_kind("Site")]
    meetings = [r.id for r in workspace.of_kind("Meeting")]
    for audience in ("internal", "public"):
        for name, site, record in [
            ("assessment", None, None),
            ("transfer-register", None, None),
            ("site", sites[0] if sites else None, None),
            ("meeting", None, meetings[0] if meetings else None),
        ]:
            if (name == "site" and site is None) or (name == "meeting" and record is None):
                continue
            request = ReportRequest(
                name=name, as_of=result.as_of, audience=audience, site=site, record=record
            )
            try:
                context = build_context(workspace, result.findings, result.waived, request)
            except UsageError:
                continue  # a restricted meeting is refused for the public, by design
            report = ReportResult(name, EXAMPLE, audience, context)
            for render in (render_markdown, render_html):
                text = render(report, RenderOptions())
                assert text.strip()


def test_the_example_itself_renders() -> None:
    """The unmutated baseline: the same pipeline, so a failure above is the mutation's doing."""
    result = assess(dict(FILES))
    assert result.records == len(RECORDS)
    render_everything(result)


def test_mutations_do_break_records() -> None:
    """The mutations reach validation: a retyped required field is a V002 finding."""
    rel = next(r for r, rec in RECORDS.items() if rec["kind"] == "Transfer")
    record = dict(RECORDS[rel])
    record["date"] = {"not": "a date"}
    result = assess(with_file(rel, _yaml_text(record)))
    assert any(f.rule == "V002" and f.path == rel for f in result.findings)


def test_examples_are_available() -> None:
    assert Path(EXAMPLE).is_dir() and len(FILES) >= 30
