"""Facts several rules share: absence, dates, active deployments, public-security
transfers, latest assessments and a site's coverage, meetings about a country, labels."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import Any

from vpsec import catalogue
from vpsec.load.workspace import LoadedRecord
from vpsec.models import Deployment, Meeting, RiskAssessment, Site, Transfer
from vpsec.rules.registry import Context


def absent(value: Any) -> bool:
    """Missing, null, an empty or blank string, an empty list or an empty mapping."""
    if isinstance(value, str):
        return not value.strip()
    return value is None or value == [] or value == {}


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


def public_transfers(ctx: Context) -> Iterator[tuple[LoadedRecord, Transfer]]:
    """Every transfer to public security (not to a non-state armed group), in file order.

    rules.md v1.1: every rule that reads transfers reads only these, TRF012 aside.
    """
    for record, model in ctx.workspace.each(Transfer):
        if model.to_public_security:
            yield record, model


def public_transfers_at(ctx: Context, site_id: str) -> Iterator[tuple[LoadedRecord, Transfer]]:
    """The site's transfers to public security, in file order."""
    for record, model in ctx.workspace.each_at(site_id, Transfer):
        if model.to_public_security:
            yield record, model


def has_transfer(
    ctx: Context,
    site_id: str,
    types: Iterable[str] | None = None,
    within: float | None = None,
) -> bool:
    """True when the site has a public-security transfer (of one of the types, when given;
    dated within `within` days before as-of, when given)."""
    wanted = None if types is None else set(types)
    for _record, model in public_transfers_at(ctx, site_id):
        if wanted is not None and model.type not in wanted:
            continue
        if within is not None and not within_days(model.date, ctx.as_of, within):
            continue
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


def coverage(ctx: Context, site_id: str, latest: RiskAssessment) -> set[str]:
    """What the site's current assessments cover together (rules.md v1.1, "coverage").

    The latest assessment's `covers`, and those of every other assessment of the
    site dated on or before as-of and at most `risk_assessment_max_age_days`
    before it: a separate impact or human-rights assessment counts.
    """
    max_age = ctx.setting("risk_assessment_max_age_days")
    covered: set[str] = set(latest.covers)
    for _record, model in ctx.workspace.each_at(site_id, RiskAssessment):
        if within_days(model.date, ctx.as_of, max_age):
            covered.update(model.covers)
    return covered


def meetings_by_country(ctx: Context) -> dict[str, list[Meeting]]:
    """Meetings by the host country they are about (rules.md v1.1, "a meeting about a country").

    A meeting is about its `country`; or, without one, its site's country; or,
    with neither, the one country every site of the workspace is in (about no
    country when the sites are in several). Built once per rule, in file order.
    """
    countries = {site.country for _record, site in ctx.workspace.each(Site)}
    only = next(iter(countries)) if len(countries) == 1 else None
    out: dict[str, list[Meeting]] = {}
    for _record, model in ctx.workspace.each(Meeting):
        if model.country is not None:
            country: str | None = model.country
        elif model.site is not None:
            site = site_model(ctx, model.site)
            country = site.country if site is not None else None
        else:
            country = only
        if country is not None:
            out.setdefault(country, []).append(model)
    return out


def period_note(ctx: Context, setting: str, noun: str = "period") -> str:
    """Says, in a message, whose a setting's value is: vpsec's default, or the workspace's."""
    if ctx.setting(setting) == catalogue.settings_defaults()[setting]:
        return f"vpsec's default {noun}, not a toolkit figure"
    return f"the {noun} set by `{setting}` in vpsec.yaml"


# The fixed one-year windows of MTG004-MTG006, TRF008, RSK012 and CON003 (not settings).
YEAR_DAYS = 365
FIXED_YEAR_NOTE = "a one-year window chosen by vpsec, not the toolkit"


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


def about(record: LoadedRecord) -> str:
    """The record's label ready for a clause to follow: "Site s1 (Mine):", "Transfer t1 — … —"."""
    text = label(record)
    return text if text.endswith("—") else f"{text}:"
