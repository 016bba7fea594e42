"""Reading the decision log: every decision committed in HEAD's history, once, oldest first."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from vpsec.audit import AddedDecision, walk_history
from vpsec.results import LogEntry, LogResult


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _entry(added: AddedDecision) -> LogEntry:
    value = added.value
    raw_records = value.get("records")
    records = tuple(str(r) for r in raw_records) if isinstance(raw_records, list) else ()
    return LogEntry(
        id=_text(value.get("id")) or added.path.rsplit("/", 1)[-1],
        date=_text(value.get("date")),
        text=str(value.get("text") or "").strip(),
        made_by=_text(value.get("made_by")),
        meeting=_text(value.get("meeting")),
        records=records,
        supersedes=_text(value.get("supersedes")),
        path=added.path,
        commit=added.commit.sha,
        committed_at=added.commit.committer.when,
        author=added.commit.author.name,
    )


def read_log(root: Path, since: date | None = None) -> LogResult:
    """The decisions of the workspace at root (committed on or after since), with successors."""
    # The walk lists each decision id once, at the commit that first added it.
    entries = [_entry(added) for added in walk_history(root, None, require_signed=False).added]
    successors: dict[str, list[str]] = {}
    for entry in entries:
        if entry.supersedes:
            successors.setdefault(entry.supersedes, []).append(entry.id)
    linked = [replace(e, superseded_by=tuple(successors.get(e.id, ()))) for e in entries]
    if since is not None:
        linked = [e for e in linked if e.committed_at.date() >= since]
    return LogResult(tuple(linked))
