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
    # v1.1, meaningful on supplier contracts: no human rights violations, no illicit payments.
    "human_rights",
    "illicit_payments",
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
    # v1.1: absent means `mou`, an agreement with a host-government body.
    type: Literal["mou", "supplier_contract"] | None = None
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
        what = "supplier contract: " if self.is_supplier_contract else ""
        return f"Agreement {self.id} ({what}{' / '.join(self.parties)})"

    @property
    def is_mou(self) -> bool:
        """An MoU or support agreement with a host-government body (`type` mou or absent)."""
        return self.type in (None, "mou")

    @property
    def is_supplier_contract(self) -> bool:
        return self.type == "supplier_contract"
