"""Facts several rules share: absence, dates, active deployments, latest assessments, labels."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from vpsec.load.workspace import LoadedRecord
from vpsec.models import Deployment, RiskAssessment, Site, Transfer
from vpsec.rules.registry import Context


def absent(value: Any) -> bool:
    """Missing, null, an empty string, an empty list or an empty mapping."""
    return value is None or value == "" or value == [] or value == {}


def not_true(value: Any) -> bool:
    """False or absent (rules.md: "not true")."""
    return value is not True


def raw_value(record: LoadedRecord, dotted: str) -> Any:
    """The value written in the record's document at a dotted path, or None when missing.

    Absence is judged on what was written, not on the model: the model turns
    an empty mapping into a part whose fields are all None, which is no longer
    recognisable as empty.
    """
    value: Any = record.doc.value
    for name in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(name)
    return value


def field_absent(record: LoadedRecord, dotted: str) -> bool:
    """True when the field at a dotted path is absent as rules.md defines it."""
    return absent(raw_value(record, dotted))


def within_days(day: date, as_of: date, days: float) -> bool:
    """Dated on or before as-of and at most `days` days before it (day N counts)."""
    return day <= as_of and (as_of - day) <= timedelta(days=days)


def days_before(day: date, as_of: date) -> int:
    """How many days day lies before as-of (negative when after it)."""
    return (as_of - day).days


def site_model(ctx: Context, site_id: str | None) -> Site | None:
    """The Site model a record's `site` names, or None."""
    if site_id is None:
        return None
    record = ctx.workspace.by_id.get(site_id)
    return record.model if record is not None and isinstance(record.model, Site) else None


def active_deployments(ctx: Context, site_id: str) -> list[LoadedRecord]:
    """The site's deployments active at as-of (start <= as-of <= end, end absent = open)."""
    out = []
    for record, model in ctx.workspace.each_at(site_id, Deployment):
        if model.is_active(ctx.as_of):
            out.append(record)
    return out


def has_active_deployment(ctx: Context, site_id: str) -> bool:
    """True when the site has at least one active deployment."""
    return bool(active_deployments(ctx, site_id))


def has_transfer(ctx: Context, site_id: str, types: Iterable[str] | None = None) -> bool:
    """True when the site has a transfer (of one of the types, when given), whatever its date."""
    wanted = None if types is None else set(types)
    for _record, model in ctx.workspace.each_at(site_id, Transfer):
        if wanted is None or model.type in wanted:
            return True
    return False


def latest_assessment(ctx: Context, site_id: str) -> LoadedRecord | None:
    """The site's RiskAssessment with the greatest date <= as-of; ties go to the last read."""
    latest: LoadedRecord | None = None
    for record, model in ctx.workspace.each_at(site_id, RiskAssessment):
        if model.date > ctx.as_of:
            continue
        if latest is None or model.date >= _date(latest):
            latest = record
    return latest


def _date(record: LoadedRecord) -> date:
    model = record.model
    assert isinstance(model, RiskAssessment)
    return model.date


def lacking(present: Iterable[str], wanted: Iterable[str]) -> list[str]:
    """The wanted entries missing from present, in the order wanted."""
    have = set(present)
    return [entry for entry in wanted if entry not in have]


def listing(names: Iterable[str]) -> str:
    """`a`, `a` and `b`, `a`, `b` and `c` — names in backticks for messages."""
    quoted = [f"`{name}`" for name in names]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def label(record: LoadedRecord) -> str:
    """How a message names a record: kind, id and what it is, never a personal name."""
    return record.model.describe()
