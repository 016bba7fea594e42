"""DEP: rules on deployments of public security."""

from __future__ import annotations

from collections.abc import Iterator

from vpsec.models import Agreement, Deployment, RiskAssessment
from vpsec.rules.facts import (
    about,
    days_before,
    field_absent,
    not_true,
    period_note,
    site_model,
    within_days,
)
from vpsec.rules.registry import Context, Hit, rule

# What a briefing must cover (rules.md DEP012; toolkit 2.1.a: "roles and responsibilities,
# chain of command, use of force").
BRIEFING_TOPICS = ("roles", "chain_of_command", "use_of_force")


def _not_ended(model: Deployment, ctx: Context) -> bool:
    """Active, or yet to start: the deployment's end (if any) is on or after as-of."""
    return model.end is None or model.end >= ctx.as_of


@rule("DEP001")
def agreement(ctx: Context) -> Iterator[Hit]:
    """An active deployment must be covered by an agreement."""
    for record, model in ctx.workspace.each(Deployment):
        if model.is_active(ctx.as_of) and field_absent(record, "agreement"):
            yield Hit(
                record,
                f"{about(record)} active on {ctx.as_of.isoformat()} with no record of an "
                "agreement (MoU) with the host-government body",
                "agreement",
            )


@rule("DEP002")
def risk_assessment(ctx: Context) -> Iterator[Hit]:
    """A deployment's size and type should follow from a risk assessment."""
    for record, _model in ctx.workspace.each(Deployment):
        if field_absent(record, "risk_assessment"):
            yield Hit(
                record,
                f"{about(record)} no record of the risk assessment its size and type rest on",
                "risk_assessment",
            )


@rule("DEP003")
def permanent(ctx: Context) -> Iterator[Hit]:
    """A permanent deployment the company requests needs high lawlessness or a remote site."""
    threshold = ctx.setting("remote_response_time_hours")
    for record, model in ctx.workspace.each(Deployment):
        if not (model.permanent and model.requested_by_company):
            continue
        site = site_model(ctx, model.site)
        if site is None:
            continue
        response = site.context.response_time_hours
        if site.context.lawlessness != "high" and (response is None or response <= threshold):
            known = (
                "no response time is recorded"
                if response is None
                else f"the recorded response time is {response:g} hours"
            )
            yield Hit(
                record,
                f"{about(record)} a permanent deployment the company requested, with no record "
                f"of high lawlessness or of a remote site at {model.site} ({known}; remote "
                f"means over {threshold:g} hours, "
                f"{period_note(ctx, 'remote_response_time_hours', 'threshold')})",
                "permanent",
            )


@rule("DEP004")
def women(ctx: Context) -> Iterator[Hit]:
    """A deployment should include women."""
    for record, model in ctx.workspace.each(Deployment):
        if model.headcount >= 1 and not model.women:
            yield Hit(
                record,
                f"{about(record)} no record that any of its {model.headcount} personnel are women",
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
            what = {
                "human_rights": "trained in human rights",
                "equipment_adequate": "adequately equipped",
            }
            yield Hit(
                record,
                f"{about(record)} a military deployment with no record that it is "
                f"{' or '.join(what[name] for name in missing)}",
                f"training.{missing[0]}",
            )


@rule("DEP006")
def guard_duty(ctx: Context) -> Iterator[Hit]:
    """Public security on a conflict-affected site should not do guard duty."""
    for record, model in ctx.workspace.each(Deployment):
        site = site_model(ctx, model.site)
        if model.role == "guard_duty" and site is not None and site.conflict_affected:
            yield Hit(
                record,
                f"{about(record)} used for guard duty on a conflict-affected site, not held as "
                "an emergency reserve",
                "role",
            )


@rule("DEP007")
def company_request(ctx: Context) -> Iterator[Hit]:
    """A company-requested deployment needs a mandate, an end date and an urgent need."""
    words = {"mandate": "mandate", "end": "end date", "urgent_need": "urgent need"}
    for record, model in ctx.workspace.each(Deployment):
        if not model.requested_by_company:
            continue
        missing = [name for name in ("mandate", "end", "urgent_need") if field_absent(record, name)]
        if missing:
            yield Hit(
                record,
                f"{about(record)} requested by the company with no recorded "
                f"{' or '.join(words[name] for name in missing)}",
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
                f"{about(record)} no record of a documented chain of command in relation to "
                "company management",
                "chain_of_command.documented",
            )


@rule("DEP009")
def scaling_procedure(ctx: Context) -> Iterator[Hit]:
    """A deployment should have an agreed procedure to scale it up or down."""
    for record, model in ctx.workspace.each(Deployment):
        if not_true(model.scaling_procedure):
            yield Hit(
                record,
                f"{about(record)} no record of an agreed procedure to scale it up or down",
                "scaling_procedure",
            )


@rule("DEP010")
def training(ctx: Context) -> Iterator[Hit]:
    """Non-military forces need human rights training; every force needs IHL in armed conflict.

    A military deployment's human rights training is DEP005's, not repeated here.
    """
    for record, model in ctx.workspace.each(Deployment):
        training = model.training
        missing = []
        if model.force.type != "military" and not_true(training.human_rights if training else None):
            missing.append("human_rights")
        site = site_model(ctx, model.site)
        if (
            site is not None
            and site.context.armed_conflict
            and not_true(training.ihl if training else None)
        ):
            missing.append("ihl")
        if missing:
            what = {"human_rights": "human rights", "ihl": "international humanitarian law"}
            where = " on a site in armed conflict" if "ihl" in missing else ""
            yield Hit(
                record,
                f"{about(record)} no record that the personnel are trained in "
                f"{' or '.join(what[name] for name in missing)}{where}",
                f"training.{missing[0]}",
            )


@rule("DEP011")
def vetting(ctx: Context) -> Iterator[Hit]:
    """Deployed personnel should be screened for past abuses."""
    for record, model in ctx.workspace.each(Deployment):
        if not_true(model.vetting):
            yield Hit(
                record,
                f"{about(record)} no record that the personnel were screened for past human "
                "rights abuses",
                "vetting",
            )


@rule("DEP012")
def briefing(ctx: Context) -> Iterator[Hit]:
    """Deployed personnel should be briefed on the company's approach, each rotation."""
    grace = ctx.setting("briefing_grace_days")
    max_age = ctx.setting("briefing_max_age_days")
    for record, model in ctx.workspace.each(Deployment):
        if not model.is_active(ctx.as_of) or days_before(model.start, ctx.as_of) <= grace:
            continue
        briefed = model.briefing.date if model.briefing else None
        topics = (model.briefing.topics if model.briefing else None) or []
        if briefed is None:
            why, field = "no record that the personnel were briefed", "briefing"
        elif briefed > ctx.as_of:
            why, field = (
                f"the only briefing on record is dated {briefed.isoformat()}, after "
                f"{ctx.as_of.isoformat()}",
                "briefing.date",
            )
        elif not within_days(briefed, ctx.as_of, max_age):
            why, field = (
                f"the latest briefing on record, on {briefed.isoformat()}, is over {max_age:g} "
                f"days old ({period_note(ctx, 'briefing_max_age_days')})",
                "briefing.date",
            )
        elif missing := [topic for topic in BRIEFING_TOPICS if topic not in topics]:
            words = [topic.replace("_", " ") for topic in missing]
            why, field = (
                f"no record that the briefing of {briefed.isoformat()} covered "
                f"{' or '.join(words)}",
                "briefing.topics" if topics else "briefing",
            )
        else:
            continue
        yield Hit(
            record,
            f"{about(record)} deployed since {model.start.isoformat()}, and {why}: personnel "
            "should be briefed on roles, the chain of command and the use of force",
            field,
        )


@rule("DEP013")
def monitoring(ctx: Context) -> Iterator[Hit]:
    """On a conflict-affected site, how the company monitors the force must be current."""
    max_age = ctx.setting("monitoring_max_age_days")
    for record, model in ctx.workspace.each(Deployment):
        site = site_model(ctx, model.site)
        if site is None or not site.conflict_affected or not model.is_active(ctx.as_of):
            continue
        watch = model.monitoring
        reviewed = watch.last_review if watch else None
        if field_absent(record, "monitoring.method"):
            why, field = "no record of how the company monitors the force", "monitoring"
        elif reviewed is None:
            why, field = "no record of when that monitoring was last reviewed", "monitoring"
        elif reviewed > ctx.as_of:
            why, field = (
                f"the monitoring review on record is dated {reviewed.isoformat()}, after "
                f"{ctx.as_of.isoformat()}",
                "monitoring.last_review",
            )
        elif not within_days(reviewed, ctx.as_of, max_age):
            why, field = (
                f"its monitoring was last reviewed on {reviewed.isoformat()}, over "
                f"{max_age:g} days ago ({period_note(ctx, 'monitoring_max_age_days')})",
                "monitoring.last_review",
            )
        else:
            continue
        yield Hit(record, f"{about(record)} on a conflict-affected site, and {why}", field)


@rule("DEP014")
def military_proportionality(ctx: Context) -> Iterator[Hit]:
    """A military deployment against a low (or requested, medium) threat: raise proportionality."""
    for record, model in ctx.workspace.each(Deployment):
        if model.force.type != "military" or model.risk_assessment is None:
            continue
        assessment = ctx.workspace.by_id.get(model.risk_assessment)
        if assessment is None or not isinstance(assessment.model, RiskAssessment):
            continue
        level = assessment.model.threat_level
        if level == "low" or (level == "medium" and model.requested_by_company):
            requested = " requested by the company" if model.requested_by_company else ""
            yield Hit(
                record,
                f"{about(record)} a military deployment{requested} against a threat that risk "
                f"assessment {assessment.id} rates {level}, with no record that proportionality "
                "to the threat was raised",
                "force.type",
            )


@rule("DEP015")
def outlasts_agreement(ctx: Context) -> Iterator[Hit]:
    """Look-ahead: a deployment planned to last beyond the expiry of its agreement."""
    for record, model in ctx.workspace.each(Deployment):
        if model.agreement is None or not _not_ended(model, ctx):
            continue
        target = ctx.workspace.by_id.get(model.agreement)
        if target is None or not isinstance(target.model, Agreement):
            continue
        expires = target.model.expires
        if expires is None:
            continue
        if expires < ctx.as_of and model.is_active(ctx.as_of):
            continue  # expired under an active deployment: AGR003's error
        if model.end is None:
            yield Hit(
                record,
                f"{about(record)} has no end date, but agreement {target.id} expires on "
                f"{expires.isoformat()}: the deployment would outlast it unless it is renewed",
                "agreement",
            )
        elif model.end > expires:
            yield Hit(
                record,
                f"{about(record)} is planned to run until {model.end.isoformat()}, "
                f"{(model.end - expires).days} days after agreement {target.id} expires on "
                f"{expires.isoformat()}",
                "end",
            )


@rule("DEP016")
def outlasts_assessment(ctx: Context) -> Iterator[Hit]:
    """Look-ahead: a deployment planned to run past the review of its risk assessment."""
    for record, model in ctx.workspace.each(Deployment):
        if model.end is None or model.risk_assessment is None or not _not_ended(model, ctx):
            continue
        target = ctx.workspace.by_id.get(model.risk_assessment)
        if target is None or not isinstance(target.model, RiskAssessment):
            continue
        review = target.model.next_review
        if review is None or review < ctx.as_of:
            continue  # a review date already passed is RSK002's
        if model.end > review:
            yield Hit(
                record,
                f"{about(record)} is planned to run until {model.end.isoformat()}, past "
                f"{review.isoformat()}, when risk assessment {target.id} it rests on is due "
                "for review",
                "end",
            )
