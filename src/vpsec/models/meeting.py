"""Meeting: contact with public security or authorities."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from vpsec.models.common import Day, Part, Record, Ref, RefSpec, RequiredText, Text
from vpsec.models.kind import KindInfo
from vpsec.models.names import NotAPerson, PersonName, PersonNameMarker


class Participant(Part):
    # The participant's own role and organisation say who they are in public.
    name: Annotated[
        RequiredText,
        PersonNameMarker(
            stand_in="a participant", role_field="role", organisation_field="organisation"
        ),
    ]
    organisation: Annotated[Text, NotAPerson("the participant's organisation")] | None = None
    role: Annotated[Text, NotAPerson("the participant's role")] | None = None


class DecisionPoint(Part):
    text: RequiredText
    owner: PersonName | None = None
    due: Day | None = None


class Minutes(Part):
    distributed_to: list[PersonName] | None = None
    distributed_on: Day | None = None


class Meeting(Record):
    KIND = "Meeting"
    INFO = KindInfo(
        label="meeting", folder="meetings", id_prefix="mtg", date_field="date", site_field="site"
    )
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

    def describe(self) -> str:
        where = f" at {self.site}" if self.site else ""
        return (
            f"Meeting {self.id} ({self.level} meeting with {self.counterpart}{where}, "
            f"{self.date.isoformat()})"
        )
