"""INC: rules on incidents involving security forces."""

from __future__ import annotations

from collections.abc import Iterator

from vpsec.models import Incident, Meeting
from vpsec.rules.facts import about, days_before, field_absent, period_note
from vpsec.rules.registry import Context, Hit, rule

SECURITY_FORCES = ("public_security", "private_security")
SERIOUS_TYPES = ("use_of_force", "human_rights_allegation")
# Counterparts with whom raising a concern counts for INC001: the forces or the host government.
AUTHORITIES = ("public_security", "government")


def _raised_in_meetings(ctx: Context) -> dict[str, list[Meeting]]:
    """Incident id -> the meetings with the authorities that list it in `concerns_raised`."""
    out: dict[str, list[Meeting]] = {}
    for _record, model in ctx.workspace.each(Meeting):
        if model.counterpart in AUTHORITIES:
            for incident in model.concerns_raised or []:
                out.setdefault(incident, []).append(model)
    return out


@rule("INC001")
def raised_with_authorities(ctx: Context) -> Iterator[Hit]:
    """Excessive force by, or a human rights allegation against, public security must be raised."""
    grace = ctx.setting("incident_report_days")
    raised_in = _raised_in_meetings(ctx)
    for record, model in ctx.workspace.each(Incident):
        if model.involved != "public_security" or model.finding == "unsubstantiated":
            continue
        serious = model.excessive_force is True or model.type == "human_rights_allegation"
        if not serious or days_before(model.date, ctx.as_of) <= grace:
            continue
        if not field_absent(record, "raised_with_authorities"):
            continue
        if any(model.date <= m.date <= ctx.as_of for m in raised_in.get(record.id, [])):
            continue
        what = (
            "excessive force by public security"
            if model.excessive_force is True
            else "a human rights allegation against public security"
        )
        yield Hit(
            record,
            f"{about(record)} {what}, over {grace:g} days old "
            f"({period_note(ctx, 'incident_report_days')}), with no record that it was raised "
            "with the authorities",
            "raised_with_authorities",
        )


@rule("INC002")
def left_open(ctx: Context) -> Iterator[Hit]:
    """Use of force or abuse allegations involving security must not stay open too long."""
    max_open = ctx.setting("incident_max_open_days")
    for record, model in ctx.workspace.each(Incident):
        if (
            model.involved in SECURITY_FORCES
            and model.type in SERIOUS_TYPES
            and model.status == "open"
        ):
            age = days_before(model.date, ctx.as_of)
            if age > max_open:
                yield Hit(
                    record,
                    f"{about(record)} still open {age} days later on {ctx.as_of.isoformat()}, "
                    f"over {max_open:g} days ({period_note(ctx, 'incident_max_open_days')})",
                    "status",
                )


@rule("INC003")
def closed_without_remediation(ctx: Context) -> Iterator[Hit]:
    """A closed use-of-force incident or abuse allegation needs its remediation recorded."""
    for record, model in ctx.workspace.each(Incident):
        if (
            model.involved in SECURITY_FORCES
            and model.type in SERIOUS_TYPES
            and model.status == "closed"
            and model.finding != "unsubstantiated"
            and field_absent(record, "remediation")
        ):
            yield Hit(
                record,
                f"{about(record)} closed with no record of remediation for those affected",
                "status",
            )
