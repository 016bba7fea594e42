"""Every conversation with git: the one module that imports GitPython.

GitPython is imported inside functions because `import git` costs about
55 ms, which `vpsec --version` and `vpsec validate` should not pay. User
input that names a revision is resolved to an object id here before anything
else sees it, so a "revision" like `--output=/x` never reaches git as an
option. Nothing here checks out a revision: other revisions are read from
tree objects, so the user's working tree is never touched.

History for the audit trail is read with plumbing only (`rev-list`,
`cat-file --batch`, `merge-base`) and parsed by vpsec.gitobjects, in an
environment that turns off replace refs, grafts, pagers and prompts.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vpsec.errors import GitError
from vpsec.gitobjects import Commit, ObjectFormatError, TreeItem, parse_commit, parse_tree
from vpsec.load.tree import TreeEntry

if TYPE_CHECKING:
    import git

# Every git process vpsec starts sees these. Replace refs and a graft file
# change what a commit's parents or content appear to be; vpsec reads the
# objects as stored. No pager or prompt ever runs (and GIT_EXTERNAL_DIFF is
# removed from the plumbing's environment; no command vpsec runs prints a diff).
GIT_ENVIRONMENT = {
    "GIT_NO_REPLACE_OBJECTS": "1",
    "GIT_GRAFT_FILE": str(Path(os.sep, "nonexistent", "vpsec-reads-no-grafts")),
    "GIT_PAGER": "cat",
    "PAGER": "cat",
    "GIT_TERMINAL_PROMPT": "0",
}
_SHALLOW_HINT = (
    "this is a shallow clone: part of the history is missing, and vpsec does not vouch for "
    "history it cannot see; fetch all of it (`git fetch --unshallow`; in GitHub Actions "
    "`fetch-depth: 0` for actions/checkout, in GitLab CI the variable `GIT_DEPTH: 0`)"
)


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
    lines = [line for line in lines if line and not line.startswith("hint:")]
    for number, line in enumerate(lines):
        if line.startswith(("fatal:", "error:")):
            lines = lines[number:]
            break
    if not lines:
        return str(error).splitlines()[0]
    first = lines[0]
    # "The following paths are ignored by one of your .gitignore files:" says
    # nothing without the list that follows it.
    if first.endswith(":") and len(lines) > 1:
        return f"{first} {', '.join(lines[1:4])}"
    return first


def git_environment(git_dir: Path) -> dict[str, str]:
    """The environment of a git plumbing process vpsec starts for the repository at git_dir."""
    env = {key: value for key, value in os.environ.items() if key != "GIT_EXTERNAL_DIFF"}
    env.update(GIT_ENVIRONMENT)
    env["GIT_DIR"] = str(git_dir)
    return env


# Requests written to `git cat-file --batch` before reading answers (41 bytes each,
# well inside a pipe's 64 KB).
_BATCH = 500


class Unreadable(GitError):
    """An object of the history that git cannot give or vpsec cannot parse."""


class ObjectReader:
    """Objects read by id through one `git cat-file --batch` process (and one --batch-check).

    Requests are object ids vpsec obtained from git itself, one per line;
    each answer is a header and exactly `size` bytes, so nothing in an
    object's content can be mistaken for the protocol.
    """

    def __init__(self, git_dir: Path) -> None:
        self._git_dir = git_dir
        self._batch: subprocess.Popen[bytes] | None = None
        self._check: subprocess.Popen[bytes] | None = None

    def _start(self, option: str) -> subprocess.Popen[bytes]:
        try:
            return subprocess.Popen(
                ["git", "cat-file", option],
                cwd=self._git_dir,
                env=git_environment(self._git_dir),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError as error:
            raise GitError(f"git cannot be started: {error.strerror or error}") from None

    @staticmethod
    def _ask(process: subprocess.Popen[bytes], oid: str) -> tuple[str, int]:
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(oid.encode("ascii") + b"\n")
            process.stdin.flush()
        except OSError:
            raise Unreadable(f"git cat-file stopped while reading object {oid}") from None
        header = process.stdout.readline().rstrip(b"\n").split(b" ")
        if len(header) != 3 or header[0] != oid.encode("ascii") or not header[2].isdigit():
            raise Unreadable(f"object {oid} is missing from the repository")
        return header[1].decode("ascii", "replace"), int(header[2])

    def size(self, oid: str) -> tuple[str, int]:
        """(type, size) of an object, without reading it."""
        if self._check is None:
            self._check = self._start("--batch-check")
        return self._ask(self._check, oid)

    def read(self, oid: str, expected: str) -> bytes:
        """The content of an object, which must be of the expected type."""
        if self._batch is None:
            self._batch = self._start("--batch")
        kind, size = self._ask(self._batch, oid)
        assert self._batch.stdout is not None
        data = self._batch.stdout.read(size + 1)  # the content, then a newline
        if len(data) != size + 1:
            raise Unreadable(f"object {oid} was cut short by git cat-file")
        if kind != expected:
            raise Unreadable(f"object {oid} is a {kind}, not a {expected}")
        return data[:size]

    def many(
        self, oids: list[str], expected: str, limit: int
    ) -> Iterator[tuple[str, int, bytes | None]]:
        """(oid, size, content) of each object, asked in batches; content None over limit.

        A missing object, or one of another type, comes back with size -1: the
        caller reads it again on its own when it needs it, and that read names
        the problem. Up to _BATCH requests are written before the answers are
        read: they fit in the pipe, so writing never waits for git while git
        waits for us.
        """
        if self._batch is None:
            self._batch = self._start("--batch")
        process = self._batch
        assert process.stdin is not None and process.stdout is not None
        for start in range(0, len(oids), _BATCH):
            chunk = oids[start : start + _BATCH]
            try:
                process.stdin.write(b"".join(oid.encode("ascii") + b"\n" for oid in chunk))
                process.stdin.flush()
            except OSError:
                raise Unreadable("git cat-file stopped while reading objects") from None
            for oid in chunk:
                header = process.stdout.readline().rstrip(b"\n").split(b" ")
                if header == [oid.encode("ascii"), b"missing"]:
                    yield oid, -1, None
                    continue
                if len(header) != 3 or header[0] != oid.encode("ascii") or not header[2].isdigit():
                    raise Unreadable(f"git cat-file answered {header!r} for object {oid}")
                kind, size = header[1].decode("ascii", "replace"), int(header[2])
                if kind != expected or size > limit:
                    for _offset in range(0, size + 1, 1 << 20):  # read past it, keep nothing
                        process.stdout.read(min(1 << 20, size + 1 - _offset))
                    yield oid, size if kind == expected else -1, None
                    continue
                data = process.stdout.read(size + 1)
                if len(data) != size + 1:
                    raise Unreadable(f"object {oid} was cut short by git cat-file")
                yield oid, size, data[:size]

    def close(self) -> None:
        for process in (self._batch, self._check):
            if process is None:
                continue
            with contextlib.suppress(OSError):
                assert process.stdin is not None
                process.stdin.close()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()
        self._batch = self._check = None


class Repository:
    """A git repository holding a workspace, seen through GitPython."""

    def __init__(self, repo: git.Repo) -> None:
        self._repo = repo
        self.workdir = Path(repo.working_tree_dir or ".").resolve()
        self.git_dir = Path(repo.git_dir).resolve()
        self._objects: ObjectReader | None = None

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
        path alone and whatever else the user staged stays staged. The message
        goes through standard input, so no length of it meets the limit of a
        command line. Returns the new commit's sha. On any failure (an
        interruption too) the path is unstaged again; git's refusal is a GitError.
        """
        git_cmd = self._repo.git
        git_module = _git_module()
        try:
            with tempfile.TemporaryFile() as stdin:
                stdin.write(message.encode("utf-8"))
                stdin.seek(0)
                git_cmd.add("--", repo_path)
                git_cmd.commit(
                    "--only", "--cleanup=whitespace", "--file=-", "--", repo_path, istream=stdin
                )
        except git_module.GitCommandError as error:
            self.unstage(repo_path)
            raise GitError(f"git refused the commit: {_first_line(error)}") from None
        except BaseException:
            self.unstage(repo_path)
            raise
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
            # A parent beyond a shallow clone's edge has a sha but no object: read it now.
            _ = commit.tree
            return str(commit.hexsha)
        except (git_module.BadName, git_module.BadObject, ValueError, IndexError, TypeError):
            raise GitError(
                f"revision {revision!r} does not exist in {self.workdir} "
                "(no branch, tag or commit by that name)"
            ) from None

    def tree_source(self, sha: str, prefix: str, label: str) -> GitTreeSource:
        """The workspace under prefix at commit sha, for vpsec.load.source.open_tree."""
        return GitTreeSource(self, sha, prefix, label)

    def tree_entries(self, sha: str, prefix: str) -> Iterator[TreeEntry]:
        """The regular files under prefix at sha, with sizes from the tree (no blob is read).

        Symbolic links and submodules are left out: a revision is read as stored,
        and a link in a tree could point anywhere on the reader's disk. One
        `git ls-tree -r -l -z` lists them all: walking the tree through
        GitPython asked git for each blob's size in a round trip of its own
        (80,000 of them for a diff of two 10,000-record revisions).
        """
        tree = f"{sha}:{prefix.rstrip('/')}" if prefix else sha
        done = self._plumbing("ls-tree", "-r", "-l", "-z", "--full-tree", tree)
        if done.returncode != 0:
            if prefix:
                return  # the workspace folder is not in that revision
            raise self._failed("git ls-tree", done)
        for record in done.stdout.split(b"\0"):
            if not record:
                continue
            # `<mode> <type> <id> <size padded>\t<path>`: the path is everything after
            # the first tab, bytes as stored.
            meta, _, raw_path = record.partition(b"\t")
            mode, kind, oid, size = meta.split()
            if kind != b"blob" or int(mode, 8) & 0o170000 != 0o100000:
                continue
            path = raw_path.decode("utf-8", "surrogateescape")
            yield TreeEntry(path, int(size), oid.decode("ascii"))

    def blob(self, sha: str) -> bytes:
        """The content of a blob."""
        return self.read_blob(sha)

    def merge_base(self, commits: tuple[str, ...]) -> str | None:
        """The best common ancestor of commits, or None when they share no history."""
        done = self._plumbing("merge-base", "--octopus", *commits)
        out = done.stdout.decode("ascii", "replace").split()
        return out[0] if done.returncode == 0 and out else None

    # --- history, read structurally ---------------------------------------

    def _plumbing(self, *args: str) -> subprocess.CompletedProcess[bytes]:
        """A git plumbing command on this repository, with vpsec's git environment."""
        _git_module()
        try:
            return subprocess.run(
                ["git", *args],
                cwd=self.workdir,
                env=git_environment(self.git_dir),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                check=False,
            )
        except OSError as error:
            raise GitError(f"git cannot be started: {error.strerror or error}") from None

    @staticmethod
    def _failed(what: str, done: subprocess.CompletedProcess[bytes]) -> GitError:
        lines = done.stderr.decode("utf-8", "backslashreplace").strip().splitlines()
        return GitError(f"{what} failed: {lines[0] if lines else f'exit {done.returncode}'}")

    def head(self) -> str | None:
        """The commit HEAD names, or None before the first commit."""
        done = self._plumbing("rev-parse", "-q", "--verify", "HEAD^{commit}")
        sha = done.stdout.decode("ascii", "replace").strip()
        return sha if done.returncode == 0 and sha else None

    def refuse_missing_history(self) -> None:
        """GitError when part of the history is not here (a shallow clone)."""
        done = self._plumbing("rev-parse", "--is-shallow-repository")
        if done.returncode != 0:
            raise self._failed("git rev-parse", done)
        if done.stdout.strip() != b"false":
            raise GitError(_SHALLOW_HINT)

    def is_ancestor(self, ancestor: str, commit: str) -> bool:
        """True when ancestor is commit or one of its ancestors."""
        done = self._plumbing("merge-base", "--is-ancestor", ancestor, commit)
        if done.returncode not in (0, 1):
            raise self._failed("git merge-base", done)
        return done.returncode == 0

    def commits_between(self, head: str, since: str | None) -> list[str]:
        """Commits reachable from head and not from since, parents before children."""
        exclude = [f"^{since}"] if since else []
        done = self._plumbing("rev-list", "--topo-order", "--reverse", head, *exclude)
        if done.returncode != 0:
            raise self._failed("git rev-list", done)
        return done.stdout.decode("ascii", "replace").split()

    def objects(self) -> ObjectReader:
        """The reader of this repository's objects (started on first use, stopped by close)."""
        if self._objects is None:
            self._objects = ObjectReader(self.git_dir)
        return self._objects

    def read_commit(self, sha: str) -> Commit:
        """The commit object sha, parsed; Unreadable naming it when it cannot be."""
        try:
            return parse_commit(sha, self.objects().read(sha, "commit"))
        except ObjectFormatError as error:
            raise Unreadable(f"commit {sha} cannot be read: {error}") from None

    def read_trees(self, oids: list[str]) -> Iterator[tuple[str, tuple[TreeItem, ...]]]:
        """The entries of the tree objects that can be read, in batches (others left out)."""
        for oid, _size, data in self.objects().many(oids, "tree", 1 << 62):
            if data is None:
                continue
            with contextlib.suppress(ObjectFormatError):  # read_tree will name the problem
                yield oid, parse_tree(data, len(oid) // 2)

    def read_commits(self, shas: list[str]) -> list[Commit]:
        """Many commit objects, read in batches and parsed; Unreadable naming the first bad one."""
        commits = []
        for sha, _size, data in self.objects().many(shas, "commit", 1 << 62):
            if data is None:
                raise Unreadable(f"commit {sha} is missing from the repository")
            try:
                commits.append(parse_commit(sha, data))
            except ObjectFormatError as error:
                raise Unreadable(f"commit {sha} cannot be read: {error}") from None
        return commits

    def read_blobs(self, oids: list[str], limit: int) -> Iterator[tuple[str, int, bytes | None]]:
        """(oid, size, content) of many blobs, read in batches; content None over limit
        (size -1: missing, read it alone to learn why)."""
        return self.objects().many(oids, "blob", limit)

    def read_tree(self, oid: str) -> tuple[TreeItem, ...]:
        """The entries of tree object oid; Unreadable when it is missing or malformed."""
        try:
            return parse_tree(self.objects().read(oid, "tree"), len(oid) // 2)
        except ObjectFormatError as error:
            raise Unreadable(f"tree {oid} cannot be read: {error}") from None

    def blob_size(self, oid: str) -> int:
        """The size of blob oid, without reading it."""
        kind, size = self.objects().size(oid)
        if kind != "blob":
            raise Unreadable(f"object {oid} is a {kind}, not a blob")
        return size

    def read_blob(self, oid: str) -> bytes:
        """The content of blob oid, through the history reader."""
        return self.objects().read(oid, "blob")

    def verify_commit(self, sha: str) -> bool:
        """True when `git verify-commit` accepts the commit's signature."""
        return self._plumbing("verify-commit", sha).returncode == 0

    def close(self) -> None:
        """Stop the git helper processes vpsec and GitPython keep running."""
        if self._objects is not None:
            self._objects.close()
            self._objects = None
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
    repo.git.update_environment(**GIT_ENVIRONMENT)
    return Repository(repo)
