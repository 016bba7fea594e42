"""Meeting: contact with public security or authorities."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from vpsec.models.common import Day, Part, Record, Ref, RefSpec, RequiredText, Text


class Participant(Part):
    name: RequiredText
    organisation: Text | None = None
    role: Text | None = None


class DecisionPoint(Part):
    text: RequiredText
    owner: Text | None = None
    due: Day | None = None


class Minutes(Part):
    distributed_to: list[Text] | None = None
    distributed_on: Day | None = None


class Meeting(Record):
    KIND = "Meeting"
    REFERENCES = (
        RefSpec(("site",), ("Site",)),
        RefSpec(("concerns_raised",), ("Incident",), many=True),
    )

    kind: Literal["Meeting"]
    date: Day
    site: Ref | None = None
    level: Literal["national", "regional", "local"]
    counterpart: Literal["public_security", "government", "community", "private_security", "other"]
    participants: list[Participant] = Field(min_length=1)
    decisions: list[DecisionPoint] | None = None
    minutes: Minutes | None = None
    concerns_raised: list[Ref] | None = None
