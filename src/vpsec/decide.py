"""Writing a decision: the Decision file of `vpsec decide`, and the commit that holds only it.

A Decision is written once and committed alone; a change of mind is a new
Decision that supersedes the old one. The file is checked by the same model
the loader uses before anything is written, and it is committed with
trailers (`Vpsec-Decision: <id>` …) that make the commit findable.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from vpsec.errors import GitError, OutputError, UsageError

if TYPE_CHECKING:
    from vpsec.load.source import OpenWorkspace

DECISIONS_FOLDER = "decisions"
SCHEMA_LINE = "# yaml-language-server: $schema=../schemas/decision.json\n"
TRAILER_DECISION = "Vpsec-Decision"
TRAILER_MEETING = "Vpsec-Meeting"
TRAILER_RECORD = "Vpsec-Record"
TRAILER_SUPERSEDES = "Vpsec-Supersedes"
SUBJECT_MAX = 72


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


@dataclass(frozen=True, slots=True)
class RecordedDecision:
    """A decision written and committed: its id, its workspace-relative file, its commit."""

    id: str
    path: str
    commit: str


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


def _check_references(options: DecideOptions, opened: OpenWorkspace) -> None:
    """Refuse references to records that do not exist or are of the wrong kind."""
    workspace = opened.load().workspace
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


def _validate_new(text: str) -> None:
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


def record_decision(options: DecideOptions) -> RecordedDecision:
    """Write a new Decision file and commit exactly that file; on failure, leave neither."""
    from vpsec.atomic import write_atomic
    from vpsec.confine import refuse_links
    from vpsec.gitops import open_repository
    from vpsec.load.config import find_root
    from vpsec.load.source import open_workspace

    root = find_root(options.start)
    repo = open_repository(root)
    try:
        problems = repo.refusals()
        if problems:
            raise GitError(problems[0])
        prefix = repo.prefix_of(root)
        _check_references(options, open_workspace(root))
        today = date.today()
        record_id = new_decision_id(options.text, options.made_by, today)
        text = decision_text(record_id, options, today)
        _validate_new(text)
        folder = root / DECISIONS_FOLDER
        target = folder / f"{record_id}.yaml"
        refuse_links(root, target)
        if target.exists():
            raise OutputError(f"{target}: already exists; vpsec never overwrites a decision")
        created_folder = not folder.exists()
        folder.mkdir(exist_ok=True)
        rel = f"{DECISIONS_FOLDER}/{record_id}.yaml"
        try:
            write_atomic(target, text, overwrite=False)
        except OutputError:
            _remove_empty(folder, created_folder)
            raise
        try:
            sha = repo.commit_only(prefix + rel, commit_message(record_id, options))
        except GitError:
            target.unlink(missing_ok=True)
            _remove_empty(folder, created_folder)
            raise
    finally:
        repo.close()
    return RecordedDecision(record_id, rel, sha)


def _remove_empty(folder: Path, created: bool) -> None:
    if created:
        with contextlib.suppress(OSError):
            folder.rmdir()
