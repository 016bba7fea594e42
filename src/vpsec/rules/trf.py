"""TRF: rules on transfers (the Record of Transfer Register).

Every rule here reads only transfers to public security (facts.public_transfers),
except TRF012, which reports the transfers to non-state armed groups.
"""

from __future__ import annotations

from collections.abc import Iterator

from vpsec.models import Agreement, Transfer
from vpsec.rules.facts import (
    FIXED_YEAR_NOTE,
    YEAR_DAYS,
    about,
    field_absent,
    not_true,
    public_transfers,
    public_transfers_at,
    site_model,
    within_days,
)
from vpsec.rules.registry import Context, Hit, rule

CONDITIONED_TYPES = ("equipment", "in_kind", "services")


@rule("TRF001")
def signed_receipt(ctx: Context) -> Iterator[Hit]:
    """Every transfer needs a receipt signed by the recipient."""
    for record, model in public_transfers(ctx):
        if not_true(model.receipt.signed if model.receipt else None):
            yield Hit(
                record,
                f"{about(record)} no record that the recipient signed a receipt",
                "receipt.signed",
            )


@rule("TRF002")
def human_rights_conditions(ctx: Context) -> Iterator[Hit]:
    """Equipment, in-kind support and services must be conditioned on respect for human rights."""
    for record, model in public_transfers(ctx):
        conditions = model.conditions
        if model.type in CONDITIONED_TYPES and not_true(
            conditions.human_rights if conditions else None
        ):
            what = {"equipment": "equipment", "in_kind": "in-kind support", "services": "services"}
            yield Hit(
                record,
                f"{about(record)} {what[model.type]} with no record that it is conditioned on "
                "the government's commitment to respect human rights",
                "conditions.human_rights",
            )


@rule("TRF003")
def lethal(ctx: Context) -> Iterator[Hit]:
    """No lethal equipment may be transferred (a company policy vpsec applies by default)."""
    for record, model in public_transfers(ctx):
        if model.lethal:
            yield Hit(record, f"{about(record)} includes lethal equipment", "lethal")


@rule("TRF004")
def risk_assessment(ctx: Context) -> Iterator[Hit]:
    """A transfer's benefit should be weighed against its risk."""
    for record, _model in public_transfers(ctx):
        if field_absent(record, "risk_assessment"):
            yield Hit(
                record,
                f"{about(record)} no record of the risk assessment that weighed its benefit "
                "against the risk of human rights violations",
                "risk_assessment",
            )


@rule("TRF005")
def custody(ctx: Context) -> Iterator[Hit]:
    """Equipment should stay secured at the site and be released only by agreed procedure."""
    for record, model in public_transfers(ctx):
        if model.type != "equipment":
            continue
        custody = model.custody
        missing = [
            name
            for name in ("secured_at_site", "release_procedure")
            if not_true(getattr(custody, name) if custody else None)
        ]
        if missing:
            what = {
                "secured_at_site": "is secured at the site",
                "release_procedure": "is released only by an agreed procedure",
            }
            yield Hit(
                record,
                f"{about(record)} equipment with no record that it "
                f"{' or '.join(what[name] for name in missing)}",
                f"custody.{missing[0]}",
            )


@rule("TRF006")
def per_diem_to_individuals(ctx: Context) -> Iterator[Hit]:
    """Per diems should be paid directly to the individuals."""
    for record, model in public_transfers(ctx):
        if model.type == "per_diem" and model.recipient.authority != "individuals":
            yield Hit(
                record,
                f"{about(record)} a per diem paid to the {model.recipient.authority} "
                "authority instead of directly to the individual officers",
                "recipient.authority",
            )


@rule("TRF007")
def published(ctx: Context) -> Iterator[Hit]:
    """Transfers should be disclosed to the public."""
    for record, model in public_transfers(ctx):
        if not_true(model.published):
            yield Hit(
                record,
                f"{about(record)} no record that it is disclosed to the public",
                "published",
            )


@rule("TRF008")
def payments_single_level(ctx: Context) -> Iterator[Hit]:
    """Payments to public security should be split between levels of authority."""
    for site in ctx.workspace.of_kind("Site"):
        authorities: set[str] = set()
        for _record, model in public_transfers_at(ctx, site.id):
            if model.type == "payment" and within_days(model.date, ctx.as_of, YEAR_DAYS):
                authorities.add(model.recipient.authority)
        if len(authorities) == 1:
            (authority,) = authorities
            yield Hit(
                site,
                f"{about(site)} every payment to public security in the {YEAR_DAYS} days up "
                f"to {ctx.as_of.isoformat()} ({FIXED_YEAR_NOTE}) went to the {authority} "
                "authority, none split between national and local levels",
            )


@rule("TRF009")
def monitoring(ctx: Context) -> Iterator[Hit]:
    """Equipment transfers need end-use monitoring."""
    for record, model in public_transfers(ctx):
        if model.type == "equipment" and field_absent(record, "monitoring"):
            yield Hit(
                record,
                f"{about(record)} equipment with no record of how its end use is monitored",
                "monitoring",
            )


@rule("TRF010")
def equipment_protocol(ctx: Context) -> Iterator[Hit]:
    """Equipment should be transferred only under an MoU with an equipment protocol."""
    for site in ctx.workspace.of_kind("Site"):
        equipment = [
            record
            for record, model in public_transfers_at(ctx, site.id)
            if model.type == "equipment"
        ]
        if not equipment:
            continue
        covered = any(
            model.is_mou and "equipment_protocol" in model.clauses
            for _agreement, model in ctx.workspace.each_at(site.id, Agreement)
        )
        if not covered:
            ids = ", ".join(record.id for record in equipment)
            yield Hit(
                site,
                f"{about(site)} equipment was transferred ({ids}) with no record of an "
                "equipment protocol in an MoU covering the site",
            )


@rule("TRF011")
def force_standards_conditions(ctx: Context) -> Iterator[Hit]:
    """Equipment must be conditioned on the use-of-force standards, and on IHL in armed conflict."""
    for record, model in public_transfers(ctx):
        if model.type != "equipment":
            continue
        conditions = model.conditions
        missing = []
        if not_true(conditions.use_of_force if conditions else None):
            missing.append("use_of_force")
        site = site_model(ctx, model.site)
        if (
            site is not None
            and site.context.armed_conflict
            and not_true(conditions.ihl if conditions else None)
        ):
            missing.append("ihl")
        if missing:
            what = {
                "use_of_force": "the standards on the use of force",
                "ihl": "international humanitarian law (the site is in armed conflict)",
            }
            yield Hit(
                record,
                f"{about(record)} equipment with no record that it is conditioned on "
                f"{' or on '.join(what[name] for name in missing)}",
                f"conditions.{missing[0]}",
            )


@rule("TRF012")
def armed_group(ctx: Context) -> Iterator[Hit]:
    """No support may go to a non-state armed group, agreed or extorted."""
    for record, model in ctx.workspace.each(Transfer):
        if not model.to_public_security:
            yield Hit(
                record,
                f"{about(record)} support given to a non-state armed group, outside the state's "
                "lawful forces",
                "recipient.authority",
            )
