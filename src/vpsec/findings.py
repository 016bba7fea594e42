"""Findings, the immutable values every check produces, and the result of a run."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is more serious: error 3, warning 2, info 1."""
        return _RANK[self]


_RANK = {Severity.ERROR: 3, Severity.WARNING: 2, Severity.INFO: 1}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found: which rule, where, and what to say about it."""

    rule: str
    severity: Severity
    title: str
    message: str
    path: str
    line: int | None = None
    column: int | None = None
    record: str | None = None
    kind: str | None = None
    site: str | None = None
    sources: tuple[str, ...] = ()
    # The field the finding is about ("receipt.signed"): part of its identity
    # for fingerprints, so an alert survives lines moving above it.
    field: str | None = None
    # Every site the record belongs to (an Agreement covers several), for --site.
    sites: tuple[str, ...] = ()

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line or 0, self.column or 0, self.rule, self.message)

    def to_json(self) -> dict[str, Any]:
        """The finding as cli.md's JSON shape."""
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "title": self.title,
            "message": self.message,
            "record": self.record,
            "kind": self.kind,
            "site": self.site,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "sources": list(self.sources),
        }

    def to_data(self) -> dict[str, Any]:
        """Every field, as plain data (for the run cache)."""
        return {**self.to_json(), "field": self.field, "sites": list(self.sites)}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Finding:
        return cls(
            rule=data["rule"],
            severity=Severity(data["severity"]),
            title=data["title"],
            message=data["message"],
            path=data["path"],
            line=data["line"],
            column=data["column"],
            record=data["record"],
            kind=data["kind"],
            site=data["site"],
            sources=tuple(data["sources"]),
            field=data["field"],
            sites=tuple(data["sites"]),
        )


@dataclass(frozen=True, slots=True)
class WaivedFinding:
    """A finding hidden by a waiver in vpsec.yaml: still counted and shown as suppressed."""

    finding: Finding
    reason: str
    approved_by: str
    expires: date


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """A rule's catalogue entry: its metadata as data."""

    code: str
    name: str
    title: str
    severity: Severity
    applies_to: str
    section: str
    sources: tuple[str, ...]
    checks: str
    rationale: str
    fix: str
    example: str
    # For a client: the practice in one or two sentences, naming no field or file (v1.1).
    # `fix` says how to record it in the workspace; reports for clients use this instead.
    recommendation: str = ""
    # The catalogue version that added the rule ("1.0" for the first catalogue).
    since: str = "1.0"
    # What changed for an existing user in the current catalogue version ("" if nothing).
    changed: str = ""

    @property
    def family(self) -> str:
        return self.code.rstrip("0123456789")


@dataclass(frozen=True, slots=True)
class RunResult:
    """Everything a renderer may see about one run of validate or assess."""

    command: str
    version: str
    as_of: date
    workspace: str
    records: int
    findings: tuple[Finding, ...]
    waived: tuple[WaivedFinding, ...] = ()
    rules: tuple[RuleInfo, ...] = ()
    # Records checked per rule code, so JUnit can list passing cases too.
    checked: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())
    # The workspace root relative to the git repository root ("" or "sub/dir/"):
    # CI formats (SARIF, GitLab, GitHub) want repository-relative paths.
    repo_prefix: str = ""
    # The --fail-on level of the run (None: never fail), so SARIF can state the exit code.
    fail_on: Severity | None = Severity.ERROR
    # A public output (vpsec.withhold): what it withheld, in sentences, and whether a
    # withheld finding is at or above --fail-on (the exit code never depends on the audience).
    notices: tuple[str, ...] = ()
    fails_withheld: bool = False

    def counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in Severity}
        for finding in self.findings:
            out[finding.severity.value] += 1
        return out

    def summary(self) -> dict[str, int]:
        return {"records": self.records, **self.counts(), "waived": len(self.waived)}

    def at_or_above(self, level: Severity | None) -> bool:
        """True when a finding is at or above level (None: never fail)."""
        if level is None:
            return False
        return any(f.severity.rank >= level.rank for f in self.findings)

    def exit_code(self) -> int:
        """1 when a finding is at or above the run's --fail-on level, else 0."""
        return 1 if self.fails_withheld or self.at_or_above(self.fail_on) else 0

    def repo_path(self, path: str) -> str:
        """A workspace-relative path as a path relative to the git repository root."""
        return f"{self.repo_prefix}{path}"
