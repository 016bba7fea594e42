"""RiskAssessment: the threat and impact analysis for a site."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from vpsec.models.common import Day, Record, Ref, RefSpec, Text
from vpsec.models.kind import KindInfo

Topic = Literal[
    "conflict_analysis",
    "human_rights",
    "ihl",
    "security_threats",
    "impact",
    "armed_groups",
    "criminality",
    "public_security_resources",
    "gender",
    "equipment_transfers",
    # v1.1: risks the operation and its security pose to local communities (VPs: 2).
    "community_risks",
]


class RiskAssessment(Record):
    KIND = "RiskAssessment"
    INFO = KindInfo(
        label="risk assessment",
        folder="assessments",
        id_prefix="ra",
        date_field="date",
        site_field="site",
    )
    REFERENCES = (
        RefSpec(("site",), ("Site",)),
        RefSpec(("consultations",), ("Consultation",), many=True),
    )

    kind: Literal["RiskAssessment"]
    site: Ref
    date: Day
    next_review: Day | None = None
    covers: list[Topic] = Field(min_length=1)
    joint_with_public_security: bool | None = None
    consultations: list[Ref] | None = None
    threat_level: Literal["low", "medium", "high", "critical"] | None = None
    summary: Text | None = None

    def describe(self) -> str:
        return f"Risk assessment {self.id} of {self.site} ({self.date.isoformat()})"
