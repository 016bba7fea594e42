"""The decision log: `vpsec decide`, `vpsec log` and `vpsec audit`.

A Decision is written once and committed alone; a change of mind is a new
Decision that supersedes the old one. The log and the audit are read back
from git history, never from the working tree, because history is what an
auditor can check. All git access goes through vpsec.gitops.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from vpsec.errors import GitError, OutputError, UsageError
from vpsec.gitops import CommitInfo, FileChange, Repository, open_repository

DECISIONS_FOLDER = "decisions"
SCHEMA_LINE = "# yaml-language-server: $schema=../schemas/decision.json\n"
TRAILER_DECISION = "Vpsec-Decision"
TRAILER_MEETING = "Vpsec-Meeting"
TRAILER_RECORD = "Vpsec-Record"
TRAILER_SUPERSEDES = "Vpsec-Supersedes"
SUBJECT_MAX = 72
_YAML_SUFFIXES = (".yaml", ".yml")
# A cheap test for "this file is a Decision" that needs no YAML parse of every blob.
_KIND_DECISION = re.compile(r"^kind:[ \t]*[\"']?Decision[\"']?[ \t]*(#.*)?$", re.MULTILINE)


# --------------------------------------------------------------------- decide


@dataclass(frozen=True, slots=True)
class DecideOptions:
    """What `vpsec decide` was asked to record."""

    text: str
    made_by: str
    meeting: str | None = None
    records: tuple[str, ...] = ()
    rationale: str | None = None
    supersedes: str | None = None
    start: Path = Path()


def new_decision_id(text: str, made_by: str, today: date) -> str:
    """A fresh id that cannot collide across branches: date plus a hash with randomness."""
    digest = hashlib.sha256(
        "\0".join((text, made_by, str(time.time_ns()), os.urandom(16).hex())).encode("utf-8")
    ).hexdigest()
    return f"dec-{today.isoformat()}-{digest[:10]}"


def _quoted(text: str) -> str:
    # A JSON string is a valid YAML 1.2 double-quoted scalar: always safe, whatever the text.
    return json.dumps(text, ensure_ascii=False)


def decision_text(record_id: str, options: DecideOptions, today: date) -> str:
    """The YAML file of a new Decision."""
    lines = [
        SCHEMA_LINE.rstrip("\n"),
        "apiVersion: vpsec/v1",
        "kind: Decision",
        f"id: {record_id}",
        f"date: {today.isoformat()}",
        f"text: {_quoted(options.text.strip())}",
        f"made_by: {_quoted(options.made_by.strip())}",
    ]
    if options.rationale and options.rationale.strip():
        lines.append(f"rationale: {_quoted(options.rationale.strip())}")
    if options.meeting:
        lines.append(f"meeting: {options.meeting}")
    if options.records:
        lines.append("records:")
        lines.extend(f"  - {record}" for record in options.records)
    if options.supersedes:
        lines.append(f"supersedes: {options.supersedes}")
    return "\n".join(lines) + "\n"


def subject_line(text: str) -> str:
    """The commit subject: the decision's first line, cut to about 72 characters."""
    first = next((line.strip() for line in text.strip().splitlines() if line.strip()), "")
    if len(first) <= SUBJECT_MAX:
        return first
    cut = first[: SUBJECT_MAX - 1].rsplit(" ", 1)[0] or first[: SUBJECT_MAX - 1]
    return cut.rstrip() + "…"


def commit_message(record_id: str, options: DecideOptions) -> str:
    """Subject, body (the full text when cut, the rationale) and the Vpsec trailers."""
    text = options.text.strip()
    subject = subject_line(text)
    paragraphs = [subject]
    if subject != text:
        paragraphs.append(text)
    if options.rationale and options.rationale.strip():
        paragraphs.append("Rationale: " + options.rationale.strip())
    trailers = [f"{TRAILER_DECISION}: {record_id}"]
    if options.meeting:
        trailers.append(f"{TRAILER_MEETING}: {options.meeting}")
    trailers.extend(f"{TRAILER_RECORD}: {record}" for record in options.records)
    if options.supersedes:
        trailers.append(f"{TRAILER_SUPERSEDES}: {options.supersedes}")
    paragraphs.append("\n".join(trailers))
    return "\n\n".join(paragraphs) + "\n"


def _check_references(options: DecideOptions, root: Path) -> None:
    """Refuse references to records that do not exist or are of the wrong kind."""
    from vpsec.load.config import load_config
    from vpsec.load.workspace import load_workspace

    config, _findings, _doc = load_config(root)
    workspace, _record_findings = load_workspace(root, config)
    wanted: list[tuple[str, str, str | None]] = []
    if options.meeting:
        wanted.append(("--meeting", options.meeting, "Meeting"))
    wanted.extend(("--record", record, None) for record in options.records)
    if options.supersedes:
        wanted.append(("--supersedes", options.supersedes, "Decision"))
    for option, record_id, kind in wanted:
        found = workspace.by_id.get(record_id)
        if found is None:
            raise UsageError(
                f"{option}: no valid record with id {record_id!r} in the workspace "
                "(`vpsec validate` shows records that fail validation)"
            )
        if kind is not None and found.kind != kind:
            raise UsageError(
                f"{option}: {record_id!r} is a {found.kind}, not a {kind} ({found.path})"
            )


def _validate_new(text: str, record_id: str) -> None:
    """Parse the file about to be written, so vpsec never commits an invalid Decision."""
    from pydantic import ValidationError

    from vpsec.load.yamlread import parse_documents
    from vpsec.models import Decision

    try:
        Decision.model_validate(parse_documents(text)[0].value)
    except ValidationError as error:
        detail = error.errors(include_url=False)[0]
        where = ".".join(str(part) for part in detail["loc"]) or "decision"
        raise UsageError(f"the decision cannot be recorded: {where}: {detail['msg']}") from None


def decide(options: DecideOptions) -> int:
    """`vpsec decide`: write a Decision and commit exactly that file. Prints id and commit."""
    from vpsec.atomic import write_atomic
    from vpsec.confine import refuse_links
    from vpsec.load.config import find_root

    if not options.text.strip():
        raise UsageError("the decision text is empty")
    if not options.made_by.strip():
        raise UsageError("--by: say who made the decision")
    root = find_root(options.start)
    repo = open_repository(root)
    try:
        problems = repo.refusals()
        if problems:
            raise GitError(problems[0])
        prefix = repo.prefix_of(root)
        _check_references(options, root)
        today = date.today()
        record_id = new_decision_id(options.text, options.made_by, today)
        text = decision_text(record_id, options, today)
        _validate_new(text, record_id)
        folder = root / DECISIONS_FOLDER
        target = folder / f"{record_id}.yaml"
        refuse_links(root, target)
        if target.exists():
            raise OutputError(f"{target}: already exists; vpsec never overwrites a decision")
        created_folder = not folder.exists()
        folder.mkdir(exist_ok=True)
        repo_path = f"{prefix}{DECISIONS_FOLDER}/{record_id}.yaml"
        try:
            write_atomic(target, text, overwrite=False)
        except OutputError:
            _remove_empty(folder, created_folder)
            raise
        try:
            sha = repo.commit_only(repo_path, commit_message(record_id, options))
        except GitError:
            target.unlink(missing_ok=True)
            _remove_empty(folder, created_folder)
            raise
    finally:
        repo.close()
    rel = f"{DECISIONS_FOLDER}/{record_id}.yaml"
    sys.stdout.write(f"Recorded decision {record_id} in {rel}, commit {sha}\n")
    return 0


def _remove_empty(folder: Path, created: bool) -> None:
    if created:
        with contextlib.suppress(OSError):
            folder.rmdir()


# ------------------------------------------------------------ reading history


def _workspace_yaml(path: str, prefix: str) -> bool:
    if not path.startswith(prefix) or not path.endswith(_YAML_SUFFIXES):
        return False
    rel = path[len(prefix) :]
    return rel != "vpsec.yaml" and not any(part.startswith(".") for part in rel.split("/"))


class _History:
    """Decision files as they appear in a repository's history, with a cache of blob reads."""

    def __init__(self, repo: Repository, prefix: str) -> None:
        self.repo = repo
        self.prefix = prefix
        self._is_decision: dict[str, bool] = {}

    def in_scope(self, path: str) -> bool:
        return _workspace_yaml(path, self.prefix)

    def by_path(self, path: str) -> bool:
        return path[len(self.prefix) :].startswith(DECISIONS_FOLDER + "/")

    def blob_is_decision(self, blob: str | None) -> bool:
        if blob is None:
            return False
        known = self._is_decision.get(blob)
        if known is None:
            text = self.repo.blob(blob).decode("utf-8", errors="replace")
            known = bool(_KIND_DECISION.search(text))
            self._is_decision[blob] = known
        return known

    def is_decision(self, path: str, *blobs: str | None) -> bool:
        """Under decisions/, or any of the given versions of its content is a Decision."""
        return self.by_path(path) or any(self.blob_is_decision(blob) for blob in blobs)

    def decision_value(self, blob: str) -> dict[str, Any]:
        """The fields of a Decision blob, or {} when it cannot be read as one."""
        from vpsec.load.yamlread import YamlProblem, decode, parse_documents

        try:
            documents = parse_documents(decode(self.repo.blob(blob)))
        except YamlProblem:
            return {}
        for doc in documents:
            if isinstance(doc.value, dict) and doc.value.get("kind") == "Decision":
                return doc.value
        return {}


# ------------------------------------------------------------------------ audit


@dataclass(frozen=True, slots=True)
class CommitRef:
    """The commit an audit entry is about, as an auditor reads it."""

    sha: str
    author: str
    email: str
    date: str
    subject: str

    @classmethod
    def of(cls, commit: CommitInfo) -> CommitRef:
        return cls(
            commit.sha,
            commit.author,
            commit.author_email,
            commit.committed_at.isoformat(),
            commit.subject,
        )

    def to_json(self) -> dict[str, str]:
        return {
            "sha": self.sha,
            "author": self.author,
            "email": self.email,
            "date": self.date,
            "subject": self.subject,
        }


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One breach or notice found in the history."""

    level: str  # "breach" or "notice"
    change: str  # modified, deleted, renamed, unsigned, no-trailer, dropped-in-merge
    path: str
    message: str
    commit: CommitRef
    decision: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "change": self.change,
            "path": self.path,
            "decision": self.decision,
            "message": self.message,
            "commit": self.commit.to_json(),
        }


@dataclass(slots=True)
class AddedDecision:
    """A Decision file as it was first committed."""

    path: str
    blob: str
    commit: CommitInfo


@dataclass(slots=True)
class AuditResult:
    """What walking the history found."""

    commits: int = 0
    since: str | None = None
    added: list[AddedDecision] = field(default_factory=list)
    entries: list[AuditEntry] = field(default_factory=list)

    @property
    def breaches(self) -> list[AuditEntry]:
        return [entry for entry in self.entries if entry.level == "breach"]

    @property
    def notices(self) -> list[AuditEntry]:
        return [entry for entry in self.entries if entry.level == "notice"]


class _Auditor:
    def __init__(self, history: _History, require_signed: bool) -> None:
        self.history = history
        self.require_signed = require_signed
        self.result = AuditResult()

    def _rel(self, path: str) -> str:
        return path[len(self.history.prefix) :]

    def _decision_id(self, blob: str | None) -> str | None:
        if blob is None:
            return None
        value = self.history.decision_value(blob).get("id")
        return str(value) if value is not None else None

    def _breach(
        self, commit: CommitInfo, change: str, path: str, message: str, blob: str | None
    ) -> None:
        self.result.entries.append(
            AuditEntry(
                "breach",
                change,
                self._rel(path),
                message,
                CommitRef.of(commit),
                self._decision_id(blob),
            )
        )

    def _added(self, commit: CommitInfo, path: str, blob: str) -> None:
        self.result.added.append(AddedDecision(path, blob, commit))
        record_id = self._decision_id(blob)
        named = commit.trailer_values(TRAILER_DECISION)
        rel = self._rel(path)
        if not named:
            self.result.entries.append(
                AuditEntry(
                    "notice",
                    "no-trailer",
                    rel,
                    f"Decision {record_id or rel} was added without a {TRAILER_DECISION} "
                    "trailer (imported or written by hand, not with `vpsec decide`)",
                    CommitRef.of(commit),
                    record_id,
                )
            )
        elif record_id is not None and record_id not in named:
            self.result.entries.append(
                AuditEntry(
                    "notice",
                    "no-trailer",
                    rel,
                    f"Decision {record_id} was added in a commit whose {TRAILER_DECISION} "
                    f"trailer names {', '.join(named)} instead",
                    CommitRef.of(commit),
                    record_id,
                )
            )

    def _signature(self, commit: CommitInfo, adds_decision: bool) -> None:
        if not self.require_signed:
            return
        if not adds_decision and not commit.trailer_values(TRAILER_DECISION):
            return
        if not self.history.repo.verify_commit(commit.sha):
            self.result.entries.append(
                AuditEntry(
                    "breach",
                    "unsigned",
                    "",
                    "the decision commit has no signature that `git verify-commit` accepts "
                    "(unsigned, or signed with a key this machine does not trust)",
                    CommitRef.of(commit),
                    next(iter(commit.trailer_values(TRAILER_DECISION)), None),
                )
            )

    def commit(self, commit: CommitInfo) -> None:
        self.result.commits += 1
        adds = self._merge(commit) if len(commit.parents) > 1 else self._single(commit)
        self._signature(commit, adds)

    def _single(self, commit: CommitInfo) -> bool:
        history = self.history
        changes = [change for change in commit.changes if history.in_scope(change.path)]
        lost: list[FileChange] = []
        added: list[FileChange] = []
        for change in changes:
            old_is = change.old_blob is not None and history.is_decision(
                change.path, change.old_blob
            )
            new_is = change.new_blob is not None and history.is_decision(
                change.path, change.new_blob
            )
            if change.status == "A" and new_is:
                added.append(change)
            elif change.status == "D" and old_is:
                lost.append(change)
            elif change.status in ("M", "T") and old_is:
                self._breach(
                    commit,
                    "modified",
                    change.path,
                    f"Decision file {self._rel(change.path)} was modified after it was "
                    "committed; decisions are append-only (record a new decision that "
                    "supersedes it instead)",
                    change.old_blob,
                )
            elif change.status in ("M", "T") and new_is and change.new_blob is not None:
                # An existing file turned into a Decision: the decision is new here.
                added.append(change)
        self._pair_renames(commit, lost, added)
        for change in added:
            assert change.new_blob is not None
            self._added(commit, change.path, change.new_blob)
        return bool(added)

    def _pair_renames(
        self, commit: CommitInfo, lost: list[FileChange], added: list[FileChange]
    ) -> None:
        """Report deletions; a deletion with an addition of the same decision is a rename."""
        for change in lost:
            old_id = self._decision_id(change.old_blob)
            twin = next(
                (
                    new
                    for new in added
                    if new.new_blob == change.old_blob
                    or (old_id is not None and self._decision_id(new.new_blob) == old_id)
                ),
                None,
            )
            if twin is not None:
                added.remove(twin)
                self._breach(
                    commit,
                    "renamed",
                    change.path,
                    f"Decision file {self._rel(change.path)} was renamed to "
                    f"{self._rel(twin.path)}; a committed decision keeps its file",
                    change.old_blob,
                )
            else:
                self._breach(
                    commit,
                    "deleted",
                    change.path,
                    f"Decision file {self._rel(change.path)} was deleted; decisions are "
                    "never removed (record a new decision that supersedes it instead)",
                    change.old_blob,
                )

    def _merge(self, commit: CommitInfo) -> bool:
        """Changes the merge itself made to decisions, not those carried over from a side.

        For each path, the state in every parent and in the merge base is
        compared: taking one side's change is not a new breach (that side's
        commit is reported), but dropping a decision one side added, or
        changing a decision no side changed, is a breach of the merge commit.
        """
        history = self.history
        repo = history.repo
        states: dict[str, dict[str, str | None]] = {}
        merged: dict[str, str | None] = {}
        for parent in commit.parents:
            for change in repo.changes_between(parent, commit.sha, history.prefix):
                if not history.in_scope(change.path):
                    continue
                states.setdefault(change.path, {})[parent] = change.old_blob
                merged[change.path] = change.new_blob
        if not states:
            return False
        base: str | None = None
        base_known = False
        adds = False
        for path, differing in states.items():
            s_m = merged[path]
            side = {parent: differing.get(parent, s_m) for parent in commit.parents}
            if not history.is_decision(path, s_m, *side.values()):
                continue
            if not base_known:  # only merges that touch a decision pay for the merge base
                base, base_known = repo.merge_base(commit.parents), True
            s_b = repo.blob_at(base, path) if base else None
            if s_m is not None and all(state is None for state in side.values()):
                if history.is_decision(path, s_m):
                    self._added(commit, path, s_m)
                    adds = True
                continue
            changed_sides = {state for state in side.values() if state != s_b}
            for state in side.values():
                if state is None or state == s_m or not history.is_decision(path, state):
                    continue
                if state == s_b and s_m in changed_sides:
                    continue  # the other side's change, reported at its own commit
                if state != s_b and s_b is not None and s_m in side.values():
                    continue  # this side's own edit was reported; the merge took another
                verb = "dropped" if s_m is None else "replaced"
                self._breach(
                    commit,
                    "modified" if s_m is not None else "deleted",
                    path,
                    f"the merge {verb} Decision file {self._rel(path)} as one parent had "
                    "it; a merge must keep every committed decision unchanged",
                    state,
                )
                break
        return adds


def _walk(root: Path, since: str | None, require_signed: bool) -> tuple[AuditResult, Repository]:
    repo = open_repository(root)
    try:
        prefix = repo.prefix_of(root)
        since_sha = repo.resolve(since) if since is not None else None
        auditor = _Auditor(_History(repo, prefix), require_signed)
        auditor.result.since = since_sha
        for commit in repo.history(since_sha):
            auditor.commit(commit)
    except BaseException:
        repo.close()
        raise
    return auditor.result, repo


def _commit_line(ref: CommitRef) -> str:
    return f"commit {ref.sha[:12]} by {ref.author} <{ref.email}> on {ref.date}: {ref.subject}"


def render_audit_text(result: AuditResult) -> str:
    """The audit as an auditor reads it: breaches first, then notices, then the verdict."""
    out = []
    scope = f" after {result.since[:12]}" if result.since else ""
    out.append(
        f"Audited {result.commits} commit(s){scope}: {len(result.added)} decision(s) added, "
        f"{len(result.breaches)} breach(es), {len(result.notices)} notice(s)."
    )
    for title, entries in (("Breaches", result.breaches), ("Notices", result.notices)):
        if not entries:
            continue
        out.append("")
        out.append(f"{title}:")
        for entry in entries:
            out.append(f"  {entry.level.upper()} {entry.change}: {entry.message}")
            out.append(f"    {_commit_line(entry.commit)}")
    out.append("")
    if result.breaches:
        out.append("The audit trail is NOT intact: decisions were changed after they were made.")
    else:
        out.append("The audit trail is intact: every decision is as it was first committed.")
    return "\n".join(out) + "\n"


def render_audit_json(result: AuditResult) -> str:
    document = {
        "commits": result.commits,
        "since_commit": result.since,
        "decisions_added": len(result.added),
        "intact": not result.breaches,
        "breaches": [entry.to_json() for entry in result.breaches],
        "notices": [entry.to_json() for entry in result.notices],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def audit(start: Path, output_format: str, require_signed: bool, since_commit: str | None) -> int:
    """`vpsec audit`: 1 when a committed decision was changed, renamed or deleted."""
    from vpsec.app import emit
    from vpsec.load.config import find_root

    if output_format not in ("text", "json"):
        raise UsageError("--format: choose one of text, json")
    root = find_root(start)
    result, repo = _walk(root, since_commit, require_signed)
    repo.close()
    text = render_audit_json(result) if output_format == "json" else render_audit_text(result)
    emit(text, None)
    return 1 if result.breaches else 0


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

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "date": self.date,
            "text": self.text,
            "made_by": self.made_by,
            "meeting": self.meeting,
            "records": list(self.records),
            "supersedes": self.supersedes,
            "superseded_by": self.superseded_by[0] if self.superseded_by else None,
            "path": self.path,
            "commit": self.commit,
            "committed_at": self.committed_at.isoformat(),
            "author": self.author,
        }


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def decision_log(start: Path) -> list[LogEntry]:
    """Every decision committed in the history of HEAD, oldest commit first, once each."""
    from vpsec.load.config import find_root

    root = find_root(start)
    result, repo = _walk(root, None, require_signed=False)
    try:
        history = _History(repo, repo.prefix_of(root))
        entries: list[LogEntry] = []
        seen: set[str] = set()
        for added in result.added:
            value = history.decision_value(added.blob)
            record_id = _text(value.get("id")) or added.path.rsplit("/", 1)[-1]
            if record_id in seen:
                continue  # the same decision again (a rename): the first commit counts
            seen.add(record_id)
            raw_records = value.get("records")
            records = tuple(str(r) for r in raw_records) if isinstance(raw_records, list) else ()
            entries.append(
                LogEntry(
                    id=record_id,
                    date=_text(value.get("date")),
                    text=str(value.get("text") or "").strip(),
                    made_by=_text(value.get("made_by")),
                    meeting=_text(value.get("meeting")),
                    records=records,
                    supersedes=_text(value.get("supersedes")),
                    path=added.path[len(history.prefix) :],
                    commit=added.commit.sha,
                    committed_at=added.commit.committed_at,
                    author=added.commit.author,
                )
            )
    finally:
        repo.close()
    successors: dict[str, list[str]] = {}
    for entry in entries:
        if entry.supersedes:
            successors.setdefault(entry.supersedes, []).append(entry.id)
    return [replace(entry, superseded_by=tuple(successors.get(entry.id, ()))) for entry in entries]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def render_log_text(entries: list[LogEntry]) -> str:
    if not entries:
        return "No decisions in the git history.\n"
    out = []
    for entry in entries:
        out.append(f"{entry.id}  ({entry.date or 'no date'}, by {entry.made_by or 'unknown'})")
        out.append(f"  {_one_line(entry.text)}")
        if entry.meeting:
            out.append(f"  meeting: {entry.meeting}")
        if entry.records:
            out.append(f"  records: {', '.join(entry.records)}")
        if entry.supersedes:
            out.append(f"  supersedes: {entry.supersedes}")
        if entry.superseded_by:
            out.append(f"  SUPERSEDED by {', '.join(entry.superseded_by)}")
        out.append(
            f"  commit {entry.commit[:12]} by {entry.author} on {entry.committed_at.isoformat()}"
        )
        out.append("")
    return "\n".join(out)


def _md(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    from vpsec.diff import escape_markdown

    return escape_markdown(text)


def render_log_json(entries: list[LogEntry]) -> str:
    return json.dumps([e.to_json() for e in entries], indent=2, ensure_ascii=False) + "\n"


def render_log_markdown(entries: list[LogEntry]) -> str:
    out = ["# Decision log", ""]
    if not entries:
        return "\n".join([*out, "No decisions in the git history.", ""])
    out.append("| Decision | Date | Made by | Text | Meeting | Commit | Status |")
    out.append("|---|---|---|---|---|---|---|")
    for entry in entries:
        status = (
            "superseded by " + ", ".join(f"`{s}`" for s in entry.superseded_by)
            if entry.superseded_by
            else "in force"
        )
        out.append(
            f"| `{entry.id}` | {entry.date or ''} | {_md(entry.made_by or '')} | "
            f"{_md(_one_line(entry.text))} | {_md(entry.meeting or '')} | "
            f"`{entry.commit[:12]}` | {status} |"
        )
    return "\n".join(out) + "\n"


def log(start: Path, since: date | None, output_format: str) -> int:
    """`vpsec log`: the decisions in git history (committed on or after since)."""
    from vpsec.app import emit

    renderers: dict[str, Callable[[list[LogEntry]], str]] = {
        "text": render_log_text,
        "markdown": render_log_markdown,
        "json": render_log_json,
    }
    if output_format not in renderers:
        raise UsageError("--format: choose one of text, json, markdown")
    entries = decision_log(start)
    if since is not None:
        entries = [e for e in entries if e.committed_at.date() >= since]
    emit(renderers[output_format](entries), None)
    return 0
