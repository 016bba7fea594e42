"""A workspace as a revision stores it: files known by path and size before any is read.

The git layer implements `TreeSource`; loading depends only on this
protocol, so vpsec.load never imports git.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class TreeEntry:
    """A regular file of a tree, relative to the workspace root, known before it is read."""

    rel: str
    size: int
    oid: str


class TreeSource(Protocol):
    """A workspace as stored in a revision: its files, and a way to read one."""

    @property
    def label(self) -> str:
        """How the revision is named to the user (a branch name, a short sha)."""
        ...

    def entries(self) -> Iterable[TreeEntry]:
        """The regular files under the workspace folder (links and submodules left out)."""
        ...

    def read(self, entry: TreeEntry) -> bytes: ...
