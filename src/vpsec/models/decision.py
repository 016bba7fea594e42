"""Decision: one entry of the append-only decision log."""

from __future__ import annotations

from typing import Literal

from vpsec.models.common import Day, Record, Ref, RefSpec, RequiredText, Text


class Decision(Record):
    KIND = "Decision"
    REFERENCES = (
        RefSpec(("meeting",), ("Meeting",)),
        RefSpec(("records",), None, many=True),
        RefSpec(("supersedes",), ("Decision",)),
    )

    kind: Literal["Decision"]
    date: Day
    text: RequiredText
    made_by: RequiredText
    rationale: Text | None = None
    meeting: Ref | None = None
    records: list[Ref] | None = None
    supersedes: Ref | None = None
