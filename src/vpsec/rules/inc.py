"""INC: rules on incidents involving security forces."""

from __future__ import annotations

from collections.abc import Iterator

from vpsec.models import Incident
from vpsec.rules.facts import days_before, field_absent, label
from vpsec.rules.registry import Context, Hit, rule

SECURITY_FORCES = ("public_security", "private_security")
SERIOUS_TYPES = ("use_of_force", "human_rights_allegation")


@rule("INC001")
def raised_with_authorities(ctx: Context) -> Iterator[Hit]:
    """Excessive use of force must be raised with the authorities."""
    for record, model in ctx.workspace.each(Incident):
        if model.excessive_force is True and field_absent(record, "raised_with_authorities"):
            yield Hit(
                record,
                f"{label(record)} involved excessive force but records no raising of it with "
                "the authorities (`raised_with_authorities` is absent)",
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
                    f"{label(record)} is still open {age} days later on "
                    f"{ctx.as_of.isoformat()}, over the {max_open:g} days allowed",
                    "status",
                )
