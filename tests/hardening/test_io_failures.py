"""The file system fails under vpsec: files vanish or cannot be read, the workspace is read-only.

The tests run as root, for whom no permission bit forbids anything, so
failures are made in-process (the os functions vpsec calls raise) and, where
the machine allows it, for real (a read-only bind mount in a private mount
namespace).
"""

from __future__ import annotations

import builtins
import errno
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import AS_OF, MINIMAL_CONFIG, VPSEC, WriteWorkspace
from vpsec.app import CheckOptions, run_check
from vpsec.cli import app
from vpsec.cli.errors import run as run_cli
from vpsec.load import scan

SITE = "apiVersion: vpsec/v1\nkind: Site\nid: s1\nname: Support Site\ncountry: ZM\n"
OTHER = SITE.replace("s1", "s2")


def check(root: Path, use_cache: bool = False) -> list[tuple[str, str, str]]:
    result = run_check(
        CheckOptions(path=root, as_of=date.fromisoformat(AS_OF), use_cache=use_cache), "validate"
    )
    return [(f.rule, f.path, f.message) for f in result.findings]


@pytest.mark.parametrize("use_cache", [False, True])
def test_a_file_that_disappears_after_discovery_is_a_finding(
    write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch, use_cache: bool
) -> None:
    root = write_workspace({"sites/a.yaml": SITE, "sites/b.yaml": OTHER})
    real_discover = scan.discover

    def discover_then_delete(*args: Any, **kwargs: Any) -> Any:
        found = real_discover(*args, **kwargs)
        (root / "sites" / "b.yaml").unlink()  # gone between the listing and the read
        return found

    monkeypatch.setattr(scan, "discover", discover_then_delete)
    assert check(root, use_cache) == [
        ("V001", "sites/b.yaml", "the file disappeared while it was being read")
    ]


def test_a_file_that_cannot_be_read_is_a_finding(
    write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_workspace({"sites/a.yaml": SITE, "sites/b.yaml": OTHER})
    real_open = builtins.open

    def refusing_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if str(file).endswith("b.yaml"):
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", refusing_open)
    assert check(root) == [("V001", "sites/b.yaml", "the file cannot be read: permission denied")]


def test_an_io_error_while_reading_is_a_finding(
    write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_workspace({"sites/a.yaml": SITE, "sites/b.yaml": OTHER})
    real_open = builtins.open

    def failing_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if str(file).endswith("b.yaml"):
            raise OSError(errno.EIO, "Input/output error", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", failing_open)
    assert check(root) == [("V001", "sites/b.yaml", "the file cannot be read: Input/output error")]


def test_read_only_workspace_in_process(
    write_workspace: WriteWorkspace,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Every write under the workspace fails with EROFS: the cache is skipped silently."""
    root = write_workspace({"sites/a.yaml": SITE})
    inside = str(root)
    real_open, real_mkdir = os.open, os.mkdir

    def read_only(path: Any, dir_fd: int | None) -> None:
        # vpsec creates files and folders relative to an open folder (no link can redirect
        # it): the full path is that folder's, from /proc, and the name.
        where = os.readlink(f"/proc/self/fd/{dir_fd}") if dir_fd is not None else ""
        if os.path.join(where, str(path)).startswith(inside):
            raise OSError(errno.EROFS, "Read-only file system", str(path))

    def create(path: Any, flags: int, *args: Any, dir_fd: int | None = None) -> int:
        if flags & os.O_CREAT:
            read_only(path, dir_fd)
        return real_open(path, flags, *args, dir_fd=dir_fd)

    def mkdir(path: Any, *args: Any, dir_fd: int | None = None, **kwargs: Any) -> None:
        read_only(path, dir_fd)
        real_mkdir(path, *args, dir_fd=dir_fd, **kwargs)

    monkeypatch.setattr(os, "open", create)
    monkeypatch.setattr(os, "mkdir", mkdir)
    code = run_cli(app, ["assess", str(root), "--as-of", AS_OF, "-f", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert err == ""
    assert '"records": 1' in out
    assert not (root / ".vpsec").exists()
    # An --output inside the read-only workspace cannot be written: one line, exit 2.
    code = run_cli(app, ["assess", str(root), "--as-of", AS_OF, "-o", str(root / "out.txt")])
    out, err = capsys.readouterr()
    assert code == 2
    assert err == f"vpsec: error: {root / 'out.txt'}: cannot write here (Read-only file system)\n"


def test_unwritable_signing_key_folder_runs_without_cache(
    write_workspace: WriteWorkspace,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """No key can be made (XDG_CACHE_HOME is a file): no cache, same results, nothing said."""
    root = write_workspace({"sites/a.yaml": SITE})
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert run_cli(app, ["validate", str(root), "--as-of", AS_OF]) == 0
    out, err = capsys.readouterr()
    assert "1 record checked" in out and err == ""
    assert not (root / ".vpsec").exists()


def _mount_namespaces() -> bool:
    if sys.platform != "linux" or os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount -t tmpfs none /mnt"],
        capture_output=True,
        check=False,
        timeout=30,
    )
    return probe.returncode == 0


@pytest.mark.skipif(not _mount_namespaces(), reason="needs root and mount namespaces (unshare)")
def test_read_only_workspace_for_real(tmp_path: Path) -> None:
    """A read-only bind mount: results printed, cache skipped silently, --output refused there."""
    root = tmp_path / "ws"
    (root / "sites").mkdir(parents=True)
    (root / "vpsec.yaml").write_text(MINIMAL_CONFIG)
    (root / "sites" / "a.yaml").write_text(SITE)
    outside = tmp_path / "out.json"
    script = (
        'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && '
        '"$2" assess "$1" --as-of "$3" -f json -o "$4" && echo "exit=$?" && '
        '"$2" assess "$1" --as-of "$3"; echo "exit=$?"; '
        '"$2" assess "$1" --as-of "$3" -o "$1/out.txt"; echo "exit=$?"'
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "user-cache"), "NO_COLOR": "1"}
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", script, "sh", str(root), str(VPSEC), AS_OF, str(outside)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env=env,
    )
    assert done.stdout.count("exit=") == 3, done.stdout + done.stderr
    first, second, third = done.stdout.split("exit=")[1:]
    assert first.startswith("0") and second.startswith("0"), done.stdout + done.stderr
    assert third.startswith("2")
    assert "1 record checked" in done.stdout
    assert '"records": 1' in outside.read_text()
    assert (
        done.stderr == f"vpsec: error: {root}/out.txt: cannot write here (Read-only file system)\n"
    )
    assert not (root / ".vpsec").exists()
