"""CON: rules on community consultations."""

from __future__ import annotations

from collections.abc import Iterator

from vpsec.models import Consultation
from vpsec.rules.facts import label, not_true
from vpsec.rules.registry import Context, Hit, rule


@rule("CON001")
def participant_risk(ctx: Context) -> Iterator[Hit]:
    """A consultation should weigh the risk its participants run by speaking."""
    for record, model in ctx.workspace.each(Consultation):
        if not_true(model.participant_risk_considered):
            yield Hit(
                record,
                f"{label(record)} did not consider the risk to participants "
                "(`participant_risk_considered` is not true)",
                "participant_risk_considered",
            )


@rule("CON002")
def groups(ctx: Context) -> Iterator[Hit]:
    """A consultation should record which vulnerable groups took part."""
    for record, model in ctx.workspace.each(Consultation):
        if not model.groups:
            yield Hit(record, f"{label(record)} records no groups consulted", "groups")
