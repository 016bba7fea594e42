"""V007: a value `vpsec new` wrote for the user to replace, still in the record.

`vpsec new` writes every required field, with `TODO …` where only the user
knows the value (`name: TODO name of the operation`, `site: TODO-site-id`).
Many of those placeholders are valid values for the schema, so without this
check a record nobody finished would validate clean and a report would name
a site "TODO name of the operation".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from vpsec.findings import Finding
from vpsec.load.messages import field_path
from vpsec.load.validation import validation_finding
from vpsec.load.yamlread import Path_, RawDocument
from vpsec.models import KINDS

# The word vpsec's templates start every placeholder with (vpsec.scaffold writes them).
PLACEHOLDER = "TODO"
# "TODO", "TODO name of the operation", "TODO-site-id"; not "TODOS" or "Todo list".
_PLACEHOLDER = re.compile(rf"{PLACEHOLDER}(?![A-Za-z0-9])")
# Fields that identify the document: a placeholder there is already a V005.
_ENVELOPE = frozenset({"apiVersion", "kind", "id"})


def is_placeholder(value: object) -> bool:
    """Whether value is text left as a template wrote it."""
    return isinstance(value, str) and _PLACEHOLDER.match(value.strip()) is not None


def _placeholders(value: Any, loc: Path_) -> Iterator[tuple[Path_, str]]:
    if isinstance(value, dict):
        for key, child in value.items():
            if not (loc == () and key in _ENVELOPE):
                yield from _placeholders(child, (*loc, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _placeholders(child, (*loc, index))
    elif is_placeholder(value):
        yield loc, str(value).strip()


def _may_hold_placeholder(value: Any) -> bool:
    """False when no text in value can be a placeholder: the word is not in its repr."""
    # repr of plain dicts, lists and strings is built in C, and never escapes ASCII
    # letters, so it holds the word whenever any key or text does (and walking
    # every value of 10,000 records in Python took a third of validating them).
    return PLACEHOLDER in repr(value)


def placeholder_findings(doc: RawDocument, path: str, kind: str, record_id: str) -> list[Finding]:
    """One V007 finding per placeholder left in a record, at its line."""
    if not _may_hold_placeholder(doc.value):
        return []
    found = list(_placeholders(doc.value, ()))
    if not found:
        return []
    sites = KINDS[kind].raw_site_ids(doc.value) if kind in KINDS else ()
    out = []
    for loc, text in found:
        name = field_path(loc)
        out.append(
            validation_finding(
                "V007",
                f"{kind} {record_id}: `{name}` is still the placeholder `{text}` from "
                "`vpsec new`; write the real value",
                path,
                doc.position(loc),
                record=record_id,
                kind=kind,
                sites=tuple(s for s in sites if not is_placeholder(s)),
                field_name=name,
            )
        )
    return out


__all__ = [
    "PLACEHOLDER",
    "is_placeholder",
    "placeholder_findings",
]
