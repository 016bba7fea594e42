"""Consultation: with host communities."""

from __future__ import annotations

from typing import Annotated, Literal

from vpsec.models.common import Day, NonNegativeInt, Record, Ref, RefSpec, RequiredText
from vpsec.models.kind import KindInfo
from vpsec.models.names import NotAPerson

Group = Literal[
    "women", "youth", "elders", "indigenous", "minorities", "persons_with_disabilities", "other"
]
ConsultationTopic = Literal["security_arrangements", "grievances", "impacts", "payments", "other"]


class Consultation(Record):
    KIND = "Consultation"
    INFO = KindInfo(
        label="consultation",
        folder="consultations",
        id_prefix="con",
        date_field="date",
        site_field="site",
    )
    REFERENCES = (RefSpec(("site",), ("Site",)),)

    kind: Literal["Consultation"]
    site: Ref
    date: Day
    communities: list[Annotated[RequiredText, NotAPerson("a community or group")]]
    groups: list[Group] | None = None
    topics: list[ConsultationTopic]
    participants_count: NonNegativeInt | None = None
    participant_risk_considered: bool | None = None

    def describe(self) -> str:
        return f"Consultation {self.id} ({self.site}, {self.date.isoformat()})"
