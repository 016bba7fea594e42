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
import re
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


# Characters YAML does not allow unescaped even inside a double-quoted scalar
# (DEL, C1 controls, byte-order marks and non-characters), or reads as line
# breaks (NEL, LINE and PARAGRAPH SEPARATOR); JSON leaves them as they are.
_YAML_UNPRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
_PLAIN_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def _quoted(text: str) -> str:
    """Text as a YAML 1.2 double-quoted scalar that reads back exactly, whatever it holds.

    A JSON string is one (control characters become \\uXXXX escapes), once the
    characters YAML refuses or folds are escaped too.
    """
    return _YAML_UNPRINTABLE.sub(
        lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False)
    )


def _scalar(value: str) -> str:
    """An id as written by hand when it is a plain one, else quoted."""
    return value if _PLAIN_ID.match(value) else _quoted(value)


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
        lines.append(f"meeting: {_scalar(options.meeting)}")
    if options.records:
        lines.append("records:")
        lines.extend(f"  - {_scalar(record)}" for record in options.records)
    if options.supersedes:
        lines.append(f"supersedes: {_scalar(options.supersedes)}")
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


def check_text(options: DecideOptions) -> None:
    """UsageError for text that cannot be recorded: empty, or not valid Unicode."""
    if not options.text.strip():
        raise UsageError("the decision text is empty")
    if not options.made_by.strip():
        raise UsageError("--by: say who made the decision")
    fields = [
        ("the decision text", options.text),
        ("--by", options.made_by),
        ("--rationale", options.rationale or ""),
        ("--meeting", options.meeting or ""),
        ("--supersedes", options.supersedes or ""),
        *(("--record", record) for record in options.records),
    ]
    for name, value in fields:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise UsageError(
                f"{name} is not valid UTF-8 text (the terminal or the shell passed other bytes)"
            ) from None


def _validate_new(text: str, options: DecideOptions, max_bytes: int) -> None:
    """Read the file about to be written as the loader will, so vpsec commits only what it
    can read back: a valid Decision, within the size limit, holding exactly the text given."""
    from pydantic import ValidationError

    from vpsec.load.yamlread import YamlProblem, parse_documents
    from vpsec.models import Decision

    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise UsageError(
            f"the decision is {size / 1_000_000:.1f} MB, over the {max_bytes / 1_000_000:g} MB "
            "limit of vpsec.yaml (limits.max_file_mb); the loader would not read it"
        )
    try:
        value = parse_documents(text)[0].value
        Decision.model_validate(value)
    except YamlProblem as problem:
        raise UsageError(f"the decision cannot be recorded: {problem.message}") from None
    except ValidationError as error:
        detail = error.errors(include_url=False)[0]
        where = ".".join(str(part) for part in detail["loc"]) or "decision"
        raise UsageError(f"the decision cannot be recorded: {where}: {detail['msg']}") from None
    expected = {"text": options.text.strip(), "made_by": options.made_by.strip()}
    if options.rationale and options.rationale.strip():
        expected["rationale"] = options.rationale.strip()
    for name, wanted in expected.items():
        if value.get(name) != wanted:
            raise UsageError(f"the decision cannot be recorded: {name} would not read back exactly")


def record_decision(options: DecideOptions) -> RecordedDecision:
    """Write a new Decision file and commit exactly that file; on failure, leave neither."""
    from vpsec.atomic import write_atomic
    from vpsec.confine import refuse_links
    from vpsec.gitops import open_repository
    from vpsec.load.config import find_root
    from vpsec.load.source import open_workspace

    check_text(options)
    root = find_root(options.start)
    repo = open_repository(root)
    try:
        problems = repo.refusals()
        if problems:
            raise GitError(problems[0])
        prefix = repo.prefix_of(root)
        opened = open_workspace(root)
        _check_references(options, opened)
        today = date.today()
        record_id = new_decision_id(options.text, options.made_by, today)
        text = decision_text(record_id, options, today)
        _validate_new(text, options, int(opened.config.limits.max_file_mb * 1_000_000))
        folder = root / DECISIONS_FOLDER
        target = folder / f"{record_id}.yaml"
        refuse_links(root, target)
        if target.exists():
            raise OutputError(f"{target}: already exists; vpsec never overwrites a decision")
        created_folder = not folder.exists()
        folder.mkdir(exist_ok=True)
        rel = f"{DECISIONS_FOLDER}/{record_id}.yaml"
        written = False
        try:
            write_atomic(target, text, overwrite=False)
            written = True
            sha = repo.commit_only(prefix + rel, commit_message(record_id, options))
        except BaseException:
            # All or nothing: whatever failed (git, the disk, an interruption), no file
            # is left behind and nothing stays staged (commit_only unstages it).
            if written:
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
