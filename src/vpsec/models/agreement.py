"""Agreement: an MoU or support agreement with a host-government body."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from vpsec.models.common import Day, Record, Ref, RefSpec, RequiredText, Text

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
    REFERENCES = (RefSpec(("sites",), ("Site",), many=True),)

    kind: Literal["Agreement"]
    parties: list[RequiredText] = Field(min_length=2)
    signed: Day
    expires: Day | None = None
    sites: list[Ref] = Field(min_length=1)
    clauses: list[Clause]
    published: bool | None = None
    document: Text | None = None

    def site_ids(self) -> tuple[str, ...]:
        return tuple(self.sites)
