"""`vpsec init` makes a usable repository, and `vpsec new` writes records that fit it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from conftest import EXAMPLE, RunCli, git
from vpsec import scaffold
from vpsec.load.config import load_config

_MODELINE = re.compile(r"\A# yaml-language-server: \$schema=(\S+)")


def _modeline_targets(root: Path) -> dict[Path, Path]:
    """Each YAML file under root with a $schema modeline, and the file it points to."""
    out = {}
    for path in root.rglob("*.yaml"):
        if ".git" in path.parts:
            continue
        found = _MODELINE.match(path.read_text(encoding="utf-8"))
        if found is not None:
            out[path] = (path.parent / found.group(1)).resolve()
    return out


# -- the workspace file and the example ----------------------------------------------------


def test_organisation_is_honoured_with_the_example(cli: RunCli, tmp_path: Path) -> None:
    code, out, _ = cli(tmp_path, "init", "demo", "--example", "--organisation", "Acme Gold plc")
    assert code == 0, out
    written = (tmp_path / "demo" / "vpsec.yaml").read_text(encoding="utf-8")
    original = (EXAMPLE / "vpsec.yaml").read_text(encoding="utf-8")
    assert load_config(tmp_path / "demo")[0].organisation == "Acme Gold plc"
    # Only the organisation and the modeline differ from the bundled example.
    changed = {
        (a, b) for a, b in zip(original.splitlines(), written.splitlines(), strict=True) if a != b
    }
    assert {b for _, b in changed} == {
        "# yaml-language-server: $schema=schemas/workspace.json",
        "organisation: Acme Gold plc",
    }


def test_the_example_keeps_its_own_name_without_organisation(cli: RunCli, tmp_path: Path) -> None:
    assert cli(tmp_path, "init", "demo", "--example")[0] == 0
    assert load_config(tmp_path / "demo")[0].organisation == "Lakeside Minerals plc"


@pytest.mark.parametrize(
    "name", ["Acme: Gold #1", "true", "  Spaced  ", 'Quote "Mining" SA', "Minería Andina S.A.C."]
)
@pytest.mark.parametrize("example", [False, True])
def test_any_organisation_name_reads_back_unchanged(
    cli: RunCli, tmp_path: Path, name: str, example: bool
) -> None:
    args = ["init", "ws", "--organisation", name, *(["--example"] if example else [])]
    assert cli(tmp_path, *args)[0] == 0
    assert load_config(tmp_path / "ws")[0].organisation == name


def test_the_examples_own_cache_is_not_copied(cli: RunCli, tmp_path: Path) -> None:
    assert cli(tmp_path, "init", "demo", "--example")[0] == 0
    assert not (tmp_path / "demo" / ".vpsec").exists()


# -- $schema modelines resolve inside the new workspace -------------------------------------


@pytest.mark.parametrize("example", [False, True])
def test_every_modeline_points_at_a_schema_in_the_workspace(
    cli: RunCli, tmp_path: Path, example: bool
) -> None:
    root = tmp_path / "ws"
    assert cli(tmp_path, "init", "ws", *(["--example"] if example else []))[0] == 0
    for kind in ("site", "transfer", "risk-assessment", "decision"):
        assert cli(root, "new", kind)[0] == 0
    targets = _modeline_targets(root)
    assert len(targets) >= (40 if example else 5)
    for path, schema in targets.items():
        assert schema.is_file(), f"{path}: {schema} does not exist"
        assert schema.parent == root.resolve() / "schemas", f"{path} points outside: {schema}"


# -- git ------------------------------------------------------------------------------------


@pytest.mark.usefixtures("git_identity")
def test_a_new_repository_on_main_with_the_workspace_committed(cli: RunCli, tmp_path: Path) -> None:
    code, out, err = cli(tmp_path, "init", "ws", "--example")
    assert code == 0, err
    root = tmp_path / "ws"
    assert git(root, "symbolic-ref", "HEAD").strip() == "refs/heads/main"
    assert git(root, "rev-list", "--count", "HEAD").strip() == "1"
    assert git(root, "status", "--porcelain") == ""
    assert "branch main, with the workspace committed" in out
    # The README's `vpsec diff main` works in a workspace just made.
    assert cli(root, "new", "site", "--id", "alpha")[0] == 0
    code, out, err = cli(root, "diff", "main", "--format", "json")
    assert code in (0, 1), err
    assert '"alpha"' in out


def test_without_a_git_identity_init_still_works_and_says_how_to_commit(
    cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("[user]\n\tuseConfigOnly = true\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    for name in (
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
        "EMAIL",
    ):
        monkeypatch.delenv(name, raising=False)
    code, out, err = cli(tmp_path, "init", "ws")
    assert code == 0, err
    root = tmp_path / "ws"
    assert git(root, "symbolic-ref", "HEAD").strip() == "refs/heads/main"
    assert git(root, "rev-list", "--all").strip() == ""
    (line,) = [line for line in out.splitlines() if line.startswith("Git:")]
    assert "nothing committed" in line
    assert "git config --global user.email" in line
    assert "git add -A && git commit" in line


@pytest.mark.usefixtures("git_identity")
def test_inside_a_repository_no_second_one_is_made(cli: RunCli, tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    code, out, _ = cli(tmp_path, "init", "sub/ws")
    assert code == 0
    assert not (tmp_path / "sub" / "ws" / ".git").exists()
    assert "inside an existing repository" in out
    assert git(tmp_path, "rev-list", "--all").strip() == ""


def test_without_git_installed_init_still_works(
    cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scaffold.shutil, "which", lambda _name: None)
    code, out, _ = cli(tmp_path, "init", "ws")
    assert code == 0
    assert (tmp_path / "ws" / "vpsec.yaml").is_file()
    assert not (tmp_path / "ws" / ".git").exists()
    assert "git is not installed" in out


def test_a_git_that_fails_never_fails_init(
    cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> subprocess.CompletedProcess[str]:
        raise OSError("git vanished")

    monkeypatch.setattr(scaffold.subprocess, "run", broken)
    code, out, _ = cli(tmp_path, "init", "ws")
    assert code == 0
    assert "git vanished" in out


# -- vpsec new ------------------------------------------------------------------------------


@pytest.fixture
def workspace(cli: RunCli, tmp_path: Path) -> Path:
    assert cli(tmp_path, "init", "ws", "--example")[0] == 0
    return tmp_path / "ws"


@pytest.mark.parametrize(
    "name",
    ["risk-assessment", "risk_assessment", "RiskAssessment", "RISK-ASSESSMENT", "assessments"],
)
def test_kinds_are_accepted_in_kebab_snake_and_camel_case(
    cli: RunCli, workspace: Path, name: str
) -> None:
    code, out, err = cli(workspace, "new", name, "--site", "kamituga")
    assert code == 0, err
    assert out.startswith("assessments/")
    assert "kind: RiskAssessment" in (workspace / out.strip()).read_text(encoding="utf-8")


def test_an_unknown_kind_suggests_the_closest(cli: RunCli, workspace: Path) -> None:
    code, _, err = cli(workspace, "new", "risk-asessment")
    assert code == 2
    assert "did you mean `risk-assessment`?" in err
    assert "kinds: site, deployment, transfer" in err


def test_an_unknown_site_is_refused_with_a_suggestion(cli: RunCli, workspace: Path) -> None:
    before = sorted(workspace.rglob("*.yaml"))
    code, out, err = cli(workspace, "new", "transfer", "--site", "kamitga")
    assert code == 2 and out == ""
    assert "no site with id 'kamitga'" in err
    assert "did you mean `kamituga`?" in err
    assert err.count("\n") == 1
    assert sorted(workspace.rglob("*.yaml")) == before


def test_a_known_site_is_written_into_the_record(cli: RunCli, workspace: Path) -> None:
    code, out, _ = cli(workspace, "new", "transfer", "--site", "chingola-west")
    assert code == 0
    assert "site: chingola-west\n" in (workspace / out.strip()).read_text(encoding="utf-8")


def test_a_workspace_without_sites_says_to_add_one(cli: RunCli, tmp_path: Path) -> None:
    assert cli(tmp_path, "init", "ws")[0] == 0
    code, _, err = cli(tmp_path / "ws", "new", "transfer", "--site", "alpha")
    assert code == 2
    assert "vpsec new site --id alpha" in err


@pytest.mark.parametrize("kind", ["site", "decision"])
def test_site_is_refused_for_kinds_without_one(cli: RunCli, workspace: Path, kind: str) -> None:
    code, _, err = cli(workspace, "new", kind, "--site", "kamituga")
    assert code == 2
    assert "--site" in err


def test_an_id_in_use_is_refused(cli: RunCli, workspace: Path) -> None:
    code, _, err = cli(workspace, "new", "meeting", "--id", "trf-2026-004")
    assert code == 2
    assert "already used by transfers/trf-2026-004.yaml" in err


def test_schema_takes_kinds_as_new_does(cli: RunCli, tmp_path: Path) -> None:
    code, out, _ = cli(tmp_path, "schema", "risk-assessment")
    assert code == 0
    assert '"title": "RiskAssessment"' in out
    code, _, err = cli(tmp_path, "schema", "workspce")
    assert code == 2
    assert "did you mean `workspace`?" in err
