"""Which files of a workspace hold records, in the order they are read."""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass
from pathlib import Path

WORKSPACE_FILE = "vpsec.yaml"
_SUFFIXES = (".yaml", ".yml")
_GLOB = re.compile(r"[*?\[]")
_NOT_REGULAR = "not a regular file (a named pipe, socket or device); not read"


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A record file: its workspace-relative path (with /) and where it is on disk."""

    rel: str
    location: str

    @property
    def path(self) -> Path:
        return Path(self.location)


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A YAML file that is deliberately not read, and why (reported as V001)."""

    rel: str
    reason: str


class RecordFilter:
    """Which paths hold records: the one definition, for the working tree and for git trees.

    A record file is a `.yaml`/`.yml` file that is not vpsec.yaml, not hidden,
    not inside a hidden folder and not matched by vpsec.yaml's `exclude`
    (folder or file paths, or glob patterns).
    """

    def __init__(self, patterns: list[str]) -> None:
        cleaned = [p.strip().strip("/") for p in patterns]
        self.paths = tuple(p for p in cleaned if p and not _GLOB.search(p))
        self.prefixes = tuple(p + "/" for p in self.paths)
        self.globs = tuple(p for p in cleaned if p and _GLOB.search(p))

    def excludes(self, rel: str) -> bool:
        """True when `exclude` covers this file or folder path."""
        if rel in self.paths or rel.startswith(self.prefixes):
            return True
        return any(fnmatch.fnmatchcase(rel, pattern) for pattern in self.globs)

    def accepts(self, rel: str) -> bool:
        """True when the workspace-relative file path is a record file."""
        if not rel.endswith(_SUFFIXES) or rel == WORKSPACE_FILE:
            return False
        if any(part.startswith(".") for part in rel.split("/")):
            return False
        return not self.excludes(rel)


def _inside(target: Path, root: Path) -> bool:
    return target == root or root in target.parents


def discover(root: Path, exclude: list[str]) -> tuple[list[SourceFile], list[SkippedFile]]:
    """Record files under root in sorted order, and files refused for safety.

    Hidden files and folders and excluded folders are skipped. Symbolic links
    to folders are never followed (no loops, no escaping the workspace); a
    link to a file is read only when its target lies inside the workspace.
    os.scandir is used rather than pathlib: on 10,000 files the Path objects
    alone cost more than the walk.
    """
    root = root.resolve()
    excluded = RecordFilter(exclude)
    found: list[SourceFile] = []
    skipped: list[SkippedFile] = []
    pending = [(str(root), "")]
    while pending:
        folder, prefix = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            # A folder that vanished or cannot be listed holds nothing we can read.
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            rel = prefix + name
            if entry.is_dir(follow_symlinks=False):
                if not excluded.excludes(rel):
                    pending.append((entry.path, rel + "/"))
                continue
            if not name.endswith(_SUFFIXES) or rel == WORKSPACE_FILE or excluded.excludes(rel):
                continue
            if entry.is_symlink():
                reason = _link_problem(Path(entry.path), root)
                if reason is not None:
                    skipped.append(SkippedFile(rel, reason))
                    continue
            elif not entry.is_file(follow_symlinks=False):
                # Opening a named pipe would wait forever for a writer.
                skipped.append(SkippedFile(rel, _NOT_REGULAR))
                continue
            found.append(SourceFile(rel, entry.path))
    found.sort(key=lambda source: source.rel)
    skipped.sort(key=lambda skip: skip.rel)
    return found, skipped


def _link_problem(path: Path, root: Path) -> str | None:
    """Why a symbolic link is not read, or None when its target is a file in the workspace."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return "a symbolic link that leads nowhere (broken or a loop); not read"
    if not _inside(target, root):
        return "a symbolic link to a file outside the workspace; not read"
    if target.is_dir():
        return "a symbolic link to a folder; folders are never followed"
    if not target.is_file():
        return _NOT_REGULAR
    return None
