"""Walking git history for decisions: what `vpsec audit` reports and `vpsec log` lists.

The log and the audit are read back from git history, never from the working
tree, because history is what an auditor can check. Which files hold
decisions is decided by the workspace's one record filter (`exclude`, hidden
folders) and by their content. All git access goes through vpsec.gitops.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vpsec.decide import DECISIONS_FOLDER, TRAILER_DECISION
from vpsec.gitops import CommitInfo, FileChange, Repository, open_repository
from vpsec.load.discover import RecordFilter
from vpsec.results import AuditEntry, AuditResult, CommitRef

# A cheap test for "this file is a Decision" that needs no YAML parse of every blob.
_KIND_DECISION = re.compile(r"^kind:[ \t]*[\"']?Decision[\"']?[ \t]*(#.*)?$", re.MULTILINE)


def commit_ref(commit: CommitInfo) -> CommitRef:
    """The commit an entry is about, as an auditor reads it."""
    return CommitRef(
        commit.sha,
        commit.author,
        commit.author_email,
        commit.committed_at.isoformat(),
        commit.subject,
    )


class _History:
    """Decision files as they appear in a repository's history, with a cache of blob reads."""

    def __init__(self, repo: Repository, prefix: str, record_filter: RecordFilter) -> None:
        self.repo = repo
        self.prefix = prefix
        self.record_filter = record_filter
        self._is_decision: dict[str, bool] = {}

    def in_scope(self, path: str) -> bool:
        if not path.startswith(self.prefix):
            return False
        return self.record_filter.accepts(path[len(self.prefix) :])

    def by_path(self, path: str) -> bool:
        return path[len(self.prefix) :].startswith(DECISIONS_FOLDER + "/")

    def blob_is_decision(self, blob: str | None) -> bool:
        if blob is None:
            return False
        known = self._is_decision.get(blob)
        if known is None:
            text = self.repo.blob(blob).decode("utf-8", errors="replace")
            known = bool(_KIND_DECISION.search(text))
            self._is_decision[blob] = known
        return known

    def is_decision(self, path: str, *blobs: str | None) -> bool:
        """Under decisions/, or any of the given versions of its content is a Decision."""
        return self.by_path(path) or any(self.blob_is_decision(blob) for blob in blobs)

    def decision_value(self, blob: str) -> dict[str, Any]:
        """The fields of a Decision blob, or {} when it cannot be read as one."""
        from vpsec.load.yamlread import YamlProblem, decode, parse_documents

        try:
            documents = parse_documents(decode(self.repo.blob(blob)))
        except YamlProblem:
            return {}
        for doc in documents:
            if isinstance(doc.value, dict) and doc.value.get("kind") == "Decision":
                return doc.value
        return {}


@dataclass(frozen=True, slots=True)
class AddedDecision:
    """A Decision as it was first committed: its fields, its file and its commit."""

    value: dict[str, Any]
    path: str  # relative to the workspace
    commit: CommitInfo


@dataclass(slots=True)
class HistoryWalk:
    """What walking the history found, before it becomes an AuditResult or a LogResult."""

    commits: int = 0
    since: str | None = None
    added: list[AddedDecision] = field(default_factory=list)
    entries: list[AuditEntry] = field(default_factory=list)

    def result(self) -> AuditResult:
        return AuditResult(
            commits=self.commits,
            since=self.since,
            decisions_added=len(self.added),
            entries=tuple(self.entries),
        )


class _Auditor:
    def __init__(self, history: _History, require_signed: bool) -> None:
        self.history = history
        self.require_signed = require_signed
        self.walk = HistoryWalk()

    def _rel(self, path: str) -> str:
        return path[len(self.history.prefix) :]

    def _decision_id(self, blob: str | None) -> str | None:
        if blob is None:
            return None
        value = self.history.decision_value(blob).get("id")
        return str(value) if value is not None else None

    def _breach(
        self, commit: CommitInfo, change: str, path: str, message: str, blob: str | None
    ) -> None:
        self.walk.entries.append(
            AuditEntry(
                "breach",
                change,
                self._rel(path),
                message,
                commit_ref(commit),
                self._decision_id(blob),
            )
        )

    def _added(self, commit: CommitInfo, path: str, blob: str) -> None:
        value = self.history.decision_value(blob)
        self.walk.added.append(AddedDecision(value, self._rel(path), commit))
        raw_id = value.get("id")
        record_id = str(raw_id) if raw_id is not None else None
        named = commit.trailer_values(TRAILER_DECISION)
        rel = self._rel(path)
        if not named:
            self.walk.entries.append(
                AuditEntry(
                    "notice",
                    "no-trailer",
                    rel,
                    f"Decision {record_id or rel} was added without a {TRAILER_DECISION} "
                    "trailer (imported or written by hand, not with `vpsec decide`)",
                    commit_ref(commit),
                    record_id,
                )
            )
        elif record_id is not None and record_id not in named:
            self.walk.entries.append(
                AuditEntry(
                    "notice",
                    "no-trailer",
                    rel,
                    f"Decision {record_id} was added in a commit whose {TRAILER_DECISION} "
                    f"trailer names {', '.join(named)} instead",
                    commit_ref(commit),
                    record_id,
                )
            )

    def _signature(self, commit: CommitInfo, adds_decision: bool) -> None:
        if not self.require_signed:
            return
        if not adds_decision and not commit.trailer_values(TRAILER_DECISION):
            return
        if not self.history.repo.verify_commit(commit.sha):
            self.walk.entries.append(
                AuditEntry(
                    "breach",
                    "unsigned",
                    "",
                    "the decision commit has no signature that `git verify-commit` accepts "
                    "(unsigned, or signed with a key this machine does not trust)",
                    commit_ref(commit),
                    next(iter(commit.trailer_values(TRAILER_DECISION)), None),
                )
            )

    def commit(self, commit: CommitInfo) -> None:
        self.walk.commits += 1
        adds = self._merge(commit) if len(commit.parents) > 1 else self._single(commit)
        self._signature(commit, adds)

    def _single(self, commit: CommitInfo) -> bool:
        history = self.history
        changes = [change for change in commit.changes if history.in_scope(change.path)]
        lost: list[FileChange] = []
        added: list[FileChange] = []
        for change in changes:
            old_is = change.old_blob is not None and history.is_decision(
                change.path, change.old_blob
            )
            new_is = change.new_blob is not None and history.is_decision(
                change.path, change.new_blob
            )
            if change.status == "A" and new_is:
                added.append(change)
            elif change.status == "D" and old_is:
                lost.append(change)
            elif change.status in ("M", "T") and old_is:
                self._breach(
                    commit,
                    "modified",
                    change.path,
                    f"Decision file {self._rel(change.path)} was modified after it was "
                    "committed; decisions are append-only (record a new decision that "
                    "supersedes it instead)",
                    change.old_blob,
                )
            elif change.status in ("M", "T") and new_is and change.new_blob is not None:
                # An existing file turned into a Decision: the decision is new here.
                added.append(change)
        self._pair_renames(commit, lost, added)
        for change in added:
            assert change.new_blob is not None
            self._added(commit, change.path, change.new_blob)
        return bool(added)

    def _pair_renames(
        self, commit: CommitInfo, lost: list[FileChange], added: list[FileChange]
    ) -> None:
        """Report deletions; a deletion with an addition of the same decision is a rename."""
        for change in lost:
            old_id = self._decision_id(change.old_blob)
            twin = next(
                (
                    new
                    for new in added
                    if new.new_blob == change.old_blob
                    or (old_id is not None and self._decision_id(new.new_blob) == old_id)
                ),
                None,
            )
            if twin is not None:
                added.remove(twin)
                self._breach(
                    commit,
                    "renamed",
                    change.path,
                    f"Decision file {self._rel(change.path)} was renamed to "
                    f"{self._rel(twin.path)}; a committed decision keeps its file",
                    change.old_blob,
                )
            else:
                self._breach(
                    commit,
                    "deleted",
                    change.path,
                    f"Decision file {self._rel(change.path)} was deleted; decisions are "
                    "never removed (record a new decision that supersedes it instead)",
                    change.old_blob,
                )

    def _merge(self, commit: CommitInfo) -> bool:
        """Changes the merge itself made to decisions, not those carried over from a side.

        For each path, the state in every parent and in the merge base is
        compared: taking one side's change is not a new breach (that side's
        commit is reported), but dropping a decision one side added, or
        changing a decision no side changed, is a breach of the merge commit.
        """
        history = self.history
        repo = history.repo
        states: dict[str, dict[str, str | None]] = {}
        merged: dict[str, str | None] = {}
        for parent in commit.parents:
            for change in repo.changes_between(parent, commit.sha, history.prefix):
                if not history.in_scope(change.path):
                    continue
                states.setdefault(change.path, {})[parent] = change.old_blob
                merged[change.path] = change.new_blob
        if not states:
            return False
        base: str | None = None
        base_known = False
        adds = False
        for path, differing in states.items():
            s_m = merged[path]
            side = {parent: differing.get(parent, s_m) for parent in commit.parents}
            if not history.is_decision(path, s_m, *side.values()):
                continue
            if not base_known:  # only merges that touch a decision pay for the merge base
                base, base_known = repo.merge_base(commit.parents), True
            s_b = repo.blob_at(base, path) if base else None
            if s_m is not None and all(state is None for state in side.values()):
                if history.is_decision(path, s_m):
                    self._added(commit, path, s_m)
                    adds = True
                continue
            changed_sides = {state for state in side.values() if state != s_b}
            for state in side.values():
                if state is None or state == s_m or not history.is_decision(path, state):
                    continue
                if state == s_b and s_m in changed_sides:
                    continue  # the other side's change, reported at its own commit
                if state != s_b and s_b is not None and s_m in side.values():
                    continue  # this side's own edit was reported; the merge took another
                verb = "dropped" if s_m is None else "replaced"
                self._breach(
                    commit,
                    "modified" if s_m is not None else "deleted",
                    path,
                    f"the merge {verb} Decision file {self._rel(path)} as one parent had "
                    "it; a merge must keep every committed decision unchanged",
                    state,
                )
                break
        return adds


def walk_history(root: Path, since: str | None, require_signed: bool) -> HistoryWalk:
    """Every commit reachable from HEAD (after since), oldest first, audited for decisions."""
    from vpsec.load.config import load_config

    config, _findings, _doc = load_config(root)
    repo = open_repository(root)
    try:
        prefix = repo.prefix_of(root)
        since_sha = repo.resolve(since) if since is not None else None
        auditor = _Auditor(_History(repo, prefix, RecordFilter(config.exclude)), require_signed)
        auditor.walk.since = since_sha
        for commit in repo.history(since_sha):
            auditor.commit(commit)
    finally:
        repo.close()
    return auditor.walk


def audit_history(root: Path, since: str | None, require_signed: bool) -> AuditResult:
    """The audit of the workspace at root: breaches and notices, each naming its commit."""
    return walk_history(root, since, require_signed).result()
