"""Deployment: public security forces assigned to a site."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from vpsec.models.common import (
    Day,
    NonNegativeInt,
    Part,
    Record,
    Ref,
    RefSpec,
    RequiredText,
    Text,
)
from vpsec.models.kind import KindInfo
from vpsec.models.names import NotAPerson, PersonNameMarker


class Force(Part):
    agency: Annotated[RequiredText, NotAPerson("the force's institution")]
    type: Literal["police", "gendarmerie", "military", "other"]
    unit: Annotated[Text, NotAPerson("the unit")] | None = None


class ChainOfCommand(Part):
    documented: bool | None = None
    commander: Annotated[Text, PersonNameMarker(stand_in="commander")] | None = None
    company_liaison: Annotated[Text, PersonNameMarker(stand_in="company liaison")] | None = None


class Training(Part):
    human_rights: bool | None = None
    ihl: bool | None = None
    equipment_adequate: bool | None = None


BriefingTopic = Literal[
    "roles", "chain_of_command", "use_of_force", "voluntary_principles", "grievances"
]


class Briefing(Part):
    """v1.1: when the company's approach was last explained to the deployed personnel."""

    date: Day | None = None
    topics: list[BriefingTopic] | None = None


class Monitoring(Part):
    """v1.1: how the company follows what the force does on and around the site."""

    method: Text | None = None
    last_review: Day | None = None


def _mou_only(agreement: Record) -> str | None:
    if getattr(agreement, "is_mou", True):
        return None
    return (
        "a supplier contract; a deployment's agreement must be an MoU or support agreement "
        "with a host-government body (`type: mou`)"
    )


class Deployment(Record):
    KIND = "Deployment"
    INFO = KindInfo(
        label="deployment",
        folder="deployments",
        id_prefix="dep",
        date_field="start",
        site_field="site",
    )
    REFERENCES = (
        RefSpec(("site",), ("Site",)),
        RefSpec(("risk_assessment",), ("RiskAssessment",)),
        RefSpec(("agreement",), ("Agreement",), refuse=_mou_only),
    )

    kind: Literal["Deployment"]
    site: Ref
    force: Force
    headcount: NonNegativeInt
    # Validated after headcount (field order), so the check can read it.
    women: NonNegativeInt | None = None
    armed: bool
    role: Literal["emergency_reserve", "guard_duty", "convoy_protection", "patrol", "other"]
    permanent: bool = False
    start: Day
    end: Day | None = None
    mandate: Text | None = None
    requested_by_company: bool = False
    urgent_need: Text | None = None
    risk_assessment: Ref | None = None
    agreement: Ref | None = None
    chain_of_command: ChainOfCommand | None = None
    scaling_procedure: bool | None = None
    training: Training | None = None
    vetting: bool | None = None
    briefing: Briefing | None = None
    monitoring: Monitoring | None = None

    @field_validator("women")
    @classmethod
    def _women_within_headcount(cls, women: int | None, info: ValidationInfo) -> int | None:
        headcount = info.data.get("headcount")
        if women is not None and isinstance(headcount, int) and women > headcount:
            raise PydanticCustomError(
                "women_over_headcount",
                "women ({women}) cannot exceed headcount ({headcount})",
                {"women": women, "headcount": headcount},
            )
        return women

    @field_validator("end")
    @classmethod
    def _end_not_before_start(cls, end: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("start")
        if end is not None and isinstance(start, date) and end < start:
            raise PydanticCustomError(
                "end_before_start",
                "end ({end}) is before start ({start})",
                {"end": end.isoformat(), "start": start.isoformat()},
            )
        return end

    def describe(self) -> str:
        unit = f", {self.force.unit}" if self.force.unit else ""
        return (
            f"Deployment {self.id} — {self.headcount} {self.force.type} personnel of "
            f"{self.force.agency}{unit} at {self.site} —"
        )

    def is_active(self, as_of: date) -> bool:
        """Active: started on or before as-of and not yet ended (the end day counts)."""
        return self.start <= as_of and (self.end is None or self.end >= as_of)
