"""DEP: rules on deployments of public security."""

from __future__ import annotations

from collections.abc import Iterator

from vpsec.models import Deployment
from vpsec.rules.facts import field_absent, label, listing, not_true, site_model
from vpsec.rules.registry import Context, Hit, rule


@rule("DEP001")
def agreement(ctx: Context) -> Iterator[Hit]:
    """An active deployment must be covered by an agreement."""
    for record, model in ctx.workspace.each(Deployment):
        if model.is_active(ctx.as_of) and field_absent(record, "agreement"):
            yield Hit(
                record,
                f"{label(record)} is active on {ctx.as_of.isoformat()} but names no agreement "
                "(MoU) with the public security body",
                "agreement",
            )


@rule("DEP002")
def risk_assessment(ctx: Context) -> Iterator[Hit]:
    """A deployment's size and type should follow from a risk assessment."""
    for record, _model in ctx.workspace.each(Deployment):
        if field_absent(record, "risk_assessment"):
            yield Hit(
                record,
                f"{label(record)} names no risk assessment, so its size and type are not tied "
                "to a threat analysis",
                "risk_assessment",
            )


@rule("DEP003")
def permanent(ctx: Context) -> Iterator[Hit]:
    """A permanent deployment needs high lawlessness or a remote site."""
    threshold = ctx.setting("remote_response_time_hours")
    for record, model in ctx.workspace.each(Deployment):
        if not model.permanent:
            continue
        site = site_model(ctx, model.site)
        if site is None:
            continue
        response = site.context.response_time_hours
        if site.context.lawlessness != "high" and (response is None or response <= threshold):
            known = (
                "no response time recorded"
                if response is None
                else f"a response time of {response:g} hours"
            )
            yield Hit(
                record,
                f"{label(record)} is permanent, but site {model.site} has neither high "
                f"lawlessness nor a remote location ({known}; remote means over "
                f"{threshold:g} hours)",
                "permanent",
            )


@rule("DEP004")
def women(ctx: Context) -> Iterator[Hit]:
    """A deployment should include women."""
    for record, model in ctx.workspace.each(Deployment):
        if model.headcount >= 1 and not model.women:
            yield Hit(
                record,
                f"{label(record)} includes no women among its {model.headcount} personnel",
                "women",
            )


@rule("DEP005")
def military_training(ctx: Context) -> Iterator[Hit]:
    """Military forces need confirmed human rights training and adequate equipment."""
    for record, model in ctx.workspace.each(Deployment):
        if model.force.type != "military":
            continue
        training = model.training
        missing = [
            name
            for name in ("human_rights", "equipment_adequate")
            if not_true(getattr(training, name) if training else None)
        ]
        if missing:
            fields = [f"training.{name}" for name in missing]
            yield Hit(
                record,
                f"{label(record)} is a military deployment, but {listing(fields)} is not "
                "true: human rights training and adequate equipment must be confirmed",
                fields[0],
            )


@rule("DEP006")
def guard_duty(ctx: Context) -> Iterator[Hit]:
    """Public security on a conflict-affected site should not do guard duty."""
    for record, model in ctx.workspace.each(Deployment):
        site = site_model(ctx, model.site)
        if model.role == "guard_duty" and site is not None and site.conflict_affected:
            yield Hit(
                record,
                f"{label(record)} is used for guard duty on a conflict-affected site",
                "role",
            )


@rule("DEP007")
def company_request(ctx: Context) -> Iterator[Hit]:
    """A company-requested deployment needs a mandate, an end date and an urgent need."""
    for record, model in ctx.workspace.each(Deployment):
        if not model.requested_by_company:
            continue
        missing = [name for name in ("mandate", "end", "urgent_need") if field_absent(record, name)]
        if missing:
            yield Hit(
                record,
                f"{label(record)} was requested by the company but has no {listing(missing)}",
                missing[0],
            )


@rule("DEP008")
def chain_of_command(ctx: Context) -> Iterator[Hit]:
    """A deployment needs a documented chain of command."""
    for record, model in ctx.workspace.each(Deployment):
        chain = model.chain_of_command
        if not_true(chain.documented if chain else None):
            yield Hit(
                record,
                f"{label(record)} has no documented chain of command "
                "(`chain_of_command.documented` is not true)",
                "chain_of_command.documented",
            )


@rule("DEP009")
def scaling_procedure(ctx: Context) -> Iterator[Hit]:
    """A deployment should have an agreed procedure to scale it up or down."""
    for record, model in ctx.workspace.each(Deployment):
        if not_true(model.scaling_procedure):
            yield Hit(
                record,
                f"{label(record)} has no agreed procedure to scale it up or down "
                "(`scaling_procedure` is not true)",
                "scaling_procedure",
            )


@rule("DEP010")
def training(ctx: Context) -> Iterator[Hit]:
    """Deployed forces need human rights training, and IHL training in armed conflict."""
    for record, model in ctx.workspace.each(Deployment):
        training = model.training
        missing = []
        if not_true(training.human_rights if training else None):
            missing.append("training.human_rights")
        site = site_model(ctx, model.site)
        if (
            site is not None
            and site.context.armed_conflict
            and not_true(training.ihl if training else None)
        ):
            missing.append("training.ihl")
        if missing:
            where = " on a site in armed conflict" if "training.ihl" in missing else ""
            yield Hit(
                record,
                f"{label(record)} has no confirmed {listing(missing)}{where}",
                missing[0],
            )


@rule("DEP011")
def vetting(ctx: Context) -> Iterator[Hit]:
    """Deployed personnel should be screened for past abuses."""
    for record, model in ctx.workspace.each(Deployment):
        if not_true(model.vetting):
            yield Hit(
                record,
                f"{label(record)} has personnel not screened for past human rights abuses "
                "(`vetting` is not true)",
                "vetting",
            )
