"""Which files of a workspace hold records, in the order they are read."""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path

WORKSPACE_FILE = "vpsec.yaml"
_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A record file: its workspace-relative path (with /) and where it is on disk."""

    rel: str
    path: Path


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A YAML file that is deliberately not read, and why (reported as V001)."""

    rel: str
    reason: str


def _excluded(rel: str, patterns: list[str]) -> bool:
    for pattern in patterns:
        cleaned = pattern.strip().strip("/")
        if not cleaned:
            continue
        if rel == cleaned or rel.startswith(cleaned + "/") or fnmatch.fnmatchcase(rel, cleaned):
            return True
    return False


def _inside(target: Path, root: Path) -> bool:
    return target == root or root in target.parents


def discover(root: Path, exclude: list[str]) -> tuple[list[SourceFile], list[SkippedFile]]:
    """Record files under root in sorted order, and files refused for safety.

    Hidden files and folders and excluded folders are skipped. Symbolic links
    to folders are never followed (no loops, no escaping the workspace); a
    link to a file is read only when its target lies inside the workspace.
    """
    root = root.resolve()
    found: list[SourceFile] = []
    skipped: list[SkippedFile] = []
    for current, dirnames, filenames in os.walk(root, followlinks=False):
        base = Path(current)
        rel_dir = base.relative_to(root).as_posix()
        prefix = "" if rel_dir == "." else rel_dir + "/"
        dirnames[:] = [
            name
            for name in dirnames
            if not name.startswith(".") and not _excluded(prefix + name, exclude)
        ]
        for name in filenames:
            if name.startswith(".") or not name.endswith(_SUFFIXES):
                continue
            rel = prefix + name
            if rel == WORKSPACE_FILE or _excluded(rel, exclude):
                continue
            path = base / name
            if path.is_symlink():
                try:
                    target = path.resolve(strict=True)
                except (OSError, RuntimeError):
                    skipped.append(
                        SkippedFile(
                            rel, "a symbolic link that leads nowhere (broken or a loop); not read"
                        )
                    )
                    continue
                if not _inside(target, root):
                    skipped.append(
                        SkippedFile(
                            rel, "a symbolic link to a file outside the workspace; not read"
                        )
                    )
                    continue
            found.append(SourceFile(rel, path))
    found.sort(key=lambda source: source.rel)
    skipped.sort(key=lambda skip: skip.rel)
    return found, skipped
