"""Nothing lost: every file vpsec writes is written atomically; a signal never leaves half a file.

`init` and `new` never overwrite: tests/test_cli.py (test_init_never_overwrites,
and `new` on an existing id in test_init_then_new_then_validate). A failed
`decide` leaves neither a file nor a commit, and racing ones lose nothing:
tests/test_decide.py (test_failed_commit_leaves_neither_file_nor_commit,
test_two_decides_racing_lose_nothing). Here: the audit of every write in
src/, signals delivered to a real `vpsec assess --output F` at work on a
5,000-record workspace, a signal in the middle of the atomic write itself,
and the modes of the files written.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import signal
import stat
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import AS_OF, REPO, VPSEC, WriteWorkspace
from vpsec.atomic import write_atomic
from vpsec.cli import app
from vpsec.cli.errors import run as run_cli
from vpsec.errors import OutputError

SRC = REPO / "src" / "vpsec"
PREVIOUS = b'{"previous": "output, which must survive"}\n'
SITE = "apiVersion: vpsec/v1\nkind: Site\nid: s1\nname: Support Site\ncountry: ZM\n"

# The only places that may write a file other than through write_atomic, and why.
ALLOWED_WRITERS = {
    # write_atomic itself: the temporary file it renames, and a device, named pipe or socket
    # given as --output, which is written to as it is (replacing /dev/null would be wrong).
    ("atomic.py", "fdopen"),
    ("atomic.py", "open"),
    # $GITHUB_STEP_SUMMARY is GitHub's file, shared by the steps of a job: appended to by
    # contract, never replaced.
    ("render/github.py", "open"),
}
_WRITE_CALLS = {"write_text", "write_bytes", "copyfile", "copy", "copy2", "copytree", "fdopen"}


def _writes(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, name) of every call that can create or change a file, other than write_atomic."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = (
            node.func.attr
            if isinstance(node.func, ast.Attribute)
            else node.func.id
            if isinstance(node.func, ast.Name)
            else ""
        )
        if name in _WRITE_CALLS:
            yield node.lineno, name
        elif name == "open":
            modes = [a.value for a in node.args if isinstance(a, ast.Constant)]
            modes += [k.value.value for k in node.keywords if isinstance(k.value, ast.Constant)]
            flags = ast.unparse(node)
            if any(isinstance(m, str) and set(m) & set("wax+") for m in modes) or any(
                flag in flags for flag in ("O_WRONLY", "O_RDWR", "O_CREAT")
            ):
                yield node.lineno, name


def test_every_write_in_src_goes_through_write_atomic() -> None:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        for line, name in _writes(ast.parse(path.read_text(encoding="utf-8"))):
            if (rel, name) not in ALLOWED_WRITERS:
                found.append(f"{rel}:{line}: {name}")
    assert found == []


def test_the_audit_sees_a_direct_write(tmp_path: Path) -> None:
    """The audit above can fail: it finds each kind of direct write."""
    source = """
from pathlib import Path
import os, shutil
Path("a").write_text("x")
open("b", "w")
Path("c").open(mode="a")
os.open("d", os.O_WRONLY | os.O_CREAT)
shutil.copyfile("e", "f")
open("g")
"""
    assert [name for _, name in _writes(ast.parse(source))] == [
        "write_text",
        "open",
        "open",
        "open",
        "copyfile",
    ]


# -- signals delivered to a real run ----------------------------------------------------------


@pytest.fixture(scope="module")
def large_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 5,000 records: the example replicated by the benchmarks' generator."""
    spec = importlib.util.spec_from_file_location("generate", REPO / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    root = tmp_path_factory.mktemp("large") / "ws"
    assert module.generate(root, 5000) >= 5000
    return root


def _debris(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def _cpu_seconds(pid: int) -> float:
    """User and system time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_mid_run_keeps_previous_output(
    large_workspace: Path, tmp_path: Path, signum: int
) -> None:
    """Stopped while it works, vpsec leaves F as it was and no temporary file beside it."""
    output = tmp_path / "findings.json"
    env = {**os.environ, "NO_COLOR": "1"}
    args = [str(VPSEC), "assess", str(large_workspace), "--no-cache", "--as-of", AS_OF]
    stopped = 0
    # Signal it once it has done some work (start-up and imports take the first half second),
    # at a few points; a run that finished first is checked for a complete output instead.
    for work in (0.6, 0.9, 1.2, 0.4):
        output.write_bytes(PREVIOUS)
        process = subprocess.Popen(
            [*args, "-f", "json", "-o", str(output)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while process.poll() is None and _cpu_seconds(process.pid) < work:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        if process.poll() is None:
            process.send_signal(signum)
        _out, err = process.communicate(timeout=60)
        message = err.decode()
        assert "Traceback" not in message
        if process.returncode == 128 + signum:
            stopped += 1
            word = "interrupted" if signum == signal.SIGINT else "terminated"
            assert message == f"vpsec: {word}\n"
            assert output.read_bytes() == PREVIOUS
        else:
            assert process.returncode == 1, message
            assert json.loads(output.read_bytes())["summary"]["records"] >= 5000
        assert _debris(tmp_path) == []
    assert stopped > 0, "every run finished before the signal: nothing was tested"


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_inside_the_atomic_write_keeps_previous_output(
    write_workspace: WriteWorkspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    signum: int,
) -> None:
    """The signal lands after the new content is in the temporary file, before the rename."""
    root = write_workspace({"sites/a.yaml": SITE})
    output = tmp_path / "out" / "findings.txt"
    output.parent.mkdir()
    output.write_bytes(PREVIOUS)
    real_fsync = os.fsync
    seen: list[str] = []

    def fsync_then_signal(fd: int) -> None:
        real_fsync(fd)
        seen.extend(_debris(output.parent))
        os.kill(os.getpid(), signum)

    monkeypatch.setattr(os, "fsync", fsync_then_signal)
    code = run_cli(app, ["validate", str(root), "--no-cache", "--as-of", AS_OF, "-o", str(output)])
    assert seen and seen[0].startswith(".findings.txt.")  # the temporary file was there
    assert code == 128 + signum
    assert capsys.readouterr().err.startswith("vpsec: ")
    assert output.read_bytes() == PREVIOUS
    assert _debris(output.parent) == []
    # The handlers are the test process's own again.
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


# -- modes of written files -------------------------------------------------------------------


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_new_files_get_the_umask_and_replaced_files_keep_their_mode(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        fresh = tmp_path / "report.md"
        write_atomic(fresh, "new")
        assert _mode(fresh) == 0o640
        kept = tmp_path / "published.html"
        kept.write_text("old")
        kept.chmod(0o644)
        write_atomic(kept, "new")
        assert _mode(kept) == 0o644 and kept.read_text() == "new"
        secret = tmp_path / "key"
        write_atomic(secret, "k", overwrite=False, mode=0o600)
        assert _mode(secret) == 0o600
    finally:
        os.umask(old)


def test_the_cache_key_is_private_and_whole(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from vpsec.load import cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    key = cache._user_key()
    path = tmp_path / "vpsec" / "cache-key"
    assert key is not None and len(key) == 32
    assert _mode(path) == 0o600
    assert bytes.fromhex(path.read_text()) == key
    assert cache._user_key() == key  # read back, not replaced
    assert _debris(path.parent) == []


def test_output_written_by_the_cli_is_readable_by_others(
    write_workspace: WriteWorkspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A report for a web server or a CI artifact must not come out 0600 (mkstemp's mode)."""
    root = write_workspace({"sites/a.yaml": SITE})
    output = tmp_path / "report.md"
    old = os.umask(0o022)
    try:
        args: list[Any] = ["report", "assessment", "-w", str(root), "--as-of", AS_OF]
        assert run_cli(app, [*args, "-o", str(output)]) == 0
    finally:
        os.umask(old)
    assert _mode(output) == 0o644
    capsys.readouterr()


# -- what --output does with what is already there ----------------------------------------------


def _null_device(folder: Path) -> Path:
    """A character device like /dev/null: a copy of it where one can be made (root)."""
    if os.geteuid() != 0:
        return Path("/dev/null")
    path = folder / "null"
    os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    path.chmod(0o666)  # mknod applies the umask
    return path


def _same_node(before: os.stat_result, path: Path) -> bool:
    after = path.lstat()
    return (after.st_ino, after.st_mode, after.st_rdev) == (
        before.st_ino,
        before.st_mode,
        before.st_rdev,
    )


def test_a_named_pipe_is_written_to_its_reader(
    write_workspace: WriteWorkspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`-o fifo` feeds the process reading it; the pipe is not replaced by a file."""
    root = write_workspace({"sites/a.yaml": SITE})
    fifo = tmp_path / "findings.pipe"
    os.mkfifo(fifo)
    before = fifo.lstat()
    received: list[bytes] = []

    def read() -> None:
        with fifo.open("rb") as pipe:
            received.append(pipe.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    args = ["validate", str(root), "--no-cache", "--as-of", AS_OF, "-f", "json", "-o", str(fifo)]
    assert run_cli(app, args) == 0
    reader.join(timeout=30)
    assert not reader.is_alive()
    assert json.loads(received[0])["summary"]["records"] == 1
    assert _same_node(before, fifo)
    assert _debris(tmp_path) == []
    capsys.readouterr()


def test_a_device_is_written_to_not_replaced(tmp_path: Path) -> None:
    """`-o /dev/null` (here a copy of it): still the device, its mode untouched."""
    device = _null_device(tmp_path)
    before = device.lstat()
    write_atomic(device, "x" * 100_000)
    assert _same_node(before, device) and before.st_mode & 0o777 == 0o666
    assert _debris(tmp_path) == []


def test_a_link_to_a_device_is_followed_to_it(tmp_path: Path) -> None:
    device = _null_device(tmp_path)
    link = tmp_path / "out.txt"
    link.symlink_to(device)
    before, link_before = device.lstat(), link.lstat()
    write_atomic(link, "findings\n")
    assert _same_node(before, device) and _same_node(link_before, link)


def test_a_link_to_a_file_replaces_the_file_atomically(tmp_path: Path) -> None:
    """The link stays a link; its target gets the new content in one step, keeping its mode."""
    (tmp_path / "published").mkdir()
    target = tmp_path / "published" / "report.md"
    target.write_text("old")
    target.chmod(0o604)
    link = tmp_path / "report.md"
    link.symlink_to(Path("published") / "report.md")
    chain = tmp_path / "latest.md"
    chain.symlink_to("report.md")  # a link to the link
    write_atomic(chain, "new")
    assert link.is_symlink() and chain.is_symlink()
    assert target.read_text() == "new" and _mode(target) == 0o604
    assert _debris(tmp_path) == [] and _debris(target.parent) == []


def test_a_dangling_link_is_followed_but_never_by_a_writer_that_must_not_overwrite(
    tmp_path: Path,
) -> None:
    """As cp: -o through a dangling link creates its target. init, new and decide never do."""
    dangling = tmp_path / "out.txt"
    dangling.symlink_to("made.txt")
    write_atomic(dangling, "made")
    assert (tmp_path / "made.txt").read_text() == "made" and dangling.is_symlink()
    planted = tmp_path / "record.yaml"
    planted.symlink_to(tmp_path / "elsewhere.yaml")
    with pytest.raises(OutputError, match="already exists"):
        write_atomic(planted, "record", overwrite=False)
    assert not (tmp_path / "elsewhere.yaml").exists()


@pytest.mark.parametrize("kind", ["folder", "link-to-folder"])
def test_a_folder_is_an_error(tmp_path: Path, kind: str) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    output = folder
    if kind == "link-to-folder":
        output = tmp_path / "out"
        output.symlink_to(folder)
    with pytest.raises(OutputError, match="is a folder"):
        write_atomic(output, "x")
    assert list(folder.iterdir()) == []
