"""What a report template sees: the report context, typed so that mypy checks what docs publish.

docs/reports.md ("What a template sees") lists these names for people who
write their own templates; this module is the same list for mypy. Every
value is plain data (dicts, lists, strings, numbers, booleans, None; dates
as ISO strings), so a template reads `site.name` and `site["name"]` alike
and the sandbox has no methods to guard.

A record's own fields are those of its kind in the format (the JSON Schemas
in `schemas/`), plus `kind` and `path`: `RecordData`. Where vpsec adds keys
to a record (a site with its findings, a transfer with its site name), the
TypedDict names the keys vpsec adds and the record fields vpsec's own code
reads; the record's other fields are there too, as in `RecordData`.

This module imports nothing heavy: `vpsec.results` imports it, and the
command line imports that to build its help.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypedDict

# A record's fields as written in the format (see schemas/), plus "kind" and "path".
RecordData = dict[str, Any]


class ReportInfo(TypedDict):
    """`report`: which report, for whom, as of when, from which workspace."""

    name: str
    title: str
    format: str
    audience: str
    as_of: str
    organisation: str
    vpsec_version: str
    workspace: str
    # "A4" or "letter", the CSS page size of the printed HTML and of the PDF.
    paper: str


class UndisclosedGroup(TypedDict):
    """Records not disclosed (`published: false`) of one kind, site, type and year, counted."""

    kind: str
    site: str | None
    site_name: str | None
    type: str
    year: str | None
    count: int
    totals: list[Money]


class PublicationInfo(TypedDict):
    """`publication`: the audience, and what was withheld for a public one (vpsec.withhold)."""

    audience: str
    public: bool
    records_withheld: int
    findings_withheld: int
    names_replaced: int
    mentions_withheld: int
    notes_omitted: int
    invalid_withheld: int
    undisclosed_withheld: int
    narrative_omitted: int
    undisclosed: list[UndisclosedGroup]
    disclosed_by: str | None
    # What was withheld and why, one sentence each, for a reader outside the company.
    statement: list[str]


class SeverityCounts(TypedDict):
    error: int
    warning: int
    info: int


class Summary(SeverityCounts):
    """`summary`: records shown, findings shown by severity, findings waived."""

    records: int
    waived: int


class FindingView(TypedDict):
    """One finding with its rule's catalogue entry."""

    rule: str
    name: str
    severity: str
    title: str
    # As vpsec wrote it, field names in `code spans` (for the team that keeps the records).
    message: str
    # The same in plain words, without field names (for everyone else).
    summary: str
    record: str | None
    kind: str | None
    site: str | None
    sites: list[str]
    path: str
    line: int | None
    sources: list[str]
    rationale: str
    # How to record it in the workspace (internal reports' records section only).
    fix: str
    # The catalogue's advice about the practice, for a client: no field names, no paths.
    recommendation: str
    waived: bool


class WaiverView(TypedDict):
    """One waiver of vpsec.yaml."""

    rule: str
    record: str
    reason: str
    approved_by: str
    expires: str
    in_force: bool
    applied: bool


class DatedRecord(TypedDict):
    """A record named by its kind, id, title and own date."""

    kind: str
    id: str
    title: str | None
    date: str


class SinceAssessment(TypedDict):
    """A site's latest risk assessment and the records dated after it."""

    assessment: RecordData | None
    records: list[DatedRecord]


class SiteSection(TypedDict):
    """A Site record's fields plus its findings (a row of `sites`)."""

    id: str
    name: str
    findings: list[FindingView]
    counts: SeverityCounts
    since_assessment: SinceAssessment


class Money(TypedDict):
    currency: str
    amount: float


class TransferRow(TypedDict):
    """A Transfer record's fields, its optional parts always mappings, plus where and how much."""

    id: str
    date: str
    site: str
    recipient: dict[str, Any]
    items: list[dict[str, Any]]
    conditions: dict[str, Any]
    custody: dict[str, Any]
    receipt: dict[str, Any]
    site_name: str
    month: str
    value: list[Money]


class CurrencyTotal(TypedDict):
    currency: str
    amount: float
    transfers: int


class SiteTotal(TypedDict):
    site: str
    site_name: str
    currency: str
    amount: float


class LevelTotal(TypedDict):
    authority: str
    currency: str
    amount: float


class TransferTotals(TypedDict):
    """`transfer_totals`: values added up per currency only, never across currencies."""

    by_currency: list[CurrencyTotal]
    by_site: list[SiteTotal]
    by_level: list[LevelTotal]
    unvalued_items: int


class DeploymentRow(TypedDict):
    """A Deployment record's fields plus whether it is active at the report's date."""

    id: str
    active: bool


class SiteDetail(SiteSection):
    """`site` (with --site): the site's section plus everything recorded at it."""

    deployments: list[DeploymentRow]
    agreements: list[RecordData]
    latest_assessment: RecordData | None
    open_incidents: list[RecordData]
    incidents: list[RecordData]
    meetings: list[RecordData]
    transfers: list[RecordData]
    consultations: list[RecordData]


class MeetingDetail(TypedDict):
    """`meeting` (with --record): a Meeting record's fields plus what it refers to."""

    id: str
    site_name: str | None
    concerns: list[RecordData]
    concerns_withheld: int
    logged_decisions: list[RecordData]


class ReportContext(TypedDict):
    """Everything a report template is given (the renderer adds `charts`)."""

    report: ReportInfo
    publication: PublicationInfo
    summary: Summary
    records: dict[str, list[RecordData]]
    sites: list[SiteSection]
    findings: list[FindingView]
    workspace_findings: list[FindingView]
    waived_findings: list[FindingView]
    waivers: list[WaiverView]
    expired_waivers: list[WaiverView]
    transfers: list[TransferRow]
    transfer_totals: TransferTotals
    site: SiteDetail | None
    meeting: MeetingDetail | None


def count_by_severity(findings: Iterable[FindingView]) -> SeverityCounts:
    """How many of the findings are errors, warnings and information."""
    counts: SeverityCounts = {"error": 0, "warning": 0, "info": 0}
    for finding in findings:
        severity = finding["severity"]
        if severity == "error":
            counts["error"] += 1
        elif severity == "warning":
            counts["warning"] += 1
        else:
            counts["info"] += 1
    return counts


__all__ = [
    "CurrencyTotal",
    "DatedRecord",
    "DeploymentRow",
    "FindingView",
    "LevelTotal",
    "MeetingDetail",
    "Money",
    "PublicationInfo",
    "RecordData",
    "ReportContext",
    "ReportInfo",
    "SeverityCounts",
    "SinceAssessment",
    "SiteDetail",
    "SiteSection",
    "SiteTotal",
    "Summary",
    "TransferRow",
    "TransferTotals",
    "UndisclosedGroup",
    "WaiverView",
    "count_by_severity",
]
