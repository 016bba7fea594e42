"""Consultation: with host communities."""

from __future__ import annotations

from typing import Literal

from vpsec.models.common import Day, NonNegativeInt, Record, Ref, RefSpec, RequiredText

Group = Literal[
    "women", "youth", "elders", "indigenous", "minorities", "persons_with_disabilities", "other"
]
ConsultationTopic = Literal["security_arrangements", "grievances", "impacts", "payments", "other"]


class Consultation(Record):
    KIND = "Consultation"
    REFERENCES = (RefSpec(("site",), ("Site",)),)

    kind: Literal["Consultation"]
    site: Ref
    date: Day
    communities: list[RequiredText]
    groups: list[Group] | None = None
    topics: list[ConsultationTopic]
    participants_count: NonNegativeInt | None = None
    participant_risk_considered: bool | None = None
