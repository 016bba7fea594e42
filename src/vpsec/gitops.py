"""Every conversation with git: the one module that imports GitPython.

GitPython is imported inside functions because `import git` costs about
55 ms, which `vpsec --version` and `vpsec validate` should not pay. User
input that names a revision is resolved to an object id here before anything
else sees it, so a "revision" like `--output=/x` never reaches git as an
option. Nothing here checks out a revision: other revisions are read from
tree objects, so the user's working tree is never touched.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vpsec.errors import GitError
from vpsec.load.tree import TreeEntry

if TYPE_CHECKING:
    import git

# git log output is split on these; neither appears in commit metadata git writes.
_RECORD_SEP = "\x1e"
_FIELD_SEP = "\x1f"
_LOG_FIELDS = ("%H", "%P", "%an", "%ae", "%aI", "%cI", "%s", "%B", "%(trailers:only,unfold)")
_NULL_SHA = "0" * 40


def _git_module() -> Any:
    """The GitPython package, or a GitError when git itself is missing."""
    if shutil.which("git") is None:
        raise GitError("git is not installed (no `git` on PATH); install git to use this command")
    try:
        import git as git_module
    except ImportError as error:  # GitPython refuses to import without a working git
        raise GitError(f"git cannot be used: {error}".splitlines()[0]) from None
    return git_module


def _first_line(error: Exception) -> str:
    """The most useful line of a git failure, for a one-line message."""
    stderr = getattr(error, "stderr", "") or ""
    lines = [
        line.strip().removeprefix("stderr:").strip().strip("'").strip()
        for line in str(stderr).splitlines()
    ]
    lines = [line for line in lines if line]
    for line in lines:
        if line.startswith(("fatal:", "error:")):
            return line
    return lines[0] if lines else str(error).splitlines()[0]


@dataclass(frozen=True, slots=True)
class FileChange:
    """One file changed between a commit and one of its parents (paths relative to the repo)."""

    status: str  # A added, M modified, D deleted, T type changed
    path: str
    old_blob: str | None
    new_blob: str | None


@dataclass(frozen=True, slots=True)
class CommitInfo:
    """A commit's metadata, its trailers, and (for a non-merge commit) its changes."""

    sha: str
    parents: tuple[str, ...]
    author: str
    author_email: str
    authored_at: datetime
    committed_at: datetime
    subject: str
    message: str
    trailers: tuple[tuple[str, str], ...]
    changes: tuple[FileChange, ...] = field(default=())

    def trailer_values(self, key: str) -> list[str]:
        """Values of one trailer key (case-insensitive, as git compares them)."""
        wanted = key.lower()
        return [value for name, value in self.trailers if name.lower() == wanted]


def _parse_trailers(text: str) -> tuple[tuple[str, str], ...]:
    out = []
    for line in text.splitlines():
        name, sep, value = line.partition(":")
        if sep and name.strip() and " " not in name.strip():
            out.append((name.strip(), value.strip()))
    return tuple(out)


def _parse_raw(raw: str) -> list[FileChange]:
    """Changes from `--raw -z` output: ':oldmode newmode old new STATUS\\0path\\0' entries."""
    tokens = [token.strip("\n") for token in raw.split("\0")]
    changes = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if not token.startswith(":"):
            continue
        parts = token[1:].split()
        path = tokens[index] if index < len(tokens) else ""
        index += 1
        if len(parts) < 5:
            continue
        old, new, status = parts[2], parts[3], parts[4][:1]
        changes.append(
            FileChange(
                status=status,
                path=path,
                old_blob=None if old == _NULL_SHA else old,
                new_blob=None if new == _NULL_SHA else new,
            )
        )
    return changes


class Repository:
    """A git repository holding a workspace, seen through GitPython."""

    def __init__(self, repo: git.Repo) -> None:
        self._repo = repo
        self.workdir = Path(repo.working_tree_dir or ".").resolve()
        self.git_dir = Path(repo.git_dir).resolve()

    # --- where things are -------------------------------------------------

    def prefix_of(self, root: Path) -> str:
        """The workspace folder's path inside the repository ('' at the top, else 'a/b/')."""
        try:
            rel = root.resolve().relative_to(self.workdir).as_posix()
        except ValueError:
            raise GitError(f"{root} is not inside the repository at {self.workdir}") from None
        return "" if rel == "." else rel + "/"

    # --- state checks -----------------------------------------------------

    def refusals(self) -> list[str]:
        """Why committing now would be unsafe: merge, rebase, detached HEAD, a held index lock."""
        problems = []
        markers = {
            "MERGE_HEAD": "a merge is in progress; finish it (git commit) or abort it "
            "(git merge --abort) first",
            "CHERRY_PICK_HEAD": "a cherry-pick is in progress; finish or abort it first",
            "REVERT_HEAD": "a revert is in progress; finish or abort it first",
        }
        for name, message in markers.items():
            if (self.git_dir / name).exists():
                problems.append(message)
        if (self.git_dir / "rebase-merge").exists() or (self.git_dir / "rebase-apply").exists():
            problems.append(
                "a rebase is in progress; finish it (git rebase --continue) or abort it first"
            )
        if self._repo.head.is_detached:
            problems.append(
                "HEAD is detached (not on a branch); check out a branch so the decision is not lost"
            )
        if (self.git_dir / "index.lock").exists():
            problems.append(
                f"another git process holds the index ({self.git_dir / 'index.lock'} exists); "
                "wait for it to finish, or remove the file if no git process is running"
            )
        return problems

    # --- committing one file ---------------------------------------------

    def commit_only(self, repo_path: str, message: str) -> str:
        """Commit exactly repo_path with message; leave the rest of the index as it was.

        `git add PATH` then `git commit --only -- PATH`: the commit holds that
        path alone and whatever else the user staged stays staged. Returns the
        new commit's sha. On failure the path is unstaged again and GitError raised.
        """
        git_cmd = self._repo.git
        git_module = _git_module()
        try:
            git_cmd.add("--", repo_path)
            git_cmd.commit(
                "--only",
                "--cleanup=whitespace",
                f"--message={message}",
                "--",
                repo_path,
            )
        except git_module.GitCommandError as error:
            self.unstage(repo_path)
            raise GitError(f"git refused the commit: {_first_line(error)}") from None
        sha = str(git_cmd.log("-n1", "--format=%H", "--", repo_path)).strip()
        if not sha:
            raise GitError(f"the commit of {repo_path} cannot be found after committing it")
        return sha

    def unstage(self, repo_path: str) -> None:
        """Take repo_path out of the index again, retrying briefly while another git holds it."""
        git_module = _git_module()
        for _attempt in range(5):
            try:
                if self._repo.head.is_valid():
                    self._repo.git.reset("-q", "HEAD", "--", repo_path)
                else:
                    self._repo.git.rm("--cached", "-q", "--ignore-unmatch", "--", repo_path)
                return
            except git_module.GitCommandError:
                time.sleep(0.2)

    # --- revisions and trees ---------------------------------------------

    def resolve(self, revision: str) -> str:
        """The commit sha a user's revision names; GitError naming it when there is none."""
        git_module = _git_module()
        if not revision or revision.startswith("-") or "\0" in revision:
            raise GitError(f"{revision!r} is not a revision (a branch, tag or commit)")
        try:
            obj = self._repo.rev_parse(revision)
            commit = obj if obj.type == "commit" else self._repo.commit(obj.hexsha)
            return str(commit.hexsha)
        except (git_module.BadName, git_module.BadObject, ValueError, IndexError, TypeError):
            raise GitError(
                f"revision {revision!r} does not exist in {self.workdir} "
                "(no branch, tag or commit by that name)"
            ) from None

    def tree_files(self, sha: str, prefix: str) -> Iterator[tuple[str, int, bytes | None]]:
        """(path relative to prefix, size, content) of each regular file under prefix at sha.

        Content is None for files larger than 64 MB, which are not read. Symbolic
        links and submodules are left out.
        """
        tree = self._repo.commit(sha).tree
        if prefix:
            try:
                tree = tree / prefix.rstrip("/")
            except KeyError:
                return
            if tree.type != "tree":
                return
        item: Any
        for item in tree.traverse():
            if item.type != "blob" or item.mode & 0o170000 != 0o100000:
                continue
            path = str(item.path)
            rel = path[len(prefix) :] if prefix else path
            size = int(item.size)
            yield rel, size, item.data_stream.read() if size <= 64_000_000 else None

    def tree_source(self, sha: str, prefix: str, label: str) -> GitTreeSource:
        """The workspace under prefix at commit sha, for vpsec.load.source.open_tree."""
        return GitTreeSource(self, sha, prefix, label)

    def tree_entries(self, sha: str, prefix: str) -> Iterator[TreeEntry]:
        """The regular files under prefix at sha, with sizes from the tree (no blob is read).

        Symbolic links and submodules are left out: a revision is read as stored,
        and a link in a tree could point anywhere on the reader's disk.
        """
        tree = self._repo.commit(sha).tree
        if prefix:
            try:
                tree = tree / prefix.rstrip("/")
            except KeyError:
                return
            if tree.type != "tree":
                return
        item: Any
        for item in tree.traverse():
            if item.type != "blob" or item.mode & 0o170000 != 0o100000:
                continue
            path = str(item.path)
            yield TreeEntry(path[len(prefix) :] if prefix else path, int(item.size), item.hexsha)

    def blob(self, sha: str) -> bytes:
        """The content of a blob."""
        return bytes(self._repo.odb.stream(bytes.fromhex(sha)).read())

    def blob_at(self, commit: str, path: str) -> str | None:
        """The blob sha of path at commit, or None when the path is absent there."""
        try:
            item = self._repo.commit(commit).tree / path
        except KeyError:
            return None
        return str(item.hexsha) if item.type == "blob" else None

    def merge_base(self, commits: tuple[str, ...]) -> str | None:
        """The best common ancestor of commits, or None when they share no history."""
        git_module = _git_module()
        try:
            out = str(self._repo.git.merge_base("--octopus", *commits)).strip()
        except git_module.GitCommandError:
            return None
        return out.split()[0] if out else None

    # --- history ----------------------------------------------------------

    def history(self, since: str | None = None) -> list[CommitInfo]:
        """Commits reachable from HEAD (after since, when given), oldest first.

        Non-merge commits carry their changes against their parent (a root
        commit: against nothing); merge commits carry none, see merge_changes.
        """
        git_module = _git_module()
        if not self._repo.head.is_valid():
            return []
        fmt = _RECORD_SEP + _FIELD_SEP.join(_LOG_FIELDS) + _FIELD_SEP
        span = f"{since}..HEAD" if since else "HEAD"
        try:
            out = self._repo.git.log(
                "-z",
                "--raw",
                "--no-renames",
                "--no-abbrev",
                "--no-diff-merges",
                "--topo-order",
                "--no-color",
                "--no-ext-diff",
                f"--format={fmt}",
                span,
                "--",
                strip_newline_in_stdout=False,
            )
        except git_module.GitCommandError as error:
            raise GitError(f"git log failed: {_first_line(error)}") from None
        commits = []
        for chunk in str(out).split(_RECORD_SEP):
            if not chunk.strip():
                continue
            parts = chunk.split(_FIELD_SEP, len(_LOG_FIELDS))
            if len(parts) <= len(_LOG_FIELDS):
                continue
            sha, parents, name, email, authored, committed, subject, body, trailers, raw = parts
            commits.append(
                CommitInfo(
                    sha=sha,
                    parents=tuple(parents.split()),
                    author=name,
                    author_email=email,
                    authored_at=datetime.fromisoformat(authored),
                    committed_at=datetime.fromisoformat(committed),
                    subject=subject,
                    message=body,
                    trailers=_parse_trailers(trailers),
                    changes=tuple(_parse_raw(raw)),
                )
            )
        commits.reverse()
        return commits

    def changes_between(self, parent: str, commit: str, prefix: str = "") -> list[FileChange]:
        """The files under prefix that differ between parent and commit (sides of a merge)."""
        git_module = _git_module()
        try:
            out = self._repo.git.diff_tree(
                "-z",
                "-r",
                "--raw",
                "--no-renames",
                "--no-abbrev",
                "--no-ext-diff",
                parent,
                commit,
                "--",
                *([f":(literal){prefix}"] if prefix else []),
                strip_newline_in_stdout=False,
            )
        except git_module.GitCommandError as error:
            raise GitError(f"git diff-tree failed: {_first_line(error)}") from None
        return _parse_raw(str(out))

    def verify_commit(self, sha: str) -> bool:
        """True when `git verify-commit` accepts the commit's signature."""
        git_module = _git_module()
        try:
            self._repo.git.verify_commit(sha)
        except git_module.GitCommandError:
            return False
        return True

    def close(self) -> None:
        """Stop the git helper processes GitPython keeps running."""
        with contextlib.suppress(Exception):
            self._repo.close()


@dataclass(frozen=True, slots=True)
class GitTreeSource:
    """A revision's workspace folder as a vpsec.load.source.TreeSource."""

    repository: Repository
    sha: str
    prefix: str
    label: str

    def entries(self) -> Iterator[TreeEntry]:
        return self.repository.tree_entries(self.sha, self.prefix)

    def read(self, entry: TreeEntry) -> bytes:
        return self.repository.blob(entry.oid)


def open_repository(path: Path) -> Repository:
    """The repository that holds path; GitError when there is none."""
    git_module = _git_module()
    try:
        repo = git_module.Repo(path, search_parent_directories=True)
    except (git_module.InvalidGitRepositoryError, git_module.NoSuchPathError):
        raise GitError(
            f"{path} is not in a git repository; run `git init` there first "
            "(the decision log and audit trail live in git history)"
        ) from None
    if repo.bare or repo.working_tree_dir is None:
        repo.close()
        raise GitError(f"{path}: the repository has no working tree")
    return Repository(repo)
