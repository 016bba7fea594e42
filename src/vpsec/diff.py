"""`vpsec diff`: what a change does to the records and to the findings, for review.

Both sides are loaded by the same validation and rules as `vpsec assess`; a
git revision is read from its tree objects (never checked out), the working
tree from disk. Records are matched by id, so a record that moves to another
file is not "removed and added". Findings are matched by an identity that
leaves out line numbers, so a finding whose lines merely shifted is neither
introduced nor resolved.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vpsec.errors import ConfigError, UsageError
from vpsec.findings import Finding, Severity
from vpsec.load.discover import WORKSPACE_FILE
from vpsec.load.yamlread import RawDocument, YamlProblem
from vpsec.models.config import WorkspaceConfig

if TYPE_CHECKING:
    from vpsec.gitops import Repository

WORKTREE = "WORKTREE"
FORMATS = ("text", "markdown", "json")
FAIL_LEVELS = ("error", "warning", "info", "never")
_SUFFIXES = (".yaml", ".yml")
_LINE_IN_MESSAGE = re.compile(r"(\.ya?ml):\d+")

Documents = list[tuple[str, list[RawDocument] | YamlProblem]]


@dataclass(frozen=True, slots=True)
class DiffOptions:
    """What `vpsec diff` was asked to compare."""

    base: str
    head: str | None = None
    format: str = "text"
    as_of: date | None = None
    output: Path | None = None
    fail_on: str = "error"
    start: Path = Path()


@dataclass(slots=True)
class Side:
    """One side of the comparison: its records (id -> path, value) and its findings."""

    label: str
    records: dict[str, tuple[str, Any]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RecordChange:
    """A record present on both sides whose content differs."""

    id: str
    fields: tuple[str, ...]
    path: str
    moved_from: str | None = None


@dataclass(frozen=True, slots=True)
class DiffResult:
    """Records added, removed and changed, and findings introduced and resolved."""

    base: str
    head: str
    added: tuple[tuple[str, str], ...]  # (id, path)
    removed: tuple[tuple[str, str], ...]
    changed: tuple[RecordChange, ...]
    moved: tuple[RecordChange, ...]
    introduced: tuple[Finding, ...]
    resolved: tuple[Finding, ...]

    def to_json(self) -> dict[str, Any]:
        """The JSON shape of cli.md."""
        return {
            "base": self.base,
            "head": self.head,
            "records": {
                "added": [record_id for record_id, _path in self.added],
                "removed": [record_id for record_id, _path in self.removed],
                "changed": [{"id": c.id, "fields": list(c.fields)} for c in self.changed],
            },
            "findings": {
                "introduced": [f.to_json() for f in self.introduced],
                "resolved": [f.to_json() for f in self.resolved],
            },
        }


# ---------------------------------------------------------------- loading a side


def _excluded(rel: str, patterns: list[str]) -> bool:
    """The same exclusion test as discovery on disk (folder prefixes and globs)."""
    for pattern in patterns:
        cleaned = pattern.strip().strip("/")
        if cleaned and (
            rel == cleaned or rel.startswith(cleaned + "/") or fnmatch.fnmatchcase(rel, cleaned)
        ):
            return True
    return False


def _record_file(rel: str, exclude: list[str]) -> bool:
    if not rel.endswith(_SUFFIXES) or rel == WORKSPACE_FILE:
        return False
    if any(part.startswith(".") for part in rel.split("/")):
        return False
    return not _excluded(rel, exclude)


def _parse(data: bytes) -> list[RawDocument] | YamlProblem:
    from vpsec.load.yamlread import decode, parse_documents

    try:
        return parse_documents(decode(data))
    except YamlProblem as problem:
        return problem


def records_of(documents: Documents) -> dict[str, tuple[str, Any]]:
    """id -> (path, value) of every document that names an id (the first one wins)."""
    out: dict[str, tuple[str, Any]] = {}
    for path, parsed in documents:
        if isinstance(parsed, YamlProblem):
            continue
        for doc in parsed:
            if isinstance(doc.value, dict) and isinstance(doc.value.get("id"), str | int):
                out.setdefault(str(doc.value["id"]), (path, doc.value))
    return out


def check_documents(
    root: Path,
    config: WorkspaceConfig,
    config_findings: list[Finding],
    config_doc: RawDocument,
    documents: Documents,
    as_of: date,
) -> list[Finding]:
    """Validation and every rule vpsec.yaml selects, as `vpsec assess` runs them."""
    from vpsec.engine import run_rules
    from vpsec.load.workspace import build_workspace

    workspace, findings = build_workspace(root, config, documents)
    assessment = run_rules(
        workspace, as_of, list(config.rules.select), list(config.rules.ignore), config_doc
    )
    return [*config_findings, *findings, *assessment.findings]


def _default_config() -> tuple[WorkspaceConfig, list[Finding], RawDocument]:
    config = WorkspaceConfig.model_validate(
        {"apiVersion": "vpsec/v1", "kind": "Workspace", "organisation": "(no workspace)"}
    )
    return config, [], RawDocument(0, {}, 1, 1)


def side_from_files(
    label: str,
    root: Path,
    files: Iterable[tuple[str, int, bytes | None]],
    as_of: date,
) -> Side:
    """A side from (workspace-relative path, size, content) triples, as read from git."""
    from vpsec.load.config import config_from_bytes

    blobs = sorted(files)
    config_data = next((data for rel, _size, data in blobs if rel == WORKSPACE_FILE), None)
    if config_data is None:
        # The revision predates the workspace: an empty workspace, so everything is "added".
        config, config_findings, config_doc = _default_config()
    else:
        try:
            config, config_findings, config_doc = config_from_bytes(config_data)
        except ConfigError as error:
            raise ConfigError(f"at {label[:12]}: {error}") from None
    max_bytes = int(config.limits.max_file_mb * 1_000_000)
    documents: Documents = []
    for rel, size, data in blobs:
        if not _record_file(rel, config.exclude):
            continue
        if data is None or size > max_bytes:
            documents.append(
                (
                    rel,
                    YamlProblem(
                        f"the file is {size / 1_000_000:.1f} MB, over the "
                        f"{max_bytes / 1_000_000:g} MB limit (limits.max_file_mb in vpsec.yaml); "
                        "split it into smaller files"
                    ),
                )
            )
            continue
        documents.append((rel, _parse(data)))
    findings = check_documents(root, config, config_findings, config_doc, documents, as_of)
    return Side(label, records_of(documents), findings)


def side_from_disk(root: Path, as_of: date) -> Side:
    """The working tree's side, read from disk exactly as `vpsec assess` reads it."""
    from vpsec.load.config import load_config
    from vpsec.load.scan import scan_workspace
    from vpsec.load.workspace import parse_scanned, validation_finding

    config, config_findings, config_doc = load_config(root)
    scan = scan_workspace(root, config)
    documents: Documents = parse_scanned(scan)
    skip_findings = [validation_finding("V001", skip.reason, skip.rel) for skip in scan.skipped]
    findings = check_documents(
        root, config, [*config_findings, *skip_findings], config_doc, documents, as_of
    )
    return Side(WORKTREE, records_of(documents), findings)


# ------------------------------------------------------------------- comparing


def changed_fields(old: Any, new: Any, prefix: str = "") -> list[str]:
    """Dotted paths of the fields that differ (lists are compared as a whole)."""
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[str] = []
        keys = list(old) + [key for key in new if key not in old]
        for key in keys:
            name = f"{prefix}.{key}" if prefix else str(key)
            if key not in old or key not in new:
                out.append(name)
            elif old[key] != new[key]:
                out.extend(changed_fields(old[key], new[key], name))
        return out
    return [] if old == new else [prefix or "(record)"]


def finding_identity(finding: Finding) -> tuple[str, str, str, str]:
    """What makes two findings the same problem, whatever line it sits on.

    A finding about a record is identified by the record, so it survives the
    record moving to another file; others by their path.
    """
    where = f"record:{finding.record}" if finding.record else f"path:{finding.path}"
    message = _LINE_IN_MESSAGE.sub(r"\1", finding.message)
    return (finding.rule, where, finding.field or "", message)


def _only_in(mine: list[Finding], theirs: list[Finding]) -> tuple[Finding, ...]:
    """Findings of mine with no counterpart in theirs (counting repeats)."""
    remaining = Counter(finding_identity(f) for f in theirs)
    out = []
    for finding in sorted(mine, key=Finding.sort_key):
        key = finding_identity(finding)
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            out.append(finding)
    return tuple(out)


def compare(base: Side, head: Side) -> DiffResult:
    """Records and findings that differ between base and head."""
    added = tuple(
        (record_id, path)
        for record_id, (path, _v) in sorted(head.records.items())
        if record_id not in base.records
    )
    removed = tuple(
        (record_id, path)
        for record_id, (path, _v) in sorted(base.records.items())
        if record_id not in head.records
    )
    changed = []
    moved = []
    for record_id, (path, value) in sorted(head.records.items()):
        if record_id not in base.records:
            continue
        old_path, old_value = base.records[record_id]
        fields = tuple(changed_fields(old_value, value))
        moved_from = old_path if old_path != path else None
        change = RecordChange(record_id, fields, path, moved_from)
        if fields:
            changed.append(change)
        elif moved_from:
            moved.append(change)
    return DiffResult(
        base=base.label,
        head=head.label,
        added=added,
        removed=removed,
        changed=tuple(changed),
        moved=tuple(moved),
        introduced=_only_in(head.findings, base.findings),
        resolved=_only_in(base.findings, head.findings),
    )


# ------------------------------------------------------------------- rendering


def escape_markdown(text: str) -> str:
    """Text that renders as itself in a Markdown table cell (no markup, no HTML, one line)."""
    text = " ".join(str(text).split())
    text = re.sub(r"([\\`*_\[\]|<>~])", r"\\\1", text)
    return text.replace("&", "&amp;")


def _short(label: str) -> str:
    return label if label == WORKTREE else label[:12]


def _counts_line(result: DiffResult) -> str:
    return (
        f"{len(result.introduced)} finding(s) introduced, {len(result.resolved)} resolved; "
        f"records: {len(result.added)} added, {len(result.changed)} changed, "
        f"{len(result.removed)} removed"
    )


def _finding_line(finding: Finding) -> str:
    where = f"{finding.path}:{finding.line}" if finding.line else finding.path
    return f"{where}: {finding.rule} [{finding.severity.value}] {finding.message}"


def render_text(result: DiffResult) -> str:
    out = [f"vpsec diff {_short(result.base)}..{_short(result.head)}: {_counts_line(result)}"]

    def section(title: str, lines: list[str]) -> None:
        if lines:
            out.append("")
            out.append(f"{title}:")
            out.extend(f"  {line}" for line in lines)

    section("Findings introduced", [_finding_line(f) for f in result.introduced])
    section("Findings resolved", [_finding_line(f) for f in result.resolved])
    section("Records added", [f"{rid} ({path})" for rid, path in result.added])
    section("Records removed", [f"{rid} ({path})" for rid, path in result.removed])
    section(
        "Records changed",
        [
            f"{c.id}: {', '.join(c.fields)}"
            + (f" (moved from {c.moved_from} to {c.path})" if c.moved_from else "")
            for c in result.changed
        ],
    )
    section("Records moved", [f"{c.id}: {c.moved_from} -> {c.path}" for c in result.moved])
    return "\n".join(out) + "\n"


def _findings_table(findings: tuple[Finding, ...]) -> list[str]:
    rows = ["| Severity | Rule | Record | Where | Message |", "|---|---|---|---|---|"]
    for f in findings:
        where = f"{f.path}:{f.line}" if f.line else f.path
        rows.append(
            f"| {f.severity.value} | {f.rule} | {escape_markdown(f.record or '')} | "
            f"{escape_markdown(where)} | {escape_markdown(f.message)} |"
        )
    return rows


def render_markdown(result: DiffResult) -> str:
    """A pull-request comment: headline counts, then tables."""
    errors = sum(1 for f in result.introduced if f.severity is Severity.ERROR)
    verdict = (
        f"**{errors} new error(s)**" if errors else "no new errors"
    ) + f" · {_counts_line(result)}"
    out = [
        f"## vpsec: security arrangements `{_short(result.base)}` → `{_short(result.head)}`",
        "",
        verdict,
        "",
        "| | count |",
        "|---|---|",
        f"| Findings introduced | {len(result.introduced)} |",
        f"| Findings resolved | {len(result.resolved)} |",
        f"| Records added | {len(result.added)} |",
        f"| Records changed | {len(result.changed)} |",
        f"| Records removed | {len(result.removed)} |",
    ]
    if result.introduced:
        out += ["", "### Findings introduced", "", *_findings_table(result.introduced)]
    if result.resolved:
        out += ["", "### Findings resolved", "", *_findings_table(result.resolved)]
    rows = [
        *(("added", rid, path, "") for rid, path in result.added),
        *(("removed", rid, path, "") for rid, path in result.removed),
        *(("changed", c.id, c.path, ", ".join(c.fields)) for c in result.changed),
        *(("moved", c.id, c.path, f"from {c.moved_from}") for c in result.moved),
    ]
    if rows:
        out += ["", "### Record changes", "", "| Change | Record | File | Fields |"]
        out.append("|---|---|---|---|")
        for change, rid, path, fields in rows:
            out.append(
                f"| {change} | {escape_markdown(rid)} | {escape_markdown(path)} | "
                f"{escape_markdown(fields)} |"
            )
    return "\n".join(out) + "\n"


def render(result: DiffResult, output_format: str) -> str:
    if output_format == "json":
        return json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n"
    if output_format == "markdown":
        return render_markdown(result)
    return render_text(result)


# ---------------------------------------------------------------------- command


def _git_side(repo: Repository, sha: str, prefix: str, root: Path, as_of: date) -> Side:
    return side_from_files(sha, root, repo.tree_files(sha, prefix), as_of)


def _fail_level(fail_on: str) -> Severity | None:
    if fail_on not in FAIL_LEVELS:
        raise UsageError(f"--fail-on: choose one of {', '.join(FAIL_LEVELS)}")
    return None if fail_on == "never" else Severity(fail_on)


def diff(options: DiffOptions) -> int:
    """`vpsec diff`: 1 when the change introduces findings at or above --fail-on."""
    from vpsec.app import emit
    from vpsec.gitops import open_repository
    from vpsec.load.config import find_root

    if options.format not in FORMATS:
        raise UsageError(f"--format: choose one of {', '.join(FORMATS)}")
    level = _fail_level(options.fail_on)
    as_of = options.as_of or date.today()
    root = find_root(options.start)
    repo = open_repository(root)
    try:
        prefix = repo.prefix_of(root)
        # Resolve both revisions before reading anything: only object ids go further.
        base_sha = repo.resolve(options.base)
        head_sha = repo.resolve(options.head) if options.head is not None else None
        base = _git_side(repo, base_sha, prefix, root, as_of)
        head = (
            _git_side(repo, head_sha, prefix, root, as_of)
            if head_sha is not None
            else side_from_disk(root, as_of)
        )
    finally:
        repo.close()
    result = compare(base, head)
    emit(render(result, options.format), options.output)
    if level is None:
        return 0
    return 1 if any(f.severity.rank >= level.rank for f in result.introduced) else 0
