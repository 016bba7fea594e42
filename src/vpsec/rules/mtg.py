"""MTG: rules on meetings and contact with public security and the authorities."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from vpsec.models import Meeting
from vpsec.rules.facts import has_active_deployment, label, within_days
from vpsec.rules.registry import Context, Hit, rule

NATIONAL_WINDOW_DAYS = 365


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
            f"{label(record)} recorded {len(model.decisions)} decision(s), but "
            f"{len(missing)} of {len(model.participants)} participants are not on the "
            f"distribution list of the minutes ({who})",
            "minutes.distributed_to",
        )


@rule("MTG002")
def decisions_recorded(ctx: Context) -> Iterator[Hit]:
    """A meeting with public security should record its decisions."""
    for record, model in ctx.workspace.each(Meeting):
        if model.counterpart == "public_security" and not model.decisions:
            yield Hit(
                record,
                f"{label(record)} with public security recorded no decisions",
                "decisions",
            )


@rule("MTG003")
def local_contact(ctx: Context) -> Iterator[Hit]:
    """A site with an active deployment needs regular local meetings with public security."""
    max_gap = ctx.setting("contact_max_gap_days")
    for site in ctx.workspace.of_kind("Site"):
        if not has_active_deployment(ctx, site.id):
            continue
        recent = False
        for _record, model in ctx.workspace.each_at(site.id, Meeting):
            if (
                model.level == "local"
                and model.counterpart == "public_security"
                and within_days(model.date, ctx.as_of, max_gap)
            ):
                recent = True
                break
        if not recent:
            yield Hit(
                site,
                f"{label(site)} has public security deployed but no local meeting with public "
                f"security in the {max_gap:g} days up to {ctx.as_of.isoformat()}",
            )


@rule("MTG004")
def national_contact(ctx: Context) -> Iterator[Hit]:
    """The company should meet public security or government at national level every year."""
    for _record, model in ctx.workspace.each(Meeting):
        if (
            model.level == "national"
            and model.counterpart in ("public_security", "government")
            and within_days(model.date, ctx.as_of, NATIONAL_WINDOW_DAYS)
        ):
            return
    yield Hit(
        None,
        f"no national meeting with public security or the government in the "
        f"{NATIONAL_WINDOW_DAYS} days up to {ctx.as_of.isoformat()}",
    )
