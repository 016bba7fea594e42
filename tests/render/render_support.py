"""Run results for the renderer tests: the example workspace assessed, and hand-made ones."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema

from vpsec.app import CheckOptions, run_check
from vpsec.catalogue import rule
from vpsec.findings import Finding, RunResult, Severity, WaivedFinding

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "lakeside-minerals"
AS_OF = "2026-11-27"
VPSEC = Path(sys.executable).parent / "vpsec"
# The official schema ships with the tests (tests/schemas/README.md): a clone needs nothing else.
SARIF_SCHEMA = REPO / "tests" / "schemas" / "sarif-2.1.0.json"

# Record text is user input: everything a renderer must neutralise at once.
HOSTILE = (
    "pipe | star * under_score `tick` <b>bold</b> [link](http://x) @someone #12 $x$"
    "\n::error file=x::pwned %0A 100%"
)


def assess(root: Path, **options: object) -> RunResult:
    """The example (or any workspace) assessed as of the fixed test date."""
    return run_check(
        CheckOptions(path=root, as_of=date.fromisoformat(AS_OF), **options),  # type: ignore[arg-type]
        "assess",
    )


def finding(
    code: str = "TRF001",
    *,
    severity: Severity | None = None,
    message: str = "trf-1: radios handed over have no signed receipt",
    path: str = "transfers/trf-1.yaml",
    line: int | None = 14,
    record: str | None = "trf-1",
    field: str | None = "receipt.signed",
    site: str | None = "mine-a",
) -> Finding:
    info = rule(code)
    return Finding(
        rule=code,
        severity=severity or info.severity,
        title=info.title,
        message=message,
        path=path,
        line=line,
        column=3 if line else None,
        record=record,
        kind=info.applies_to,
        site=site,
        sources=info.sources,
        field=field,
        sites=(site,) if site else (),
    )


def made_result(
    findings: list[Finding],
    waived: list[WaivedFinding] | None = None,
    *,
    command: str = "assess",
    checked: tuple[tuple[str, tuple[str, ...]], ...] = (),
    repo_prefix: str = "",
    fail_on: Severity | None = Severity.ERROR,
) -> RunResult:
    codes = sorted({f.rule for f in findings} | {w.finding.rule for w in waived or []})
    return RunResult(
        command=command,
        version="0.1.0",
        as_of=date.fromisoformat(AS_OF),
        workspace="ws",
        records=5,
        findings=tuple(findings),
        waived=tuple(waived or ()),
        rules=tuple(rule(code) for code in codes),
        checked=checked,
        repo_prefix=repo_prefix,
        fail_on=fail_on,
    )


def waiver(of: Finding, reason: str = "Deferred for convoy safety; see dec-1.") -> WaivedFinding:
    return WaivedFinding(of, reason, "Head of Security", date(2027, 3, 31))


def validate(document: dict[str, Any]) -> None:
    """Against the official schema, with the validator its own $schema names (draft 4)."""
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
    assert errors == []
