"""MTG: rules on meetings and contact with public security and the authorities."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from vpsec.models import Meeting, Site
from vpsec.rules.facts import (
    FIXED_YEAR_NOTE,
    YEAR_DAYS,
    about,
    has_active_deployment,
    meetings_by_country,
    period_note,
    within_days,
)
from vpsec.rules.registry import Context, Hit, rule


def _describe_participant(organisation: str | None, role: str | None) -> str:
    # Roles and organisations only: participants' names must not reach any output.
    if role and organisation:
        return f"{role}, {organisation}"
    return role or organisation or "role not recorded"


@rule("MTG001")
def minutes_distributed(ctx: Context) -> Iterator[Hit]:
    """Decisions of a meeting should be sent to every participant."""
    for record, model in ctx.workspace.each(Meeting):
        if not model.decisions:
            continue
        sent_to = set(model.minutes.distributed_to or []) if model.minutes else set()
        missing = [p for p in model.participants if p.name not in sent_to]
        if not missing:
            continue
        kinds = Counter(_describe_participant(p.organisation, p.role) for p in missing)
        who = "; ".join(f"{n} × {what}" if n > 1 else what for what, n in kinds.items())
        yield Hit(
            record,
            f"{about(record)} {len(model.decisions)} decision point(s) recorded, but no "
            f"record that {len(missing)} of the {len(model.participants)} participants "
            f"received them ({who})",
            "minutes.distributed_to",
        )


@rule("MTG002")
def decisions_recorded(ctx: Context) -> Iterator[Hit]:
    """A meeting with public security should record its decisions."""
    for record, model in ctx.workspace.each(Meeting):
        if model.counterpart == "public_security" and not model.decisions:
            yield Hit(
                record,
                f"{about(record)} a meeting with public security with no decision points recorded",
                "decisions",
            )


@rule("MTG003")
def local_contact(ctx: Context) -> Iterator[Hit]:
    """A site with an active deployment needs regular local meetings with public security."""
    max_gap = ctx.setting("contact_max_gap_days")
    for site in ctx.workspace.of_kind("Site"):
        if not has_active_deployment(ctx, site.id):
            continue
        recent = any(
            model.level == "local"
            and model.counterpart == "public_security"
            and within_days(model.date, ctx.as_of, max_gap)
            for _record, model in ctx.workspace.each_at(site.id, Meeting)
        )
        if not recent:
            yield Hit(
                site,
                f"{about(site)} public security is deployed, but there is no record of a local "
                f"meeting with it in the {max_gap:g} days up to {ctx.as_of.isoformat()} "
                f"({period_note(ctx, 'contact_max_gap_days')})",
            )


@rule("MTG004")
def national_contact(ctx: Context) -> Iterator[Hit]:
    """Each country with forces deployed: a national meeting with them or the ministry, yearly."""
    about_country = meetings_by_country(ctx)
    for record, site in ctx.workspace.each(Site):
        if not has_active_deployment(ctx, record.id):
            continue
        met = any(
            model.level == "national"
            and model.counterpart in ("public_security", "government")
            and within_days(model.date, ctx.as_of, YEAR_DAYS)
            for model in about_country.get(site.country, [])
        )
        if not met:
            yield Hit(
                record,
                f"{about(record)} public security is deployed, but there is no record of a "
                f"national meeting with public security or the government about {site.country} "
                f"in the {YEAR_DAYS} days up to {ctx.as_of.isoformat()} ({FIXED_YEAR_NOTE})",
            )


@rule("MTG005")
def senior_visit(ctx: Context) -> Iterator[Hit]:
    """A site with forces deployed: a visit by senior public security officials, yearly."""
    for site in ctx.workspace.of_kind("Site"):
        if not has_active_deployment(ctx, site.id):
            continue
        visited = any(
            model.counterpart == "public_security"
            and model.level in ("regional", "national")
            and model.on_site is True
            and within_days(model.date, ctx.as_of, YEAR_DAYS)
            for _record, model in ctx.workspace.each_at(site.id, Meeting)
        )
        if not visited:
            yield Hit(
                site,
                f"{about(site)} public security is deployed, but there is no record of a visit "
                f"to the site by regional or national public security officials in the "
                f"{YEAR_DAYS} days up to {ctx.as_of.isoformat()} ({FIXED_YEAR_NOTE})",
            )


@rule("MTG006")
def home_government(ctx: Context) -> Iterator[Hit]:
    """Abroad, where forces are deployed or there is conflict: contact with the home government."""
    home = ctx.workspace.config.home_country
    if home is None:
        return
    about_country = meetings_by_country(ctx)
    for record, site in ctx.workspace.each(Site):
        if site.country == home:
            continue
        deployed = has_active_deployment(ctx, record.id)
        if not deployed and not site.conflict_affected:
            continue
        met = any(
            model.counterpart == "home_government" and within_days(model.date, ctx.as_of, YEAR_DAYS)
            for model in about_country.get(site.country, [])
        )
        if not met:
            why = "public security is deployed" if deployed else "the site is conflict-affected"
            yield Hit(
                record,
                f"{about(record)} {why}, but there is no record of contact with the home "
                f"government ({home}) about {site.country} in the {YEAR_DAYS} days up to "
                f"{ctx.as_of.isoformat()} ({FIXED_YEAR_NOTE})",
            )
