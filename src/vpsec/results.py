"""What each command found, as frozen values that renderers read and nothing changes.

`RunResult` (validate, assess) lives in vpsec.findings beside `Finding`. These
are the results of the other commands. The module imports nothing heavy: the
command line reads the output formats of each result type from the render
registry, which imports these classes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from vpsec.findings import Finding, RunResult
from vpsec.report_context import ReportContext

# ------------------------------------------------------------------------- diff


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of a record, before and after (None where the field is absent)."""

    field: str
    old: Any
    new: Any


@dataclass(frozen=True, slots=True)
class RecordChange:
    """A record present on both sides whose content differs, or that moved."""

    id: str
    fields: tuple[str, ...]
    path: str
    moved_from: str | None = None
    values: tuple[FieldChange, ...] = ()


@dataclass(frozen=True, slots=True)
class RecordRef:
    """A record added or removed: where it is, and its raw fields for a one-line summary."""

    id: str
    path: str
    value: Any


@dataclass(frozen=True, slots=True)
class DiffResult:
    """Records added, removed and changed, findings introduced and resolved, settings changed."""

    base: str
    head: str
    added: tuple[RecordRef, ...]
    removed: tuple[RecordRef, ...]
    changed: tuple[RecordChange, ...]
    moved: tuple[RecordChange, ...]
    introduced: tuple[Finding, ...]
    resolved: tuple[Finding, ...]
    # Records of BASE that HEAD still has on disk but hides with a new `exclude` entry.
    hidden: tuple[RecordRef, ...] = ()
    # vpsec.yaml changes, one line each ("rules.ignore: added TRF007").
    settings: tuple[SettingChange, ...] = ()
    # Decisions edited, renamed or deleted between the revisions: audit breaches.
    breaches: tuple[AuditEntry, ...] = ()
    version: str = ""
    # The commits compared (JSON names them so; head None: the working tree).
    base_sha: str = ""
    head_sha: str | None = None
    # A public output (vpsec.withhold): what it withheld, in sentences.
    notices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SettingChange:
    """One change to vpsec.yaml; `review` marks those a reviewer must look at (waivers)."""

    text: str
    review: bool = False


# ------------------------------------------------------------------------ audit


@dataclass(frozen=True, slots=True)
class CommitRef:
    """The commit an audit entry is about, as an auditor reads it."""

    sha: str
    author: str
    email: str
    date: str
    subject: str


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One breach or notice found in the history."""

    level: str  # "breach" or "notice"
    change: str  # modified, renamed, deleted, excluded, duplicate, unsigned, no-trailer, mode, …
    path: str
    message: str
    commit: CommitRef
    decision: str | None = None
    # The other commit a breach is about (where a duplicated decision was first committed).
    related: CommitRef | None = None


@dataclass(frozen=True, slots=True)
class AuditResult:
    """What walking the history found."""

    commits: int
    since: str | None
    decisions_added: int
    entries: tuple[AuditEntry, ...]
    # The commit audited up to (HEAD), to pin as --since-commit next time; None: no commit.
    head: str | None = None

    @property
    def breaches(self) -> tuple[AuditEntry, ...]:
        return tuple(entry for entry in self.entries if entry.level == "breach")

    @property
    def notices(self) -> tuple[AuditEntry, ...]:
        return tuple(entry for entry in self.entries if entry.level == "notice")

    @property
    def intact(self) -> bool:
        return not self.breaches


# -------------------------------------------------------------------------- log


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One decision of the log, with the commit that recorded it."""

    id: str
    date: str | None
    text: str
    made_by: str | None
    meeting: str | None
    records: tuple[str, ...]
    supersedes: str | None
    path: str
    commit: str
    committed_at: datetime
    author: str
    superseded_by: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LogResult:
    """The decisions of the git history, oldest first."""

    entries: tuple[LogEntry, ...]


# ----------------------------------------------------------------------- report


@dataclass(frozen=True, slots=True)
class ReportResult:
    """A report ready to be filled: which template, from where, with what.

    `root` is the workspace, whose templates/ folder is searched before the
    built-in templates; `context` is what the template sees (docs/reports.md).
    """

    name: str
    root: Path
    audience: str
    context: ReportContext


__all__ = [
    "AuditEntry",
    "AuditResult",
    "CommitRef",
    "DiffResult",
    "FieldChange",
    "LogEntry",
    "LogResult",
    "RecordChange",
    "RecordRef",
    "ReportResult",
    "RunResult",
    "SettingChange",
]
