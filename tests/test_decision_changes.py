"""`audit.decision_changes`: what `vpsec diff` reports as audit breaches between two sides."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import MINIMAL_CONFIG, WriteWorkspace, git
from vpsec.audit import WORKTREE_REF, WorkingTreeSource, decision_changes, revision_ref
from vpsec.gitops import open_repository


def decision(record_id: str, text: str = "Keep the guard post") -> str:
    return (
        f"apiVersion: vpsec/v1\nkind: Decision\nid: {record_id}\ndate: 2026-03-01\n"
        f"text: {text}\nmade_by: Board\n"
    )


@pytest.fixture
def repo(git_identity: None, write_workspace: WriteWorkspace, tmp_path: Path) -> Path:
    top = tmp_path / "repo"
    write_workspace(
        {
            "decisions/a.yaml": decision("dec-a"),
            "decisions/b.yaml": decision("dec-b"),
            "decisions/c.yaml": decision("dec-c"),
            "notes/d.yaml": "{apiVersion: vpsec/v1, kind: Decision, id: dec-d, date: 2026-03-01,"
            " text: T, made_by: B}\n",
        },
        root=top / "ws",
    )
    git(top, "init", "-q", "-b", "main")
    git(top, "add", ".")
    git(top, "commit", "-q", "-m", "base")
    return top


def changes(top: Path, base: str, head: str | None) -> dict[str, str]:
    repository = open_repository(top / "ws")
    try:
        base_sha = repository.resolve(base)
        source = repository.tree_source(base_sha, "ws/", base)
        if head is None:
            entries = decision_changes(source, WorkingTreeSource(top / "ws"), WORKTREE_REF)
        else:
            head_sha = repository.resolve(head)
            entries = decision_changes(
                source,
                repository.tree_source(head_sha, "ws/", head),
                revision_ref(repository, head_sha),
            )
    finally:
        repository.close()
    assert all(entry.level == "breach" for entry in entries)
    return {entry.decision or "": entry.change for entry in entries}


def test_edits_renames_deletions_and_duplicates_between_revisions(repo: Path) -> None:
    ws = repo / "ws"
    (ws / "decisions/a.yaml").write_text(decision("dec-a", "Close the guard post"))
    git(repo, "mv", "ws/decisions/b.yaml", "ws/decisions/b-renamed.yaml")
    git(repo, "rm", "-q", "ws/decisions/c.yaml")
    (ws / "misc").mkdir()
    (ws / "misc/copy.yaml").write_text(decision("dec-d", "Another text"))
    (ws / "decisions/new.yaml").write_text(decision("dec-new"))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "head")
    assert changes(repo, "HEAD~1", "HEAD") == {
        "dec-a": "modified",
        "dec-b": "renamed",
        "dec-c": "deleted",
        "dec-d": "duplicate",
    }


def test_a_decision_edited_in_the_working_tree(repo: Path) -> None:
    (repo / "ws/notes/d.yaml").write_text(
        "{apiVersion: vpsec/v1, kind: Decision, id: dec-d, date: 2026-03-01, text: U, made_by: B}\n"
    )
    assert changes(repo, "HEAD", None) == {"dec-d": "modified"}


def test_an_exclude_that_hides_a_decision(repo: Path) -> None:
    (repo / "ws/vpsec.yaml").write_text(MINIMAL_CONFIG + "exclude: [notes]\n")
    git(repo, "commit", "-q", "-am", "hide notes")
    assert changes(repo, "HEAD~1", "HEAD") == {"dec-d": "excluded"}


def test_no_change_to_decisions_is_no_entry(repo: Path) -> None:
    (repo / "ws/decisions/new.yaml").write_text(decision("dec-new"))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a new decision only")
    assert changes(repo, "HEAD~1", "HEAD") == {}
