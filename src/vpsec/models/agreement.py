"""Agreement: an MoU or support agreement with a host-government body."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from vpsec.models.common import Day, Record, Ref, RefSpec, RequiredText, Text
from vpsec.models.kind import KindInfo
from vpsec.models.names import NotAPerson

Clause = Literal[
    "voluntary_principles",
    "un_code_of_conduct",
    "un_basic_principles_force",
    "roles_defined",
    "deployment_rules",
    "proportionality",
    "vetting",
    "training",
    "equipment_protocol",
    "incident_reporting",
    "transparency",
    "security_resources_from_taxes",
]


class Agreement(Record):
    KIND = "Agreement"
    INFO = KindInfo(
        label="agreement",
        folder="agreements",
        id_prefix="agr",
        date_field="signed",
        site_field="sites",
    )
    REFERENCES = (RefSpec(("sites",), ("Site",), many=True),)

    kind: Literal["Agreement"]
    parties: list[Annotated[RequiredText, NotAPerson("a company or public body")]] = Field(
        min_length=2
    )
    signed: Day
    expires: Day | None = None
    sites: list[Ref] = Field(min_length=1)
    clauses: list[Clause]
    published: bool | None = None
    document: Text | None = None

    def describe(self) -> str:
        return f"Agreement {self.id} ({' / '.join(self.parties)})"
