"""Site: an operation where security is arranged."""

from __future__ import annotations

from typing import Literal

from vpsec.models.common import Country, Hours, NonNegativeInt, Part, Record, RequiredText, Text


class Context(Part):
    conflict_affected: bool = False
    armed_conflict: bool = False
    lawlessness: Literal["low", "medium", "high"] | None = None
    response_time_hours: Hours | None = None


class Arrangements(Part):
    roles_defined: bool | None = None
    document: Text | None = None


class GrievanceMechanism(Part):
    in_place: bool | None = None
    channels: list[Text] | None = None


class HumanRightsPolicy(Part):
    published: bool | None = None
    url: Text | None = None


class Transparency(Part):
    payments_published: bool | None = None
    information_office: bool | None = None


class PrivateSecurity(Part):
    provider: RequiredText
    headcount: NonNegativeInt | None = None
    armed: bool | None = None
    icoca_member: bool | None = None


class Site(Record):
    KIND = "Site"

    kind: Literal["Site"]
    name: RequiredText
    country: Country
    region: Text | None = None
    context: Context = Context()
    arrangements: Arrangements | None = None
    grievance_mechanism: GrievanceMechanism | None = None
    human_rights_policy: HumanRightsPolicy | None = None
    transparency: Transparency | None = None
    private_security: list[PrivateSecurity] | None = None

    def site_ids(self) -> tuple[str, ...]:
        return (self.id,)

    @property
    def conflict_affected(self) -> bool:
        return self.context.conflict_affected or self.context.armed_conflict
