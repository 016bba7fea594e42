"""TRF: rules on transfers to public security (the Record of Transfer Register)."""

from __future__ import annotations

from collections.abc import Iterator

from vpsec.models import Agreement, Transfer
from vpsec.rules.facts import field_absent, label, listing, not_true, within_days
from vpsec.rules.registry import Context, Hit, rule

CONDITIONED_TYPES = ("equipment", "in_kind", "services")
PAYMENT_WINDOW_DAYS = 365


@rule("TRF001")
def signed_receipt(ctx: Context) -> Iterator[Hit]:
    """Every transfer needs a receipt signed by the recipient."""
    for record, model in ctx.workspace.each(Transfer):
        if not_true(model.receipt.signed if model.receipt else None):
            yield Hit(record, f"{label(record)} has no signed receipt", "receipt.signed")


@rule("TRF002")
def human_rights_conditions(ctx: Context) -> Iterator[Hit]:
    """Equipment, in-kind support and services must be conditioned on respect for human rights."""
    for record, model in ctx.workspace.each(Transfer):
        conditions = model.conditions
        if model.type in CONDITIONED_TYPES and not_true(
            conditions.human_rights if conditions else None
        ):
            yield Hit(
                record,
                f"{label(record)} ({model.type}) is not conditioned on respect for human rights "
                "(`conditions.human_rights` is not true)",
                "conditions.human_rights",
            )


@rule("TRF003")
def lethal(ctx: Context) -> Iterator[Hit]:
    """No lethal equipment may be transferred."""
    for record, model in ctx.workspace.each(Transfer):
        if model.lethal:
            yield Hit(record, f"{label(record)} includes lethal equipment", "lethal")


@rule("TRF004")
def risk_assessment(ctx: Context) -> Iterator[Hit]:
    """A transfer's benefit should be weighed against its risk."""
    for record, _model in ctx.workspace.each(Transfer):
        if field_absent(record, "risk_assessment"):
            yield Hit(
                record,
                f"{label(record)} names no risk assessment weighing its benefit against the risk",
                "risk_assessment",
            )


@rule("TRF005")
def custody(ctx: Context) -> Iterator[Hit]:
    """Equipment should stay secured at the site and be released only by agreed procedure."""
    for record, model in ctx.workspace.each(Transfer):
        if model.type != "equipment":
            continue
        custody = model.custody
        missing = [
            f"custody.{name}"
            for name in ("secured_at_site", "release_procedure")
            if not_true(getattr(custody, name) if custody else None)
        ]
        if missing:
            yield Hit(
                record,
                f"{label(record)} is equipment, but {listing(missing)} is not true: it should "
                "stay secured at the site and be released only by an agreed procedure",
                missing[0],
            )


@rule("TRF006")
def per_diem_to_individuals(ctx: Context) -> Iterator[Hit]:
    """Per diems should be paid directly to the individuals."""
    for record, model in ctx.workspace.each(Transfer):
        if model.type == "per_diem" and model.recipient.authority != "individuals":
            yield Hit(
                record,
                f"{label(record)} is a per diem paid to the {model.recipient.authority} "
                "authority instead of directly to the individual officers",
                "recipient.authority",
            )


@rule("TRF007")
def published(ctx: Context) -> Iterator[Hit]:
    """Transfers should be disclosed to the public."""
    for record, model in ctx.workspace.each(Transfer):
        if not_true(model.published):
            yield Hit(
                record,
                f"{label(record)} is not disclosed to the public (`published` is not true)",
                "published",
            )


@rule("TRF008")
def payments_single_level(ctx: Context) -> Iterator[Hit]:
    """Payments to public security should be split between levels of authority."""
    for site in ctx.workspace.of_kind("Site"):
        authorities: set[str] = set()
        for _record, model in ctx.workspace.each_at(site.id, Transfer):
            if model.type == "payment" and within_days(model.date, ctx.as_of, PAYMENT_WINDOW_DAYS):
                authorities.add(model.recipient.authority)
        if len(authorities) == 1:
            (authority,) = authorities
            yield Hit(
                site,
                f"{label(site)}: every payment to public security in the {PAYMENT_WINDOW_DAYS} "
                f"days up to {ctx.as_of.isoformat()} went to the {authority} authority, not "
                "split between levels",
            )


@rule("TRF009")
def monitoring(ctx: Context) -> Iterator[Hit]:
    """Equipment transfers need end-use monitoring."""
    for record, model in ctx.workspace.each(Transfer):
        if model.type == "equipment" and field_absent(record, "monitoring"):
            yield Hit(
                record,
                f"{label(record)} is equipment with no end-use monitoring recorded",
                "monitoring",
            )


@rule("TRF010")
def equipment_protocol(ctx: Context) -> Iterator[Hit]:
    """Equipment should be transferred only under an agreement with an equipment protocol."""
    for site in ctx.workspace.of_kind("Site"):
        equipment = [
            record
            for record in ctx.workspace.at_site(site.id, "Transfer")
            if isinstance(record.model, Transfer) and record.model.type == "equipment"
        ]
        if not equipment:
            continue
        covered = any(
            isinstance(agreement.model, Agreement)
            and "equipment_protocol" in agreement.model.clauses
            for agreement in ctx.workspace.at_site(site.id, "Agreement")
        )
        if not covered:
            ids = ", ".join(record.id for record in equipment)
            yield Hit(
                site,
                f"{label(site)} received equipment transfers ({ids}) but no agreement covering "
                "the site has the `equipment_protocol` clause",
            )
