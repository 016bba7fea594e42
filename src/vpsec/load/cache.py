"""The cache under `.vpsec/cache`: parsed files by content, and whole runs by their inputs.

Two layers, so that a re-run with nothing changed costs a walk of the folder
and one small file, and a re-run with one file changed parses one file:

- files: each record file's parsed documents, keyed by the SHA-256 of its
  bytes, in sixteen shards by the digest's first hex digit (one changed file
  rewrites at most two); a (size, mtime, inode) note per path lets an
  unchanged file skip being read at all.
- runs: the findings of a validate/assess run, keyed by a hash of everything
  they depend on (vpsec version, command, as-of, selection, vpsec.yaml's
  bytes, every file's digest).

The cache is an optimisation and is never trusted: it is JSON (never pickle),
each file is signed with HMAC-SHA256 under a per-user key kept outside the
workspace, and anything that is missing, foreign, corrupt or from another
vpsec version is ignored and rebuilt. A cache committed into a repository by
a pull request therefore cannot change what CI reports, and a committed link
cannot make a run read, write or delete anything outside the workspace (see
`Cache`). Writes are atomic; two runs at once each write a complete file and
the last one wins.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import hmac
import json
import os
import re
import secrets
import sys
import time
from array import array
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from stat import S_ISLNK, S_ISREG
from typing import Any

from vpsec import __version__
from vpsec.atomic import write_atomic, write_atomic_in
from vpsec.confine import Missing, Unconfined, open_folder
from vpsec.errors import OutputError
from vpsec.load.yamlread import RawDocument, YamlProblem

FORMAT = 2
CACHE_DIR = Path(".vpsec") / "cache"
STATS = "stats.json"
TAG_FILE = "CACHEDIR.TAG"
# Parsed files, in one file per first hex digit of their content's digest: a run
# that changed one record file rewrites two sixteenths of them, not all 13 MB.
PARSED = "parsed"
_SHARD = re.compile(r"[0-9a-f]")
LEGACY_PARSED = "parsed.json"  # the single file of cache format 1
RUNS = "runs"  # one file per run key, so a warm run reads only its own
MAX_RUNS = 8
# A larger cache file is not read (nor written): its bytes would be read whole before the
# signature says whether they are vpsec's. About 4,000 records' parses per MB.
MAX_FILE_BYTES = 512 * 1024 * 1024
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
    package = Path(__file__).resolve().parent.parent
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


def _encode_documents(result: list[RawDocument] | YamlProblem) -> Any:
    # Positions are stored as the document keeps them, a flat [line, column, ...]
    # list in walk_paths order: the paths can be walked again from the value.
    if isinstance(result, YamlProblem):
        return {"problem": [result.message, result.line, result.column]}
    encoded = []
    for doc in result:
        encoded.append([doc.index, doc.value, doc.line, doc.column, doc.marks.tolist()])
    return encoded


def _decode_documents(data: Any) -> list[RawDocument] | YamlProblem:
    """Documents from the cache; ValueError when the data does not fit (a foreign cache)."""
    if isinstance(data, dict):
        message, line, column = data["problem"]
        return YamlProblem(message, line, column)
    documents = []
    for index, value, line, column, flat in data:
        # Not walked against the value here (that cost a third of reading the cache):
        # the file is signed and was written by this same code; a lookup past the
        # end falls back to the document's own line.
        if len(flat) % 2:
            raise ValueError("positions do not come in (line, column) pairs")
        documents.append(RawDocument(index, value, line, column, array("I", flat)))
    return documents


@dataclass
class Cache:
    """The workspace's cache, loaded once per run and saved at its end.

    The folder and every file in it are reached through `open_folder` and
    O_NOFOLLOW, never by path: a cache committed as a link (`.vpsec/cache ->
    ../../victim`), or holding links, a file of another user or anything but
    regular files, is not used at all for the run, with one notice on
    stderr; it is never read, written or deleted from.
    """

    root: Path | None
    key: bytes | None = None
    _stats: dict[str, list[Any]] = field(default_factory=dict)
    # Parsed files are the bulk of the cache: each shard is read only when a run needs it.
    _parsed: dict[str, dict[str, Any]] = field(default_factory=dict)
    _new_runs: dict[str, Any] = field(default_factory=dict)
    _seen_stats: dict[str, list[Any]] = field(default_factory=dict)
    _seen_parsed: dict[str, Any] = field(default_factory=dict)
    _stats_dirty: bool = False
    _new_parsed: set[str] = field(default_factory=set)

    @classmethod
    def open(cls, root: Path, enabled: bool = True) -> Cache:
        """The cache of the workspace at root; a disabled one when caching is off or impossible."""
        if not enabled or os.environ.get("VPSEC_NO_CACHE"):
            return cls(None)
        key = _user_key()
        if key is None:
            return cls(None)
        cache = cls(root, key)
        stats = cache._read(PurePath(), STATS)
        if isinstance(stats, dict):
            cache._stats = stats
        return cache

    @property
    def enabled(self) -> bool:
        return self.root is not None

    def _refuse(self, reason: object) -> None:
        """Use no cache for the rest of the run, and say why (once: the cache is then off)."""
        if self.root is not None:
            sys.stderr.write(f"vpsec: not using the cache in {CACHE_DIR.as_posix()}: {reason}\n")
            sys.stderr.flush()
        self.root = None

    def _read(self, sub: PurePath, name: str) -> Any:
        """The data of the cache file sub/name; None when it is missing, foreign or damaged."""
        if self.root is None or self.key is None:
            return None
        try:
            with (
                open_folder(self.root, CACHE_DIR) as cache_fd,
                open_folder(cache_fd, sub, shown=CACHE_DIR) as folder,
            ):
                raw = _read_regular(folder, name, CACHE_DIR / sub / name)
        except Missing:
            return None
        except Unconfined as problem:
            self._refuse(problem)
            return None
        if raw is None:
            return None
        # The signature is checked before a byte of JSON is parsed.
        mac, _, payload = raw.partition(b"\n")
        expected = hmac.new(self.key, payload, hashlib.sha256).hexdigest().encode()
        if not hmac.compare_digest(mac, expected):
            return None
        try:
            document = json.loads(payload)
        except ValueError:
            return None
        if not isinstance(document, dict) or document.get("format") != _format():
            return None
        return document.get("data")

    def _write(self, folder: int, name: str, data: Any, sub: str = "") -> None:
        assert self.key is not None
        payload = json.dumps({"format": _format(), "data": data}, separators=(",", ":")).encode()
        if len(payload) + 65 > MAX_FILE_BYTES:
            return  # it would not be read back
        mac = hmac.new(self.key, payload, hashlib.sha256).hexdigest().encode()
        write_atomic_in(folder, name, mac + b"\n" + payload, shown=CACHE_DIR / sub / name)

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
        data = self._shard(content_digest[:1]).get(content_digest)
        if data is None:
            return None
        try:
            result = _decode_documents(data)
        except (TypeError, ValueError, KeyError, OverflowError):
            return None
        self._seen_parsed[content_digest] = data
        return result

    def remember(self, content_digest: str, result: list[RawDocument] | YamlProblem) -> None:
        """Keep a fresh parse for the next run."""
        if self.enabled:
            self._seen_parsed[content_digest] = _encode_documents(result)
            self._new_parsed.add(content_digest[:1])

    def _shard(self, shard: str) -> dict[str, Any]:
        if shard not in self._parsed:
            loaded = (
                self._read(PurePath(PARSED), f"{shard}.json") if _SHARD.fullmatch(shard) else None
            )
            self._parsed[shard] = loaded if isinstance(loaded, dict) else {}
        return self._parsed[shard]

    def _save_parsed(self, folder: int) -> bool:
        """Write the shards whose entries changed; whether any was written.

        Called only by a run that parsed something, and so saw every record
        file: each shard is kept as this run saw it, so the parses of deleted
        or edited files do not pile up, and a shard no file fell in goes.
        """
        seen: dict[str, dict[str, Any]] = {}
        for content_digest, data in self._seen_parsed.items():
            seen.setdefault(content_digest[:1], {})[content_digest] = data
        with contextlib.suppress(FileNotFoundError):
            os.unlink(LEGACY_PARSED, dir_fd=folder)
        written = False
        with open_folder(folder, PurePath(PARSED), create=True, shown=CACHE_DIR) as shards:
            for _, name in _cache_files(shards, PARSED):
                if name[:-5] not in seen:
                    os.unlink(name, dir_fd=shards)
            for shard, entries in seen.items():
                if shard in self._new_parsed or self._shard(shard).keys() != entries.keys():
                    self._write(shards, f"{shard}.json", entries, PARSED)
                    written = True
        return written

    # Runs.

    def run(self, key: str) -> Any:
        """The cached payload of a run with exactly these inputs, or None."""
        if not self.enabled or not _HEX.fullmatch(key):
            return None
        return self._read(PurePath(RUNS), f"{key}.json")

    def remember_run(self, key: str, payload: Any) -> None:
        if self.enabled and _HEX.fullmatch(key):
            self._new_runs[key] = payload

    def save(self) -> None:
        """Write what changed; only what this run saw is kept, so deleted files do not pile up."""
        if self.root is None:
            return
        try:
            with open_folder(self.root, CACHE_DIR, create=True) as folder:
                # Nothing is written into a cache holding anything but regular files where
                # vpsec's own go: it is not vpsec's (the checks raise Unconfined).
                tag = _entry(folder, TAG_FILE)
                for name in (".gitignore", LEGACY_PARSED, STATS):
                    _entry(folder, name)
                for sub in (RUNS, PARSED):
                    with (
                        contextlib.suppress(Missing),
                        open_folder(folder, PurePath(sub), shown=CACHE_DIR) as checked,
                    ):
                        _cache_files(checked, sub)
                if tag is None:
                    shown = CACHE_DIR / TAG_FILE
                    write_atomic_in(folder, TAG_FILE, TAG.encode(), shown=shown)
                    # Kept out of git even where the workspace's .gitignore does not say so.
                    write_atomic_in(folder, ".gitignore", b"*\n", shown=CACHE_DIR / ".gitignore")
                write = self._save_parsed(folder) if self._new_parsed else False
                if self._stats_dirty or write:
                    self._write(folder, STATS, self._seen_stats)
                if self._new_runs:
                    with open_folder(folder, PurePath(RUNS), create=True, shown=CACHE_DIR) as runs:
                        for key, payload in self._new_runs.items():
                            self._write(runs, f"{key}.json", payload, RUNS)
                        for _, stale in _cache_files(runs, RUNS)[MAX_RUNS:]:
                            with contextlib.suppress(FileNotFoundError):
                                os.unlink(stale, dir_fd=runs)
        except Unconfined as problem:
            self._refuse(problem)
        except (OSError, OutputError):
            # A read-only workspace or a full disk: the run's results stand without a cache.
            return


def _cache_files(folder: int, sub: str) -> list[tuple[int, str]]:
    """(mtime, name) of vpsec's files in the cache's folder sub, newest first; Unconfined if it
    holds anything but regular files."""
    named = _HEX if sub == RUNS else _SHARD
    found = []
    with os.scandir(folder) as entries:
        for entry in entries:
            info = entry.stat(follow_symlinks=False)
            if not S_ISREG(info.st_mode):
                # Unlinking a link would be harmless, but a cache holding one is not vpsec's.
                raise Unconfined(_not_a_file(CACHE_DIR / sub / entry.name, info.st_mode))
            if entry.name.endswith(".json") and named.fullmatch(entry.name[:-5]):
                found.append((info.st_mtime_ns, entry.name))
    found.sort(reverse=True)
    return found


def _entry(folder: int, name: str) -> os.stat_result | None:
    """The entry name of folder, not followed; None when missing; Unconfined when not a file."""
    try:
        info = os.stat(name, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        return None
    if not S_ISREG(info.st_mode):
        raise Unconfined(_not_a_file(CACHE_DIR / name, info.st_mode))
    return info


def _not_a_file(shown: PurePath, mode: int) -> str:
    return f"{shown} is a symbolic link" if S_ISLNK(mode) else f"{shown} is not a regular file"


def _read_regular(folder: int, name: str, shown: PurePath) -> bytes | None:
    """The bytes of a regular file of folder, never through a link; None if missing or too big.

    O_NONBLOCK, so that a named pipe put in the cache is not waited on; the
    size comes from the open file itself, so a file swapped after a check
    cannot make the read unbounded.
    """
    try:
        fd = os.open(
            name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=folder
        )
    except FileNotFoundError:
        return None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise Unconfined(f"{shown} is a symbolic link") from None
        return None  # unreadable: rebuilt, and the write will say whether it can be
    try:
        info = os.fstat(fd)
        if not S_ISREG(info.st_mode):
            raise Unconfined(f"{shown} is not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            return None
        chunks = []
        left = info.st_size + 1  # one byte more: a file that grew is refused, not followed
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 24))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError:
        return None
    finally:
        os.close(fd)
    raw = b"".join(chunks)
    return raw if len(raw) <= info.st_size else None


def run_key(parts: list[Any]) -> str:
    """A stable hash of a run's inputs."""
    return digest(json.dumps(parts, separators=(",", ":"), sort_keys=True, default=str).encode())
