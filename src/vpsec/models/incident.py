"""Incident: use of force, an allegation or another security event."""

from __future__ import annotations

from typing import Literal

from vpsec.models.common import Day, Part, Record, Ref, RefSpec, Text
from vpsec.models.kind import KindInfo


class RaisedWithAuthorities(Part):
    date: Day | None = None
    level: Literal["national", "regional", "local"] | None = None


class Incident(Record):
    KIND = "Incident"
    INFO = KindInfo(
        label="incident", folder="incidents", id_prefix="inc", date_field="date", site_field="site"
    )
    REFERENCES = (
        RefSpec(("site",), ("Site",)),
        RefSpec(("deployment",), ("Deployment",)),
    )

    kind: Literal["Incident"]
    site: Ref
    date: Day
    type: Literal["use_of_force", "human_rights_allegation", "threat", "theft", "protest", "other"]
    involved: Literal["public_security", "private_security", "community", "unknown"]
    deployment: Ref | None = None
    excessive_force: bool | None = None
    raised_with_authorities: RaisedWithAuthorities | None = None
    status: Literal["open", "investigating", "closed"]
    remediation: Text | None = None
    # v1.1: the outcome of the investigation, where there was one.
    finding: Literal["substantiated", "unsubstantiated", "inconclusive"] | None = None

    def describe(self) -> str:
        return (
            f"Incident {self.id} ({self.type} involving {self.involved} at {self.site}, "
            f"{self.date.isoformat()})"
        )
