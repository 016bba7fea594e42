"""The audit trail tried as an attacker with write access would: one line per attack.

Every case runs in a real temporary repository holding a workspace with two
decisions committed as `vpsec decide` commits them, tampers with it using
plain git (or objects written by hand, for bytes `git commit` refuses), and
expects either a breach naming the tampering commit (exit 1), a one-line
refusal (exit 2), or, for what is no tampering, an intact trail. A new attack
is one line in CASES.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import MINIMAL_CONFIG, RunCli

pytestmark = pytest.mark.slow

A = "dec-2026-03-01-a"
B = "dec-2026-03-02-b"
STAMP = b"1767225600 +0000"
SITE = "apiVersion: vpsec/v1\nkind: Site\nid: north\nname: N\ncountry: CD\n"


def decision(record_id: str, text: str = "Keep the guard post") -> str:
    return (
        f"apiVersion: vpsec/v1\nkind: Decision\nid: {record_id}\ndate: 2026-03-01\n"
        f"text: {text}\nmade_by: Board\n"
    )


BLOCK = (
    "apiVersion: vpsec/v1\nkind: Decision\nid: {id}\ndate: 2026-03-01\ntext: {text}\nmade_by: B\n"
)
CRLF = BLOCK.replace("\n", "\r\n")
FLOW = (
    "{{apiVersion: vpsec/v1, kind: Decision, id: {id}, date: 2026-03-01, text: {text}, made_by: B}}"
)
# "Decision" spelt with a YAML escape: still a Decision to the loader.
ESCAPED = BLOCK.replace("kind: Decision", 'kind: "Decisio\\u006e"')


def run_git(cwd: Path, *args: str | bytes, stdin: bytes | None = None) -> bytes:
    done = subprocess.run(
        ["git", *args], cwd=cwd, input=stdin, capture_output=True, check=False, timeout=60
    )
    if done.returncode != 0:
        raise AssertionError(f"git {args} failed: {done.stderr.decode(errors='replace')}")
    return done.stdout


@dataclass
class Repo:
    """A repository whose workspace folder is `ws` (the top unless moved), and git verbs."""

    top: Path
    ws: str = ""

    @property
    def root(self) -> Path:
        return self.top / self.ws if self.ws else self.top

    def git(self, *args: str | bytes, stdin: bytes | None = None) -> str:
        return run_git(self.top, *args, stdin=stdin).decode("utf-8", "replace")

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").strip()

    def path(self, rel: str) -> Path:
        return self.root / rel

    def write(self, rel: str, text: str | bytes) -> None:
        target = self.path(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(
            text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text
        )

    def commit(self, message: str = "change", *extra: str) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, *extra)
        return self.head()

    def raw_commit(self, message: bytes, name: bytes = b"Test Author") -> str:
        """Commit the working tree through an object written byte by byte."""
        self.git("add", "-A")
        tree = self.git("write-tree").strip().encode()
        head = b"tree %s\nparent %s\n" % (tree, self.head().encode())
        people = b"author %s <a@example.org> %s\ncommitter %s <c@example.org> %s\n"
        body = head + people % (name, STAMP, name, STAMP) + b"\n" + message
        sha = self.git("hash-object", "-t", "commit", "-w", "--literally", "--stdin", stdin=body)
        self.git("update-ref", "HEAD", sha.strip())
        return sha.strip()

    def add_decision(self, record_id: str, rel: str | None = None, text: str | None = None) -> str:
        """A decision committed the way `vpsec decide` commits it (trailer included)."""
        self.write(rel or f"decisions/{record_id}.yaml", text or decision(record_id))
        return self.commit(f"Decide {record_id}\n\nVpsec-Decision: {record_id}")

    def file_of(self, record_id: str) -> str:
        for path in sorted(p for p in self.root.rglob("*") if p.suffix in (".yaml", ".yml")):
            if not path.is_symlink() and record_id.encode() in path.read_bytes():
                return path.relative_to(self.root).as_posix()
        raise AssertionError(record_id)

    def tweak(self, record_id: str = A) -> None:
        rel = self.file_of(record_id)
        data = self.path(rel).read_bytes()
        self.write(rel, data.replace(b"Keep the guard", b"Close the guard"))

    def edit(self, record_id: str = A, message: str = "reword") -> str:
        self.tweak(record_id)
        return self.commit(message)


# --------------------------------------------------------------- attacks


def rename(r: Repo, new: str = "decisions/renamed.yaml") -> str:
    r.git("mv", f"decisions/{A}.yaml", new)
    return r.commit("tidy names")


def delete(r: Repo) -> str:
    r.git("rm", "-q", f"decisions/{A}.yaml")
    return r.commit("clean up")


def delete_and_readd(r: Repo) -> str:
    bad = delete(r)
    r.write(f"decisions/{A}.yaml", decision(A, "Close the guard post"))
    r.commit("restore it, differently")
    return bad


def readd_changed(r: Repo) -> str:
    delete(r)
    r.write(f"decisions/{A}.yaml", decision(A, "Close the guard post"))
    return r.commit("restore it, differently")


def exclude(r: Repo) -> str:
    r.write("vpsec.yaml", MINIMAL_CONFIG + f"exclude: [decisions/{A}.yaml]\n")
    return r.commit("hide a file")


def exclude_then_edit(r: Repo) -> str:
    bad = exclude(r)
    r.edit()
    return bad


def duplicate(r: Repo) -> str:
    r.write("misc/copy.yaml", decision(A, "Close the guard post"))
    return r.commit("add a note")


def duplicate_in_one_file(r: Repo) -> str:
    r.write(f"decisions/{B}.yaml", decision(B) + "---\n" + decision(A, "Close the guard post"))
    return r.commit("append")


def change_id(r: Repo) -> str:
    r.write(f"decisions/{A}.yaml", decision("dec-2026-03-01-z"))
    return r.commit("renumber")


def change_kind(r: Repo) -> str:
    r.write(f"decisions/{A}.yaml", decision(A).replace("kind: Decision", "kind: Meeting"))
    return r.commit("reclassify")


def break_yaml(r: Repo) -> str:
    r.write(f"decisions/{A}.yaml", decision(A) + "text: [unclosed\n")
    return r.commit("oops")


def mode_and_content(r: Repo) -> str:
    r.tweak()
    r.path(f"decisions/{A}.yaml").chmod(0o755)
    return r.commit("chmod and edit")


def forged_trailer(r: Repo) -> str:
    return r.edit(message=f"Decide again\n\nVpsec-Decision: {A}")


def move_workspace(r: Repo, edit_in_move: bool) -> str:
    (r.top / "ws").mkdir()
    for name in ("vpsec.yaml", "sites", "decisions"):
        r.git("mv", name, f"ws/{name}")
    r.ws = "ws"
    if edit_in_move:
        r.tweak()
    bad = r.commit("move the workspace into ws/")
    return bad if edit_in_move else r.edit()


def move_workspace_only(r: Repo) -> None:
    (r.top / "ws").mkdir()
    for name in ("vpsec.yaml", "sites", "decisions"):
        r.git("mv", name, f"ws/{name}")
    r.ws = "ws"
    r.commit("move the workspace into ws/")


def duplicate_then_removed(r: Repo) -> str:
    bad = duplicate(r)
    r.git("rm", "-q", "misc/copy.yaml")
    r.commit("remove the copy")
    return bad


def edit_on_branch(r: Repo) -> str:
    r.git("checkout", "-q", "-b", "side")
    bad = r.edit()
    r.git("checkout", "-q", "main")
    r.add_decision("dec-2026-04-01-c")
    r.git("merge", "-q", "--no-edit", "side")
    return bad


def conflicting_edits(r: Repo) -> list[str]:
    r.git("checkout", "-q", "-b", "side")
    one = r.edit()
    r.git("checkout", "-q", "main")
    data = r.path(f"decisions/{A}.yaml").read_bytes()
    r.write(f"decisions/{A}.yaml", data.replace(b"Keep the guard", b"Double the guard"))
    two = r.commit("main rewords too")
    subprocess.run(["git", "merge", "side"], cwd=r.top, capture_output=True, check=False)
    r.write(f"decisions/{A}.yaml", decision(A, "Resolved wording"))
    r.commit("merge side")
    return [one, two]


def evil_merge(r: Repo) -> str:
    r.git("checkout", "-q", "-b", "side")
    r.add_decision("dec-2026-04-01-c")
    r.git("checkout", "-q", "main")
    r.add_decision("dec-2026-04-02-d")
    r.git("merge", "-q", "--no-commit", "--no-ff", "side")
    r.tweak()
    return r.commit("Merge branch side")


def merge_drops_branch_decision(r: Repo) -> str:
    r.git("checkout", "-q", "-b", "side")
    r.add_decision("dec-2026-04-01-c")
    r.git("checkout", "-q", "main")
    r.add_decision("dec-2026-04-02-d")
    r.git("merge", "-q", "--no-edit", "-s", "ours", "side")
    return r.head()


def merge_main_into_edited_branch(r: Repo) -> str:
    r.git("checkout", "-q", "-b", "side")
    bad = r.edit()
    r.git("checkout", "-q", "main")
    r.add_decision("dec-2026-04-02-d")
    r.git("checkout", "-q", "side")
    r.git("merge", "-q", "--no-edit", "main")
    r.git("checkout", "-q", "main")
    r.git("merge", "-q", "--ff-only", "side")
    return bad


def rebase_carries_edit(r: Repo) -> str:
    r.git("checkout", "-q", "-b", "side")
    r.edit()
    r.git("checkout", "-q", "main")
    r.add_decision("dec-2026-04-02-d")
    r.git("checkout", "-q", "side")
    r.git("rebase", "-q", "main")
    r.git("checkout", "-q", "main")
    r.git("merge", "-q", "--ff-only", "side")
    return r.head()


def replace_edit_commit(r: Repo) -> str:
    """`git replace` the tampering commit with one that changes nothing."""
    bad = r.edit()
    parent = r.git("rev-parse", f"{bad}^").strip()
    tree = r.git("rev-parse", f"{parent}^{{tree}}").strip()
    fake = r.git("commit-tree", tree, "-p", parent, "-m", "reword").strip()
    r.git("replace", bad, fake)
    return bad


def replace_decide_commit(r: Repo) -> str:
    """`git replace` the decide commit with one that already had the edited text."""
    bad = r.edit()
    decide_commit = r.git("log", "--format=%H", "-n1", f"--grep=Decide {A}").strip()
    r.git("checkout", "-q", decide_commit)
    r.tweak()
    r.git("add", "-A")
    tree = r.git("write-tree").strip()
    r.git("checkout", "-q", "-f", "main")
    parent = r.git("rev-parse", f"{decide_commit}^").strip()
    fake = r.git("commit-tree", tree, "-p", parent, "-m", f"Decide {A}").strip()
    r.git("replace", decide_commit, fake)
    return bad


def case_only_rename(r: Repo) -> str:
    return rename(r, f"decisions/{A.upper()}.yaml")


def hand_written(r: Repo, template: str) -> str:
    """A decision written by hand in some YAML style, outside decisions/, then edited."""
    text = template.format(id="dec-2026-05-01-x", text="Keep the guard post")
    r.add_decision("dec-2026-05-01-x", "misc/deep/old register.yml", text)
    return r.edit("dec-2026-05-01-x")


def raw_edit(r: Repo, message: bytes = b"tidy\n", author: bytes = b"Test Author") -> str:
    """An edit committed through an object written byte by byte."""
    r.tweak()
    return r.raw_commit(message, author)


def chmod_only(r: Repo) -> str:
    r.path(f"decisions/{A}.yaml").chmod(0o755)
    return r.commit("chmod")


def symlinked_decision(r: Repo) -> None:
    r.write("notes/real.txt", decision("dec-2026-05-01-l"))
    os.symlink("../notes/real.txt", r.path("decisions/linked.yaml"))
    r.commit("a decision kept elsewhere")


def symlink(r: Repo, target: str, content: str | None = None) -> None:
    if content is not None:
        r.write("notes/real.txt", content)
    os.symlink(target, r.path("decisions/linked.yaml"))
    r.commit("a record kept elsewhere")


def submodule(r: Repo) -> None:
    inner = r.top.parent / "inner"
    inner.mkdir()
    run_git(inner, "init", "-q", "-b", "main")
    (inner / "dec.yaml").write_text(decision("dec-2026-05-01-s"))
    run_git(inner, "add", ".")
    run_git(inner, "commit", "-q", "-m", "inner")
    r.git(
        "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(inner), "decisions/shared"
    )
    r.commit("share decisions")


def shallow_clone(r: Repo) -> None:
    """A clone with one commit of a history that is NOT intact (actions/checkout's default)."""
    r.edit()
    r.add_decision("dec-2026-05-01-later")
    clone = r.top.parent / "clone"
    run_git(r.top.parent, "clone", "-q", "--depth", "1", f"file://{r.top}", str(clone))
    r.top = clone


def unreadable_object(r: Repo) -> str:
    bad = r.edit()
    blob = r.git("rev-parse", f"{bad}:decisions/{A}.yaml").strip()
    (r.top / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    return bad


# ------------------------------------------------- pins that no longer hold


def amend_after_pin(r: Repo) -> str:
    pin = r.head()
    r.tweak()
    r.git("add", "-A")
    r.git("commit", "-q", "--amend", "--no-edit")
    return pin


def rebase_after_pin(r: Repo) -> str:
    """Reword the decision in the commit that added it, replaying everything after it."""
    pin = r.head()
    decide_commit = r.git("log", "--format=%H", "-n1", f"--grep=Decide {A}").strip()
    r.git("checkout", "-q", "-b", "rewrite", decide_commit)
    r.tweak()
    r.git("add", "-A")
    r.git("commit", "-q", "--amend", "--no-edit")
    r.git("rebase", "-q", "--onto", "rewrite", decide_commit, "main")
    return pin


def filter_branch_after_pin(r: Repo) -> str:
    pin = r.head()
    env = {**os.environ, "FILTER_BRANCH_SQUELCH_WARNING": "1"}
    subprocess.run(
        ["git", "filter-branch", "-f", "--tree-filter",
         f"sed -i 's/Keep the guard/Close the guard/' decisions/{A}.yaml || true", "main"],
        cwd=r.top, env=env, capture_output=True, check=True, timeout=120,
    )  # fmt: skip
    return pin


def other_branch_as_pin(r: Repo) -> str:
    r.git("checkout", "-q", "-b", "side")
    pin = r.edit()
    r.git("checkout", "-q", "main")
    return pin


# ------------------------------------------------------------- the matrix

Attack = Callable[[Repo], object]


@dataclass(frozen=True)
class Case:
    attack: Attack
    expect: str  # "breach" (names the returned commit(s)), "refused", "pinned", "intact"
    change: str | None = None  # the breach's `change`, or words the refusal contains


CASES = {
    "modify": Case(lambda r: r.edit(), "breach", "modified"),
    "modify-flow-style": Case(lambda r: hand_written(r, FLOW), "breach", "modified"),
    "modify-crlf": Case(lambda r: hand_written(r, CRLF), "breach", "modified"),
    "modify-escaped-kind": Case(lambda r: hand_written(r, ESCAPED), "breach", "modified"),
    "modify-outside-decisions": Case(lambda r: hand_written(r, BLOCK), "breach", "modified"),
    "rename": Case(rename, "breach", "renamed"),
    "rename-case-only": Case(case_only_rename, "breach", "renamed"),
    "delete": Case(delete, "breach", "deleted"),
    "delete-and-re-add": Case(delete_and_readd, "breach", "deleted"),
    "re-add-changed": Case(readd_changed, "breach", "modified"),
    "exclude": Case(exclude, "breach", "excluded"),
    "exclude-then-edit": Case(exclude_then_edit, "breach", "excluded"),
    "duplicate-id-other-file": Case(duplicate, "breach", "duplicate"),
    "duplicate-id-same-file": Case(duplicate_in_one_file, "breach", "duplicate"),
    "duplicate-then-removed": Case(duplicate_then_removed, "breach", "duplicate"),
    "change-id": Case(change_id, "breach", "modified"),
    "change-kind": Case(change_kind, "breach", "modified"),
    "break-yaml": Case(break_yaml, "breach", "modified"),
    "chmod-and-edit": Case(mode_and_content, "breach", "modified"),
    "forged-trailer-on-edit": Case(forged_trailer, "breach", "modified"),
    "record-separator-in-message": Case(lambda r: raw_edit(r, b"Tidy\x1e\n"), "breach", "modified"),
    "record-separator-in-author": Case(
        lambda r: raw_edit(r, author=b"Ev\x1eil"), "breach", "modified"
    ),
    "unit-separator-in-author": Case(
        lambda r: raw_edit(r, author=b"Ev\x1fil"), "breach", "modified"
    ),
    "move-workspace-with-edit": Case(lambda r: move_workspace(r, True), "breach", "modified"),
    "move-workspace-then-edit": Case(lambda r: move_workspace(r, False), "breach", "modified"),
    "edit-on-merged-branch": Case(edit_on_branch, "breach", "modified"),
    "edits-on-both-parents": Case(conflicting_edits, "breach", "modified"),
    "evil-merge": Case(evil_merge, "breach", "modified"),
    "merge-drops-decision": Case(merge_drops_branch_decision, "breach", "deleted"),
    "edit-reaches-main-by-fast-forward": Case(merge_main_into_edited_branch, "breach", "modified"),
    "rebase-carries-edit": Case(rebase_carries_edit, "breach", "modified"),
    "replace-the-edit-commit": Case(replace_edit_commit, "breach", "modified"),
    "replace-the-decide-commit": Case(replace_decide_commit, "breach", "modified"),
    "shallow-clone": Case(shallow_clone, "refused", "fetch-depth: 0"),
    "symlinked-decision": Case(symlinked_decision, "refused", "symbolic link"),
    "absolute-symlink": Case(lambda r: symlink(r, "/etc/hostname"), "refused", "symbolic link"),
    "symlinked-site-is-no-decision": Case(
        lambda r: symlink(r, "../notes/real.txt", SITE), "intact"
    ),
    "decisions-in-submodule": Case(submodule, "refused", "submodule"),
    "missing-object": Case(unreadable_object, "refused", "cannot be audited"),
    "newline-in-author": Case(lambda r: raw_edit(r, author=b"Ev\nil"), "refused", "cannot be read"),
    "amend-after-pin": Case(amend_after_pin, "pinned", "not an ancestor"),
    "rebase-after-pin": Case(rebase_after_pin, "pinned", "not an ancestor"),
    "filter-branch-after-pin": Case(filter_branch_after_pin, "pinned", "not an ancestor"),
    "pin-on-another-branch": Case(other_branch_as_pin, "pinned", "not an ancestor"),
    "chmod-only": Case(chmod_only, "intact", "mode"),
    "move-workspace-only": Case(move_workspace_only, "intact", None),
}


@pytest.fixture
def repo(git_identity: None, tmp_path: Path) -> Repo:
    top = tmp_path / "repo"
    top.mkdir()
    r = Repo(top)
    r.git("init", "-q", "-b", "main")
    r.write("vpsec.yaml", MINIMAL_CONFIG)
    r.write("sites/north.yaml", SITE)
    r.commit("initial records")
    r.add_decision(A)
    r.add_decision(B)
    return r


def audit(cli: RunCli, r: Repo, *args: str) -> tuple[int, dict | None, str]:  # type: ignore[type-arg]
    code, out, err = cli(r.root, "audit", "--format", "json", *args)
    return code, (json.loads(out) if code in (0, 1) else None), err


def assert_one_line_refusal(code: int, err: str, says: str | None) -> None:
    assert code == 2, err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert says is None or says in err, err


@pytest.mark.parametrize("name", list(CASES))
def test_tampering(repo: Repo, cli: RunCli, name: str) -> None:
    case = CASES[name]
    assert audit(cli, repo)[0] == 0  # the history starts intact
    named = case.attack(repo)
    if case.expect == "pinned":
        assert isinstance(named, str)
        code, _report, err = audit(cli, repo, "--since-commit", named)
        assert_one_line_refusal(code, err, case.change)
        return
    code, report, err = audit(cli, repo)
    if case.expect == "refused":
        assert_one_line_refusal(code, err, case.change)
        if isinstance(named, str):
            assert named[:12] in err
        return
    assert report is not None, err
    if case.expect == "intact":
        assert code == 0, report
        assert case.change is None or case.change in {n["change"] for n in report["notices"]}
        return
    assert code == 1, report
    assert report["intact"] is False
    assert case.change in {b["change"] for b in report["breaches"]}, report["breaches"]
    shas = {b["commit"]["sha"] for b in report["breaches"]}
    for sha in named if isinstance(named, list) else [named] if named else []:
        assert sha in shas, (sha, report["breaches"])
    code, text, _err = cli(repo.root, "audit")
    assert code == 1 and "NOT intact" in text


# ---------------------------------------- control bytes in messages, names and paths

BYTES = [bytes([b]) for b in [*range(0x20), 0x7F]] + [b"\xff\xfe"]
_UNSAFE_ON_A_TERMINAL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


@pytest.mark.parametrize("where", ["message", "author", "path"])
@pytest.mark.parametrize("byte", BYTES, ids=[f"x{b.hex()}" for b in BYTES])
def test_control_bytes(repo: Repo, cli: RunCli, byte: bytes, where: str) -> None:
    if where == "path":
        if byte in (b"\x00",):
            pytest.skip("git trees cannot hold a NUL in a name")
        name = os.fsdecode(b"decisions/odd" + byte + b"name.yaml")
        repo.add_decision("dec-2026-06-01-odd", name, decision("dec-2026-06-01-odd"))
        bad = repo.edit("dec-2026-06-01-odd")
    elif where == "message":
        repo.tweak()
        bad = repo.raw_commit(b"Tidy" + byte + b"\n\nmore" + byte + b"\n")
    else:
        repo.tweak()
        bad = repo.raw_commit(b"tidy\n", b"Ev" + byte + b"il")
    code, report, err = audit(cli, repo)
    if where == "author" and byte == b"\n":
        assert_one_line_refusal(code, err, bad[:12])  # the author line itself is broken
        return
    assert code == 1, err
    assert report is not None
    assert [b["commit"]["sha"] for b in report["breaches"]] == [bad]
    code, text, _err = cli(repo.root, "audit")
    assert code == 1
    assert not _UNSAFE_ON_A_TERMINAL.search(text), text
    code, out, _err = cli(repo.root, "log", "--format", "json")
    assert code == 0
    assert {e["id"] for e in json.loads(out)} >= {A, B}
