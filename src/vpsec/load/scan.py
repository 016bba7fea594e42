"""What a workspace holds right now, found cheaply: paths, content digests, cached parses.

Scanning needs no record model, so a run whose result is already cached
never imports or builds one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vpsec.load.cache import Cache, StatKey, stat_key
from vpsec.load.cache import digest as content_digest
from vpsec.load.discover import SkippedFile, SourceFile, discover
from vpsec.load.yamlread import RawDocument, YamlProblem, decode, parse_documents

if TYPE_CHECKING:
    from vpsec.models.config import WorkspaceConfig


def _read_problem(error: OSError) -> YamlProblem:
    if isinstance(error, FileNotFoundError):
        return YamlProblem("the file disappeared while it was being read")
    if isinstance(error, PermissionError):
        return YamlProblem("the file cannot be read: permission denied")
    if isinstance(error, IsADirectoryError):
        return YamlProblem("expected a file but found a folder")
    return YamlProblem(f"the file cannot be read: {error.strerror or error}")


def _too_large(size: int, max_bytes: int) -> YamlProblem:
    return YamlProblem(
        f"the file is {size / 1_000_000:.1f} MB, over the {max_bytes / 1_000_000:g} MB "
        "limit (limits.max_file_mb in vpsec.yaml); split it into smaller files"
    )


def read_file(source: SourceFile, max_bytes: int) -> list[RawDocument]:
    """The documents of one file. Raises YamlProblem for anything unreadable."""
    try:
        size = source.path.stat().st_size
        if size > max_bytes:
            raise _too_large(size, max_bytes)
        data = source.path.read_bytes()
    except OSError as error:
        raise _read_problem(error) from None
    return parse_documents(decode(data))


@dataclass(slots=True)
class ScannedFile:
    """A record file after the scan: its content digest, and its parse when already known."""

    rel: str
    location: str
    stat: StatKey | None = None
    digest: str | None = None
    data: bytes | None = None
    result: list[RawDocument] | YamlProblem | None = None


@dataclass(slots=True)
class Scan:
    """What a workspace holds right now, cheaply: paths, digests, cached parses."""

    files: list[ScannedFile]
    skipped: list[SkippedFile]

    def fingerprint(self) -> list[Any]:
        """Everything the records' findings depend on, for the run cache's key."""
        return [
            [f.rel, f.digest or (f.result.message if isinstance(f.result, YamlProblem) else None)]
            for f in self.files
        ] + [[s.rel, s.reason] for s in self.skipped]


def scan_workspace(root: Path, config: WorkspaceConfig, cache: Cache | None = None) -> Scan:
    """Discover the record files and learn each one's digest, reading only what changed."""
    sources, skipped = discover(root, config.exclude)
    max_bytes = int(config.limits.max_file_mb * 1_000_000)
    files: list[ScannedFile] = []
    for source in sources:
        scanned = ScannedFile(source.rel, source.location)
        files.append(scanned)
        try:
            # os functions on plain strings: Path objects cost more than the I/O here.
            stat = os.stat(source.location)  # noqa: PTH116
            if stat.st_size > max_bytes:
                scanned.result = _too_large(stat.st_size, max_bytes)
                continue
            scanned.stat = stat_key(stat)
            known = cache.known_digest(source.rel, scanned.stat) if cache else None
            if known is None:
                with open(source.location, "rb") as handle:  # noqa: PTH123
                    scanned.data = handle.read()
                known = content_digest(scanned.data)
                if cache is not None:
                    cache.note_digest(source.rel, scanned.stat, known)
            scanned.digest = known
        except OSError as error:
            scanned.result = _read_problem(error)
    return Scan(files, skipped)


def complete_scan(scan: Scan, cache: Cache | None) -> None:
    """Fill in each file's parse from the cache, or read the files the cache cannot supply."""
    for scanned in scan.files:
        if scanned.result is not None:
            continue
        if cache is not None and scanned.digest is not None:
            scanned.result = cache.parsed(scanned.digest)
            if scanned.result is not None:
                scanned.data = None
                continue
        if scanned.data is not None:
            continue
        try:
            with open(scanned.location, "rb") as handle:  # noqa: PTH123
                scanned.data = handle.read()
        except OSError as error:
            scanned.result = _read_problem(error)
