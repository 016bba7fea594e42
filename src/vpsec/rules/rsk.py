"""RSK: rules on risk assessments (existence, age, coverage, consultation, joint work).

Most of them judge a site's *coverage* (rules.md v1.1): what its latest
assessment and its other current assessments cover together, so a separate
impact or human-rights assessment counts. Findings are still reported on the
latest assessment.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from vpsec.load.workspace import LoadedRecord
from vpsec.models import Consultation, RiskAssessment, Site
from vpsec.rules.facts import (
    FIXED_YEAR_NOTE,
    YEAR_DAYS,
    about,
    coverage,
    days_before,
    has_active_deployment,
    has_transfer,
    lacking,
    latest_assessment,
    listing,
    not_true,
    period_note,
)
from vpsec.rules.registry import Context, Hit, rule


@dataclass(frozen=True, slots=True)
class _Latest:
    """A site with its latest assessment, and what the site's current assessments cover."""

    site_id: str
    site: Site
    record: LoadedRecord
    model: RiskAssessment
    covered: frozenset[str]


def _latest(ctx: Context) -> Iterator[_Latest]:
    """Every site that has an assessment dated on or before as-of, with its latest one."""
    for site_record, site in ctx.workspace.each(Site):
        record = latest_assessment(ctx, site_record.id)
        if record is None:
            continue
        model = record.model
        assert isinstance(model, RiskAssessment)
        covered = frozenset(coverage(ctx, site_record.id, model))
        yield _Latest(site_record.id, site, record, model, covered)


@rule("RSK001")
def assessment_exists(ctx: Context) -> Iterator[Hit]:
    """A site that works with public security needs a risk assessment."""
    for site in ctx.workspace.of_kind("Site"):
        deployed = has_active_deployment(ctx, site.id)
        if not deployed and not has_transfer(ctx, site.id):
            continue
        assessed = any(
            model.date <= ctx.as_of
            for _record, model in ctx.workspace.each_at(site.id, RiskAssessment)
        )
        if not assessed:
            why = "public security is deployed" if deployed else "the site supports public security"
            yield Hit(
                site,
                f"{about(site)} {why}, but there is no record of a risk assessment dated on or "
                f"before {ctx.as_of.isoformat()}",
            )


@rule("RSK002")
def up_to_date(ctx: Context) -> Iterator[Hit]:
    """A site's latest assessment must be recent and not past its review date."""
    max_age = ctx.setting("risk_assessment_max_age_days")
    for latest in _latest(ctx):
        model = latest.model
        age = days_before(model.date, ctx.as_of)
        too_old = age > max_age
        review = model.next_review
        review_missed = review is not None and review < ctx.as_of
        if not too_old and not review_missed:
            continue
        reasons = []
        if too_old:
            reasons.append(
                f"is {age} days old, over {max_age:g} days "
                f"({period_note(ctx, 'risk_assessment_max_age_days')})"
            )
        if review is not None and review_missed:
            reasons.append(f"was due for review on {review.isoformat()}")
        yield Hit(
            latest.record,
            f"{about(latest.record)} the latest assessment of site {latest.site_id} "
            f"{' and '.join(reasons)} (as of {ctx.as_of.isoformat()})",
            "date" if too_old else "next_review",
        )


# How a message names what an assessment lacks.
TOPIC_WORDS = {
    "conflict_analysis": "a conflict analysis",
    "human_rights": "human rights",
    "ihl": "international humanitarian law",
    "security_threats": "security threats to the company",
    "community_risks": "risks to local communities",
    "impact": "the operation's impact",
    "armed_groups": "non-state armed groups",
    "criminality": "criminality",
    "public_security_resources": "public security resource needs",
    "gender": "a gender analysis",
    "equipment_transfers": "equipment transfers",
}


def _coverage_hit(latest: _Latest, missing: list[str], kind: str = "", which: str = "") -> Hit:
    words = [TOPIC_WORDS[topic] for topic in missing]
    what = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
    return Hit(
        latest.record,
        f"{about(latest.record)} no record that the current assessments of "
        f"{kind}site {latest.site_id}{which} cover {what} ({listing(missing)})",
        "covers",
    )


@rule("RSK003")
def conflict_analysis(ctx: Context) -> Iterator[Hit]:
    """The assessment of a conflict-affected site must include a conflict analysis."""
    for latest in _latest(ctx):
        if latest.site.conflict_affected and "conflict_analysis" not in latest.covered:
            yield _coverage_hit(latest, ["conflict_analysis"], "conflict-affected ")


@rule("RSK004")
def human_rights_and_ihl(ctx: Context) -> Iterator[Hit]:
    """The assessment of a conflict-affected site must cover human rights (and IHL in war)."""
    for latest in _latest(ctx):
        site = latest.site
        if not site.conflict_affected:
            continue
        wanted = ["human_rights", "ihl"] if site.context.armed_conflict else ["human_rights"]
        missing = lacking(latest.covered, wanted)
        if missing:
            kind = "armed-conflict " if site.context.armed_conflict else "conflict-affected "
            yield _coverage_hit(latest, missing, kind)


@rule("RSK005")
def armed_groups_and_crime(ctx: Context) -> Iterator[Hit]:
    """Every assessment should cover criminality; a conflict-affected site's, armed groups too."""
    for latest in _latest(ctx):
        conflict = latest.site.conflict_affected
        wanted = ["armed_groups", "criminality"] if conflict else ["criminality"]
        missing = lacking(latest.covered, wanted)
        if missing:
            yield _coverage_hit(latest, missing, "conflict-affected " if conflict else "")


@rule("RSK006")
def women_consulted(ctx: Context) -> Iterator[Hit]:
    """The latest assessment should draw on a consultation that included women."""
    for latest in _latest(ctx):
        model = latest.model
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
                "no record that it drew on a community consultation"
                if not model.consultations
                else "no record that women took part in the consultations it drew on"
            )
            yield Hit(
                latest.record,
                f"{about(latest.record)} the latest assessment of site {latest.site_id}, with "
                f"{how}",
                "consultations",
            )


@rule("RSK007")
def joint_assessment(ctx: Context) -> Iterator[Hit]:
    """At a site with public security deployed, the assessment should be made jointly with it."""
    for latest in _latest(ctx):
        if not_true(latest.model.joint_with_public_security) and has_active_deployment(
            ctx, latest.site_id
        ):
            yield Hit(
                latest.record,
                f"{about(latest.record)} the latest assessment of site {latest.site_id}, where "
                "public security is deployed, with no record that it was carried out jointly "
                "with public security",
                "joint_with_public_security",
            )


@rule("RSK008")
def resource_needs(ctx: Context) -> Iterator[Hit]:
    """At a site that supports public security, the assessment should estimate its needs."""
    for latest in _latest(ctx):
        if "public_security_resources" not in latest.covered and has_transfer(ctx, latest.site_id):
            yield _coverage_hit(
                latest, ["public_security_resources"], which=", which supports public security,"
            )


@rule("RSK009")
def gender(ctx: Context) -> Iterator[Hit]:
    """The latest assessment should include a gender analysis."""
    for latest in _latest(ctx):
        if "gender" not in latest.covered:
            yield _coverage_hit(latest, ["gender"])


@rule("RSK010")
def impact(ctx: Context) -> Iterator[Hit]:
    """The site's assessments should include an impact assessment."""
    for latest in _latest(ctx):
        if "impact" not in latest.covered:
            yield _coverage_hit(latest, ["impact"])


@rule("RSK011")
def company_and_community_risks(ctx: Context) -> Iterator[Hit]:
    """The site's assessments should cover risks to the company and to communities."""
    for latest in _latest(ctx):
        missing = lacking(latest.covered, ["security_threats", "community_risks"])
        if missing:
            yield _coverage_hit(latest, missing)


@rule("RSK012")
def equipment_transfers(ctx: Context) -> Iterator[Hit]:
    """Where equipment went to public security in the year, the assessments should weigh it."""
    for latest in _latest(ctx):
        if "equipment_transfers" in latest.covered:
            continue
        if has_transfer(ctx, latest.site_id, ("equipment",), within=YEAR_DAYS):
            yield Hit(
                latest.record,
                f"{about(latest.record)} equipment went to public security from site "
                f"{latest.site_id} in the {YEAR_DAYS} days up to {ctx.as_of.isoformat()} "
                f"({FIXED_YEAR_NOTE}), but there is no record that the current assessments "
                "of the site cover equipment transfers (`equipment_transfers`)",
                "covers",
            )
