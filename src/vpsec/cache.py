"""The cache under `.vpsec/cache`: parsed files by content, and whole runs by their inputs.

Two layers, so that a re-run with nothing changed costs a walk of the folder
and one small file, and a re-run with one file changed parses one file:

- files: each record file's parsed documents, keyed by the SHA-256 of its
  bytes; a (size, mtime, inode) note per path lets an unchanged file skip
  being read at all.
- runs: the findings of a validate/assess run, keyed by a hash of everything
  they depend on (vpsec version, command, as-of, selection, vpsec.yaml's
  bytes, every file's digest).

The cache is an optimisation and is never trusted: it is JSON (never pickle),
each file is signed with HMAC-SHA256 under a per-user key kept outside the
workspace, and anything that is missing, foreign, corrupt or from another
vpsec version is ignored and rebuilt. A cache committed into a repository by
a pull request therefore cannot change what CI reports. Writes are atomic;
two runs at once each write a complete file and the last one wins.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
import re
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vpsec import __version__
from vpsec.atomic import write_atomic
from vpsec.errors import OutputError
from vpsec.load.yamlread import Path_, RawDocument, YamlProblem

FORMAT = 1
CACHE_DIR = Path(".vpsec") / "cache"
STATS = "stats.json"
PARSED = "parsed.json"
RUNS = "runs"  # one file per run key, so a warm run reads only its own
MAX_RUNS = 8
TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by vpsec.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)

StatKey = tuple[int, int, int]
_HEX = re.compile(r"[0-9a-f]{64}")


# A file modified this recently may change again within the same mtime tick
# without its size changing; its stat is not trusted (git calls this "racy").
RACY_NS = 2_000_000_000


def stat_key(stat: os.stat_result) -> StatKey:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino)


@functools.cache
def _code_fingerprint() -> str:
    """Changes whenever vpsec's own code or data changes, even without a new version number."""
    package = Path(__file__).resolve().parent
    entries = sorted(
        f"{path.relative_to(package)}:{path.stat().st_mtime_ns}:{path.stat().st_size}"
        for pattern in ("*.py", "*.yaml")
        for path in package.rglob(pattern)
    )
    return digest("\n".join([__version__, *entries]).encode())[:16]


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _format() -> list[Any]:
    return [FORMAT, __version__, _code_fingerprint()]


def _user_key() -> bytes | None:
    """The per-user signing key, created on first use; None when it cannot be had."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "vpsec"
    path = base / "cache-key"
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        pass
    try:
        base.mkdir(parents=True, exist_ok=True)
        key = secrets.token_bytes(32)
        # Atomic, so an interrupted first run cannot leave a truncated key behind.
        write_atomic(path, key.hex(), overwrite=False, mode=0o600)
        return key
    except OutputError:
        # Another run created it first (or it cannot be written): read theirs.
        try:
            return bytes.fromhex(path.read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            return None
    except OSError:
        return None


def _paths(value: Any, path: Path_ = ()) -> Iterator[Path_]:
    """Every key and item path in value, in the order the loader notes their positions."""
    if isinstance(value, dict):
        for key, child in value.items():
            child_path = (*path, key)
            yield child_path
            yield from _paths(child, child_path)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            child_path = (*path, index)
            yield child_path
            yield from _paths(child, child_path)


def _encode_documents(result: list[RawDocument] | YamlProblem) -> Any:
    # Positions are stored as a flat [line, column, ...] list in the order of
    # _paths: the paths can be walked again from the value, and storing them
    # tripled the cache's size and the memory needed to read it.
    if isinstance(result, YamlProblem):
        return {"problem": [result.message, result.line, result.column]}
    encoded = []
    for doc in result:
        flat = [number for position in doc.positions.values() for number in position]
        encoded.append([doc.index, doc.value, doc.line, doc.column, flat])
    return encoded


def _decode_documents(data: Any) -> list[RawDocument] | YamlProblem:
    """Documents from the cache; ValueError when the data does not fit (a foreign cache)."""
    if isinstance(data, dict):
        message, line, column = data["problem"]
        return YamlProblem(message, line, column)
    documents = []
    for index, value, line, column, flat in data:
        paths = list(_paths(value))
        if len(flat) != 2 * len(paths):
            raise ValueError("positions do not match the value")
        positions = {path: (flat[2 * i], flat[2 * i + 1]) for i, path in enumerate(paths)}
        documents.append(RawDocument(index, value, line, column, positions))
    return documents


@dataclass
class Cache:
    """The workspace's cache, loaded once per run and saved at its end."""

    folder: Path | None
    key: bytes | None = None
    _stats: dict[str, list[Any]] = field(default_factory=dict)
    # Parsed files are the bulk of the cache: read only when a run needs them.
    _parsed: dict[str, Any] | None = None
    _new_runs: dict[str, Any] = field(default_factory=dict)
    _seen_stats: dict[str, list[Any]] = field(default_factory=dict)
    _seen_parsed: dict[str, Any] = field(default_factory=dict)
    _stats_dirty: bool = False
    _parsed_dirty: bool = False

    @classmethod
    def open(cls, root: Path, enabled: bool = True) -> Cache:
        """The cache of the workspace at root; a disabled one when caching is off or impossible."""
        if not enabled or os.environ.get("VPSEC_NO_CACHE"):
            return cls(None)
        key = _user_key()
        if key is None:
            return cls(None)
        cache = cls(root / CACHE_DIR, key)
        stats = cache._read(STATS)
        if isinstance(stats, dict):
            cache._stats = stats
        return cache

    @property
    def enabled(self) -> bool:
        return self.folder is not None

    def _read(self, name: str) -> Any:
        assert self.folder is not None and self.key is not None
        try:
            raw = (self.folder / name).read_bytes()
            mac, _, payload = raw.partition(b"\n")
            expected = hmac.new(self.key, payload, hashlib.sha256).hexdigest().encode()
            if not hmac.compare_digest(mac, expected):
                return None
            document = json.loads(payload)
        except (OSError, ValueError):
            return None
        if not isinstance(document, dict) or document.get("format") != _format():
            return None
        return document.get("data")

    def _write(self, name: str, data: Any) -> None:
        assert self.folder is not None and self.key is not None
        payload = json.dumps({"format": _format(), "data": data}, separators=(",", ":")).encode()
        mac = hmac.new(self.key, payload, hashlib.sha256).hexdigest().encode()
        write_atomic(self.folder / name, mac + b"\n" + payload)

    # Files.

    def known_digest(self, rel: str, stat: StatKey) -> str | None:
        """The digest of rel's content when its stat is unchanged since it was cached."""
        note = self._stats.get(rel)
        if note is not None and tuple(note[:3]) == stat:
            self._seen_stats[rel] = note
            return str(note[3])
        return None

    def note_digest(self, rel: str, stat: StatKey, content_digest: str) -> None:
        """Remember rel's digest for its stat, so the next run need not read it."""
        if not self.enabled:
            return
        if time.time_ns() - stat[1] < RACY_NS:
            note: list[Any] = [None, None, None, content_digest]
        else:
            note = [*stat, content_digest]
        if self._stats.get(rel) != note:
            self._stats_dirty = True
        self._seen_stats[rel] = note

    def parsed(self, content_digest: str) -> list[RawDocument] | YamlProblem | None:
        """The cached parse of a file's content, or None."""
        if not self.enabled:
            return None
        if self._parsed is None:
            loaded = self._read(PARSED)
            self._parsed = loaded if isinstance(loaded, dict) else {}
        data = self._parsed.get(content_digest)
        if data is None:
            return None
        try:
            result = _decode_documents(data)
        except (TypeError, ValueError, KeyError):
            return None
        self._seen_parsed[content_digest] = data
        return result

    def remember(self, content_digest: str, result: list[RawDocument] | YamlProblem) -> None:
        """Keep a fresh parse for the next run."""
        if self.enabled:
            self._seen_parsed[content_digest] = _encode_documents(result)
            self._parsed_dirty = True

    # Runs.

    def run(self, key: str) -> Any:
        """The cached payload of a run with exactly these inputs, or None."""
        if not self.enabled or not _HEX.fullmatch(key):
            return None
        return self._read(f"{RUNS}/{key}.json")

    def remember_run(self, key: str, payload: Any) -> None:
        if self.enabled and _HEX.fullmatch(key):
            self._new_runs[key] = payload

    def _prune_runs(self) -> None:
        """Keep the most recent MAX_RUNS run files."""
        assert self.folder is not None
        runs = sorted(
            (self.folder / RUNS).glob("*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True
        )
        for stale in runs[MAX_RUNS:]:
            stale.unlink(missing_ok=True)

    def save(self) -> None:
        """Write what changed; only what this run saw is kept, so deleted files do not pile up."""
        if not self.enabled:
            return
        assert self.folder is not None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tag = self.folder / "CACHEDIR.TAG"
            if not tag.exists():
                write_atomic(tag, TAG)
                # Kept out of git even where the workspace's .gitignore does not say so.
                write_atomic(self.folder / ".gitignore", "*\n")
            if self._parsed_dirty:
                self._write(PARSED, self._seen_parsed)
            if self._stats_dirty or self._parsed_dirty:
                self._write(STATS, self._seen_stats)
            if self._new_runs:
                (self.folder / RUNS).mkdir(exist_ok=True)
                for key, payload in self._new_runs.items():
                    self._write(f"{RUNS}/{key}.json", payload)
                self._prune_runs()
        except (OSError, OutputError):
            # A read-only workspace or a full disk: the run's results stand without a cache.
            return


def run_key(parts: list[Any]) -> str:
    """A stable hash of a run's inputs."""
    return digest(json.dumps(parts, separators=(",", ":"), sort_keys=True, default=str).encode())
