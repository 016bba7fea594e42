"""A hostile workspace touches nothing outside itself.

Each attack is tried as a pull request would: a workspace with a sibling
folder, "victim", that the workspace points links at. The victim is
snapshotted (every path, its bytes or link target, and its mode) before and
after the real `vpsec` runs, and must be unchanged; every run ends with its
findings, a notice or a one-line error, never a traceback or a hang.

Not here, by design: `--output` through a link into the victim is followed
(the person running vpsec chose that path; tests/hardening/test_nothing_lost.py).
"""

from __future__ import annotations

import os
import resource
import stat
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import AS_OF, VPSEC

# Every case runs the real entry point, several times.
pytestmark = pytest.mark.slow

TIMEOUT = 60
CONFIG = "apiVersion: vpsec/v1\nkind: Workspace\norganisation: Confinement Test plc\n"
SITE = "apiVersion: vpsec/v1\nkind: Site\nid: s1\nname: Support Site\ncountry: ZM\n"
# An unsigned receipt: every assess has a finding to report (and to cache).
TRANSFER = (
    "apiVersion: vpsec/v1\nkind: Transfer\nid: t1\nsite: s1\ndate: 2026-03-02\ntype: equipment\n"
    "recipient: {authority: local, unit: Police Post}\n"
    "items:\n  - {description: radios, quantity: 2, value: {amount: 400, currency: USD}}\n"
    "purpose: Communication\nreceipt: {signed: false}\n"
)
NOTICE = "vpsec: not using the cache in .vpsec/cache: "
RUN_NAMES = [f"{index:064x}.json" for index in range(12)]

MEMORY_LIMIT = 1536 * 1024 * 1024  # as the matrix: reading /dev/zero must end, not eat the machine

Snapshot = dict[str, tuple[str, bytes, int]]


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def snapshot(folder: Path) -> Snapshot:
    """Every entry under folder: its kind, its bytes (a link: its target), its mode."""
    found: Snapshot = {}
    for base, dirs, files in os.walk(folder):
        for name in [*dirs, *files]:
            path = Path(base) / name
            info = path.lstat()
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                found[rel] = ("link", os.readlink(path).encode(), info.st_mode)
            elif path.is_dir():
                found[rel] = ("dir", b"", info.st_mode)
            elif stat.S_ISREG(info.st_mode):
                found[rel] = ("file", path.read_bytes(), info.st_mode)
            else:  # a named pipe: opening it to read would wait for a writer
                found[rel] = ("other", b"", info.st_mode)
    return found


@dataclass
class Scene:
    """A workspace (a git repository) beside a victim folder, and the environment to run in."""

    root: Path
    victim: Path
    env: dict[str, str]

    def run(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(VPSEC), *args],
            cwd=cwd or self.root,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
            preexec_fn=_limit_memory,
        )
        assert "Traceback" not in done.stderr + done.stdout, done.stderr
        assert "internal error" not in done.stderr, done.stderr
        return done

    def assess(self, *extra: str) -> subprocess.CompletedProcess[str]:
        return self.run("assess", "--as-of", AS_OF, "--format", "json", *extra)

    def git(self, *args: str) -> None:
        subprocess.run(["git", *args], cwd=self.root, env=self.env, check=True, capture_output=True)


@pytest.fixture
def scene(tmp_path: Path) -> Scene:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("[init]\n\tdefaultBranch = main\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "VPSEC_"))}
    env.update(
        HOME=str(home),
        XDG_CACHE_HOME=str(home / ".cache"),
        NO_COLOR="1",
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=str(home / ".gitconfig"),
        GIT_AUTHOR_NAME="Test Author",
        GIT_AUTHOR_EMAIL="author@example.org",
        GIT_COMMITTER_NAME="Test Committer",
        GIT_COMMITTER_EMAIL="committer@example.org",
    )
    victim = tmp_path / "victim"
    # What the issue saw overwritten or deleted: a .gitignore, and run-like files in runs/.
    (victim / "runs").mkdir(parents=True)
    (victim / ".gitignore").write_text("build/\n")
    (victim / "notes.txt").write_text("the victim's own notes\n")
    (victim / "notes.txt").chmod(0o640)
    for index, name in enumerate(RUN_NAMES):
        path = victim / "runs" / name
        path.write_text(f"victim file {index}\n")
        os.utime(path, ns=(index * 10**9, index * 10**9))
    # For `.vpsec -> victim`: a victim that looks like a cache folder's parent.
    (victim / "cache" / "runs").mkdir(parents=True)
    (victim / "cache" / "stats.json").write_text("{}\n")
    root = tmp_path / "ws"
    files = {"vpsec.yaml": CONFIG, "sites/s1.yaml": SITE, "transfers/t1.yaml": TRANSFER}
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    made = Scene(root, victim, env)
    made.git("init", "-q")
    made.git("add", "-A")
    made.git("commit", "-q", "-m", "workspace")
    return made


def link(path: Path, target: str | Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)


# -- the cache ----------------------------------------------------------------------------------


def link_run_files(scene: Scene) -> None:
    """More run files than are kept, each a link to a victim file: pruning would unlink them."""
    for name in RUN_NAMES:
        link(scene.root / ".vpsec" / "cache" / "runs" / name, scene.victim / "runs" / name)


def fifo_stats(scene: Scene) -> None:
    (scene.root / ".vpsec" / "cache").mkdir(parents=True)
    os.mkfifo(scene.root / ".vpsec" / "cache" / "stats.json")


def cache_is_a_file(scene: Scene) -> None:
    (scene.root / ".vpsec").mkdir()
    (scene.root / ".vpsec" / "cache").write_text("not a folder\n")


# Each attack plants something in .vpsec before the run, and names what the notice says.
CACHE_ATTACKS: dict[str, tuple[Callable[[Scene], None], str]] = {
    # The case: the whole cache folder is a link out of the workspace.
    "cache-folder-link": (
        lambda s: link(s.root / ".vpsec" / "cache", "../../victim"),
        ".vpsec/cache is a symbolic link",
    ),
    "cache-folder-absolute-link": (
        lambda s: link(s.root / ".vpsec" / "cache", s.victim),
        ".vpsec/cache is a symbolic link",
    ),
    "dot-vpsec-link": (lambda s: link(s.root / ".vpsec", "../victim"), ".vpsec is a symbolic link"),
    "dangling-cache-link": (
        lambda s: link(s.root / ".vpsec" / "cache", "../../victim/new-folder"),
        ".vpsec/cache is a symbolic link",
    ),
    # Files inside a real cache folder, linked out. /dev/zero must not be read for ever.
    "stats-dev-zero": (
        lambda s: link(s.root / ".vpsec" / "cache" / "stats.json", "/dev/zero"),
        ".vpsec/cache/stats.json is a symbolic link",
    ),
    "stats-victim-file": (
        lambda s: link(s.root / ".vpsec" / "cache" / "stats.json", s.victim / "notes.txt"),
        ".vpsec/cache/stats.json is a symbolic link",
    ),
    "gitignore-link": (
        lambda s: link(s.root / ".vpsec" / "cache" / ".gitignore", s.victim / ".gitignore"),
        ".vpsec/cache/.gitignore is a symbolic link",
    ),
    "parsed-link": (
        lambda s: link(s.root / ".vpsec" / "cache" / "parsed" / "0.json", s.victim / "notes.txt"),
        ".vpsec/cache/parsed/0.json is a symbolic link",
    ),
    "parsed-folder-link": (
        lambda s: link(s.root / ".vpsec" / "cache" / "parsed", s.victim / "runs"),
        ".vpsec/cache/parsed is a symbolic link",
    ),
    "legacy-parsed-link": (
        lambda s: link(s.root / ".vpsec" / "cache" / "parsed.json", s.victim / "notes.txt"),
        ".vpsec/cache/parsed.json is a symbolic link",
    ),
    # runs/ is pruned to the newest few: neither through a linked folder nor of linked files.
    "runs-folder-link": (
        lambda s: link(s.root / ".vpsec" / "cache" / "runs", s.victim / "runs"),
        ".vpsec/cache/runs is a symbolic link",
    ),
    "run-files-linked": (link_run_files, "is a symbolic link"),
    "stats-fifo": (fifo_stats, ".vpsec/cache/stats.json is not a regular file"),
    "cache-is-a-file": (cache_is_a_file, ".vpsec/cache is not a folder"),
}


@pytest.mark.parametrize("attack", list(CACHE_ATTACKS))
def test_a_planted_cache_touches_nothing_outside(scene: Scene, attack: str) -> None:
    plant, reason = CACHE_ATTACKS[attack]
    expected = scene.assess("--no-cache")
    assert expected.returncode == 1 and expected.stdout
    plant(scene)
    before = snapshot(scene.victim)
    planted = snapshot(scene.root / ".vpsec") if (scene.root / ".vpsec").is_dir() else None
    # Twice: the second run would read what the first wrote, and prune runs/.
    runs = [scene.assess(), scene.run("validate", "--as-of", AS_OF), scene.assess()]
    assert snapshot(scene.victim) == before
    if planted is not None and not (scene.root / ".vpsec").is_symlink():
        assert snapshot(scene.root / ".vpsec") == planted  # not written to, nor deleted from
    assert runs[0].stdout == runs[2].stdout == expected.stdout
    for done in runs:
        notices = [line for line in done.stderr.splitlines() if line.startswith(NOTICE)]
        assert len(notices) == 1 and reason in notices[0], done.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a folder to another user needs root")
def test_a_cache_folder_of_another_user_is_not_used(scene: Scene) -> None:
    """Another user could change it under us (CI runs as root on a checkout)."""
    expected = scene.assess("--no-cache")
    cache = scene.root / ".vpsec" / "cache"
    cache.mkdir(parents=True)
    os.chown(cache, 12345, 12345)
    done = scene.assess()
    assert done.stdout == expected.stdout
    assert done.stderr.count(NOTICE) == 1
    assert "belongs to another user (uid 12345)" in done.stderr
    assert list(cache.iterdir()) == []


def test_a_sound_cache_is_still_used_and_pruned_inside(scene: Scene) -> None:
    """The baseline: no notice, the cache is written, and runs/ is pruned within itself."""
    for day in range(1, 12):
        done = scene.run("validate", "--as-of", f"2026-11-{day:02d}")
        assert done.stderr == ""
    runs = list((scene.root / ".vpsec" / "cache" / "runs").iterdir())
    assert 0 < len(runs) <= 8


# -- kind folders and files linked out, for the commands that write records --------------------


def test_new_refuses_a_linked_kind_folder(scene: Scene) -> None:
    (scene.root / "sites" / "s1.yaml").rename(scene.root / "s1.yaml")
    (scene.root / "sites").rmdir()
    link(scene.root / "sites", "../victim")
    before = snapshot(scene.victim)
    done = scene.run("new", "site", "--id", "s2")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "sites: is a symbolic link" in done.stderr
    assert snapshot(scene.victim) == before


def test_new_refuses_a_linked_record_name(scene: Scene) -> None:
    """A dangling link where the new record goes would create a file where it points."""
    link(scene.root / "sites" / "s2.yaml", scene.victim / "planted.yaml")
    before = snapshot(scene.victim)
    done = scene.run("new", "site", "--id", "s2")
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert snapshot(scene.victim) == before


def test_decide_refuses_a_linked_decisions_folder(scene: Scene) -> None:
    link(scene.root / "decisions", "../victim")
    scene.git("add", "-A")
    scene.git("commit", "-q", "-m", "decisions is a link")
    before = snapshot(scene.victim)
    done = scene.run("decide", "Pay per diems through the ministry", "--by", "Head of Security")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "decisions: is a symbolic link" in done.stderr
    assert snapshot(scene.victim) == before
    log = subprocess.run(
        ["git", "log", "--oneline"], cwd=scene.root, env=scene.env, capture_output=True, text=True
    )
    assert len(log.stdout.splitlines()) == 2  # no decision was committed


def test_init_refuses_a_linked_schemas_folder(scene: Scene) -> None:
    target = scene.root.parent / "fresh"
    link(target / "schemas", "../victim")
    before = snapshot(scene.victim)
    done = scene.run("init", str(target), "--organisation", "Fresh plc", cwd=scene.root.parent)
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert "schemas: is a symbolic link" in done.stderr
    assert snapshot(scene.victim) == before


def test_init_example_refuses_a_linked_kind_folder(scene: Scene) -> None:
    target = scene.root.parent / "fresh"
    link(target / "transfers", "../victim")
    before = snapshot(scene.victim)
    done = scene.run("init", str(target), "--example", cwd=scene.root.parent)
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert "transfers: is a symbolic link" in done.stderr
    assert snapshot(scene.victim) == before
