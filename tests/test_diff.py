"""`vpsec diff` between git revisions and the working tree."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import AS_OF, EXAMPLE, VPSEC, WriteWorkspace, git
from vpsec.diff import changed_fields
from vpsec.render.markdown_text import markdown_text

SITE = """\
apiVersion: vpsec/v1
kind: Site
id: north
name: North Mine
country: CD
region: South Kivu
"""

SITE_SOUTH = """\
apiVersion: vpsec/v1
kind: Site
id: south
name: South Mine
country: CD
"""


def commit_all(root: Path, message: str) -> str:
    git(root, "add", "-A", ".")
    git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


@pytest.fixture
def repo(git_identity: None, write_workspace: WriteWorkspace) -> Path:
    root = write_workspace({"sites/north.yaml": SITE, "sites/south.yaml": SITE_SOUTH})
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "initial")
    return root


def diff_json(cli, root: Path, *args: str) -> tuple[int, dict]:  # type: ignore[no-untyped-def,type-arg]
    code, out, err = cli(root, "diff", *args, "--format", "json", "--as-of", AS_OF)
    assert code in (0, 1), err
    return code, json.loads(out)


def test_added_removed_and_changed_fields(repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    base = git(repo, "rev-parse", "HEAD").strip()
    (repo / "sites" / "north.yaml").write_text(
        SITE.replace("South Kivu", "North Kivu") + "context:\n  lawlessness: high\n"
    )
    (repo / "sites" / "south.yaml").unlink()
    (repo / "sites" / "east.yaml").write_text(SITE_SOUTH.replace("south", "east"))
    _code, report = diff_json(cli, repo, "HEAD")
    assert report["base"] == base
    assert report["head"] == "WORKTREE"
    assert report["records"]["added"] == ["east"]
    assert report["records"]["removed"] == ["south"]
    (changed,) = report["records"]["changed"]
    assert {k: changed[k] for k in ("id", "fields")} == {
        "id": "north",
        "fields": ["region", "context"],
    }
    # The values themselves, under a key of their own so cli.md's shape still holds.
    assert changed["values"] == [
        {"field": "region", "old": "South Kivu", "new": "North Kivu"},
        {"field": "context", "old": None, "new": {"lawlessness": "high"}},
    ]
    # The same between two commits.
    head = commit_all(repo, "edit")
    _code, between = diff_json(cli, repo, base, "HEAD")
    assert between["head"] == head
    assert between["records"] == report["records"]


def test_nested_fields_are_dotted() -> None:
    old = {"id": "t", "receipt": {"signed": False, "date": "2026-01-01"}, "items": [1]}
    new = {"id": "t", "receipt": {"signed": True, "date": "2026-01-01"}, "items": [1, 2]}
    assert changed_fields(old, new) == ["receipt.signed", "items"]


def test_renamed_file_and_moved_record_are_not_added_and_removed(repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    git(repo, "mv", "sites/north.yaml", "sites/north-mine.yaml")
    # south moves into a file holding two documents, with one field changed.
    (repo / "sites" / "south.yaml").unlink()
    (repo / "sites" / "more.yaml").write_text(
        SITE_SOUTH.replace("South Mine", "South Pit")
        + "---\n"
        + SITE_SOUTH.replace("south", "west")
    )
    _code, report = diff_json(cli, repo, "HEAD")
    assert report["records"]["added"] == ["west"]
    assert report["records"]["removed"] == []
    assert report["records"]["changed"] == [
        {
            "id": "south",
            "fields": ["name"],
            "values": [{"field": "name", "old": "South Mine", "new": "South Pit"}],
        }
    ]
    code, out, _err = cli(repo, "diff", "HEAD", "--as-of", AS_OF)
    assert code == 0
    assert "north: sites/north.yaml → sites/north-mine.yaml" in out


def _example_repo(tmp_path: Path) -> Path:
    root = tmp_path / "lakeside"
    shutil.copytree(EXAMPLE, root)
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "import")
    return root


def _fix_one_break_another(root: Path) -> None:
    """Sign trf-2026-007's receipt (fixes TRF001) and add an unsigned transfer (new TRF001)."""
    signed = root / "transfers" / "trf-2026-007.yaml"
    signed.write_text(signed.read_text().replace("  signed: false\n", "  signed: true\n"))
    new = (root / "transfers" / "trf-2026-003.yaml").read_text()
    new = new.replace("id: trf-2026-003", "id: trf-2026-099").replace(
        "  signed: true\n", "  signed: false\n"
    )
    (root / "transfers" / "trf-2026-099.yaml").write_text(new)


def test_findings_introduced_and_resolved(git_identity: None, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _example_repo(tmp_path)
    git(root, "checkout", "-q", "-b", "change")
    _fix_one_break_another(root)
    commit_all(root, "sign one receipt, add a transfer")
    code, report = diff_json(cli, root, "main", "change")
    assert code == 1  # a new error
    introduced = [(f["rule"], f["record"]) for f in report["findings"]["introduced"]]
    resolved = [(f["rule"], f["record"]) for f in report["findings"]["resolved"]]
    assert ("TRF001", "trf-2026-099") in introduced
    assert ("TRF001", "trf-2026-007") in resolved
    assert ("TRF001", "trf-2026-007") not in introduced
    assert report["records"]["added"] == ["trf-2026-099"]
    assert {
        "id": "trf-2026-007",
        "fields": ["receipt.signed"],
        "values": [{"field": "receipt.signed", "old": False, "new": True}],
    } in report["records"]["changed"]
    for finding in report["findings"]["introduced"]:
        assert set(finding) >= {"rule", "severity", "title", "message", "path", "line"}
    assert diff_json(cli, root, "main", "change", "--fail-on", "never")[0] == 0
    # Fixing without breaking anything exits 0.
    git(root, "rm", "-q", "transfers/trf-2026-099.yaml")
    commit_all(root, "drop the unsigned transfer")
    code, report = diff_json(cli, root, "main", "change")
    assert code == 0
    assert report["findings"]["introduced"] == []


def test_shifted_lines_do_not_introduce_findings(
    git_identity: None,
    tmp_path: Path,
    cli,  # type: ignore[no-untyped-def]
) -> None:
    root = _example_repo(tmp_path)
    transfer = root / "transfers" / "trf-2026-007.yaml"
    text = transfer.read_text()
    transfer.write_text(text.replace("kind: Transfer\n", "kind: Transfer\n# a comment\n\n"))
    code, report = diff_json(cli, root, "HEAD")
    assert code == 0
    assert report["findings"] == {"introduced": [], "resolved": []}
    assert report["records"]["changed"] == []


def test_markdown_is_a_pr_comment_with_escaped_text(
    git_identity: None,
    tmp_path: Path,
    cli,  # type: ignore[no-untyped-def]
) -> None:
    root = _example_repo(tmp_path)
    _fix_one_break_another(root)
    code, out, err = cli(root, "diff", "HEAD", "--format", "markdown", "--as-of", AS_OF)
    assert code == 1, err
    # A hidden marker first, so a bot can find its own comment and update it.
    assert out.startswith("<!-- vpsec-diff -->\n## vpsec: HEAD → working tree")
    assert "1 finding introduced, 1 resolved" in out
    # The new error comes with a link to its rule's documentation.
    assert "[TRF001](https://" in out
    assert "### Findings introduced" in out
    assert "### Record changes" in out
    assert markdown_text("a | b <script> *x*\nnext") == r"a \| b &lt;script&gt; \*x\* next"


def test_output_file(repo: Path, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "diff.json"
    code, out, _err = cli(repo, "diff", "HEAD", "--format", "json", "--output", str(target))
    assert code == 0
    assert out == ""
    assert json.loads(target.read_text())["head"] == "WORKTREE"


@pytest.mark.parametrize("revision", ["no-such-branch", "HEAD~5"])
def test_nonexistent_revision(repo: Path, cli, revision: str) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = cli(repo, "diff", revision)
    assert code == 2
    assert revision in err
    code, _out, err = cli(repo, "diff", "HEAD", revision)
    assert code == 2
    assert revision in err


def test_option_looking_revision_never_reaches_git(repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "pwned.txt"
    for args in (["--", f"--output={target}"], ["HEAD", "--", f"--output={target}"]):
        done = subprocess.run(
            [str(VPSEC), "diff", *args],
            cwd=repo,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert done.returncode == 2, done.stdout
        assert "not a revision" in done.stderr
        assert not target.exists()


def test_worktree_is_untouched(git_identity: None, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _example_repo(tmp_path)
    git(root, "checkout", "-q", "-b", "change")
    _fix_one_break_another(root)
    commit_all(root, "change")
    (root / "sites" / "kamituga.yaml").write_text(
        (root / "sites" / "kamituga.yaml").read_text() + "notes: edited, not staged\n"
    )
    (root / "untracked.yaml").write_text("apiVersion: vpsec/v1\n")
    status = git(root, "status", "--porcelain", "--untracked-files=all")
    contents = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".git" not in p.parts}
    for args in (["main", "change"], ["main"], ["change~1"]):
        code, _out, err = cli(root, "diff", *args, "--as-of", AS_OF)
        assert code in (0, 1), err
    assert git(root, "status", "--porcelain", "--untracked-files=all") == status
    assert git(root, "rev-parse", "--abbrev-ref", "HEAD").strip() == "change"
    after = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".git" not in p.parts}
    assert after == contents


def test_workspace_in_a_subfolder_and_a_base_before_it_existed(
    git_identity: None,
    write_workspace: WriteWorkspace,
    tmp_path: Path,
    cli,  # type: ignore[no-untyped-def]
) -> None:
    top = tmp_path / "repo"
    top.mkdir()
    (top / "README.md").write_text("before the workspace\n")
    git(top, "init", "-q", "-b", "main")
    commit_all(top, "readme")
    root = write_workspace({"sites/north.yaml": SITE}, root=top / "sec" / "ws")
    commit_all(top, "workspace")
    (root / "sites" / "north.yaml").write_text(SITE.replace("North Mine", "North Pit"))
    _code, report = diff_json(cli, root, "HEAD")
    assert [{"id": c["id"], "fields": c["fields"]} for c in report["records"]["changed"]] == [
        {"id": "north", "fields": ["name"]}
    ]
    _code, report = diff_json(cli, root, "HEAD~1", "HEAD")
    assert report["records"]["added"] == ["north"]
    assert report["records"]["removed"] == []


def test_bad_format(repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = cli(repo, "diff", "HEAD", "--format", "sarif")
    assert code == 2
    assert "--format" in err


def test_a_changed_value_does_not_make_old_findings_new(
    git_identity: None,
    tmp_path: Path,
    cli,  # type: ignore[no-untyped-def]
) -> None:
    """Findings whose message quotes the headcount are the same findings after it changes."""
    root = _example_repo(tmp_path)
    deployment = root / "deployments" / "dep-kamituga-pnc-2026.yaml"
    deployment.write_text(
        deployment.read_text()
        .replace("headcount: 24\n", "headcount: 36\n")
        .replace("end: 2027-01-31\n", "end: 2028-06-30\n")
    )
    _code, out, err = cli(root, "diff", "HEAD", "--format", "markdown", "--as-of", AS_OF)
    assert "headcount 24 → 36 (+50%)" in out, err
    assert "end 2027-01-31 → 2028-06-30 (+516 days)" in out
    _code, report = diff_json(cli, root, "HEAD")
    before = {(f["rule"], f["record"]) for f in report["findings"]["resolved"]}
    after = {(f["rule"], f["record"]) for f in report["findings"]["introduced"]}
    # Whatever the longer deployment adds or fixes, no finding is both "resolved" and "new".
    assert not before & after


def test_settings_changes_are_shown_and_waivers_flagged(
    git_identity: None,
    tmp_path: Path,
    cli,  # type: ignore[no-untyped-def]
) -> None:
    root = _example_repo(tmp_path)
    config = root / "vpsec.yaml"
    config.write_text(
        config.read_text()
        + "\n".join(
            [
                "",
                "# added by the change under review",
                "waivers:" if "waivers:" not in config.read_text() else "",
            ]
        )
    )
    text = config.read_text()
    waiver = (
        "  - rule: TRF001\n    record: trf-2026-007\n    reason: receipt is on its way\n"
        "    approved_by: Head of Security\n    expires: 2027-01-31\n"
    )
    if "waivers:\n" in text:
        text = text.replace("waivers:\n", "waivers:\n" + waiver, 1)
    config.write_text(text)
    _code, out, err = cli(root, "diff", "HEAD", "--as-of", AS_OF)
    assert "Settings changed (vpsec.yaml)" in out, err
    assert "REVIEW waiver added: TRF001 on trf-2026-007 until 2027-01-31" in out


def test_a_record_hidden_by_a_new_exclude_is_shown_as_hidden(
    git_identity: None,
    tmp_path: Path,
    cli,  # type: ignore[no-untyped-def]
) -> None:
    root = _example_repo(tmp_path)
    config = root / "vpsec.yaml"
    text = config.read_text()
    assert "exclude: [reports/]" in text
    config.write_text(
        text.replace("exclude: [reports/]", "exclude: [reports/, transfers/trf-2026-007.yaml]")
    )
    _code, report = diff_json(cli, root, "HEAD")
    assert report["records"]["hidden"] == ["trf-2026-007"]
    assert "trf-2026-007" not in report["records"]["removed"]
    assert {"change": "exclude: added transfers/trf-2026-007.yaml", "review": False} in report[
        "settings"
    ]


def test_an_edited_decision_is_an_audit_breach_not_a_field_change(
    git_identity: None,
    tmp_path: Path,
    cli,  # type: ignore[no-untyped-def]
) -> None:
    root = _example_repo(tmp_path)
    decision = root / "decisions" / "dec-2026-001.yaml"
    text = decision.read_text()
    decision.write_text(text.replace("text: ", "text: Revised. ", 1))
    code, out, err = cli(root, "diff", "HEAD", "--fail-on", "never", "--as-of", AS_OF)
    assert code == 1, err  # a breach fails the review whatever --fail-on says
    assert "audit breaches" in out and "dec-2026-001" in out
    code, md, err = cli(root, "diff", "HEAD", "--format", "markdown", "--as-of", AS_OF)
    assert "**the audit trail is NOT intact**" in md, err
    _code, report = diff_json(cli, root, "HEAD")
    assert [b["decision"] for b in report["breaches"]] == ["dec-2026-001"]
    assert report["breaches"][0]["change"] == "modified"
