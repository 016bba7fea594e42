"""The report context: a workspace and its findings as the plain data report templates see.

Everything a template may print is chosen here, in Python, and nowhere
else: for a public audience the records, findings and waivers are redacted
(vpsec.redact) before any template runs, so no template - built-in or from
a workspace - can print what it was never given. The shape of the result is
`vpsec.report_context.ReportContext`, published in docs/reports.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar, cast

from vpsec import __version__, catalogue
from vpsec.engine import settings_for
from vpsec.errors import UsageError
from vpsec.findings import Finding, Severity, WaivedFinding
from vpsec.load.workspace import LoadedRecord, Workspace
from vpsec.models import KINDS, Deployment
from vpsec.redact import Redactor
from vpsec.report_context import (
    DatedRecord,
    DeploymentRow,
    FindingView,
    MeetingDetail,
    PublicationInfo,
    RecordData,
    ReportContext,
    SinceAssessment,
    SiteDetail,
    SiteSection,
    TransferRow,
    TransferTotals,
    WaiverView,
    count_by_severity,
)
from vpsec.rules.facts import latest_assessment
from vpsec.rules.registry import Context
from vpsec.withhold import PublicView, Withholding
from vpsec.wording import without_field_names

AUDIENCES = ("internal", "public")
_TITLES = {
    "assessment": "Security and human rights assessment",
    "transfer-register": "Record of Transfer Register",
    "site": "Site security arrangements",
    "meeting": "Minutes of meeting",
}
_LEVELS = ("national", "regional", "local", "individuals")

View = TypeVar("View")


@dataclass(frozen=True, slots=True)
class ReportRequest:
    """What the context is built for: which report, for whom, as of when."""

    name: str
    as_of: date
    format: str = "md"
    audience: str = "internal"
    site: str | None = None
    record: str | None = None
    # The workspace as the user named it (shown in the report's colophon).
    workspace: str = "."
    paper: str = "A4"


def _extended(record: Mapping[str, object], view: type[View], **extra: Any) -> View:
    """A record's fields plus the keys vpsec adds, typed as the view that names them.

    The one cast of this module: a record's own fields are described by its
    model's JSON Schema, not repeated in each view.
    """
    return cast(View, {**record, **extra})


def _record_data(record: LoadedRecord) -> RecordData:
    data: RecordData = record.model.model_dump(mode="json", exclude={"api_version"})
    data["kind"] = record.kind
    data["path"] = record.path
    return data


def _finding_data(finding: Finding, waived: bool = False) -> FindingView:
    info = catalogue.rule(finding.rule)
    return {
        "rule": finding.rule,
        "name": info.name,
        "severity": finding.severity.value,
        "title": finding.title,
        "message": finding.message,
        "summary": without_field_names(finding.message),
        "record": finding.record,
        "kind": finding.kind,
        "site": finding.site,
        "sites": list(finding.sites),
        "path": finding.path,
        "line": finding.line,
        "sources": list(finding.sources),
        "rationale": info.rationale,
        "fix": info.fix,
        "recommendation": info.recommendation,
        "waived": waived,
    }


def _by_severity(findings: Iterable[FindingView]) -> list[FindingView]:
    rank = {s.value: s.rank for s in Severity}
    return sorted(findings, key=lambda f: (-rank[f["severity"]], f["rule"], f["record"] or ""))


@dataclass(slots=True)
class _Data:
    """Records, findings and waivers as plain data, redacted for a public audience."""

    records: list[RecordData]
    findings: list[FindingView]
    waivers: list[WaiverView]
    redactor: Redactor | None


def _base_data(
    workspace: Workspace,
    findings: Iterable[Finding],
    waived: Iterable[WaivedFinding],
    as_of: date,
    public: PublicView | None,
) -> _Data:
    records = [_record_data(r) for r in workspace.records]
    if public is not None:
        # What the public may see is vpsec.withhold's to say, before any view is built.
        findings = public.findings(findings)
        waived = public.waived(waived)
    waived = list(waived)
    views = [_finding_data(f) for f in findings]
    views += [_finding_data(w.finding, waived=True) for w in waived]
    waived_keys = {(w.finding.rule, w.finding.record) for w in waived}
    waivers: list[WaiverView] = [
        {
            "rule": w.rule,
            "record": w.record,
            "reason": w.reason,
            "approved_by": w.approved_by,
            "expires": w.expires.isoformat(),
            "in_force": w.expires >= as_of,
            "applied": (w.rule, w.record) in waived_keys,
        }
        for w in workspace.config.waivers
    ]
    if public is None:
        return _Data(records, views, waivers, None)
    # Records and waivers scrubbed of every known name; the views' workspace data (message,
    # path, record) was scrubbed with the findings, the rest is the catalogue's own text.
    records = public.records(records)
    waivers = cast(list[WaiverView], public.waivers(waivers))
    return _Data(records, views, waivers, public.redactor)


def build_context(
    workspace: Workspace,
    findings: Iterable[Finding],
    waived: Iterable[WaivedFinding],
    request: ReportRequest,
    public: PublicView | None = None,
) -> ReportContext:
    """Everything a report template may use, as plain data (redacted for the public).

    `public` is what a public report withholds, learnt from the opened
    workspace's raw documents (vpsec.withhold); without it a public report
    learns it from the valid records alone.
    """
    as_of = request.as_of
    if request.audience == "public" and public is None:
        records = [_record_data(r) for r in workspace.records]
        waivers = [w.model_dump(mode="json") for w in workspace.config.waivers]
        public = PublicView.build(records, waivers, Withholding.of_records(records))
    data = _base_data(workspace, findings, waived, as_of, public)
    redactor = data.redactor
    by_kind: dict[str, list[RecordData]] = defaultdict(list)
    for record in data.records:
        by_kind[record["kind"]].append(record)
    by_id = {r["id"]: r for r in data.records}
    site_names: dict[str, str] = {s["id"]: s["name"] for s in by_kind["Site"]}
    if request.site is not None and request.site not in site_names:
        raise UsageError(f"--site: no site with id {request.site!r} in the workspace")

    facts = Context(workspace, as_of, settings_for(workspace))
    shown = [f for f in data.findings if not f["waived"]]
    sites: list[SiteSection] = []
    for site_id in sorted(site_names, key=lambda s: site_names[s].casefold()):
        site_findings = _by_severity(f for f in shown if site_id in f["sites"])
        sites.append(
            _extended(
                by_id[site_id],
                SiteSection,
                findings=site_findings,
                counts=count_by_severity(site_findings),
                since_assessment=_since_assessment(facts, by_id, site_id),
            )
        )
    # A finding whose sites are all unknown (a reference to a missing or invalid
    # Site) belongs to no section above; it is shown here rather than lost.
    workspace_findings = _by_severity(
        f for f in shown if not any(s in site_names for s in f["sites"])
    )
    transfers, totals = _transfers(by_kind["Transfer"], site_names, request.site)
    publication = cast(
        PublicationInfo,
        public.publication() if public is not None else PublicView.internal_publication(),
    )
    waived_findings = [f for f in data.findings if f["waived"]]
    context: ReportContext = {
        "report": {
            "name": request.name,
            "title": _TITLES.get(request.name, request.name.replace("-", " ").capitalize()),
            "format": request.format,
            "audience": request.audience,
            "as_of": as_of.isoformat(),
            "organisation": workspace.config.organisation,
            "vpsec_version": __version__,
            "workspace": request.workspace,
            "paper": request.paper,
        },
        "publication": publication,
        "summary": {
            "records": len(data.records),
            **count_by_severity(shown),
            "waived": len(waived_findings),
        },
        "records": dict(by_kind),
        "sites": sites,
        "findings": _by_severity(shown),
        "workspace_findings": workspace_findings,
        "waived_findings": waived_findings,
        "waivers": [w for w in data.waivers if w["in_force"]],
        "expired_waivers": [w for w in data.waivers if not w["in_force"]],
        "transfers": transfers,
        "transfer_totals": totals,
        "site": None,
        "meeting": None,
    }
    if request.site is not None:
        section = next(s for s in sites if s["id"] == request.site)
        context["site"] = _site_detail(section, workspace, by_kind, as_of)
        context["findings"] = section["findings"]
    if request.record is not None:
        context["meeting"] = _meeting_detail(
            workspace, request.record, by_id, by_kind, site_names, redactor
        )
    return context


def _since_assessment(
    facts: Context, by_id: dict[str, RecordData], site_id: str
) -> SinceAssessment:
    """The site's latest risk assessment and the records dated after it.

    "Latest" is the rules' own (vpsec.rules.facts.latest_assessment), so the
    report speaks of the assessment the RSK findings judge. An assessment the
    audience may not see (restricted) gives no baseline.
    """
    found = latest_assessment(facts, site_id)
    if found is None or found.id not in by_id:
        return {"assessment": None, "records": []}
    assessment_date = _own_date(found)
    assert assessment_date is not None
    later: list[DatedRecord] = []
    # The site's own records, from the workspace's index: walking every record of the
    # workspace for each site made a 10,000-record report quadratic (1.5 s of 7).
    site_records = (record for kind in KINDS for record in facts.workspace.at_site(site_id, kind))
    for record in site_records:
        day = _own_date(record)
        shown = by_id.get(record.id)
        if day is None or shown is None:
            continue
        # No other assessment of the site is dated after the latest, so none shows here.
        if assessment_date < day <= facts.as_of:
            later.append(
                {
                    "kind": record.kind,
                    "id": record.id,
                    "title": shown.get("title"),
                    "date": day.isoformat(),
                }
            )
    later.sort(key=lambda r: (r["date"], r["id"]))
    return {"assessment": by_id[found.id], "records": later}


def _own_date(record: LoadedRecord) -> date | None:
    """The record's own date (its kind's KindInfo.date_field), None for a kind without one."""
    field_name = record.model.INFO.date_field
    day = getattr(record.model, field_name) if field_name else None
    return day if isinstance(day, date) else None


def _transfers(
    transfers: list[RecordData], site_names: dict[str, str], only_site: str | None
) -> tuple[list[TransferRow], TransferTotals]:
    rows: list[TransferRow] = []
    by_site: dict[tuple[str, str], float] = defaultdict(float)
    by_level: dict[tuple[str, str], float] = defaultdict(float)
    by_currency: dict[str, float] = defaultdict(float)
    count_by_currency: dict[str, int] = defaultdict(int)
    unvalued = 0
    for transfer in sorted(transfers, key=lambda t: (t["date"], t["id"])):
        if only_site is not None and transfer["site"] != only_site:
            continue
        totals: dict[str, float] = defaultdict(float)
        for item in transfer["items"]:
            if item.get("value"):
                totals[item["value"]["currency"]] += item["value"]["amount"]
            else:
                unvalued += 1
        level = transfer["recipient"]["authority"]
        for currency, amount in totals.items():
            by_site[(transfer["site"], currency)] += amount
            by_level[(level, currency)] += amount
            by_currency[currency] += amount
            count_by_currency[currency] += 1
        rows.append(
            _extended(
                transfer,
                TransferRow,
                # Absent parts as empty mappings, so templates can ask about their fields.
                conditions=transfer.get("conditions")
                or {"human_rights": None, "use_of_force": None},
                custody=transfer.get("custody")
                or {"secured_at_site": None, "release_procedure": None},
                receipt=transfer.get("receipt")
                or {"signed": None, "signed_by": None, "date": None, "document": None},
                site_name=site_names.get(transfer["site"], transfer["site"]),
                month=transfer["date"][:7],
                value=[{"currency": c, "amount": a} for c, a in sorted(totals.items())],
            )
        )
    level_rank = {level: i for i, level in enumerate(_LEVELS)}
    return rows, {
        "by_currency": [
            {"currency": c, "amount": a, "transfers": count_by_currency[c]}
            for c, a in sorted(by_currency.items())
        ],
        "by_site": [
            {"site": s, "site_name": site_names.get(s, s), "currency": c, "amount": a}
            for (s, c), a in sorted(by_site.items())
        ],
        "by_level": [
            {"authority": lvl, "currency": c, "amount": a}
            for (lvl, c), a in sorted(
                by_level.items(), key=lambda kv: (level_rank.get(kv[0][0], 9), kv[0][1])
            )
        ],
        "unvalued_items": unvalued,
    }


def _site_detail(
    site: SiteSection, workspace: Workspace, by_kind: dict[str, list[RecordData]], as_of: date
) -> SiteDetail:
    site_id = site["id"]

    def at_site(kind: str) -> list[RecordData]:
        return [r for r in by_kind[kind] if r.get("site") == site_id]

    def active(deployment: RecordData) -> bool:
        model = workspace.by_id[deployment["id"]].model
        assert isinstance(model, Deployment)
        return model.is_active(as_of)

    deployments = [
        _extended(d, DeploymentRow, active=active(d))
        for d in sorted(at_site("Deployment"), key=lambda d: d["start"], reverse=True)
    ]
    incidents = sorted(at_site("Incident"), key=lambda i: i["date"], reverse=True)
    return _extended(
        site,
        SiteDetail,
        deployments=deployments,
        agreements=[a for a in by_kind["Agreement"] if site_id in a["sites"]],
        latest_assessment=site["since_assessment"]["assessment"],
        open_incidents=[i for i in incidents if i["status"] != "closed"],
        incidents=incidents,
        meetings=sorted(at_site("Meeting"), key=lambda m: m["date"], reverse=True),
        transfers=sorted(at_site("Transfer"), key=lambda t: t["date"]),
        consultations=sorted(at_site("Consultation"), key=lambda c: c["date"], reverse=True),
    )


def _meeting_detail(
    workspace: Workspace,
    record_id: str,
    by_id: dict[str, RecordData],
    by_kind: dict[str, list[RecordData]],
    site_names: dict[str, str],
    redactor: Redactor | None,
) -> MeetingDetail:
    if redactor is not None and record_id in redactor.restricted:
        raise UsageError(
            f"--record: {record_id} is marked restricted and is left out of public reports"
        )
    meeting = by_id.get(record_id)
    if meeting is None:
        raise UsageError(f"--record: no record with id {record_id!r} in the workspace")
    if meeting["kind"] != "Meeting":
        raise UsageError(f"--record: {record_id} is a {meeting['kind']}, not a Meeting")
    concerns = [by_id[i] for i in meeting.get("concerns_raised") or [] if i in by_id]
    raised = getattr(workspace.by_id[record_id].model, "concerns_raised", None) or []
    logged = [d for d in by_kind["Decision"] if d.get("meeting") == record_id]
    return _extended(
        meeting,
        MeetingDetail,
        site_name=site_names.get(meeting.get("site") or ""),
        concerns=concerns,
        # Concerns about restricted records, counted so a public reader knows some are left out.
        concerns_withheld=sum(1 for i in raised if redactor and i in redactor.restricted),
        logged_decisions=sorted(logged, key=lambda d: (d["date"], d["id"])),
    )


__all__ = ["AUDIENCES", "ReportRequest", "build_context"]
