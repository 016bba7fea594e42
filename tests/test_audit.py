"""`vpsec audit` on real git histories, tampered with by plain git."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import EXAMPLE, VPSEC, WriteWorkspace, git

SITE = """\
apiVersion: vpsec/v1
kind: Site
id: north
name: North Mine
country: CD
"""

HAND_DECISION = """\
apiVersion: vpsec/v1
kind: Decision
id: dec-by-hand
date: 2026-03-01
text: Imported from the old register.
made_by: Board
"""


@pytest.fixture
def repo(git_identity: None, write_workspace: WriteWorkspace) -> Path:
    root = write_workspace({"sites/north.yaml": SITE})
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "initial records")
    return root


def decide(cli, root: Path, text: str) -> str:  # type: ignore[no-untyped-def]
    code, out, err = cli(root, "decide", text, "--by", "Board")
    assert code == 0, err
    return re.search(r"dec-[0-9a-z-]+", out).group(0)  # type: ignore[union-attr]


def audit_json(cli, root: Path, *args: str) -> tuple[int, dict]:  # type: ignore[no-untyped-def,type-arg]
    code, out, err = cli(root, "audit", "--format", "json", *args)
    assert code in (0, 1), err
    return code, json.loads(out)


def head(root: Path) -> str:
    return git(root, "rev-parse", "HEAD").strip()


def test_clean_trail_passes(repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    decide(cli, repo, "One")
    decide(cli, repo, "Two")
    code, report = audit_json(cli, repo)
    assert code == 0
    assert report["intact"] is True
    assert report["breaches"] == []
    assert report["notices"] == []
    assert report["decisions_added"] == 2
    code, out, _err = cli(repo, "audit")
    assert code == 0
    assert "intact" in out


@pytest.mark.parametrize("tamper", ["modify", "rename", "delete"])
def test_each_tampering_is_a_breach_naming_its_commit(repo: Path, cli, tamper: str) -> None:  # type: ignore[no-untyped-def]
    record_id = decide(cli, repo, "Keep the guard post")
    decide(cli, repo, "Another one")
    path = f"decisions/{record_id}.yaml"
    if tamper == "modify":
        file = repo / path
        file.write_text(file.read_text().replace("Keep the guard", "Close the guard"))
        git(repo, "commit", "-q", "-am", "reword")
    elif tamper == "rename":
        git(repo, "mv", path, "decisions/renamed.yaml")
        git(repo, "commit", "-q", "-m", "tidy names")
    else:
        git(repo, "rm", "-q", path)
        git(repo, "commit", "-q", "-m", "clean up")
    bad = head(repo)
    decide(cli, repo, "Later, legitimate")
    code, report = audit_json(cli, repo)
    assert code == 1
    assert report["intact"] is False
    (breach,) = report["breaches"]
    expected = {"modify": "modified", "rename": "renamed", "delete": "deleted"}[tamper]
    assert breach["change"] == expected
    assert breach["decision"] == record_id
    assert breach["path"] == path
    assert breach["commit"]["sha"] == bad
    assert breach["commit"]["author"] == "Test Author"
    assert breach["commit"]["subject"] in ("reword", "tidy names", "clean up")
    code, out, _err = cli(repo, "audit")
    assert code == 1
    assert bad[:12] in out
    assert "NOT intact" in out


def test_a_decision_outside_the_decisions_folder_is_still_protected(repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    (repo / "misc").mkdir()
    (repo / "misc" / "old.yaml").write_text(HAND_DECISION)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "import", "-m", "Vpsec-Decision: dec-by-hand")
    (repo / "misc" / "old.yaml").write_text(HAND_DECISION.replace("Board", "Someone"))
    git(repo, "commit", "-q", "-am", "edit")
    code, report = audit_json(cli, repo)
    assert code == 1
    (breach,) = report["breaches"]
    assert breach["path"] == "misc/old.yaml"
    assert breach["commit"]["sha"] == head(repo)


def test_decision_added_by_hand_is_a_notice_not_a_breach(repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    (repo / "decisions").mkdir()
    (repo / "decisions" / "dec-by-hand.yaml").write_text(HAND_DECISION)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "import old register")
    code, report = audit_json(cli, repo)
    assert code == 0
    (notice,) = report["notices"]
    assert notice["decision"] == "dec-by-hand"
    assert notice["commit"]["sha"] == head(repo)
    assert "Vpsec-Decision" in notice["message"]


def test_since_commit_skips_earlier_history(repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    record_id = decide(cli, repo, "Original")
    file = repo / "decisions" / f"{record_id}.yaml"
    file.write_text(file.read_text().replace("Original", "Edited"))
    git(repo, "commit", "-q", "-am", "old tampering, already reviewed")
    known_good = head(repo)
    later = decide(cli, repo, "Later")
    assert audit_json(cli, repo)[0] == 1
    code, report = audit_json(cli, repo, "--since-commit", known_good)
    assert code == 0
    assert report["since_commit"] == known_good
    assert report["decisions_added"] == 1
    # A change after the pinned commit to a decision added before it is still caught.
    file.write_text(file.read_text().replace("Edited", "Edited again"))
    git(repo, "commit", "-q", "-am", "new tampering")
    code, report = audit_json(cli, repo, "--since-commit", known_good)
    assert code == 1
    assert [b["commit"]["sha"] for b in report["breaches"]] == [head(repo)]
    assert later in git(repo, "ls-tree", "--name-only", "HEAD", "decisions/")


@pytest.mark.parametrize("revision", ["no-such-commit", "--output=/tmp/x"])
def test_since_commit_must_resolve(repo: Path, cli, revision: str) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = cli(repo, "audit", f"--since-commit={revision}")
    assert code == 2
    assert revision in err


def test_tampering_on_a_merged_branch_is_reported_once(repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    record_id = decide(cli, repo, "Shared decision")
    git(repo, "checkout", "-q", "-b", "side")
    file = repo / "decisions" / f"{record_id}.yaml"
    file.write_text(file.read_text().replace("Shared", "Quietly changed"))
    git(repo, "commit", "-q", "-am", "edit on a branch")
    bad = head(repo)
    git(repo, "checkout", "-q", "main")
    decide(cli, repo, "Main goes on")
    git(repo, "merge", "-q", "--no-edit", "side")
    code, report = audit_json(cli, repo)
    assert code == 1
    assert [b["commit"]["sha"] for b in report["breaches"]] == [bad]


def test_merge_that_drops_a_decision_added_on_a_branch_is_a_breach(repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    git(repo, "checkout", "-q", "-b", "side")
    dropped = decide(cli, repo, "Made on the branch")
    git(repo, "checkout", "-q", "main")
    decide(cli, repo, "Made on main")
    git(repo, "merge", "-q", "--no-edit", "-s", "ours", "side")
    merge = head(repo)
    code, report = audit_json(cli, repo)
    assert code == 1
    (breach,) = report["breaches"]
    assert breach["commit"]["sha"] == merge
    assert breach["decision"] == dropped


def test_clean_merge_of_two_branches_passes(repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    git(repo, "checkout", "-q", "-b", "side")
    decide(cli, repo, "Made on the branch")
    git(repo, "checkout", "-q", "main")
    decide(cli, repo, "Made on main")
    git(repo, "merge", "-q", "--no-edit", "side")
    code, report = audit_json(cli, repo)
    assert code == 0, report
    assert report["decisions_added"] == 2


def test_require_signed_reports_unsigned_decision_commits(repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    record_id = decide(cli, repo, "Unsigned")
    assert audit_json(cli, repo)[0] == 0
    code, report = audit_json(cli, repo, "--require-signed")
    assert code == 1
    (breach,) = report["breaches"]
    assert breach["change"] == "unsigned"
    assert breach["decision"] == record_id
    assert breach["commit"]["sha"] == head(repo)


def test_not_a_repository(git_identity: None, write_workspace: WriteWorkspace, cli) -> None:  # type: ignore[no-untyped-def]
    root = write_workspace({"sites/north.yaml": SITE})
    code, _out, err = cli(root, "audit")
    assert code == 2
    assert "not in a git repository" in err


def _vpsec(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VPSEC), *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=120
    )


@pytest.mark.slow
def test_example_workspace_end_to_end(git_identity: None, tmp_path: Path) -> None:
    """decide, log, audit, tamper with plain git, audit again: through the real command."""
    top = tmp_path / "company"
    root = top / "lakeside"
    shutil.copytree(EXAMPLE, root)
    git(top, "init", "-q", "-b", "main")
    git(top, "add", ".")
    git(top, "commit", "-q", "-m", "import the security arrangements")

    done = _vpsec(
        root,
        "decide",
        "Suspend fuel transfers to the escort until the missing receipt is signed",
        "--by",
        "Head of Security",
        "--meeting",
        "mtg-2026-07-02-apurimac",
        "--record",
        "trf-2026-007",
        "--supersedes",
        "dec-2026-002",
    )
    assert done.returncode == 0, done.stderr
    record_id = re.search(r"dec-[0-9a-z-]+", done.stdout).group(0)  # type: ignore[union-attr]

    done = _vpsec(root, "log", "--format", "json")
    assert done.returncode == 0, done.stderr
    entries = {e["id"]: e for e in json.loads(done.stdout)}
    assert set(entries) == {"dec-2026-001", "dec-2026-002", "dec-2026-003", record_id}
    assert entries["dec-2026-002"]["superseded_by"] == record_id
    assert entries[record_id]["records"] == ["trf-2026-007"]

    done = _vpsec(root, "audit")
    assert done.returncode == 0, done.stdout
    assert done.stdout.count("NOTICE") == 3  # the imported decisions carry no trailer

    assert _vpsec(root, "validate").returncode == 0

    target = root / "decisions" / "dec-2026-001.yaml"
    target.write_text(target.read_text().replace("Daniel Hartley", "Somebody Else"))
    git(top, "commit", "-q", "-am", "correct a name")
    tampered = head(top)

    done = _vpsec(root, "audit", "--format", "json")
    assert done.returncode == 1
    report = json.loads(done.stdout)
    (breach,) = report["breaches"]
    assert breach["commit"]["sha"] == tampered
    assert breach["path"] == "decisions/dec-2026-001.yaml"
    done = _vpsec(root, "audit", "--since-commit", tampered)
    assert done.returncode == 0, done.stdout


def test_files_excluded_by_the_workspace_are_not_decisions(
    git_identity: None,
    write_workspace: WriteWorkspace,
    cli,  # type: ignore[no-untyped-def]
) -> None:
    """`exclude` says which files are records, for the audit as for the loader."""
    config = "apiVersion: vpsec/v1\nkind: Workspace\norganisation: Test\nexclude: [drafts]\n"
    root = write_workspace({"sites/north.yaml": SITE, "drafts/d.yaml": HAND_DECISION}, config)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "initial records and a draft")
    (root / "drafts" / "d.yaml").write_text(HAND_DECISION.replace("Board", "Someone"))
    git(root, "commit", "-q", "-am", "rework the draft")
    code, report = audit_json(cli, root)
    assert code == 0, report
    assert report["decisions_added"] == 0


def test_the_audited_head_is_reported_to_pin_next_time(repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    decide(cli, repo, "One")
    code, report = audit_json(cli, repo)
    assert code == 0
    assert report["head_commit"] == head(repo)
    decide(cli, repo, "Two")
    code, report = audit_json(cli, repo, "--since-commit", report["head_commit"])
    assert (code, report["commits"], report["decisions_added"]) == (0, 1, 1)
    code, out, _err = cli(repo, "audit")
    assert f"up to {head(repo)[:12]}" in out.splitlines()[0]
