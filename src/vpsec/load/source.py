"""The one way to open a workspace: from the working tree, or from a git revision's tree.

Every command that reads records comes through here, so they all agree on
which files hold records (`RecordFilter`: `exclude`, hidden folders, the size
limit, the symlink policy), how they are parsed and how they are validated.
Opening is cheap: the configuration and a scan of the files. Parsing and
validation happen on first use and are kept, so a command that needs both
the raw documents and the validated workspace reads each file once.

A git revision is read through a `TreeSource`, which the git layer provides:
loading never imports git, and a tree's file list and sizes are known before
any blob is read, so nothing the filter refuses is ever loaded into memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vpsec.collector import paused_gc
from vpsec.findings import Finding
from vpsec.load.config import config_from_bytes, load_config
from vpsec.load.discover import WORKSPACE_FILE, RecordFilter
from vpsec.load.tree import TreeEntry, TreeSource
from vpsec.load.validation import validation_finding
from vpsec.load.yamlread import RawDocument, YamlProblem, decode, parse_documents

if TYPE_CHECKING:
    from vpsec.load.cache import Cache
    from vpsec.load.scan import Scan
    from vpsec.load.workspace import Workspace
    from vpsec.models.config import WorkspaceConfig

Parsed = list[RawDocument] | YamlProblem
Documents = list[tuple[str, Parsed]]


def _too_large(size: int, max_bytes: int) -> YamlProblem:
    return YamlProblem(
        f"the file is {size / 1_000_000:.1f} MB, over the {max_bytes / 1_000_000:g} MB "
        "limit (limits.max_file_mb in vpsec.yaml); split it into smaller files"
    )


def _parse(data: bytes) -> Parsed:
    try:
        return parse_documents(decode(data))
    except YamlProblem as problem:
        return problem


@dataclass(frozen=True, slots=True)
class LoadedWorkspace:
    """The validated records and every V finding about the files (vpsec.yaml's first)."""

    workspace: Workspace
    findings: tuple[Finding, ...]


@dataclass(slots=True)
class OpenWorkspace:
    """A workspace opened for reading: its configuration now, its records on first use."""

    root: Path
    config: WorkspaceConfig
    config_findings: list[Finding]
    config_doc: RawDocument
    config_bytes: bytes | None
    record_filter: RecordFilter
    _scan: Scan | None = None
    _cache: Cache | None = None
    _documents: Documents | None = None
    _skipped: list[Finding] = field(default_factory=list)
    _loaded: LoadedWorkspace | None = None

    @property
    def scan(self) -> Scan | None:
        """The working tree's scan (paths and digests), None for a git revision."""
        return self._scan

    def fingerprint(self) -> list[Any]:
        """What every finding depends on, for the run cache (working tree only)."""
        assert self._scan is not None, "only a working tree is cached"
        return self._scan.fingerprint()

    def documents(self) -> Documents:
        """Every record file's documents (or its problem), in path order, parsed once."""
        if self._documents is None:
            from vpsec.load.workspace import parse_scanned

            assert self._scan is not None
            with paused_gc():
                self._documents = parse_scanned(self._scan, self._cache)
        return self._documents

    def load(self) -> LoadedWorkspace:
        """Validate the documents into a Workspace, once."""
        if self._loaded is None:
            from vpsec.load.workspace import build_workspace

            documents = self.documents()
            with paused_gc():
                workspace, findings = build_workspace(self.root, self.config, documents)
            self._loaded = LoadedWorkspace(
                workspace, (*self.config_findings, *self._skipped, *findings)
            )
        return self._loaded

    def records(self) -> dict[str, tuple[str, Any]]:
        """id -> (path, raw value) of every document that names an id (the first one wins)."""
        out: dict[str, tuple[str, Any]] = {}
        for path, parsed in self.documents():
            if isinstance(parsed, YamlProblem):
                continue
            for doc in parsed:
                if isinstance(doc.value, dict) and isinstance(doc.value.get("id"), str | int):
                    out.setdefault(str(doc.value["id"]), (path, doc.value))
        return out


def open_workspace(root: Path, cache: Cache | None = None) -> OpenWorkspace:
    """The working tree at root: vpsec.yaml read, record files scanned (digests, not parses)."""
    from vpsec.load.scan import scan_workspace

    config, config_findings, config_doc = load_config(root)
    scan = scan_workspace(root, config, cache)
    opened = OpenWorkspace(
        root,
        config,
        config_findings,
        config_doc,
        None,
        RecordFilter(config.exclude),
        _scan=scan,
        _cache=cache,
    )
    opened._skipped = [validation_finding("V001", s.reason, s.rel) for s in scan.skipped]
    return opened


def _default_config() -> tuple[WorkspaceConfig, list[Finding], RawDocument]:
    from vpsec.models.config import WorkspaceConfig

    config = WorkspaceConfig.model_validate(
        {"apiVersion": "vpsec/v1", "kind": "Workspace", "organisation": "(no workspace)"}
    )
    return config, [], RawDocument(0, {}, 1, 1)


def open_tree(
    source: TreeSource, root: Path, parsed: dict[str, Parsed] | None = None
) -> OpenWorkspace:
    """A revision's workspace: only files the filter accepts and the size limit allows are read.

    A revision without vpsec.yaml (it predates the workspace) opens as an
    empty workspace with the default settings, so everything in a later
    revision counts as added. `parsed` (object id -> parse) is shared by the
    revisions a command compares: a file unchanged between them is read and
    parsed once (a diff of two revisions parsed every file twice).
    """
    if parsed is None:
        parsed = {}
    entries = sorted(source.entries(), key=lambda entry: entry.rel)
    config_entry = next((e for e in entries if e.rel == WORKSPACE_FILE), None)
    config_bytes: bytes | None = None
    if config_entry is None:
        config, config_findings, config_doc = _default_config()
    else:
        config_bytes = source.read(config_entry)
        config, config_findings, config_doc = config_from_bytes(config_bytes)
    record_filter = RecordFilter(config.exclude)
    max_bytes = int(config.limits.max_file_mb * 1_000_000)
    documents: Documents = []
    for entry in entries:
        if not record_filter.accepts(entry.rel):
            continue
        if entry.size > max_bytes:
            documents.append((entry.rel, _too_large(entry.size, max_bytes)))
        else:
            if not entry.oid:  # a source that does not know its objects' ids
                documents.append((entry.rel, _parse(source.read(entry))))
                continue
            if entry.oid not in parsed:
                parsed[entry.oid] = _parse(source.read(entry))
            documents.append((entry.rel, parsed[entry.oid]))
    return OpenWorkspace(
        root,
        config,
        config_findings,
        config_doc,
        config_bytes,
        record_filter,
        _documents=documents,
    )


def iter_record_paths(entries: Iterable[TreeEntry], record_filter: RecordFilter) -> Iterator[str]:
    """The paths among entries that hold records."""
    return (entry.rel for entry in entries if record_filter.accepts(entry.rel))
