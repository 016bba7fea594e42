"""SIT: rules on sites (grievance mechanism, roles, policy, consultation, transparency)."""

from __future__ import annotations

from collections.abc import Iterator

from vpsec.models import Consultation, Site
from vpsec.rules.facts import has_active_deployment, has_transfer, label, not_true, within_days
from vpsec.rules.registry import Context, Hit, rule


@rule("SIT001")
def grievance_mechanism(ctx: Context) -> Iterator[Hit]:
    """A site needs a grievance mechanism in place."""
    for record, site in ctx.workspace.each(Site):
        mechanism = site.grievance_mechanism
        if not_true(mechanism.in_place if mechanism else None):
            yield Hit(
                record,
                f"{label(record)} has no grievance mechanism in place "
                "(`grievance_mechanism.in_place` is not true)",
                "grievance_mechanism.in_place",
            )


@rule("SIT002")
def roles_defined(ctx: Context) -> Iterator[Hit]:
    """A site with an active deployment needs formally defined security roles."""
    for record, site in ctx.workspace.each(Site):
        arrangements = site.arrangements
        if not_true(arrangements.roles_defined if arrangements else None) and (
            has_active_deployment(ctx, record.id)
        ):
            yield Hit(
                record,
                f"{label(record)} has public security deployed but its security roles and "
                "responsibilities are not formally defined (`arrangements.roles_defined` is "
                "not true)",
                "arrangements.roles_defined",
            )


@rule("SIT003")
def human_rights_policy(ctx: Context) -> Iterator[Hit]:
    """A conflict-affected site needs a published human rights policy."""
    for record, site in ctx.workspace.each(Site):
        policy = site.human_rights_policy
        if site.conflict_affected and not_true(policy.published if policy else None):
            yield Hit(
                record,
                f"{label(record)} is conflict-affected but has no published human rights "
                "policy (`human_rights_policy.published` is not true)",
                "human_rights_policy.published",
            )


@rule("SIT004")
def recent_consultation(ctx: Context) -> Iterator[Hit]:
    """A site with an active deployment needs a recent consultation on security arrangements."""
    max_age = ctx.setting("consultation_max_age_days")
    for record in ctx.workspace.of_kind("Site"):
        if not has_active_deployment(ctx, record.id):
            continue
        recent = False
        for _consultation, model in ctx.workspace.each_at(record.id, Consultation):
            if "security_arrangements" in model.topics and within_days(
                model.date, ctx.as_of, max_age
            ):
                recent = True
                break
        if not recent:
            yield Hit(
                record,
                f"{label(record)} has public security deployed but no community consultation "
                f"on security arrangements in the {max_age:g} days up to "
                f"{ctx.as_of.isoformat()}",
            )


@rule("SIT005")
def payments_published(ctx: Context) -> Iterator[Hit]:
    """A site that pays public security should publish its payments."""
    for record, site in ctx.workspace.each(Site):
        transparency = site.transparency
        if not_true(transparency.payments_published if transparency else None) and has_transfer(
            ctx, record.id, ("payment", "per_diem")
        ):
            yield Hit(
                record,
                f"{label(record)} makes payments or per diems to public security but does not "
                "publish them (`transparency.payments_published` is not true)",
                "transparency.payments_published",
            )


@rule("SIT006")
def information_office(ctx: Context) -> Iterator[Hit]:
    """A site that supports public security should have a public information office."""
    for record, site in ctx.workspace.each(Site):
        transparency = site.transparency
        if not_true(transparency.information_office if transparency else None) and has_transfer(
            ctx, record.id
        ):
            yield Hit(
                record,
                f"{label(record)} gives support to public security but has no public "
                "information office (`transparency.information_office` is not true)",
                "transparency.information_office",
            )
