"""Walking git history for decisions: what `vpsec audit` reports and `vpsec log` lists.

History is read structurally (vpsec.gitobjects over `git cat-file --batch`),
commit by commit, parents before children. For every commit, the decisions
of its tree are computed from what the files are: every document that the
workspace loader would read as a record of kind Decision (the one record
filter of each workspace folder, found by its vpsec.yaml, decides which
files are records). A decision is known by its id across the whole history,
so moving the workspace folder is not a change, but editing, renaming,
deleting, excluding or duplicating a committed decision is a breach of the
commit that did it.

Each tree's decisions are computed once per (tree, place, workspace) and
shared between commits, so a commit costs the folders it changed. What
cannot be read (a missing object, a malformed commit or tree, a shallow
clone) is an error naming the commit, never a skip; what the audit cannot
see (a submodule, a symbolic link to a decision) is refused.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vpsec.decide import TRAILER_DECISION
from vpsec.decision_files import DecisionDoc, decision_documents
from vpsec.errors import ConfigError, GitError
from vpsec.gitobjects import Commit, TreeItem, shown
from vpsec.gitops import Repository, Unreadable, open_repository
from vpsec.load.discover import WORKSPACE_FILE, RecordFilter, discover
from vpsec.load.tree import TreeEntry, TreeSource
from vpsec.results import AuditEntry, AuditResult, CommitRef

BREACH = "breach"
NOTICE = "notice"
# Caches of tree objects and of per-tree results; cleared (never wrong, only
# slower) when they grow past this many entries.
_CACHE_LIMIT = 200_000
# Tree objects kept between windows of commits (each can hold thousands of entries).
_TREES_KEPT = 20_000
# Commits whose trees and record blobs are read ahead together, in a few batches.
_WINDOW = 200
# A record file larger than this is not read by the audit (nor, with any sane
# limits.max_file_mb, by the loader): its size alone says it holds no decision.
_LARGEST_READ = 1 << 30
_SUFFIXES = (".yaml", ".yml")
_MAX_LINK_HOPS = 40
_APPEND_ONLY = "decisions are append-only (record a new decision that supersedes it instead)"
_NEVER_REMOVED = "decisions are never removed (record a new decision that supersedes it instead)"

WORKTREE_REF = CommitRef("WORKTREE", "", "", "", "the working tree")


def commit_ref(commit: Commit) -> CommitRef:
    """The commit an entry is about, as an auditor reads it."""
    return CommitRef(
        commit.sha,
        commit.author.name,
        commit.author.email,
        commit.committer.when.isoformat(),
        commit.subject,
    )


def revision_ref(repository: Repository, sha: str) -> CommitRef:
    """The CommitRef of a revision (for entries that `decision_changes` attributes to it)."""
    return commit_ref(repository.read_commit(sha))


# ------------------------------------------------------------ what a tree holds


@dataclass(frozen=True, slots=True)
class Location:
    """Where one Decision document sits: its file, its place in the workspace, its content."""

    id: str
    path: str  # in the repository (surrogate-escaped where not UTF-8)
    rel: str  # in its workspace folder
    blob: str  # the content's object id
    mode: int
    index: int  # which Decision document of the file it is


@dataclass(frozen=True, slots=True)
class _Root:
    """A workspace folder: where it is, and the vpsec.yaml that configures it (None: defaults)."""

    prefix: str
    config: str | None


@dataclass(frozen=True, slots=True)
class _Link:
    """A symbolic link at a path the loader reads as a record file."""

    path: str
    oid: str
    root: str


@dataclass(frozen=True, slots=True)
class _Part:
    """The decisions of one folder of one tree, and what in it the audit cannot see."""

    locations: frozenset[Location] = frozenset()
    links: tuple[_Link, ...] = ()
    submodules: tuple[str, ...] = ()


_NOTHING = _Part()


@dataclass(frozen=True, slots=True)
class _Folder:
    """The last version of a folder computed at one place: its entries and what each adds."""

    items: frozenset[TreeItem]
    contributions: dict[TreeItem, _Part]
    part: _Part


class _Filters:
    """The record filter and size limit of each vpsec.yaml, read once per blob."""

    def __init__(self, read: Callable[[str], bytes]) -> None:
        self._read = read
        self._known: dict[str | None, tuple[RecordFilter, int]] = {}

    def of(self, config: str | None) -> tuple[RecordFilter, int]:
        known = self._known.get(config)
        if known is None:
            known = self._known[config] = _filter_of(None if config is None else self._read(config))
        return known


def _filter_of(data: bytes | None) -> tuple[RecordFilter, int]:
    """(filter, size limit) of a vpsec.yaml's bytes; defaults for None.

    A vpsec.yaml that cannot be read excludes nothing: the audit then looks
    at more files, never fewer.
    """
    from vpsec.load.config import config_from_bytes
    from vpsec.models.config import WorkspaceConfig

    if data is None:
        config = WorkspaceConfig.model_validate(
            {"apiVersion": "vpsec/v1", "kind": "Workspace", "organisation": "(defaults)"}
        )
    else:
        try:
            config = config_from_bytes(data)[0]
        except ConfigError:
            return RecordFilter([]), 2**63
    return RecordFilter(config.exclude), int(config.limits.max_file_mb * 1_000_000)


def _reads_folder(record_filter: RecordFilter, rel: str) -> bool:
    """True when the loader walks into the folder rel (not hidden, not excluded)."""
    hidden = any(part.startswith(".") for part in rel.split("/"))
    return not hidden and not record_filter.excludes(rel)


class _Trees:
    """The decisions of a repository's trees, computed from tree and blob objects."""

    def __init__(self, repo: Repository, prefix: str) -> None:
        self.repo = repo
        self.prefix = prefix  # the audited workspace: a workspace folder in every commit
        self.filters = _Filters(repo.read_blob)
        self._trees: dict[str, tuple[TreeItem, ...]] = {}
        self._parts: dict[tuple[str, str, _Root | None], _Part] = {}
        self._docs: dict[str, tuple[DecisionDoc, ...]] = {}
        self._sizes: dict[str, int] = {}
        self._accepted: dict[tuple[str | None, str], bool] = {}
        self._folders: dict[tuple[str, _Root | None], _Folder] = {}
        self._seen: dict[str, frozenset[TreeItem]] = {}

    def tree(self, oid: str) -> tuple[TreeItem, ...]:
        items = self._trees.get(oid)
        if items is None:
            items = self._trees[oid] = self.repo.read_tree(oid)
        return items

    def forget(self) -> None:
        """Drop what was read, when it grew large (kept results stay right, only slower)."""
        if len(self._trees) > _TREES_KEPT:
            self._trees.clear()
            self._seen.clear()
        if len(self._docs) > _CACHE_LIMIT:
            self._docs.clear()
            self._sizes.clear()

    def prefetch(self, trees: list[str]) -> None:
        """Read the trees (and every YAML blob in them) not known yet, folder level by level.

        Batched reads cost one round trip to git per batch instead of one per
        object, which was most of an audit's time. Only entries that differ
        from the last version of the same folder are looked at.
        """
        pending = {oid: "" for oid in trees if oid not in self._trees}
        blobs: dict[str, None] = {}
        while pending:
            found: dict[str, str] = {}
            for oid, items in self.repo.read_trees(list(pending)):
                self._trees[oid] = items
                path = pending[oid]
                seen = self._seen.get(path, frozenset())
                current = frozenset(items)
                self._seen[path] = current
                for item in current - seen:
                    if item.is_tree and item.oid not in self._trees:
                        found.setdefault(item.oid, f"{path}{item.name}/")
                    elif (
                        item.is_regular
                        and item.name.endswith(_SUFFIXES)
                        and item.oid not in self._docs
                    ):
                        blobs[item.oid] = None
            pending = found
        for oid, size, data in self.repo.read_blobs(list(blobs), _LARGEST_READ):
            if size >= 0:  # a missing blob is read again where it is needed, naming its commit
                self._sizes[oid] = size
                self._docs[oid] = () if data is None else decision_documents(data)

    def docs(self, oid: str, max_bytes: int = 2**63) -> tuple[DecisionDoc, ...]:
        """The Decision documents of a blob (none when it is over the loader's size limit)."""
        if oid not in self._docs:
            self._sizes[oid] = self.repo.blob_size(oid)
            data = self.repo.read_blob(oid) if self._sizes[oid] <= _LARGEST_READ else b""
            self._docs[oid] = decision_documents(data)
        return () if self._sizes[oid] > max_bytes else self._docs[oid]

    def _accepts(self, root: _Root, record_filter: RecordFilter, rel: str) -> bool:
        # Most paths are seen in many commits; the filter's patterns run once per path.
        key = (root.config, rel)
        known = self._accepted.get(key)
        if known is None:
            if len(self._accepted) > _CACHE_LIMIT:
                self._accepted.clear()
            known = self._accepted[key] = record_filter.accepts(rel)
        return known

    def snapshot(self, tree: str) -> _Part:
        """Every decision of a commit's tree."""
        return self._part(tree, "", None)

    def _part(self, oid: str, path: str, root: _Root | None) -> _Part:
        key = (oid, path, root)
        known = self._parts.get(key)
        if known is not None:
            return known
        items = self.tree(oid)
        config = next((i for i in items if i.name == WORKSPACE_FILE and i.is_regular), None)
        if config is not None:
            root = _Root(path, config.oid)
        elif path == self.prefix:
            root = _Root(path, None)
        # Start from the last version of this folder in this workspace: only the entries
        # that differ are looked at, and the sets of decisions are adjusted in C.
        last = self._folders.get((path, root))
        current = frozenset(items)
        if last is None:
            contributions: dict[TreeItem, _Part] = {}
            locations: frozenset[Location] = frozenset()
            gone: frozenset[TreeItem] = frozenset()
            came = current
        else:
            contributions = dict(last.contributions)
            locations = last.part.locations
            gone, came = last.items - current, current - last.items
        removed: set[Location] = set()
        for item in gone:
            removed.update(contributions.pop(item, _NOTHING).locations)
        added: set[Location] = set()
        for item in came:
            contribution = self._item(item, path, root)
            if contribution is not _NOTHING:
                contributions[item] = contribution
                added.update(contribution.locations)
            else:
                contributions.pop(item, None)
        if removed or added:
            locations = (locations - removed) | added
        links = tuple(link for c in contributions.values() for link in c.links)
        submodules = tuple(sub for c in contributions.values() for sub in c.submodules)
        result = _Part(locations, links, submodules)
        self._folders[(path, root)] = _Folder(current, contributions, result)
        if len(self._parts) > _CACHE_LIMIT:
            self._parts.clear()
        self._parts[key] = result
        return result

    def _item(self, item: TreeItem, path: str, root: _Root | None) -> _Part:
        """What one entry of a folder adds: a sub-folder's decisions, a file's, a link, a module."""
        child = path + item.name
        if item.is_tree:
            part = self._part(item.oid, child + "/", root)
            return part if part.locations or part.links or part.submodules else _NOTHING
        if root is None:
            return _NOTHING  # outside every workspace folder: not a record
        record_filter, max_bytes = self.filters.of(root.config)
        rel = child[len(root.prefix) :]
        if item.is_gitlink:
            return _Part(submodules=(child,)) if _reads_folder(record_filter, rel) else _NOTHING
        if not self._accepts(root, record_filter, rel):
            return _NOTHING
        if item.is_link:
            return _Part(links=(_Link(child, item.oid, root.prefix),))
        if not item.is_regular:
            return _NOTHING
        docs = self.docs(item.oid, max_bytes)
        if not docs:
            return _NOTHING
        return _Part(
            frozenset(
                Location(doc.id, child, rel, item.oid, item.mode, index)
                for index, doc in enumerate(docs)
            )
        )

    def lookup(self, tree: str, path: str) -> TreeItem | None:
        """The entry at path in a tree, or None."""
        item: TreeItem | None = None
        current = tree
        for name in path.split("/"):
            if item is not None and not item.is_tree:
                return None
            item = next((i for i in self.tree(current) if i.name == name), None)
            if item is None:
                return None
            current = item.oid
        return item

    def link_target(self, tree: str, link: _Link) -> str | None:
        """The blob a symbolic link leads to inside its workspace folder, as git stores it.

        None when it leads nowhere the loader reads (missing, a folder,
        outside the workspace); GitError for an absolute or endless link,
        whose target vpsec cannot know.
        """
        pending = link.path.split("/")
        done: list[str] = []
        hops = 0
        while pending:
            name = pending.pop(0)
            if name in ("", "."):
                continue
            if name == "..":
                if not done:
                    return None  # above the repository
                done.pop()
                continue
            item = self.lookup(tree, "/".join([*done, name]))
            if item is None:
                return None
            if item.is_link:
                hops += 1
                target = self.repo.read_blob(item.oid).decode("utf-8", "surrogateescape")
                if target.startswith("/") or hops > _MAX_LINK_HOPS:
                    raise GitError(
                        f"{_quoted(link.path)} is a symbolic link to {_quoted(target)}, which "
                        "vpsec cannot follow in git history; replace the link with the file"
                    )
                pending = target.split("/") + pending
                continue
            done.append(name)
            if item.is_tree and pending:
                continue
            if pending or not item.is_regular:
                return None
            resolved = "/".join(done)
            return item.oid if resolved.startswith(link.root) else None
        return None


# ------------------------------------------------------------------ judging


@dataclass(frozen=True, slots=True)
class AddedDecision:
    """A Decision as it was first committed: its fields, its file and its commit."""

    value: dict[str, Any]
    path: str  # as shown: relative to the audited workspace, or to the repository
    commit: Commit


@dataclass(frozen=True, slots=True)
class _First:
    """How a decision read when it was first seen, and in which commit (None: before --since)."""

    blob: str
    path: str
    commit: CommitRef | None


@dataclass(slots=True)
class _Judge:
    """Compares a decision's files before and after one commit and says what changed.

    `first` holds every decision seen so far, as first committed; `present`
    tells what is at a path after the commit (its blob, or None), to tell a
    deleted file from one that is no longer read as a record.
    """

    show: Callable[[str], str]
    earlier: str = "before the pinned commit"  # where a decision without a first commit was seen
    first: dict[str, _First] = field(default_factory=dict)
    entries: list[AuditEntry] = field(default_factory=list)
    new: list[tuple[Location, CommitRef]] = field(default_factory=list)

    def say(
        self,
        level: str,
        change: str,
        location: Location,
        message: str,
        ref: CommitRef,
        related: CommitRef | None = None,
    ) -> None:
        path = self.show(location.path)
        self.entries.append(
            AuditEntry(level, change, path, message, ref, location.id, related=related)
        )

    def compare(
        self,
        decision: str,
        before: frozenset[Location],
        after: frozenset[Location],
        ref: CommitRef,
        present: Callable[[str], str | None],
    ) -> None:
        old = {(loc.path, loc.index): loc for loc in before}
        new = {(loc.path, loc.index): loc for loc in after}
        pairs = [(old[key], new[key]) for key in sorted(old.keys() & new.keys())]
        gone = sorted(old.keys() - new.keys())
        came = sorted(new.keys() - old.keys())
        # Same place in the workspace: the workspace folder itself moved.
        for key in list(gone):
            twin = next((k for k in came if new[k].rel == old[key].rel and k[1] == key[1]), None)
            if twin is not None:
                pairs.append((old[key], new[twin]))
                gone.remove(key)
                came.remove(twin)
        kept = bool(pairs)
        while gone and came:  # a decision that went from one file to another: renamed
            pairs.append((old[gone.pop(0)], new[came.pop(0)]))
        for was, now in pairs:
            self._changed(decision, was, now, ref)
        for key in gone:
            self._lost(decision, old[key], after, ref, present)
        for position, key in enumerate(came):
            if position == 0 and not kept and not before:
                self._added(decision, new[key], ref)
            else:
                self._duplicate(decision, new[key], ref)

    def _changed(self, decision: str, was: Location, now: Location, ref: CommitRef) -> None:
        moved = was.rel != now.rel and was.path != now.path
        where = self.show(was.path)
        if was.blob != now.blob:
            first = self.first.get(decision)
            if first is not None and now.blob == first.blob and not moved:
                self.say(
                    NOTICE,
                    "restored",
                    now,
                    f"Decision {decision} in {where} reads again as it was first committed "
                    "(the change away from it is reported at its own commit)",
                    ref,
                )
                return
            also = f" and moved to {self.show(now.path)}" if moved else ""
            self.say(
                BREACH,
                "modified",
                was,
                f"Decision file {where} was modified after it was committed{also}; " + _APPEND_ONLY,
                ref,
            )
        elif moved:
            self.say(
                BREACH,
                "renamed",
                was,
                f"Decision file {where} was renamed to {self.show(now.path)}; a committed "
                "decision keeps its file",
                ref,
            )
        elif was.mode != now.mode:
            self.say(
                NOTICE,
                "mode",
                now,
                f"Decision file {where} changed mode from {was.mode:o} to {now.mode:o}; "
                "its content is unchanged",
                ref,
            )

    def _lost(
        self,
        decision: str,
        was: Location,
        after: frozenset[Location],
        ref: CommitRef,
        present: Callable[[str], str | None],
    ) -> None:
        where = self.show(was.path)
        first = self.first.get(decision)
        if after:
            if first is not None and all(loc.blob == first.blob for loc in after):
                self.say(
                    NOTICE,
                    "duplicate-removed",
                    was,
                    f"{where}, a second file of Decision {decision}, was removed; the decision "
                    "remains as it was first committed",
                    ref,
                )
                return
            self.say(
                BREACH,
                "deleted",
                was,
                f"Decision file {where} was deleted, and Decision {decision} now reads as "
                f"in {', '.join(sorted(self.show(loc.path) for loc in after))}; " + _NEVER_REMOVED,
                ref,
            )
            return
        now = present(was.path)
        if now is None:
            change = "deleted"
            message = f"Decision file {where} was deleted; " + _NEVER_REMOVED
        elif now == was.blob:
            change = "excluded"
            message = (
                f"Decision file {where} is no longer read as a record (vpsec.yaml's `exclude` "
                "covers it, or the workspace moved away from it); " + _NEVER_REMOVED
            )
        else:
            change = "modified"
            message = (
                f"Decision file {where} was modified so that it no longer holds Decision "
                f"{decision}; " + _APPEND_ONLY
            )
        self.say(BREACH, change, was, message, ref)

    def _added(self, decision: str, now: Location, ref: CommitRef) -> None:
        first = self.first.get(decision)
        where = self.show(now.path)
        if first is None:
            self.first[decision] = _First(now.blob, now.path, ref)
            self.new.append((now, ref))
            return
        since = _named(first.commit, self.earlier)
        if now.blob == first.blob:
            self.say(
                NOTICE,
                "re-added",
                now,
                f"Decision {decision} was added again in {where}, as it was first committed "
                f"{since}",
                ref,
                first.commit,
            )
            return
        self.say(
            BREACH,
            "modified",
            now,
            f"Decision {decision} was added again in {where} with content other than it was "
            f"first committed {since}; " + _APPEND_ONLY,
            ref,
            first.commit,
        )

    def _duplicate(self, decision: str, now: Location, ref: CommitRef) -> None:
        first = self.first.get(decision)
        original = (
            f" ({self.show(first.path)}, first committed {_named(first.commit, self.earlier)})"
            if first is not None
            else ""
        )
        self.say(
            BREACH,
            "duplicate",
            now,
            f"{self.show(now.path)} holds Decision {decision} a second time{original}; two "
            "files with one decision id let one replace the other in reports",
            ref,
            first.commit if first is not None else None,
        )


def _quoted(path: str) -> str:
    """A path for a one-line error message: quoted, every control character escaped."""
    return repr(shown(path))


def _named(ref: CommitRef | None, earlier: str) -> str:
    return f"in commit {ref.sha[:12]}" if ref is not None else earlier


def _by_id(locations: Iterable[Location]) -> dict[str, frozenset[Location]]:
    grouped: dict[str, set[Location]] = {}
    for location in locations:
        grouped.setdefault(location.id, set()).add(location)
    return {key: frozenset(value) for key, value in grouped.items()}


# -------------------------------------------------------------- the history


@dataclass(slots=True)
class HistoryWalk:
    """What walking the history found, before it becomes an AuditResult or a LogResult."""

    commits: int = 0
    since: str | None = None
    head: str | None = None
    added: list[AddedDecision] = field(default_factory=list)
    entries: list[AuditEntry] = field(default_factory=list)

    def result(self) -> AuditResult:
        return AuditResult(
            commits=self.commits,
            since=self.since,
            decisions_added=len(self.added),
            entries=tuple(self.entries),
            head=self.head,
        )


@dataclass(slots=True)
class _State:
    """The decisions of one commit, by id (kept until its last child is walked)."""

    part: _Part
    by_id: dict[str, frozenset[Location]]


class _Walker:
    def __init__(self, repo: Repository, prefix: str, require_signed: bool) -> None:
        self.repo = repo
        self.prefix = prefix
        self.require_signed = require_signed
        self.trees = _Trees(repo, prefix)
        self.judge = _Judge(self._show)
        self.walk = HistoryWalk()
        self._states: dict[str, _State] = {}
        self._children: Counter[str] = Counter()
        self._walked: set[str] = set()

    def _show(self, path: str) -> str:
        inside = path.startswith(self.prefix)
        return shown(path[len(self.prefix) :] if inside else path)

    def run(self, since: str | None) -> HistoryWalk:
        repo = self.repo
        repo.refuse_missing_history()
        head = repo.head()
        if since is not None:
            since_sha = repo.resolve(since)
            if head is None or not repo.is_ancestor(since_sha, head):
                raise GitError(
                    f"--since-commit {since!r}: {since_sha[:12]} is not an ancestor of HEAD, so "
                    "the history after it is not the history that was audited (amended, rebased "
                    "or force-pushed since, or another branch); audit the whole history, then pin "
                    "again"
                )
            self.walk.since = since_sha
        if head is None:
            return self.walk
        self.walk.head = head
        order = repo.commits_between(head, self.walk.since)
        self._walked = set(order)
        commits = repo.read_commits(order)
        for commit in commits:
            self._children.update(commit.parents)
        for position, commit in enumerate(commits):
            if position % _WINDOW == 0:
                self.trees.forget()
                self.trees.prefetch([c.tree for c in commits[position : position + _WINDOW]])
            try:
                self._commit(commit)
            except Unreadable as error:
                raise GitError(
                    f"commit {commit.sha[:12]} cannot be audited: {error}; vpsec does not vouch "
                    "for history it cannot read"
                ) from None
            except GitError as error:
                raise GitError(f"commit {commit.sha[:12]}: {error}") from None
            except RecursionError:
                raise GitError(
                    f"commit {commit.sha[:12]} cannot be audited: its folders are nested deeper "
                    "than vpsec reads; vpsec does not vouch for history it cannot read"
                ) from None
        self.walk.entries = self.judge.entries
        return self.walk

    def _state(self, sha: str) -> _State:
        """The decisions of a parent: kept from the walk, or (before --since) from its tree."""
        known = self._states.get(sha)
        if known is not None:
            return known
        part = self.trees.snapshot(self.repo.read_commit(sha).tree)
        state = _State(part, _by_id(part.locations))
        if sha not in self._walked:  # before the pinned commit: trusted as it stands
            for decision, locations in state.by_id.items():
                if decision not in self.judge.first:
                    some = min(locations, key=lambda loc: loc.path)
                    self.judge.first[decision] = _First(some.blob, some.path, None)
        self._states[sha] = state
        return state

    def _release(self, sha: str) -> None:
        self._children[sha] -= 1
        if self._children[sha] <= 0:
            self._states.pop(sha, None)

    def _present(self, tree: str) -> Callable[[str], str | None]:
        def present(path: str) -> str | None:
            item = self.trees.lookup(tree, path)
            return None if item is None else item.oid

        return present

    def _commit(self, commit: Commit) -> None:
        self.walk.commits += 1
        part = self.trees.snapshot(commit.tree)
        self._refuse_unseen(commit, part)
        parents = [self._state(parent) for parent in commit.parents]
        first_parent = parents[0] if parents else _State(_Part(), {})
        changed = part.locations ^ first_parent.part.locations
        by_id = dict(first_parent.by_id)
        for decision, locations in _by_id(changed).items():
            now = (first_parent.by_id.get(decision, frozenset()) - locations) | (
                locations & part.locations
            )
            if now:
                by_id[decision] = now
            else:
                by_id.pop(decision, None)
        ref = commit_ref(commit)
        added_before = len(self.judge.new)
        entries_before = len(self.judge.entries)
        present = self._present(commit.tree)
        if len(parents) <= 1:
            for decision in sorted({loc.id for loc in changed}):
                self.judge.compare(
                    decision,
                    first_parent.by_id.get(decision, frozenset()),
                    by_id.get(decision, frozenset()),
                    ref,
                    present,
                )
        else:
            self._merge(commit, parents, part, by_id, ref, present)
        self._trailers(commit, added_before)
        adds = len(self.judge.new) > added_before or any(
            entry.change == "re-added" for entry in self.judge.entries[entries_before:]
        )
        self._signature(commit, adds, ref)
        self._states[commit.sha] = _State(part, by_id)
        for parent in commit.parents:
            self._release(parent)
        if self._children[commit.sha] <= 0:
            self._states.pop(commit.sha, None)

    def _merge(
        self,
        commit: Commit,
        parents: list[_State],
        part: _Part,
        by_id: dict[str, frozenset[Location]],
        ref: CommitRef,
        present: Callable[[str], str | None],
    ) -> None:
        """What the merge itself did to decisions, not what it carried over from a side.

        Taking one parent's version of a decision is not a new breach: a
        change on a side is reported at the side's commit. Dropping a
        decision that a side added since the merge base, or giving a decision
        content no parent had (an evil merge), is a breach of the merge.
        """
        touched = sorted({loc.id for p in parents for loc in part.locations ^ p.part.locations})
        base: dict[str, frozenset[Location]] | None = None
        for decision in touched:
            merged = by_id.get(decision, frozenset())
            sides = [p.by_id.get(decision, frozenset()) for p in parents]
            if merged not in sides:
                self.judge.compare(decision, sides[0], merged, ref, present)
                continue
            if merged or not any(sides):
                continue
            if base is None:
                base_sha = self.repo.merge_base(commit.parents)
                base_part = (
                    self.trees.snapshot(self.repo.read_commit(base_sha).tree)
                    if base_sha
                    else _Part()
                )
                base = _by_id(base_part.locations)
            if decision in base:
                continue  # a side deleted it (reported there); the merge kept the deletion
            for location in sorted(next(s for s in sides if s), key=lambda loc: loc.path):
                self.judge.say(
                    BREACH,
                    "deleted",
                    location,
                    f"the merge dropped Decision file {self._show(location.path)}, which one "
                    "side added; a merge must keep every committed decision",
                    ref,
                )

    def _refuse_unseen(self, commit: Commit, part: _Part) -> None:
        """Refuse what the loader reads but history cannot show: submodules, linked decisions."""
        if part.submodules:
            raise GitError(
                f"{_quoted(part.submodules[0])} is a git submodule inside the workspace: its files "
                "are read as records but are not in this repository's history, so decisions in "
                "it cannot be audited; move it out of the workspace or add it to `exclude` in "
                "vpsec.yaml"
            )
        for link in part.links:
            target = self.trees.link_target(commit.tree, link)
            if target is not None and self.trees.docs(target):
                raise GitError(
                    f"{_quoted(link.path)} is a symbolic link to a Decision: the audit tracks "
                    "decision files, not links to them; replace the link with the file itself"
                )

    def _trailers(self, commit: Commit, added_before: int) -> None:
        """A notice for each decision added without the trailer `vpsec decide` writes."""
        named = commit.trailer_values(TRAILER_DECISION)
        ref = commit_ref(commit)
        for location, _ref in self.judge.new[added_before:]:
            doc = self.trees.docs(location.blob)[location.index]
            self.walk.added.append(AddedDecision(doc.value, self._show(location.path), commit))
            if not named:
                message = (
                    f"Decision {location.id} was added without a {TRAILER_DECISION} trailer "
                    "(imported or written by hand, not with `vpsec decide`)"
                )
            elif location.id not in named:
                message = (
                    f"Decision {location.id} was added in a commit whose {TRAILER_DECISION} "
                    f"trailer names {', '.join(named)} instead"
                )
            else:
                continue
            self.judge.say(NOTICE, "no-trailer", location, message, ref)

    def _signature(self, commit: Commit, adds: bool, ref: CommitRef) -> None:
        if not self.require_signed:
            return
        named = commit.trailer_values(TRAILER_DECISION)
        if not adds and not named:
            return
        if not self.repo.verify_commit(commit.sha):
            self.judge.entries.append(
                AuditEntry(
                    BREACH,
                    "unsigned",
                    "",
                    "the decision commit has no signature that `git verify-commit` accepts "
                    "(unsigned, or signed with a key this machine does not trust)",
                    ref,
                    next(iter(named), None),
                )
            )


def walk_history(root: Path, since: str | None, require_signed: bool) -> HistoryWalk:
    """Every commit reachable from HEAD (after since), oldest first, audited for decisions."""
    repo = open_repository(root)
    try:
        return _Walker(repo, repo.prefix_of(root), require_signed).run(since)
    finally:
        repo.close()


def audit_history(root: Path, since: str | None, require_signed: bool) -> AuditResult:
    """The audit of the workspace at root: breaches and notices, each naming its commit."""
    return walk_history(root, since, require_signed).result()


# --------------------------------------------------- two sides, for `vpsec diff`


class WorkingTreeSource:
    """The workspace on disk as a TreeSource, like a revision's: its files by path.

    Record files are those the loader reads (a link to a file inside the
    workspace included); other regular files are listed too, so that a
    decision hidden by `exclude` is told from one deleted. Hidden folders
    and links to folders are not entered, as by the loader.
    """

    label = "working tree"

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def entries(self) -> Iterator[TreeEntry]:
        from vpsec.load.config import load_config

        found, _skipped = discover(self.root, load_config(self.root)[0].exclude)
        listed = {source.rel for source in found}
        for source in found:
            yield TreeEntry(source.rel, source.path.stat().st_size, "")
        for folder, folders, files in os.walk(self.root):
            folders[:] = [name for name in folders if not name.startswith(".")]
            base = Path(folder).relative_to(self.root).as_posix()
            for name in files:
                rel = name if base == "." else f"{base}/{name}"
                path = Path(folder) / name
                if rel not in listed and path.is_file() and not path.is_symlink():
                    yield TreeEntry(rel, path.stat().st_size, "")

    def read(self, entry: TreeEntry) -> bytes:
        return (self.root / entry.rel).read_bytes()


def _blob_id(data: bytes) -> str:
    """The id git gives a blob with this content (SHA-1), to compare files across sources."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def _source_decisions(
    source: TreeSource,
) -> tuple[frozenset[Location], Callable[[str], str | None]]:
    """The decisions of a TreeSource, and what is at a path of it (its content id, or None)."""
    entries = {entry.rel: entry for entry in source.entries()}
    config = entries.get(WORKSPACE_FILE)
    record_filter, max_bytes = _filter_of(None if config is None else source.read(config))
    locations: set[Location] = set()
    contents: dict[str, str] = {}
    for rel, entry in sorted(entries.items()):
        if not record_filter.accepts(rel) or entry.size > max_bytes:
            continue
        data = source.read(entry)
        blob = contents[rel] = _blob_id(data)
        for index, doc in enumerate(decision_documents(data)):
            locations.add(Location(doc.id, rel, rel, blob, 0, index))

    def present(rel: str) -> str | None:
        if rel not in contents and rel in entries:
            contents[rel] = _blob_id(source.read(entries[rel]))
        return contents.get(rel)

    return frozenset(locations), present


def decision_changes(base: TreeSource, head: TreeSource, ref: CommitRef) -> tuple[AuditEntry, ...]:
    """Decisions of base that head modifies, renames, deletes, excludes or duplicates.

    The same judgement, words and `change` names as `vpsec audit`, each entry
    attributed to ref (the head revision, or WORKTREE_REF). Decisions new in
    head are not entries: adding a decision is what the log is for.
    """
    before, _ = _source_decisions(base)
    after, present = _source_decisions(head)
    judge = _Judge(shown, "in the base revision")
    old, new = _by_id(before), _by_id(after)
    for decision, locations in old.items():
        some = min(locations, key=lambda loc: loc.path)
        judge.first[decision] = _First(some.blob, some.path, None)
    for decision in sorted(old.keys() | new.keys()):
        was, now = old.get(decision, frozenset()), new.get(decision, frozenset())
        if was != now:
            judge.compare(decision, was, now, ref, present)
    return tuple(entry for entry in judge.entries if entry.level == BREACH)
