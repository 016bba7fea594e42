"""Fixtures shared by every test module."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "lakeside-minerals"
AS_OF = "2026-11-27"
# The installed entry point, beside the interpreter running the tests.
VPSEC = Path(sys.executable).parent / "vpsec"

MINIMAL_CONFIG = """\
apiVersion: vpsec/v1
kind: Workspace
organisation: Test Mining plc
"""

WriteWorkspace = Callable[..., Path]
RunCli = Callable[..., tuple[int, str, str]]


def git(cwd: Path, *args: str, check: bool = True) -> str:
    """Run git in cwd for a test; fail the test with git's message when it fails."""
    done = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=60
    )
    if check and done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {done.stderr}")
    return done.stdout


@pytest.fixture(scope="session", autouse=True)
def _cache_key_outside_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The cache's signing key lives in a temporary folder, not in the tester's home."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("user-cache")))
        yield


@pytest.fixture
def example_root() -> Path:
    return EXAMPLE


@pytest.fixture
def write_workspace(tmp_path: Path) -> WriteWorkspace:
    """Write a workspace: write_workspace({"sites/a.yaml": "..."}, config=...) -> root."""

    def write(
        files: dict[str, str], config: str = MINIMAL_CONFIG, root: Path | None = None
    ) -> Path:
        base = root or tmp_path / "ws"
        base.mkdir(parents=True, exist_ok=True)
        (base / "vpsec.yaml").write_text(textwrap.dedent(config), encoding="utf-8")
        for rel, text in files.items():
            path = base / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return base

    return write


@pytest.fixture
def git_identity(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """A fixed git identity and no user or system git config, for tests on real repositories."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    for name, value in {
        "GIT_AUTHOR_NAME": "Test Author",
        "GIT_AUTHOR_EMAIL": "author@example.org",
        "GIT_COMMITTER_NAME": "Test Committer",
        "GIT_COMMITTER_EMAIL": "committer@example.org",
    }.items():
        monkeypatch.setenv(name, value)
    (home / ".gitconfig").write_text(
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n"
    )
    yield
    os.environ.pop("GIT_DIR", None)


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> RunCli:
    """Run the CLI in-process from a folder: cli(cwd, *args) -> (exit code, stdout, stderr)."""
    from vpsec.cli import app
    from vpsec.cli.errors import run

    def call(cwd: Path, *args: str) -> tuple[int, str, str]:
        monkeypatch.chdir(cwd)
        capsys.readouterr()
        code = run(app, list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return call
