"""Meeting: contact with public security or authorities."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Literal

from pydantic import Field

from vpsec.models.common import (
    Country,
    CrossProblem,
    Day,
    Part,
    Record,
    Ref,
    RefSpec,
    RequiredText,
    Text,
)
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
    # v1.1: the host country a national or regional meeting is about (rules.md: "a meeting
    # about a country"); with `site` given, it must be that site's country.
    country: Country | None = None
    level: Literal["national", "regional", "local"]
    # `home_government` (v1.1): the company's home state, its embassy or ministries;
    # `government` keeps meaning the host government.
    counterpart: Literal[
        "public_security", "government", "home_government", "community", "private_security", "other"
    ]
    # v1.1: the meeting took place at the site (a visit).
    on_site: bool | None = None
    participants: list[Participant] = Field(min_length=1)
    decisions: list[DecisionPoint] | None = None
    minutes: Minutes | None = None
    concerns_raised: list[Ref] | None = None

    def cross_problems(self, lookup: Callable[[str], Record | None]) -> Iterator[CrossProblem]:
        if self.country is None or self.site is None:
            return
        site = lookup(self.site)
        site_country = getattr(site, "country", None)
        if site_country is not None and site_country != self.country:
            yield (
                ("country",),
                f"`country` is {self.country}, but site {self.site} is in {site_country}; "
                "a meeting about a site is about that site's country (leave `country` out, "
                "or correct it)",
            )

    def describe(self) -> str:
        where = f" at {self.site}" if self.site else ""
        return (
            f"Meeting {self.id} ({self.level} meeting with {self.counterpart}{where}, "
            f"{self.date.isoformat()})"
        )
