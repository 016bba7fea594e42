"""`vpsec decide` and `vpsec log` on real temporary git repositories."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from conftest import VPSEC, WriteWorkspace, git
from vpsec.load.yamlread import parse_documents
from vpsec.models import Decision

SITE = """\
apiVersion: vpsec/v1
kind: Site
id: north
name: North Mine
country: CD
"""

MEETING = """\
apiVersion: vpsec/v1
kind: Meeting
id: mtg-1
date: 2026-05-01
site: north
level: local
counterpart: public_security
participants:
  - name: A. Officer
    organisation: Police
"""


def run(
    cwd: Path, *args: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    """Run the CLI in this process, through the same error handling as the console script."""
    from vpsec.cli import app
    from vpsec.cli.errors import run as run_app

    monkeypatch.chdir(cwd)
    capsys.readouterr()
    code = run_app(app, list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def repo(git_identity: None, write_workspace: WriteWorkspace) -> Path:
    """A workspace at the top of a git repository with one commit."""
    root = write_workspace({"sites/north.yaml": SITE, "meetings/mtg-1.yaml": MEETING})
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "initial records")
    return root


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    def call(cwd: Path, *args: str) -> tuple[int, str, str]:
        return run(cwd, *args, monkeypatch=monkeypatch, capsys=capsys)

    return call


def head(root: Path) -> str:
    return git(root, "rev-parse", "HEAD").strip()


def decision_files(root: Path) -> list[str]:
    folder = root / "decisions"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_decide_commits_exactly_the_decision_file(repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    before = head(repo)
    code, out, err = cli(
        repo,
        "decide",
        "Stop fuel transfers to the police until receipts are signed",
        "--by",
        "Head of Security",
        "--meeting",
        "mtg-1",
        "--record",
        "north",
        "--rationale",
        "Two receipts are missing.",
    )
    assert code == 0, err
    match = re.search(r"(dec-\d{4}-\d{2}-\d{2}-[0-9a-f]+).*commit ([0-9a-f]{40})", out)
    assert match, out
    record_id, sha = match.groups()
    assert head(repo) == sha
    assert git(repo, "rev-parse", f"{sha}^").strip() == before
    files = git(repo, "show", "--name-only", "--format=", sha).split()
    assert files == [f"decisions/{record_id}.yaml"]
    message = git(repo, "show", "-s", "--format=%B", sha)
    assert message.splitlines()[0] == "Stop fuel transfers to the police until receipts are signed"
    assert "Two receipts are missing." in message
    trailers = git(repo, "show", "-s", "--format=%(trailers:only,unfold)", sha)
    assert f"Vpsec-Decision: {record_id}" in trailers
    assert "Vpsec-Meeting: mtg-1" in trailers
    assert "Vpsec-Record: north" in trailers
    text = (repo / "decisions" / f"{record_id}.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schemas/decision.json\n")
    decision = Decision.model_validate(parse_documents(text)[0].value)
    assert decision.id == record_id
    assert decision.meeting == "mtg-1"
    assert decision.records == ["north"]
    assert decision.made_by == "Head of Security"
    assert git(repo, "status", "--porcelain") == ""


def test_long_text_is_cut_in_the_subject_and_kept_in_the_body(repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    text = "Security " + "and human rights " * 10 + '| with: odd # characters "quoted"'
    code, _out, err = cli(repo, "decide", text, "--by", "Board")
    assert code == 0, err
    subject = git(repo, "show", "-s", "--format=%s", "HEAD").strip()
    assert len(subject) <= 72
    assert subject.endswith("…")
    assert text in git(repo, "show", "-s", "--format=%B", "HEAD")
    (name,) = decision_files(repo)
    value = parse_documents((repo / "decisions" / name).read_text(encoding="utf-8"))[0].value
    assert value["text"] == text


def test_staged_unrelated_change_stays_staged_and_uncommitted(repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    (repo / "notes.txt").write_text("draft\n", encoding="utf-8")
    git(repo, "add", "notes.txt")
    site = repo / "sites" / "north.yaml"
    site.write_text(SITE + "region: South Kivu\n", encoding="utf-8")  # modified, not staged
    code, _out, err = cli(repo, "decide", "Keep the guard post", "--by", "Board")
    assert code == 0, err
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split()[0].startswith("decisions/")
    assert len(git(repo, "show", "--name-only", "--format=", "HEAD").split()) == 1
    status = git(repo, "status", "--porcelain").splitlines()
    assert "A  notes.txt" in status
    assert " M sites/north.yaml" in status
    assert site.read_text(encoding="utf-8").endswith("region: South Kivu\n")


def _snapshot(root: Path) -> tuple[str, str, list[str]]:
    return head(root), git(root, "status", "--porcelain"), decision_files(root)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--meeting", "mtg-404"], "mtg-404"),
        (["--meeting", "north"], "not a Meeting"),
        (["--record", "nothing-here"], "nothing-here"),
        (["--supersedes", "mtg-1"], "not a Decision"),
        (["--supersedes", "dec-missing"], "dec-missing"),
    ],
)
def test_unknown_references_are_refused(repo: Path, cli, args: list[str], says: str) -> None:  # type: ignore[no-untyped-def]
    before = _snapshot(repo)
    code, _out, err = cli(repo, "decide", "Something", "--by", "Board", *args)
    assert code == 2
    assert says in err
    assert "Traceback" not in err
    assert _snapshot(repo) == before


def test_not_a_git_repository_is_refused(
    git_identity: None,
    write_workspace: WriteWorkspace,
    cli,  # type: ignore[no-untyped-def]
) -> None:
    root = write_workspace({"sites/north.yaml": SITE})
    code, _out, err = cli(root, "decide", "Something", "--by", "Board")
    assert code == 2
    assert "not in a git repository" in err
    assert not (root / "decisions").exists()


def test_existing_decision_file_is_refused(
    repo: Path,
    cli,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import vpsec.decide

    monkeypatch.setattr(vpsec.decide, "new_decision_id", lambda *_a: "dec-2026-05-01-fixed")
    (repo / "decisions").mkdir()
    existing = repo / "decisions" / "dec-2026-05-01-fixed.yaml"
    existing.write_text("# someone else's\n", encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "placeholder")
    before = _snapshot(repo)
    code, _out, err = cli(repo, "decide", "Something", "--by", "Board")
    assert code == 2
    assert "already exists" in err
    assert existing.read_text(encoding="utf-8") == "# someone else's\n"
    assert _snapshot(repo) == before


def test_merge_in_progress_is_refused(repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    site = repo / "sites" / "north.yaml"
    git(repo, "checkout", "-q", "-b", "other")
    site.write_text(SITE + "region: One\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "one")
    git(repo, "checkout", "-q", "main")
    site.write_text(SITE + "region: Two\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "two")
    git(repo, "merge", "other", check=False)
    assert (repo / ".git" / "MERGE_HEAD").exists()
    before = _snapshot(repo)
    code, _out, err = cli(repo, "decide", "Something", "--by", "Board")
    assert code == 2
    assert "merge is in progress" in err
    assert _snapshot(repo) == before


def test_detached_head_is_refused(repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    git(repo, "checkout", "-q", "--detach", "HEAD")
    before = _snapshot(repo)
    code, _out, err = cli(repo, "decide", "Something", "--by", "Board")
    assert code == 2
    assert "detached" in err
    assert _snapshot(repo) == before


def test_held_index_lock_is_refused(repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    lock = repo / ".git" / "index.lock"
    lock.write_text("", encoding="utf-8")
    try:
        before = _snapshot(repo)
        code, _out, err = cli(repo, "decide", "Something", "--by", "Board")
        assert code == 2
        assert "index.lock" in err
        assert _snapshot(repo) == before
    finally:
        lock.unlink()


def test_failed_commit_leaves_neither_file_nor_commit(repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'hook says no' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    before = _snapshot(repo)
    code, _out, err = cli(repo, "decide", "Something", "--by", "Board")
    assert code == 2
    assert "git refused the commit" in err
    assert _snapshot(repo) == before
    assert git(repo, "diff", "--cached", "--name-only") == ""


def test_gitignored_decisions_folder_is_refused_with_the_whole_reason(repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    (repo / ".gitignore").write_text("decisions/\n", encoding="utf-8")
    git(repo, "add", ".gitignore")
    git(repo, "commit", "-q", "-m", "ignore decisions")
    before = _snapshot(repo)
    code, _out, err = cli(repo, "decide", "Something", "--by", "Board")
    assert code == 2
    # git's own message ends in a colon before the list of paths: the list is kept.
    assert "ignored by one of your .gitignore files: decisions" in err
    assert len(err.strip().splitlines()) == 1
    assert _snapshot(repo) == before
    assert git(repo, "diff", "--cached", "--name-only") == ""


def test_workspace_in_a_subfolder_of_the_repository(
    git_identity: None,
    write_workspace: WriteWorkspace,
    tmp_path: Path,
    cli,  # type: ignore[no-untyped-def]
) -> None:
    top = tmp_path / "repo"
    root = write_workspace({"sites/north.yaml": SITE}, root=top / "security" / "ws")
    (top / "README.md").write_text("top\n", encoding="utf-8")
    git(top, "init", "-q", "-b", "main")
    git(top, "add", ".")
    git(top, "commit", "-q", "-m", "initial")
    code, _out, err = cli(root / "sites", "decide", "Keep it", "--by", "Board", "--record", "north")
    assert code == 0, err
    (path,) = git(top, "show", "--name-only", "--format=", "HEAD").split()
    assert re.fullmatch(r"security/ws/decisions/dec-[0-9a-z-]+\.yaml", path)
    code, out, err = cli(root, "log", "--format", "json")
    assert code == 0, err
    (entry,) = json.loads(out)
    assert entry["records"] == ["north"]
    assert entry["path"].startswith("decisions/")


def test_log_across_a_merge_of_two_branches_with_superseded_by(repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _err = cli(repo, "decide", "First decision", "--by", "Board", "--meeting", "mtg-1")
    assert code == 0
    first = re.search(r"dec-[0-9a-z-]+", out).group(0)  # type: ignore[union-attr]
    git(repo, "checkout", "-q", "-b", "branch")
    code, out, _err = cli(repo, "decide", "Second, on a branch", "--by", "Security manager")
    assert code == 0
    second = re.search(r"dec-[0-9a-z-]+", out).group(0)  # type: ignore[union-attr]
    git(repo, "checkout", "-q", "main")
    code, out, _err = cli(
        repo, "decide", "Replaces the first", "--by", "Board", "--supersedes", first
    )
    assert code == 0
    third = re.search(r"dec-[0-9a-z-]+", out).group(0)  # type: ignore[union-attr]
    git(repo, "merge", "-q", "--no-edit", "branch")
    assert len(git(repo, "log", "-1", "--format=%P").split()) == 2

    code, out, err = cli(repo, "log", "--format", "json")
    assert code == 0, err
    entries = json.loads(out)
    by_id = {e["id"]: e for e in entries}
    assert set(by_id) == {first, second, third}
    for entry in entries:
        assert {
            "id",
            "date",
            "text",
            "made_by",
            "meeting",
            "records",
            "commit",
            "committed_at",
            "author",
        } <= set(entry)
        assert entry["author"] == "Test Author"
        files = git(repo, "show", "--name-only", "--format=", entry["commit"]).split()
        assert files == [f"decisions/{entry['id']}.yaml"]
    assert by_id[first]["superseded_by"] == third
    assert by_id[first]["meeting"] == "mtg-1"
    assert by_id[second]["superseded_by"] is None
    assert by_id[second]["made_by"] == "Security manager"

    code, out, _err = cli(repo, "log")
    assert code == 0
    assert f"SUPERSEDED by {third}" in out
    code, out, _err = cli(repo, "log", "--format", "markdown")
    assert code == 0
    assert out.startswith("# Decision log")
    assert out.count(f"`{first}`") == 1


def test_log_since_filters_by_commit_date(repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    assert cli(repo, "decide", "Something", "--by", "Board")[0] == 0
    code, out, _err = cli(repo, "log", "--since", "2999-01-01", "--format", "json")
    assert code == 0
    assert json.loads(out) == []
    code, out, _err = cli(repo, "log", "--since", "2000-01-01", "--format", "json")
    assert len(json.loads(out)) == 1
    code, _out, err = cli(repo, "log", "--since", "yesterday")
    assert code == 2
    assert "YYYY-MM-DD" in err


@pytest.mark.slow
def test_two_decides_racing_lose_nothing(repo: Path) -> None:
    before = head(repo)
    processes = [
        subprocess.Popen(
            [str(VPSEC), "decide", f"Parallel decision {n}", "--by", "Board"],
            cwd=repo,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(2)
    ]
    results = [(p.wait(timeout=120), *p.communicate()) for p in processes]
    codes = sorted(code for code, _out, _err in results)
    assert codes in ([0, 0], [0, 2]), results
    for code, _out, err in results:
        if code == 2:
            assert "Traceback" not in err
            assert err.startswith("vpsec: error:")
    # Every decision file present is committed; none is stray or staged.
    assert git(repo, "status", "--porcelain") == ""
    committed = git(repo, "log", "--format=%H", f"{before}..HEAD").split()
    assert len(committed) == codes.count(0)
    in_head = git(repo, "ls-tree", "--name-only", "HEAD", "decisions/").split()
    assert len(in_head) == codes.count(0)
    assert sorted(f"decisions/{name}" for name in decision_files(repo)) == sorted(in_head)


def test_git_not_installed_is_refused(repo: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    before = _snapshot(repo)
    monkeypatch.setenv("PATH", str(repo / "no-bin-here"))
    code, _out, err = cli(repo, "decide", "Something", "--by", "Board")
    monkeypatch.undo()
    assert code == 2
    assert "git is not installed" in err
    assert _snapshot(repo) == before


def test_log_markdown_escapes_data_with_the_one_escaper(repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """The table is posted as a comment: a mention or a pipe in the text must stay inert."""
    code, _out, err = cli(repo, "decide", "Ask @security-team | then #12", "--by", "@board")
    assert code == 0, err
    code, out, _err = cli(repo, "log", "--format", "markdown")
    assert code == 0
    (row,) = [line for line in out.splitlines() if line.startswith("| `dec-")]
    assert "@security-team" not in row
    assert "@\u2060security-team" in row
    assert "@\u2060board" in row
    assert "\\|" in row
    assert row.count(" | ") == 6  # seven cells: the text's pipe did not add one


# ------------------------------------------------------ all or nothing, any text

LONG = "Pay per diems to officers directly. " * 6000  # about 216 KB, over ARG_MAX's 128 KB page


def test_a_very_long_decision_is_committed_and_logged_whole(repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = cli(repo, "decide", LONG, "--by", "Board")
    assert code == 0, err
    assert LONG.strip() in git(repo, "show", "-s", "--format=%B", "HEAD")
    code, out, _err = cli(repo, "log", "--format", "json")
    assert code == 0
    (entry,) = json.loads(out)
    assert entry["text"] == LONG.strip()
    assert cli(repo, "audit")[0] == 0


def test_a_very_long_decision_that_git_refuses_leaves_nothing(repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    hook = repo / ".git" / "hooks" / "commit-msg"
    hook.write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    before = _snapshot(repo)
    code, _out, err = cli(repo, "decide", LONG, "--by", "Board")
    assert code == 2
    assert "git refused the commit" in err
    assert _snapshot(repo) == before
    assert git(repo, "diff", "--cached", "--name-only") == ""


def test_an_interrupted_commit_leaves_nothing(
    repo: Path,
    cli,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from git.cmd import Git

    real = Git._call_process

    def interrupted(self: Git, method: str, *args: object, **kwargs: object) -> object:
        if method == "commit":
            raise KeyboardInterrupt
        return real(self, method, *args, **kwargs)

    monkeypatch.setattr(Git, "_call_process", interrupted)
    before = _snapshot(repo)
    code, _out, _err = cli(repo, "decide", "Something", "--by", "Board")
    monkeypatch.undo()
    assert code == 130
    assert _snapshot(repo) == before
    assert git(repo, "diff", "--cached", "--name-only") == ""


def test_a_decision_over_the_size_limit_is_refused_before_writing(
    git_identity: None,
    write_workspace: WriteWorkspace,
    cli,  # type: ignore[no-untyped-def]
) -> None:
    config = "apiVersion: vpsec/v1\nkind: Workspace\norganisation: T\nlimits: {max_file_mb: 0.01}\n"
    root = write_workspace({"sites/north.yaml": SITE}, config)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "initial")
    before = _snapshot(root)
    code, _out, err = cli(root, "decide", LONG, "--by", "Board")
    assert code == 2
    assert "max_file_mb" in err
    assert _snapshot(root) == before


@pytest.mark.parametrize(
    ("text", "author"),
    [
        ("Pay\x1edirectly", "Test Author"),
        ("Pay\x1fdirectly", "Test\x1fAuthor"),
        ("Pay\x01\x07\x1b[2J\x7f directly", "Test\x1eAuthor"),
        ("Payer les primes « directement » — 直接", "Zoë O’Brien"),
        ('Quoted "text" with \\ backslash, # hash, : colon\nand a second line', "A: B"),
        ("Line\u2028separator and \x85next line", "Test Author"),
    ],
)
def test_log_lists_every_decision_whatever_its_text_or_author(
    repo: Path,
    cli,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
    text: str,
    author: str,
) -> None:
    monkeypatch.setenv("GIT_AUTHOR_NAME", author)
    code, out, err = cli(repo, "decide", text, "--by", author)
    assert code == 0, err
    record_id = re.search(r"dec-[0-9a-z-]+", out).group(0)  # type: ignore[union-attr]
    code, out, err = cli(repo, "log", "--format", "json")
    assert code == 0, err
    (entry,) = json.loads(out)
    assert (entry["id"], entry["text"], entry["made_by"]) == (record_id, text.strip(), author)
    code, out, err = cli(repo, "audit", "--format", "json")
    assert code == 0, out
    assert json.loads(out)["decisions_added"] == 1
    code, out, _err = cli(repo, "log")
    assert record_id in out
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", out)


def test_text_that_is_not_utf8_is_refused(repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    before = _snapshot(repo)
    code, _out, err = cli(repo, "decide", "Pay \udcff directly", "--by", "Board")
    assert code == 2
    assert "UTF-8" in err
    assert _snapshot(repo) == before


def test_log_refuses_a_shallow_clone(repo: Path, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli(repo, "decide", "One", "--by", "Board")[0] == 0
    assert cli(repo, "decide", "Two", "--by", "Board")[0] == 0
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    for command in ("log", "audit"):
        code, out, err = cli(clone, command)
        assert code == 2, out
        assert "shallow" in err
        assert "fetch-depth: 0" in err
        assert "GIT_DEPTH: 0" in err
        assert len(err.strip().splitlines()) == 1


def test_log_and_audit_for_the_public_withhold_makers_and_authors(repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = cli(repo, "decide", "Pay per diems by bank transfer", "--by", "Major ILUNGA")
    assert code == 0, err
    code, internal, _err = cli(repo, "log")
    assert code == 0 and "Major ILUNGA" in internal
    for fmt in ("text", "json", "markdown"):
        code, public, err = cli(repo, "log", "--audience", "public", "--format", fmt)
        assert code == 0, err
        assert "ilunga" not in public.lower()
        assert "Pay per diems by bank transfer" in public
    code, audited, err = cli(repo, "audit", "--audience", "public")
    assert code == 0, err
    assert "intact" in audited
    code, _out, err = cli(repo, "log", "--audience", "everyone")
    assert code == 2 and "--audience" in err
