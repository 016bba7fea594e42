"""Site: an operation where security is arranged."""

from __future__ import annotations

from typing import Annotated, Literal

from vpsec.models.common import Country, Hours, NonNegativeInt, Part, Record, RequiredText, Text
from vpsec.models.kind import KindInfo
from vpsec.models.names import NotAPerson


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
    # v1.1: booklets, radio or video explain operations and payments in simple language.
    plain_language_materials: bool | None = None


Certification = Literal["psc1", "iso18788", "iso28007", "other"]


class PrivateSecurity(Part):
    provider: Annotated[RequiredText, NotAPerson("the security company")]
    headcount: NonNegativeInt | None = None
    armed: bool | None = None
    icoca_member: bool | None = None
    # v1.1: standards the provider is certified to, besides ICoCA membership.
    certification: list[Certification] | None = None


class Site(Record):
    KIND = "Site"
    INFO = KindInfo(
        label="site", folder="sites", id_prefix="site", date_field=None, site_field="id"
    )

    kind: Literal["Site"]
    name: Annotated[RequiredText, NotAPerson("the name of the operation")]
    country: Country
    region: Text | None = None
    context: Context = Context()
    arrangements: Arrangements | None = None
    grievance_mechanism: GrievanceMechanism | None = None
    human_rights_policy: HumanRightsPolicy | None = None
    transparency: Transparency | None = None
    private_security: list[PrivateSecurity] | None = None

    def describe(self) -> str:
        return f"Site {self.id} ({self.name})"

    @property
    def conflict_affected(self) -> bool:
        return self.context.conflict_affected or self.context.armed_conflict
