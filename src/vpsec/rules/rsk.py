"""RSK: rules on risk assessments (existence, age, coverage, consultation, joint work)."""

from __future__ import annotations

from collections.abc import Iterator

from vpsec.load.workspace import LoadedRecord
from vpsec.models import Consultation, RiskAssessment, Site
from vpsec.rules.facts import (
    days_before,
    has_active_deployment,
    has_transfer,
    label,
    lacking,
    latest_assessment,
    listing,
    not_true,
)
from vpsec.rules.registry import Context, Hit, rule


def _latest(ctx: Context) -> Iterator[tuple[Site, LoadedRecord, RiskAssessment]]:
    """(site, latest assessment record, its model) for every site that has one."""
    for site_record, site in ctx.workspace.each(Site):
        record = latest_assessment(ctx, site_record.id)
        if record is None:
            continue
        model = record.model
        assert isinstance(model, RiskAssessment)
        yield site, record, model


@rule("RSK001")
def assessment_exists(ctx: Context) -> Iterator[Hit]:
    """A site that works with public security needs a risk assessment."""
    for site in ctx.workspace.of_kind("Site"):
        deployed = has_active_deployment(ctx, site.id)
        if not deployed and not has_transfer(ctx, site.id):
            continue
        assessed = any(
            isinstance(record.model, RiskAssessment) and record.model.date <= ctx.as_of
            for record in ctx.workspace.at_site(site.id, "RiskAssessment")
        )
        if not assessed:
            why = "has public security deployed" if deployed else "gives support to public security"
            yield Hit(
                site,
                f"{label(site)} {why} but has no risk assessment dated on or before "
                f"{ctx.as_of.isoformat()}",
            )


@rule("RSK002")
def up_to_date(ctx: Context) -> Iterator[Hit]:
    """A site's latest assessment must be recent and not past its review date."""
    max_age = ctx.setting("risk_assessment_max_age_days")
    for site, record, model in _latest(ctx):
        age = days_before(model.date, ctx.as_of)
        too_old = age > max_age
        review = model.next_review
        review_missed = review is not None and review < ctx.as_of
        if not too_old and not review_missed:
            continue
        reasons = []
        if too_old:
            reasons.append(f"is {age} days old, over the {max_age:g} days allowed")
        if review is not None and review_missed:
            reasons.append(f"missed its review due on {review.isoformat()}")
        yield Hit(
            record,
            f"{label(record)}, the latest assessment of site {site.id}, "
            f"{' and '.join(reasons)} (as of {ctx.as_of.isoformat()})",
            "date" if too_old else "next_review",
        )


def _coverage_hit(record: LoadedRecord, site: Site, missing: list[str], about: str) -> Hit:
    return Hit(
        record,
        f"{label(record)}, the latest assessment of {about} site {site.id}, does not cover "
        f"{listing(missing)}",
        "covers",
    )


@rule("RSK003")
def conflict_analysis(ctx: Context) -> Iterator[Hit]:
    """The assessment of a conflict-affected site must include a conflict analysis."""
    for site, record, model in _latest(ctx):
        if site.conflict_affected and "conflict_analysis" not in model.covers:
            yield _coverage_hit(record, site, ["conflict_analysis"], "conflict-affected")


@rule("RSK004")
def human_rights_and_ihl(ctx: Context) -> Iterator[Hit]:
    """The assessment of a conflict-affected site must cover human rights (and IHL in war)."""
    for site, record, model in _latest(ctx):
        if not site.conflict_affected:
            continue
        wanted = ["human_rights", "ihl"] if site.context.armed_conflict else ["human_rights"]
        missing = lacking(model.covers, wanted)
        if missing:
            about = "armed-conflict" if site.context.armed_conflict else "conflict-affected"
            yield _coverage_hit(record, site, missing, about)


@rule("RSK005")
def armed_groups_and_crime(ctx: Context) -> Iterator[Hit]:
    """The assessment of a conflict-affected site should cover armed groups and criminality."""
    for site, record, model in _latest(ctx):
        if not site.conflict_affected:
            continue
        missing = lacking(model.covers, ["armed_groups", "criminality"])
        if missing:
            yield _coverage_hit(record, site, missing, "conflict-affected")


@rule("RSK006")
def women_consulted(ctx: Context) -> Iterator[Hit]:
    """The latest assessment should draw on a consultation that included women."""
    for site, record, model in _latest(ctx):
        with_women = False
        for consultation_id in model.consultations or []:
            consultation = ctx.workspace.by_id.get(consultation_id)
            if (
                consultation is not None
                and isinstance(consultation.model, Consultation)
                and "women" in (consultation.model.groups or [])
            ):
                with_women = True
                break
        if not with_women:
            how = (
                "draws on no community consultation"
                if not model.consultations
                else "draws on no consultation that included women"
            )
            yield Hit(
                record,
                f"{label(record)}, the latest assessment of site {site.id}, {how}",
                "consultations",
            )


@rule("RSK007")
def joint_assessment(ctx: Context) -> Iterator[Hit]:
    """At a site with public security deployed, the assessment should be made jointly with it."""
    for site, record, model in _latest(ctx):
        if not_true(model.joint_with_public_security) and has_active_deployment(ctx, site.id):
            yield Hit(
                record,
                f"{label(record)}, the latest assessment of site {site.id} where public security "
                "is deployed, was not carried out jointly with public security",
                "joint_with_public_security",
            )


@rule("RSK008")
def resource_needs(ctx: Context) -> Iterator[Hit]:
    """At a site that supports public security, the assessment should estimate its needs."""
    for site, record, model in _latest(ctx):
        if "public_security_resources" not in model.covers and has_transfer(ctx, site.id):
            yield Hit(
                record,
                f"{label(record)}, the latest assessment of site {site.id}, which gives support "
                "to public security, does not cover `public_security_resources`",
                "covers",
            )


@rule("RSK009")
def gender(ctx: Context) -> Iterator[Hit]:
    """The latest assessment should include a gender analysis."""
    for site, record, model in _latest(ctx):
        if "gender" not in model.covers:
            yield Hit(
                record,
                f"{label(record)}, the latest assessment of site {site.id}, does not cover "
                "`gender`",
                "covers",
            )
