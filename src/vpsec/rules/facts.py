"""Facts several rules share: absence, active deployments, latest assessments."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from vpsec.load.workspace import LoadedRecord
from vpsec.models import Deployment, RiskAssessment, Site
from vpsec.rules.registry import Context


def absent(value: Any) -> bool:
    """Missing, null, an empty string, an empty list or an empty mapping."""
    return value is None or value == "" or value == [] or value == {}


def not_true(value: Any) -> bool:
    return value is not True


def within_days(day: date, as_of: date, days: float) -> bool:
    """Dated on or before as-of and at most `days` days before it (day N counts)."""
    return day <= as_of and (as_of - day) <= timedelta(days=days)


def sites(ctx: Context) -> list[LoadedRecord]:
    return ctx.workspace.of_kind("Site")


def site_model(ctx: Context, site_id: str | None) -> Site | None:
    if site_id is None:
        return None
    record = ctx.workspace.by_id.get(site_id)
    return record.model if record is not None and isinstance(record.model, Site) else None


def active_deployments(ctx: Context, site_id: str) -> list[LoadedRecord]:
    out = []
    for record in ctx.workspace.at_site(site_id, "Deployment"):
        model = record.model
        assert isinstance(model, Deployment)
        if model.is_active(ctx.as_of):
            out.append(record)
    return out


def has_active_deployment(ctx: Context, site_id: str) -> bool:
    return bool(active_deployments(ctx, site_id))


def latest_assessment(ctx: Context, site_id: str) -> LoadedRecord | None:
    """The site's RiskAssessment with the greatest date <= as-of; ties go to the last read."""
    latest: LoadedRecord | None = None
    for record in ctx.workspace.at_site(site_id, "RiskAssessment"):
        model = record.model
        assert isinstance(model, RiskAssessment)
        if model.date > ctx.as_of:
            continue
        if latest is None or model.date >= _date(latest):
            latest = record
    return latest


def _date(record: LoadedRecord) -> date:
    model = record.model
    assert isinstance(model, RiskAssessment)
    return model.date


def latest_assessments(ctx: Context) -> list[tuple[LoadedRecord, LoadedRecord]]:
    """(site, its latest assessment) for every site that has one."""
    out = []
    for site in sites(ctx):
        latest = latest_assessment(ctx, site.id)
        if latest is not None:
            out.append((site, latest))
    return out
