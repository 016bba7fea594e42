"""SIT: rules on sites (grievance mechanism, roles, policy, consultation, transparency,
private security)."""

from __future__ import annotations

from collections.abc import Iterator

from vpsec.models import Consultation, Site
from vpsec.rules.facts import (
    about,
    absent,
    has_active_deployment,
    has_transfer,
    not_true,
    period_note,
    within_days,
)
from vpsec.rules.registry import Context, Hit, rule


@rule("SIT001")
def grievance_mechanism(ctx: Context) -> Iterator[Hit]:
    """A site needs a grievance mechanism in place."""
    for record, site in ctx.workspace.each(Site):
        mechanism = site.grievance_mechanism
        if not_true(mechanism.in_place if mechanism else None):
            yield Hit(
                record,
                f"{about(record)} no record that a grievance mechanism is in place for "
                "community members to report abuses",
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
                f"{about(record)} public security is deployed, but there is no record that "
                "the roles of public and private security are set out in formal terms",
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
                f"{about(record)} the site is conflict-affected, but there is no record of a "
                "published human rights policy",
                "human_rights_policy.published",
            )


@rule("SIT004")
def recent_consultation(ctx: Context) -> Iterator[Hit]:
    """A site with an active deployment needs a recent consultation on security arrangements."""
    max_age = ctx.setting("consultation_max_age_days")
    for record in ctx.workspace.of_kind("Site"):
        if not has_active_deployment(ctx, record.id):
            continue
        recent = any(
            "security_arrangements" in model.topics and within_days(model.date, ctx.as_of, max_age)
            for _consultation, model in ctx.workspace.each_at(record.id, Consultation)
        )
        if not recent:
            yield Hit(
                record,
                f"{about(record)} public security is deployed, but there is no record of a "
                f"community consultation on security arrangements in the {max_age:g} days up "
                f"to {ctx.as_of.isoformat()} ({period_note(ctx, 'consultation_max_age_days')})",
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
                f"{about(record)} the site makes payments or pays per diems to public "
                "security, but there is no record that its payments are published",
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
                f"{about(record)} the site gives support to public security, but there is no "
                "record of a public information office nearby",
                "transparency.information_office",
            )


@rule("SIT007")
def armed_private_security(ctx: Context) -> Iterator[Hit]:
    """An armed private security provider should be an ICoCA member or certified."""
    for record, site in ctx.workspace.each(Site):
        for index, provider in enumerate(site.private_security or []):
            if (
                provider.armed is True
                and not_true(provider.icoca_member)
                and absent(provider.certification)
            ):
                yield Hit(
                    record,
                    f"{about(record)} private security provider {provider.provider} is armed, "
                    "but there is no record of its ICoCA membership or of a certification",
                    f"private_security.{index}",
                )
