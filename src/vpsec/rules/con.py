"""CON: rules on community consultations, and on informing communities about payments."""

from __future__ import annotations

from collections.abc import Iterator

from vpsec.models import Consultation, Site
from vpsec.rules.facts import (
    FIXED_YEAR_NOTE,
    YEAR_DAYS,
    about,
    has_transfer,
    not_true,
    within_days,
)
from vpsec.rules.registry import Context, Hit, rule

# Transfers communities most need explained: money and in-kind support (rules.md CON003).
EXPLAINED_TYPES = ("payment", "per_diem", "in_kind")


@rule("CON001")
def participant_risk(ctx: Context) -> Iterator[Hit]:
    """A consultation should weigh the risk its participants run by speaking."""
    for record, model in ctx.workspace.each(Consultation):
        if not_true(model.participant_risk_considered):
            yield Hit(
                record,
                f"{about(record)} no record that the risk to participants of taking part was "
                "considered",
                "participant_risk_considered",
            )


@rule("CON002")
def groups(ctx: Context) -> Iterator[Hit]:
    """A consultation should record which vulnerable groups took part."""
    for record, model in ctx.workspace.each(Consultation):
        if not model.groups:
            yield Hit(
                record,
                f"{about(record)} no record of which vulnerable groups took part",
                "groups",
            )


@rule("CON003")
def payments_explained(ctx: Context) -> Iterator[Hit]:
    """Where the site pays or supplies public security, communities should have it explained."""
    for record, site in ctx.workspace.each(Site):
        transparency = site.transparency
        if transparency is not None and transparency.plain_language_materials is True:
            continue
        if not has_transfer(ctx, record.id, EXPLAINED_TYPES, within=YEAR_DAYS):
            continue
        consulted = any(
            "payments" in model.topics and within_days(model.date, ctx.as_of, YEAR_DAYS)
            for _consultation, model in ctx.workspace.each_at(record.id, Consultation)
        )
        if not consulted:
            yield Hit(
                record,
                f"{about(record)} the site paid or supplied public security in the "
                f"{YEAR_DAYS} days up to {ctx.as_of.isoformat()} ({FIXED_YEAR_NOTE}), but there "
                "is no record of materials explaining payments to communities in simple "
                "language, nor of a consultation on payments",
                "transparency.plain_language_materials",
            )
