"""Records read from a workspace, validated, and indexed by id, kind and site."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from vpsec.findings import Finding
from vpsec.load.cache import Cache
from vpsec.load.messages import describe, field_path, suggest
from vpsec.load.parallel import PARALLEL_MIN_FILES, parse_bytes, parse_many
from vpsec.load.placeholders import placeholder_findings
from vpsec.load.scan import (
    Scan,
    ScannedFile,
    complete_scan,
    read_file,
    scan_workspace,
)
from vpsec.load.validation import validation_finding
from vpsec.load.yamlread import Path_, Position, RawDocument, YamlProblem
from vpsec.models import API_VERSION, KINDS, Record
from vpsec.models.config import WorkspaceConfig

R = TypeVar("R", bound=Record)


@dataclass(slots=True)
class LoadedRecord:
    """A valid record with the file and positions it came from."""

    model: Record
    path: str
    doc: RawDocument

    @property
    def id(self) -> str:
        return self.model.id

    @property
    def kind(self) -> str:
        return self.model.KIND

    def position(self, *field_names: str | int) -> Position:
        """Line and column of a field (dotted names allowed), or of its nearest ancestor."""
        loc: list[str | int] = []
        for name in field_names:
            if isinstance(name, str):
                # "private_security.1": a list index in a dotted name (no field name is a number).
                loc.extend(int(part) if part.isdigit() else part for part in name.split("."))
            else:
                loc.append(name)
        return self.doc.position(tuple(loc))


@dataclass(slots=True)
class Workspace:
    """The valid records of a workspace, indexed once for every rule to use."""

    root: Path
    config: WorkspaceConfig
    records: list[LoadedRecord] = field(default_factory=list)
    by_id: dict[str, LoadedRecord] = field(default_factory=dict)
    _by_kind: dict[str, list[LoadedRecord]] = field(default_factory=lambda: defaultdict(list))
    _by_site: dict[tuple[str, str], list[LoadedRecord]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def add(self, record: LoadedRecord) -> None:
        self.records.append(record)
        self.by_id[record.id] = record
        self._by_kind[record.kind].append(record)
        for site in record.model.site_ids():
            self._by_site[(site, record.kind)].append(record)

    def of_kind(self, kind: str) -> list[LoadedRecord]:
        """Records of one kind, in file order."""
        return self._by_kind.get(kind, [])

    def each(self, model_class: type[R]) -> Iterator[tuple[LoadedRecord, R]]:
        """(record, its model typed as model_class) for every record of that kind, in file order."""
        for record in self._by_kind.get(model_class.KIND, []):
            model = record.model
            assert isinstance(model, model_class)
            yield record, model

    def at_site(self, site: str, kind: str) -> list[LoadedRecord]:
        """Records of one kind that belong to a site, in file order."""
        return self._by_site.get((site, kind), [])

    def each_at(self, site: str, model_class: type[R]) -> Iterator[tuple[LoadedRecord, R]]:
        """(record, typed model) for the records of model_class's kind at a site, in file order."""
        for record in self._by_site.get((site, model_class.KIND), []):
            model = record.model
            assert isinstance(model, model_class)
            yield record, model


@dataclass(slots=True)
class _Candidate:
    doc: RawDocument
    path: str
    kind: str
    id: str
    model: Record | None


# YAML files of common tools that end up beside records (`vpsec init` excludes them).
_TOOL_FILES = frozenset(
    {
        "mkdocs.yml", "mkdocs.yaml", "docker-compose.yml", "docker-compose.yaml",
        "compose.yml", "compose.yaml", "action.yml", "action.yaml", "codecov.yml",
        "environment.yml", "azure-pipelines.yml", "bitbucket-pipelines.yml", "_config.yml",
    }
)  # fmt: skip


def _exclude_hint(path: str) -> str:
    """How to stop vpsec reading a file that is not a record: the file, or its folder, in
    exclude (never a kind's own folder such as `sites/`, which holds records)."""
    folder = path.rpartition("/")[0]
    kind_folders = {f"{kind.lower()}s" for kind in KINDS}
    also = (
        f" (or its folder `{folder}/`)"
        if folder and folder.split("/")[0] not in kind_folders
        else ""
    )
    return (
        f"; if it is not a record (tool configuration, say), add `{path}`{also} to "
        "`exclude:` in vpsec.yaml"
    )


def _envelope(doc: RawDocument, path: str) -> tuple[str, str] | Finding:
    """(kind, id) of a document, or the V005 finding that says why it has none."""
    where = (doc.line, doc.column)
    value = doc.value
    if not isinstance(value, dict):
        shape = "a list" if isinstance(value, list) else "a single value"
        return validation_finding(
            "V005",
            f"the document is {shape}, not a record: a record is a mapping with "
            f"`apiVersion`, `kind` and `id`{_exclude_hint(path)}",
            path,
            where,
        )
    missing = [name for name in ("apiVersion", "kind", "id") if value.get(name) in (None, "")]
    if missing:
        names = ", ".join(f"`{name}`" for name in missing)
        # Tool configuration, not a record missing a field: no vpsec apiVersion, or a
        # file name that common tools use.
        stray = (
            "vpsec/" not in str(value.get("apiVersion") or "")
            or path.rpartition("/")[2] in _TOOL_FILES
        )
        return validation_finding(
            "V005",
            f"the record lacks {names}; every record needs apiVersion, kind and id"
            + (_exclude_hint(path) if stray else ""),
            path,
            where,
        )
    record_id = value["id"]
    if isinstance(record_id, dict | list):
        return validation_finding(
            "V005",
            "`id` must be a single value such as `trf-2026-001`, not a list or a mapping",
            path,
            doc.position(("id",)),
        )
    version = value["apiVersion"]
    if version != API_VERSION:
        return validation_finding(
            "V005",
            f"unknown apiVersion `{version}`; this vpsec reads `{API_VERSION}`"
            + ("" if "vpsec/" in str(version) else _exclude_hint(path)),
            path,
            doc.position(("apiVersion",)),
            record=str(record_id),
        )
    kind = value["kind"]
    if not isinstance(kind, str) or kind not in KINDS:
        hint = suggest(str(kind), list(KINDS))
        return validation_finding(
            "V005",
            f"unknown kind `{kind}`{hint} (kinds: {', '.join(KINDS)})",
            path,
            doc.position(("kind",)),
            record=str(record_id),
        )
    return kind, str(record_id)


def _validate(doc: RawDocument, path: str, kind: str, record_id: str) -> Record | list[Finding]:
    model_class = KINDS[kind]
    try:
        return model_class.model_validate(doc.value)
    except ValidationError as error:
        # The record has no model, but its findings still belong to the sites it names.
        sites = model_class.raw_site_ids(doc.value)
        out = []
        for detail in error.errors(include_url=False):
            loc, message = describe(detail, model_class)
            out.append(
                validation_finding(
                    "V002",
                    f"{kind} {record_id}: {message}",
                    path,
                    doc.position(loc),
                    record=record_id,
                    kind=kind,
                    sites=sites,
                    field_name=field_path(loc),
                )
            )
        return out


def _values_at(model: Record, spec_path: tuple[str, ...]) -> Any:
    value: Any = model
    for name in spec_path:
        value = getattr(value, name, None)
        if value is None:
            return None
    return value


def _reference_findings(candidate: _Candidate, known: dict[str, _Candidate]) -> Iterator[Finding]:
    model = candidate.model
    assert model is not None
    for spec in model.REFERENCES:
        value = _values_at(model, spec.path)
        if value is None:
            continue
        targets: Iterable[tuple[Path_, str]] = (
            [((*spec.path, index), item) for index, item in enumerate(value)]
            if spec.many
            else [(spec.path, value)]
        )
        for loc, target in targets:
            name = field_path(loc)
            found = known.get(target)
            if found is None:
                hint = suggest(target, list(known))
                message = f"`{name}` names `{target}`, but no record has that id{hint}"
            elif spec.kinds is not None and found.kind not in spec.kinds:
                wanted = " or ".join(spec.kinds)
                message = (
                    f"`{name}` must name a {wanted}, but `{target}` is a {found.kind} "
                    f"({found.path}:{found.doc.line})"
                )
            elif (
                spec.refuse is not None
                and found.model is not None
                and (reason := spec.refuse(found.model))
            ):
                message = f"`{name}` names `{target}`, {reason} ({found.path}:{found.doc.line})"
            else:
                continue
            yield validation_finding(
                "V004",
                f"{candidate.kind} {candidate.id}: {message}",
                candidate.path,
                candidate.doc.position(loc),
                record=candidate.id,
                kind=candidate.kind,
                sites=model.site_ids(),
                field_name=name,
            )


def _cross_findings(candidate: _Candidate, known: dict[str, _Candidate]) -> Iterator[Finding]:
    """V002 for what only the records a valid record names reveal (a meeting's country)."""
    model = candidate.model
    assert model is not None

    def lookup(record_id: str) -> Record | None:
        found = known.get(record_id)
        return found.model if found is not None else None

    for loc, message in model.cross_problems(lookup):
        yield validation_finding(
            "V002",
            f"{candidate.kind} {candidate.id}: {message}",
            candidate.path,
            candidate.doc.position(loc),
            record=candidate.id,
            kind=candidate.kind,
            sites=model.site_ids(),
            field_name=field_path(loc),
        )


def build_workspace(
    root: Path,
    config: WorkspaceConfig,
    documents: Iterable[tuple[str, list[RawDocument] | YamlProblem]],
) -> tuple[Workspace, list[Finding]]:
    """Validate parsed documents (in file order) into a Workspace and V001-V005, V007 findings."""
    findings: list[Finding] = []
    known: dict[str, _Candidate] = {}
    candidates: list[_Candidate] = []
    for path, parsed in documents:
        if isinstance(parsed, YamlProblem):
            findings.append(
                validation_finding("V001", parsed.message, path, (parsed.line, parsed.column))
            )
            continue
        for doc in parsed:
            envelope = _envelope(doc, path)
            if isinstance(envelope, Finding):
                findings.append(envelope)
                continue
            kind, record_id = envelope
            first = known.get(record_id)
            if first is not None:
                findings.append(
                    validation_finding(
                        "V003",
                        f"id `{record_id}` is already used by the {first.kind} in "
                        f"{first.path}:{first.doc.line}; ids must be unique in the workspace",
                        path,
                        doc.position(("id",)),
                        record=record_id,
                        kind=kind,
                        field_name="id",
                    )
                )
                continue
            findings.extend(placeholder_findings(doc, path, kind, record_id))
            validated = _validate(doc, path, kind, record_id)
            model = validated if isinstance(validated, Record) else None
            if not isinstance(validated, Record):
                findings.extend(validated)
            candidate = _Candidate(doc, path, kind, record_id, model)
            known[record_id] = candidate
            candidates.append(candidate)

    workspace = Workspace(root=root, config=config)
    for candidate in candidates:
        if candidate.model is None:
            continue
        broken = list(_reference_findings(candidate, known)) or list(
            _cross_findings(candidate, known)
        )
        if broken:
            findings.extend(broken)
            continue
        workspace.add(LoadedRecord(candidate.model, candidate.path, candidate.doc))
    return workspace, findings


def load_scanned(
    root: Path,
    config: WorkspaceConfig,
    scan: Scan,
    cache: Cache | None = None,
    workers: int | None = None,
) -> tuple[Workspace, list[Finding]]:
    """Parse what the scan did not find in the cache, then validate everything."""
    findings = [validation_finding("V001", skip.reason, skip.rel) for skip in scan.skipped]
    workspace, more = build_workspace(root, config, parse_scanned(scan, cache, workers))
    return workspace, findings + more


def parse_scanned(
    scan: Scan, cache: Cache | None = None, workers: int | None = None
) -> list[tuple[str, list[RawDocument] | YamlProblem]]:
    """Every scanned file's documents (or problem), in file order, parsing what is not cached."""
    complete_scan(scan, cache)
    pending = [f for f in scan.files if f.result is None and f.data is not None]
    results = parse_many([f.data for f in pending if f.data is not None], workers)
    for scanned, result in zip(pending, results, strict=True):
        scanned.result = result
        if cache is not None and scanned.digest is not None:
            cache.remember(scanned.digest, result)
        scanned.data = None
    return [(f.rel, f.result) for f in scan.files if f.result is not None]


def load_workspace(
    root: Path, config: WorkspaceConfig, cache: Cache | None = None
) -> tuple[Workspace, list[Finding]]:
    """Discover, read and validate every record file under root."""
    return load_scanned(root, config, scan_workspace(root, config, cache), cache)


__all__ = [
    "PARALLEL_MIN_FILES",
    "LoadedRecord",
    "Scan",
    "ScannedFile",
    "Workspace",
    "build_workspace",
    "load_scanned",
    "load_workspace",
    "parse_bytes",
    "parse_scanned",
    "read_file",
    "scan_workspace",
    "validation_finding",
]
