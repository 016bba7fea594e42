"""Which bytes hold decisions: the Decision documents of a file, as the loader reads them.

A file is a decision file by what it is, not where it sits: any document
that the workspace loader parses from it with `kind: Decision` and an id,
whatever its YAML style (block or flow, quoted or not, any line ending).
The same decoder and parser as the loader are used, so the audit and the
reports cannot disagree about which documents are decisions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vpsec.load.yamlread import YamlProblem, decode, parse_documents

KIND = "Decision"
# Every way YAML can spell the word Decision either contains it literally or
# uses a backslash escape in a double-quoted scalar; files with neither are
# not parsed at all (most record files of a workspace).
_SPELLINGS = (KIND.encode("ascii"), b"\\")


@dataclass(frozen=True, slots=True)
class DecisionDoc:
    """One Decision document: its id (as the loader compares ids) and its fields."""

    id: str
    value: dict[str, Any]


def record_id(value: dict[str, Any]) -> str | None:
    """The id of a record document as the loader reads it, or None when it has none."""
    raw = value.get("id")
    if raw is None or raw == "" or isinstance(raw, dict | list):
        return None
    return str(raw)


def decision_documents(data: bytes) -> tuple[DecisionDoc, ...]:
    """The Decision documents of a file's bytes; () when it holds none or is not YAML."""
    if not any(spelling in data for spelling in _SPELLINGS):
        return ()
    try:
        documents = parse_documents(decode(data))
    except YamlProblem:
        return ()  # the loader reads no record from it either
    found = []
    for doc in documents:
        value = doc.value
        if isinstance(value, dict) and value.get("kind") == KIND:
            rid = record_id(value)
            if rid is not None:
                found.append(DecisionDoc(rid, value))
    return tuple(found)
