"""Run the selected rules over a workspace: severities, waivers, sorting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from vpsec import catalogue, selection
from vpsec.findings import Finding, Severity, WaivedFinding
from vpsec.load.discover import WORKSPACE_FILE
from vpsec.load.workspace import Workspace
from vpsec.load.yamlread import RawDocument
from vpsec.models.config import Waiver
from vpsec.rules.registry import Context, Hit, check_for

WAIVER_RULES = ("WVR001", "WVR002")


@dataclass(frozen=True, slots=True)
class Assessment:
    """The outcome of the rules: findings shown, findings waived, what was checked."""

    findings: tuple[Finding, ...]
    waived: tuple[WaivedFinding, ...]
    checked: tuple[tuple[str, tuple[str, ...]], ...]


def _finding(code: str, hit: Hit, severity: Severity) -> Finding:
    info = catalogue.rule(code)
    record = hit.record
    if record is None:
        return Finding(
            rule=code,
            severity=severity,
            title=info.title,
            message=hit.message,
            path=WORKSPACE_FILE,
            sources=info.sources,
            field=hit.field,
        )
    line, column = record.position(hit.field) if hit.field else (record.doc.line, record.doc.column)
    sites = record.model.site_ids()
    return Finding(
        rule=code,
        severity=severity,
        title=info.title,
        message=hit.message,
        path=record.path,
        line=line,
        column=column,
        record=record.id,
        kind=record.kind,
        site=sites[0] if sites else None,
        sources=info.sources,
        field=hit.field,
        sites=sites,
    )


def _waiver_finding(
    code: str, waiver: Waiver, index: int, message: str, severity: Severity, config_doc: RawDocument
) -> Finding:
    info = catalogue.rule(code)
    line, column = config_doc.position(("waivers", index))
    return Finding(
        rule=code,
        severity=severity,
        title=info.title,
        message=message,
        path=WORKSPACE_FILE,
        line=line,
        column=column,
        record=waiver.record,
        sources=info.sources,
        field=f"waivers.{waiver.rule}.{waiver.record}",
    )


def settings_for(workspace: Workspace) -> dict[str, float]:
    """The defaults of every setting, overridden by vpsec.yaml's rules.settings."""
    values = dict(catalogue.settings_defaults())
    values.update({k: v for k, v in workspace.config.rules.settings.items() if k in values})
    return values


def run_rules(
    workspace: Workspace,
    as_of: date,
    select: list[str],
    ignore: list[str],
    config_doc: RawDocument,
) -> Assessment:
    """Every selected rule over the workspace, with severities and waivers applied."""
    overrides = workspace.config.rules.severity
    context = Context(workspace, as_of, settings_for(workspace))
    codes = selection.selected_codes(select, ignore)
    raw: list[Finding] = []
    checked: list[tuple[str, tuple[str, ...]]] = []
    kinds_by_code = {info.code: info.applies_to for info in catalogue.all_rules()}
    for code in codes:
        if code in WAIVER_RULES:
            continue
        severity = Severity(overrides.get(code, catalogue.rule(code).severity))
        raw.extend(_finding(code, hit, severity) for hit in check_for(code)(context))
        applies_to = kinds_by_code[code]
        checked.append((code, tuple(r.id for r in workspace.of_kind(applies_to))))

    # Index the rule findings once, so each waiver is matched in constant time.
    by_target: dict[tuple[str, str | None], list[int]] = {}
    for position, finding in enumerate(raw):
        by_target.setdefault((finding.rule, finding.record), []).append(position)
    hidden: set[int] = set()
    waiver_findings: list[Finding] = []
    waived: list[WaivedFinding] = []
    seen: set[tuple[str, str]] = set()
    for index, waiver in enumerate(workspace.config.waivers):
        if (waiver.rule, waiver.record) in seen:
            # A second waiver for the same finding is a V006 already; judging it again
            # would call it stale (WVR002) because the first one took its finding.
            continue
        seen.add((waiver.rule, waiver.record))
        if waiver.expires < as_of:
            if "WVR001" in codes:
                waiver_findings.append(
                    _waiver_finding(
                        "WVR001",
                        waiver,
                        index,
                        f"the waiver of {waiver.rule} on {waiver.record} expired on "
                        f"{waiver.expires.isoformat()}; its finding is shown again. Fix the "
                        "problem or renew the waiver with a new approval",
                        Severity(overrides.get("WVR001", catalogue.rule("WVR001").severity)),
                        config_doc,
                    )
                )
            continue
        if waiver.rule not in codes:
            # The rule did not run, so the waiver can be neither applied nor called stale.
            continue
        matched = by_target.get((waiver.rule, waiver.record), [])
        if not matched and "WVR002" in codes:
            waiver_findings.append(
                _waiver_finding(
                    "WVR002",
                    waiver,
                    index,
                    f"the waiver of {waiver.rule} on {waiver.record} matches no finding "
                    "(the problem was fixed or the record is gone); remove it from vpsec.yaml",
                    Severity(overrides.get("WVR002", catalogue.rule("WVR002").severity)),
                    config_doc,
                )
            )
        for position in matched:
            hidden.add(position)
            waived.append(
                WaivedFinding(raw[position], waiver.reason, waiver.approved_by, waiver.expires)
            )
    shown = [f for position, f in enumerate(raw) if position not in hidden] + waiver_findings
    shown.sort(key=Finding.sort_key)
    waived.sort(key=lambda w: w.finding.sort_key())
    return Assessment(tuple(shown), tuple(waived), tuple(checked))
