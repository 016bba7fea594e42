"""Decision: one entry of the append-only decision log."""

from __future__ import annotations

from typing import Literal

from vpsec.models.common import Day, Record, Ref, RefSpec, RequiredText, Text
from vpsec.models.kind import KindInfo
from vpsec.models.names import RequiredPersonName


class Decision(Record):
    KIND = "Decision"
    INFO = KindInfo(
        label="decision", folder="decisions", id_prefix="dec", date_field="date", site_field=None
    )
    REFERENCES = (
        RefSpec(("meeting",), ("Meeting",)),
        RefSpec(("records",), None, many=True),
        RefSpec(("supersedes",), ("Decision",)),
    )

    kind: Literal["Decision"]
    date: Day
    text: RequiredText
    made_by: RequiredPersonName
    rationale: Text | None = None
    meeting: Ref | None = None
    records: list[Ref] | None = None
    supersedes: Ref | None = None
