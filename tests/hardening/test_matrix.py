"""Hostile and broken workspaces through every command that reads one, via the real entry point.

A case is one line in CASES: a name, what to put in the workspace (bytes for
`records/bad.yaml`, or a function that changes the workspace), the exit code of
`validate`/`assess`, a fragment the message must contain, and the line the
message must point at. Every case runs through `validate`, `assess`,
`report assessment` and `diff HEAD` (in a git repository whose HEAD holds a
clean workspace and whose working tree holds the case), each as a subprocess of
the installed `vpsec` with a timeout and an address-space limit, and each must:

- exit with the expected code (a report is written even when records are
  broken, so `report` exits 0 where the checks exit 1);
- never show a traceback or an internal error;
- name the file, with its line where the problem has one;
- never print the secret kept outside the workspace, nor copy it anywhere
  into the workspace (the cache included).
"""

from __future__ import annotations

import html
import json
import math
import os
import random
import re
import resource
import shutil
import socket
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from xml.etree import ElementTree

import pytest
from pydantic import ValidationError
from render_support import validate as validate_sarif

from conftest import EXAMPLE
from vpsec.redact import collect_names

# Every case is several subprocesses of the real entry point.
pytestmark = pytest.mark.slow

VPSEC = Path(sys.executable).parent / "vpsec"
AS_OF = "2026-11-27"
TIMEOUT = 60
MEMORY_LIMIT = 1536 * 1024 * 1024
BAD = "records/bad.yaml"
SECRET = "HARDENING-SECRET-5b1d0c"
COMMANDS = ("validate", "assess", "report", "diff")

CONFIG = "apiVersion: vpsec/v1\nkind: Workspace\norganisation: Hardening Test plc\n"
SITE = "apiVersion: vpsec/v1\nkind: Site\nid: s1\nname: Support Site\ncountry: ZM\n"
HEADER = "apiVersion: vpsec/v1\n"

Builder = Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    """One bad input: what the workspace holds and what every command must say about it."""

    name: str
    content: bytes | Builder
    exit: int  # of validate and assess; 0 only for benign input
    fragment: str | None  # text every command's output contains
    line: int | None = None  # the line the message points at
    where: str | None = BAD  # the file the message names
    commands: tuple[str, ...] = COMMANDS  # the commands the case concerns

    def apply(self, root: Path) -> None:
        if isinstance(self.content, bytes):
            write(root, BAD, self.content)
        else:
            self.content(root)


def write(root: Path, rel: str, data: bytes | str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


# -- builders: cases that are more than one file's bytes ------------------------------------------


def config(text: str | bytes) -> Builder:
    def build(root: Path) -> None:
        write(root, "vpsec.yaml", text)

    return build


def with_config(extra: str, rel: str, data: bytes) -> Builder:
    def build(root: Path) -> None:
        write(root, "vpsec.yaml", CONFIG + extra)
        write(root, rel, data)

    return build


def link(target: Callable[[Path], str], rel: str = BAD) -> Builder:
    """A symbolic link at rel to target(root) (absolute, or relative to the link's folder)."""

    def build(root: Path) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink() or path.exists():
            path.unlink()
        path.symlink_to(target(root))

    return build


def outside_secret(root: Path) -> str:
    return str(root.parent / "outside" / "secret.yaml")


def fifo(root: Path) -> None:
    os.mkfifo(root / BAD)


def link_to_fifo(root: Path) -> None:
    """A link named .yaml, inside the workspace, to a named pipe."""
    os.mkfifo(root / "records" / "pipe")
    (root / BAD).symlink_to("pipe")


def folder_named_yaml(root: Path) -> None:
    (root / BAD).mkdir(parents=True)


def no_config(root: Path) -> None:
    (root / "vpsec.yaml").unlink()


def many_files(root: Path) -> None:
    """20,000 files of one comment each, and one broken file among them."""
    for index in range(20_000):
        folder = root / "records" / f"batch-{index // 1000:02d}"
        if index % 1000 == 0:
            folder.mkdir(parents=True)
        (folder / f"note-{index:05d}.yaml").write_bytes(b"# nothing recorded yet\n")
    write(root, BAD, HEADER + "kind: Site\nid: [s9\n")


def huge_file(root: Path) -> None:
    """30 MB: a record whose notes are one long block scalar."""
    body = ("x" * 99 + "\n") * 300_000
    write(root, BAD, SITE.replace("s1", "s9") + "notes: |\n" + "  " + body.replace("\n", "\n  "))


def many_values(root: Path) -> None:
    """30 MB of small mappings under a raised size limit: stopped by the node budget."""
    write(root, "vpsec.yaml", CONFIG + "limits:\n  max_file_mb: 64\n")
    write(root, BAD, "- {a: 1, b: 2, c: 3}\n" * 1_500_000)


def random_bytes(seed: int) -> bytes:
    return random.Random(seed).randbytes(64 * 1024)


def random_yaml_text(seed: int) -> bytes:
    """Seeded text made of YAML's own punctuation, letters and line breaks."""
    rng = random.Random(seed)
    alphabet = "ab01: -[]{},#&*!|>'\"%@`?\n\t\n  "
    return "".join(rng.choice(alphabet) for _ in range(20_000)).encode()


def alias_bomb() -> bytes:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for level, name in enumerate("bcdefghi"):
        previous = "abcdefghi"[level]
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return ("\n".join(lines) + "\n").encode()


def deep_flow(depth: int) -> bytes:
    return (HEADER + "kind: Site\nid: s9\nnotes: " + "[" * depth + "]" * depth + "\n").encode()


def deep_block(depth: int) -> bytes:
    return ("- " * depth + "x\n").encode()


def transfer(amount: str = "400", quantity: str = "2", extra: str = "") -> bytes:
    """A Transfer of site s1 whose item's amount is at line 11 and quantity at line 10."""
    return (
        HEADER + "kind: Transfer\nid: t9\nsite: s1\ndate: 2026-03-02\ntype: equipment\n"
        "recipient: {authority: local, unit: Police Post}\nitems:\n  - description: radios\n"
        f"    quantity: {quantity}\n    value: {{amount: {amount}, currency: USD}}\n"
        f"purpose: Communication\nreceipt: {{signed: true}}\n{extra}"
    ).encode()


def cache_link(rel: str, target: Callable[[Path], str]) -> Builder:
    """A link at .vpsec/cache/rel (or .vpsec/cache itself) to target(root), as a PR could commit."""
    return link(target, f".vpsec/cache/{rel}".rstrip("/"))


def outside(root: Path) -> str:
    return str(root.parent / "outside")


# The cache cases concern the commands that use the cache; the notice is on stderr, once.
CACHE_COMMANDS = ("validate", "assess")
NOT_USING_CACHE = "vpsec: not using the cache in .vpsec/cache: "


CASES = [
    # The parser stops at the end of the stream, a line the file lacks: the last line is named.
    Case("yaml-syntax", b"apiVersion: vpsec/v1\nkind: Site\nid: [s2\n", 1, "YAML syntax error", 3),
    Case("tab-indent", b"apiVersion: vpsec/v1\nkind: Site\n\tid: s2\n", 1, "tab character", 3),
    Case("duplicate-key", (SITE + "country: PE\n").encode(), 1, "duplicate key", 6),
    Case("not-utf8", b"apiVersion: vpsec/v1\nkind: Site\nname: Caf\xe9\n", 1, "not UTF-8", 3),
    Case("utf16", "apiVersion: vpsec/v1\n".encode("utf-16"), 1, "not UTF-8", 1),
    Case("alias-bomb", alias_bomb(), 1, "too many values"),
    Case(
        "over-size-limit",
        with_config("limits:\n  max_file_mb: 0.00005\n", BAD, SITE.replace("s1", "s9").encode()),
        1,
        # Not the setting's name: Markdown reports escape its underscores.
        "over the 5e-05 MB limit",
    ),
    Case("30mb-file", huge_file, 1, "over the 5 MB limit"),
    Case("30mb-many-values", many_values, 1, "more than 250,000 values", 35_715),
    Case("document-list", b"- apiVersion: vpsec/v1\n- kind: Site\n", 1, "is a list", 1),
    Case("document-scalar", b"just some words\n", 1, "single value", 1),
    Case("document-number", b"42\n", 1, "single value", 1),
    Case("missing-envelope", b"name: No Envelope\ncountry: ZM\n", 1, "lacks", 1),
    Case("missing-id", b"apiVersion: vpsec/v1\nkind: Site\nname: x\n", 1, "lacks", 1),
    Case("bad-api-version", b"apiVersion: vpsec/v9\nkind: Site\nid: s9\n", 1, "apiVersion", 1),
    Case("unknown-kind", b"apiVersion: vpsec/v1\nkind: Sight\nid: s9\n", 1, "unknown kind", 2),
    Case("kind-is-a-list", b"apiVersion: vpsec/v1\nkind: []\nid: s9\n", 1, "unknown kind", 2),
    Case("id-is-a-mapping", b"apiVersion: vpsec/v1\nkind: Site\nid: {a: 1}\n", 1, "`id`", 3),
    Case("duplicate-id", SITE.encode(), 1, "already used", 3, "records/site.yaml"),
    Case(
        "missing-reference",
        HEADER.encode() + b"kind: RiskAssessment\nid: ra9\nsite: nowhere\ndate: 2026-01-10\n"
        b"covers: [gender]\n",
        1,
        "no record has that id",
        4,
    ),
    Case(
        "wrong-kind-reference",
        HEADER.encode() + b"kind: Incident\nid: inc9\nsite: s1\ndate: 2026-05-01\ntype: threat\n"
        b"involved: community\nstatus: open\ndeployment: s1\n",
        1,
        "must name a Deployment",
        9,
    ),
    Case(
        "impossible-date",
        HEADER.encode() + b"kind: RiskAssessment\nid: ra9\nsite: s1\ndate: 2026-02-30\n"
        b"covers: [gender]\n",
        1,
        "2026-02-30",
        5,
    ),
    Case(
        "huge-integer", (SITE.replace("s1", "s9") + "x: " + "9" * 5000 + "\n").encode(), 1, "int", 6
    ),
    Case("unsupported-tag", b"apiVersion: !!python/object:os.system x\n", 1, "unsupported", 1),
    Case("empty-file", b"", 0, None, where=None),
    Case("only-comments", b"# nothing here\n---\n...\n", 0, None, where=None),
    Case("deep-flow-20000", deep_flow(20_000), 1, "nesting deeper than 64 levels", 4),
    Case("deep-block-20000", deep_block(20_000), 1, "nesting deeper than 64 levels", 1),
    Case("unclosed-flow-1m", b"a: " + b"[" * 1_000_000, 1, "nesting deeper than 64 levels", 1),
    Case("random-bytes", random_bytes(8), 1, "not UTF-8"),
    Case("random-yaml-text-1", random_yaml_text(1), 1, None),
    Case("random-yaml-text-2", random_yaml_text(2), 1, None),
    Case("symlink-outside", link(outside_secret), 1, "outside the workspace"),
    Case("symlink-loop", link(lambda root: "bad.yaml"), 1, "leads nowhere"),
    Case("symlink-dangling", link(lambda root: "gone.yaml"), 1, "leads nowhere"),
    Case("symlink-to-folder", link(lambda root: str(root / "records")), 1, "folder"),
    Case("symlink-to-device", link(lambda root: "/dev/zero"), 1, "outside the workspace"),
    Case("fifo", fifo, 1, "not a regular file"),
    Case("symlink-to-fifo", link_to_fifo, 1, "not a regular file"),
    Case("folder-named-yaml", folder_named_yaml, 0, None, where=None),
    Case("20000-files", many_files, 1, "YAML syntax error", 3),
    Case("no-config", no_config, 2, "no vpsec.yaml", where="vpsec.yaml"),
    Case(
        "config-symlink-outside",
        link(outside_secret, "vpsec.yaml"),
        2,
        "outside the workspace",
        where="vpsec.yaml",
    ),
    Case("config-syntax", config(CONFIG + "rules: [\n"), 2, "YAML syntax error", 4, "vpsec.yaml"),
    Case("config-list", config("- a\n- b\n"), 2, "expected a mapping", where="vpsec.yaml"),
    Case("config-non-ascii-comment", config(CONFIG + "# café ☕\n"), 0, None, where=None),
    Case("config-not-utf8", config(CONFIG.encode() + b"# \xff\n"), 2, "not UTF-8", 4, "vpsec.yaml"),
    Case("config-deep", config(CONFIG + "x: " + "[" * 50_000), 2, "nesting", 4, "vpsec.yaml"),
    Case("amount-inf", transfer(amount=".inf"), 1, "must be a finite number; got `inf`", 11),
    Case("amount-nan", transfer(amount=".nan"), 1, "must be a finite number; got `nan`", 11),
    Case("amount-minus-inf", transfer(amount="-.inf"), 1, "must be a finite number", 11),
    Case("amount-1e300", transfer(amount="1e300"), 1, "must be at most 1,000,000,000,000,000", 11),
    Case("quantity-1e20", transfer(quantity="10" + "0" * 20), 1, "must be at most", 10),
    # Free-form data may hold any number: no finding, and every report is still made.
    Case(
        "custom-inf",
        (SITE.replace("s1", "s9") + "custom: {x: .inf, y: .nan, z: 1e999}\n").encode(),
        0,
        None,
        where=None,
    ),
    Case(
        "setting-inf",
        config(CONFIG + "rules:\n  settings:\n    contact_max_gap_days: .inf\n"),
        1,
        "must be a finite number",
        6,
        "vpsec.yaml",
    ),
    Case(
        "max-file-mb-inf",
        config(CONFIG + "limits:\n  max_file_mb: .inf\n"),
        1,
        "must be a finite number",
        5,
        "vpsec.yaml",
    ),
    Case(
        "cache-link-outside",
        cache_link("", lambda root: "../../outside"),
        0,
        NOT_USING_CACHE + ".vpsec/cache is a symbolic link",
        where=None,
        commands=CACHE_COMMANDS,
    ),
    Case(
        "cache-stats-dev-zero",
        cache_link("stats.json", lambda root: "/dev/zero"),
        0,
        NOT_USING_CACHE + ".vpsec/cache/stats.json is a symbolic link",
        where=None,
        commands=CACHE_COMMANDS,
    ),
    Case(
        "cache-runs-link-outside",
        cache_link("runs", outside),
        0,
        NOT_USING_CACHE + ".vpsec/cache/runs is a symbolic link",
        where=None,
        commands=CACHE_COMMANDS,
    ),
]


# -- every numeric field is finite and bounded -----------------------------------------------


def _numeric_fields(model: type[Any]) -> list[tuple[type[Any], str, Any]]:
    """(model, field, a value holding the number) for every int or float field, nested ones too."""
    import types
    import typing

    from pydantic import BaseModel

    found: list[tuple[type[Any], str, Any]] = []

    def walk(annotation: Any, wrap: Callable[[Any], Any], model: type[Any], name: str) -> None:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            walk(typing.get_args(annotation)[0], wrap, model, name)
        elif origin in (typing.Union, types.UnionType):
            numbers = [a for a in typing.get_args(annotation) if a in (int, float)]
            if numbers:
                found.append((model, name, wrap))
            for arg in typing.get_args(annotation):
                if arg not in (int, float):
                    walk(arg, wrap, model, name)
        elif origin is list:
            walk(typing.get_args(annotation)[0], lambda v: wrap([v]), model, name)
        elif origin is dict:
            walk(typing.get_args(annotation)[1], lambda v: wrap({"k": v}), model, name)
        elif annotation in (int, float):
            found.append((model, name, wrap))
        elif (
            isinstance(annotation, type)
            and issubclass(annotation, BaseModel)
            and annotation not in seen
        ):
            seen.add(annotation)
            for child, info in annotation.model_fields.items():
                walk(info.annotation, lambda v: v, annotation, info.alias or child)

    seen: set[type[Any]] = set()
    walk(model, lambda v: v, model, "")
    return found


def _all_numeric_fields() -> list[tuple[type[Any], str, Any]]:
    from vpsec.models import KINDS
    from vpsec.models.config import WorkspaceConfig

    fields = [f for model in [*KINDS.values(), WorkspaceConfig] for f in _numeric_fields(model)]
    return list({(model, name): (model, name, wrap) for model, name, wrap in fields}.values())


NUMERIC_FIELDS = _all_numeric_fields()


def test_the_numeric_fields_are_all_found() -> None:
    """The walk below reaches every number vpsec reads (so a new one is covered too)."""
    names = {f"{model.__name__}.{name}" for model, name, _ in NUMERIC_FIELDS}
    assert {
        "Money.amount",
        "Item.quantity",
        "Deployment.headcount",
        "Deployment.women",
        "Consultation.participants_count",
        "Context.response_time_hours",
        "PrivateSecurity.headcount",
        "RulesConfig.settings",
        "Limits.max_file_mb",
    } <= names, names


@pytest.mark.parametrize(
    "value",
    [math.inf, -math.inf, math.nan, 1e300, 10**300],
    ids=["inf", "-inf", "nan", "1e300", "10**300"],
)
@pytest.mark.parametrize(
    "field", NUMERIC_FIELDS, ids=[f"{m.__name__}.{n}" for m, n, _ in NUMERIC_FIELDS]
)
def test_every_numeric_field_refuses_what_is_not_a_sane_number(
    field: tuple[type[Any], str, Any], value: float
) -> None:
    model, name, wrap = field
    with pytest.raises(ValidationError) as raised:
        model.model_validate({name: wrap(value)})
    mine = [e for e in raised.value.errors() if e["loc"] and e["loc"][0] == name]
    assert mine and all(
        e["type"] in ("finite_number", "number_too_large", "number_too_small") for e in mine
    ), mine


# -- running ----------------------------------------------------------------------------------


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def environment(home: Path) -> dict[str, str]:
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
        # What a template that escaped the sandbox would print from the environment.
        HARDENING_SECRET=SECRET,
    )
    return env


def git(root: Path, env: dict[str, str], *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, timeout=60)


def arguments(command: str, root: Path) -> list[str]:
    if command == "report":
        return ["report", "assessment", "--as-of", AS_OF, "-w", str(root)]
    if command == "diff":
        return ["diff", "HEAD", "--as-of", AS_OF, "-w", str(root)]
    return [command, str(root), "--as-of", AS_OF]


@dataclass(frozen=True)
class Run:
    command: str
    code: int
    stdout: str
    output: str  # stdout and stderr


def run_commands(root: Path, env: dict[str, str], jobs: list[tuple[str, list[str]]]) -> list[Run]:
    """vpsec with each job's arguments, all at once (two cores), with a time and memory limit."""
    started = [
        (
            label,
            subprocess.Popen(
                [str(VPSEC), *args],
                cwd=root if root.is_dir() else root.parent,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                preexec_fn=_limit_memory,
            ),
        )
        for label, args in jobs
    ]
    runs = []
    for label, process in started:
        try:
            out, err = process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            for _, other in started:
                other.kill()
                other.communicate()
            pytest.fail(f"vpsec {label} did not finish within {TIMEOUT} s")
        stdout = out.decode("utf-8", "replace")
        runs.append(Run(label, process.returncode, stdout, stdout + err.decode("utf-8", "replace")))
    return runs


def run_all(
    root: Path,
    env: dict[str, str],
    commands: tuple[str, ...] = COMMANDS,
    extra: list[str] | None = None,
) -> list[Run]:
    """Every command that reads a workspace, on root."""
    return run_commands(
        root, env, [(command, [*arguments(command, root), *(extra or [])]) for command in commands]
    )


def expected_exit(case_exit: int, command: str) -> int:
    # Every case's 1 is a validation error, which a report's exit code says too (cli.md: the
    # report is written without the records that fail); rule findings alone do not fail it.
    return case_exit


def assert_sound(run: Run) -> None:
    """What holds for every run of every case: no traceback, no bug report, no secret."""
    assert "Traceback" not in run.output, run.output[-3000:]
    assert "internal error" not in run.output, run.output[-3000:]
    assert SECRET not in run.output


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every entry under folder (links not followed): its bytes or link target, and its mode."""
    found = {}
    for base, dirs, files in os.walk(folder):
        for name in [*dirs, *files]:
            path = Path(base) / name
            if path.is_symlink():
                content = os.readlink(path).encode()
            else:
                content = path.read_bytes() if stat.S_ISREG(path.lstat().st_mode) else b""
            found[path.relative_to(folder).as_posix()] = (content, path.lstat().st_mode)
    return found


def assert_secret_kept(root: Path) -> None:
    """Nothing under the workspace (the cache included) holds the outside secret."""
    for folder, _dirs, files in os.walk(root):
        for name in files:
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file() or path.stat().st_size > 50_000_000:
                continue
            assert SECRET.encode() not in path.read_bytes(), f"{path} holds the secret"


@pytest.fixture
def make_workspace(tmp_path: Path) -> Callable[[], tuple[Path, dict[str, str]]]:
    """A git repository holding a clean workspace (committed), and the env to run vpsec in."""

    def make() -> tuple[Path, dict[str, str]]:
        home = tmp_path / "home"
        home.mkdir()
        (home / ".gitconfig").write_text("[init]\n\tdefaultBranch = main\n")
        env = environment(home)
        write(tmp_path / "outside", "secret.yaml", f"{HEADER}kind: Site\nid: {SECRET}\n")
        # What a cache linked outside would overwrite or prune (issue 14), so the snapshot of
        # this folder after every case shows it.
        write(tmp_path / "outside", ".gitignore", "build/\n")
        for index in range(10):
            write(tmp_path / "outside", f"{index:064x}.json", f"not a cache file {index}\n")
        root = tmp_path / "ws"
        write(root, "vpsec.yaml", CONFIG)
        write(root, "records/site.yaml", SITE)
        git(root, env, "init", "-q")
        git(root, env, "add", "-A")
        git(root, env, "commit", "-q", "-m", "clean workspace")
        return root, env

    return make


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input(case: Case, make_workspace: Callable[[], tuple[Path, dict[str, str]]]) -> None:
    root, env = make_workspace()
    case.apply(root)
    before = snapshot(root.parent / "outside")
    for run in run_all(root, env, commands=case.commands):
        assert_sound(run)
        wanted = expected_exit(case.exit, run.command)
        assert run.code == wanted, f"{run.command}: exit {run.code}, not {wanted}\n{run.output}"
        if case.fragment is not None:
            assert case.fragment in run.output, f"{run.command}:\n{run.output[-3000:]}"
        if case.where is not None:
            named = f"{case.where}:{case.line}" if case.line else case.where
            assert named in run.output, f"{run.command} does not name {named}:\n{run.output}"
        if case.fragment is not None and case.fragment.startswith(NOT_USING_CACHE):
            assert run.output.count(NOT_USING_CACHE) == 1, run.output
    assert_secret_kept(root)
    assert snapshot(root.parent / "outside") == before, "a file outside the workspace changed"


def test_clean_workspace_passes_every_command(
    make_workspace: Callable[[], tuple[Path, dict[str, str]]],
) -> None:
    """The baseline every case starts from is clean, so each case's exit code is its own doing."""
    root, env = make_workspace()
    for run in run_all(root, env):
        assert_sound(run)
        assert run.code == 0, f"{run.command}: {run.output}"


# -- outputs that cannot be written -----------------------------------------------------------


def symlink_loop(root: Path) -> Path:
    path = root.parent / "loop.txt"
    path.symlink_to("loop.txt")
    return path


def link_to_folder(root: Path) -> Path:
    path = root.parent / "to-records"
    path.symlink_to(root / "records")
    return path


def unix_socket(root: Path) -> Path:
    """A socket file: it cannot be opened like a file, so no command can write to it (as cp)."""
    path = root.parent / "out.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.close()
    return path


OUTPUTS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "missing-folder": (lambda root: root.parent / "no-such-folder" / "out.txt", "does not exist"),
    "under-a-file": (lambda root: root / "vpsec.yaml" / "out.txt", "does not exist"),
    "a-folder": (lambda root: root / "records", "is a folder"),
    "a-link-to-a-folder": (link_to_folder, "is a folder"),
    "a-symlink-loop": (symlink_loop, "Too many levels of symbolic links"),
    "a-socket": (unix_socket, "cannot write"),
}


def files_beside(root: Path) -> list[Path]:
    """Files and folders of the test's folder, less git's, the cache's and the signing key's."""
    skip = {".git", ".vpsec", "home"}
    return sorted(
        p.relative_to(root.parent)
        for p in root.parent.rglob("*")
        if not skip & set(p.relative_to(root.parent).parts)
    )


@pytest.mark.parametrize("target", list(OUTPUTS))
def test_unwritable_output(
    target: str, make_workspace: Callable[[], tuple[Path, dict[str, str]]]
) -> None:
    """--output where no file can be: exit 2 naming the path, nothing written, no debris."""
    root, env = make_workspace()
    output_of, fragment = OUTPUTS[target]
    output = output_of(root)
    before = files_beside(root)
    contents = snapshot(root.parent / "outside")
    extra = ["--output", str(output)]
    for run in run_all(root, env, extra=extra):
        assert_sound(run)
        assert run.code == 2, f"{run.command}: {run.output}"
        assert str(output) in run.output and fragment in run.output, run.output
        assert run.output.count("\n") == 1, f"{run.command}: not one line: {run.output}"
    after = files_beside(root)
    assert after == before
    assert snapshot(root.parent / "outside") == contents
    assert not list(root.parent.rglob("*.tmp"))


def null_device(folder: Path) -> Path:
    """A character device like /dev/null: a copy of it where the test can make one (root)."""
    if os.geteuid() != 0:
        return Path("/dev/null")
    path = folder / "null"
    os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    path.chmod(0o666)  # mknod applies the umask
    return path


def linked_output(root: Path) -> tuple[Path, Path]:
    """A link beside the workspace to a file outside it: the output and what must change."""
    target = root.parent / "outside" / "published.txt"
    target.write_text("previous\n")
    target.chmod(0o604)
    link = root.parent / "published-link.txt"
    link.symlink_to(target)
    return link, target


@pytest.mark.parametrize("target", ["dev-null", "link-to-dev-null", "link-to-a-file"])
def test_output_that_is_not_a_plain_file(
    target: str, make_workspace: Callable[[], tuple[Path, dict[str, str]]]
) -> None:
    """-o onto a device is written to, not replaced; onto a link, its target is replaced."""
    root, env = make_workspace()
    device = null_device(root.parent)
    if target == "dev-null":
        output = changed = device
    elif target == "link-to-dev-null":
        output = root.parent / "null-link"
        output.symlink_to(device)
        changed = device
    else:
        output, changed = linked_output(root)
    before = output.lstat()
    # All four commands at once, onto the same output.
    for run in run_all(root, env, extra=["--output", str(output)]):
        assert_sound(run)
        assert run.code == 0, f"{run.command}: {run.output}"
    after = output.lstat()
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)  # still itself
    if changed == device:
        assert stat.S_ISCHR(device.stat().st_mode) and device.stat().st_mode & 0o777 == 0o666
    else:
        assert changed.read_text() != "previous\n"
        assert changed.stat().st_mode & 0o777 == 0o604  # replaced, keeping its mode
    assert not list(root.parent.rglob("*.tmp"))


# -- Unicode through every output format ------------------------------------------------------

# Right-to-left (Hebrew, Arabic), an emoji with a skin tone joined by zero-width joiners,
# a family sequence, combining marks and a right-to-left override: no comma, colon or
# percent sign, so it is exactly the same text inside GitHub's escaped commands.
UNICODE = (
    "קמיטוגה مرحبا 👩🏽\u200d🚒 👨\u200d👩\u200d👧 Ame\u0301lie Z\u0351\u0352 \u202eevil\u202c"
)
UNICODE_FILE = "sites/קמיטוגה 👩🏽\u200d🚒 #1.yaml"
FORMATS = ("text", "json", "sarif", "junit", "github", "gitlab", "markdown")
# RFC 3986 characters of a URI reference (percent-encoded octets included).
URI_REFERENCE = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*")


def _decorate(value: object, model: type[Any], record: dict[str, Any], trail: list[Any]) -> object:
    """Every free-text string of a record with UNICODE added, where the schema accepts it."""
    if isinstance(value, dict):
        return {k: _decorate(v, model, record, [*trail, k]) for k, v in value.items()}
    if isinstance(value, list):
        return [_decorate(v, model, record, [*trail, i]) for i, v in enumerate(value)]
    if not isinstance(value, str) or not trail or trail[-1] in ("id", "apiVersion", "kind"):
        return value
    candidate = f"{value} {UNICODE}"
    trial = _set(record, trail, candidate)
    try:
        model.model_validate(trial)
    except ValidationError:
        return value
    return candidate


def _set(record: dict[str, Any], trail: list[Any], value: object) -> dict[str, Any]:
    copy = json.loads(json.dumps(record))
    target = copy
    for step in trail[:-1]:
        target = target[step]
    target[trail[-1]] = value
    return copy


def unicode_workspace(root: Path) -> int:
    """The example with UNICODE in every free-text field and one file under a Unicode name."""
    from vpsec.load.yamlread import parse_documents
    from vpsec.models import KINDS

    shutil.copytree(EXAMPLE, root)
    changed = 0
    for path in sorted(root.rglob("*.yaml")):
        if path.name == "vpsec.yaml":
            continue
        (doc,) = parse_documents(path.read_text(encoding="utf-8"))
        record = doc.value
        decorated = _decorate(record, KINDS[record["kind"]], record, [])
        changed += json.dumps(decorated).count(json.dumps(UNICODE)[1:-1])
        # JSON is YAML; ensure_ascii=False keeps the text itself in the file.
        path.write_text(json.dumps(decorated, ensure_ascii=False, indent=1), encoding="utf-8")
    (root / "sites" / "apurimac-camp.yaml").rename(root / UNICODE_FILE)
    return changed


def records_of(root: Path) -> list[dict[str, Any]]:
    from vpsec.load.yamlread import parse_documents

    return [
        doc.value
        for path in sorted(root.rglob("*.yaml"))
        if path.name != "vpsec.yaml"
        for doc in parse_documents(path.read_text(encoding="utf-8"))
    ]


def test_unicode_in_every_text_field_survives_every_format(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    assert unicode_workspace(root) > 50  # the decoration reached the free text of every kind
    home = tmp_path / "home"
    home.mkdir()
    env = environment(home)
    jobs = [("assess", ["assess", str(root), "--as-of", AS_OF, "-f", fmt]) for fmt in FORMATS]
    jobs += [
        (
            "report",
            [
                "report",
                "assessment",
                "-w",
                str(root),
                "--as-of",
                AS_OF,
                "-f",
                fmt,
                "--audience",
                audience,
            ],
        )
        for fmt in ("md", "html")
        for audience in ("internal", "public")
    ]
    outputs = {}
    for label, args in jobs:
        (run,) = run_commands(root, env, [(label, args)])
        assert_sound(run)
        assert run.code == (0 if label == "report" else 1), run.output
        outputs[" ".join(args[-4:] if label == "report" else args[-2:])] = run.stdout
    for name, text in outputs.items():
        if "public" not in name:
            assert UNICODE in text, f"{name} lost or changed the text"
    # Names with Unicode in them are withheld from public reports like any other.
    names = collect_names(records_of(root))
    assert any(UNICODE in name for name in names)
    for audience_format in ("md", "html"):
        public = outputs[f"-f {audience_format} --audience public"]
        leaked = [name for name in names if name in public or html.escape(name) in public]
        assert leaked == []
    document = json.loads(outputs["-f json"])
    messages = [f["message"] for f in document["findings"]]
    assert any(UNICODE in m for m in messages)
    assert any(f["path"] == UNICODE_FILE for f in document["findings"])
    sarif = json.loads(outputs["-f sarif"])
    validate_sarif(sarif)
    uris = [
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for result in sarif["runs"][0]["results"]
        for loc in result["locations"]
    ]
    assert all(URI_REFERENCE.fullmatch(uri) for uri in uris), uris
    assert unquote(next(u for u in uris if "%" in u)) == UNICODE_FILE
    junit = ElementTree.fromstring(outputs["-f junit"].encode())
    assert any(UNICODE in (element.text or "") + str(element.attrib) for element in junit.iter())
    gitlab = json.loads(outputs["-f gitlab"])
    assert any(UNICODE in issue["description"] for issue in gitlab)
    assert any(issue["location"]["path"] == UNICODE_FILE for issue in gitlab)
    page = outputs["-f html --audience internal"]
    assert page.lstrip().lower().startswith("<!doctype html>")


# -- hostile report templates -------------------------------------------------------------------

TEMPLATES = {
    # Ten gigabytes of text: over the memory limit the tests run vpsec with.
    "memory": ("{{ 'x' * 10**10 }}\n", "more text than fits in memory", 1),
    "sandbox": ("\n{{ ''.__class__.__mro__ }}\n", "sandbox", 2),
    "recursion": (
        "{% macro f(n) %}{{ f(n) }}{% endmacro %}\n{{ f(1) }}\n",
        "recurses without end",
        None,
    ),
    "syntax": ("{% for %}\n", "syntax error", 1),
    # CVE-2025-27516: str.format reached through |attr escaped the sandbox before Jinja2 3.1.6
    # and printed the environment (CI secrets included); pyproject.toml requires 3.1.6.
    "attr-format": (
        "{{ '{0.__init__.__globals__[os].environ[HARDENING_SECRET]}'|attr('format')(cycler) }}\n",
        "sandbox",
        1,
    ),
    "str-format": ("{{ '{0.__class__.__mro__}'.format('') }}\n", "sandbox", 1),
    "cycler-globals": ("{{ cycler.__init__.__globals__.os.environ }}\n", "sandbox", 1),
}

# The known ways out of Jinja2's sandbox, each reaching for the environment (where CI keeps
# its secrets); run in-process through vpsec's own report environment below.
SANDBOX_ESCAPES = {
    # CVE-2025-27516 (fixed in 3.1.6), in three spellings of the same call.
    "attr-format": '{{ "{0.__init__.__globals__[os].environ[HARDENING_SECRET]}"'
    '|attr("format")(cycler) }}',
    "attr-format-parenthesised": '{{ ("{0.__init__.__globals__[os].environ[HARDENING_SECRET]}"'
    '|attr("format"))(cycler) }}',
    "attr-format-stored": '{% set f = "{0.__init__.__globals__[os].environ[HARDENING_SECRET]}"'
    '|attr("format") %}{{ f(cycler) }}',
    # CVE-2024-56326 (fixed in 3.1.5): str.format stored and called indirectly.
    "format-stored": '{% set f = "{0.__init__.__globals__[os].environ}".format %}{{ f(cycler) }}',
    # CVE-2016-10745 (2.8.1) and CVE-2019-10906 (2.10.1): str.format's field lookups.
    "str-format": '{{ "{0.__init__.__globals__[os].environ[HARDENING_SECRET]}".format(cycler) }}',
    "str-format-mro": '{{ "{0.__class__.__mro__[1].__subclasses__}".format("") }}',
    "format-map": '{{ "{x.__init__.__globals__[os].environ}".format_map({"x": cycler}) }}',
    # The older classics: attributes that lead to the interpreter.
    "mro-subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "cycler-globals": "{{ cycler.__init__.__globals__.os.environ.HARDENING_SECRET }}",
    "joiner-globals": "{{ joiner.__init__.__globals__.os.environ.HARDENING_SECRET }}",
    "namespace-globals": "{{ namespace.__init__.__globals__.os.environ.HARDENING_SECRET }}",
    "lipsum-globals": "{{ lipsum.__globals__.os.environ.HARDENING_SECRET }}",
    "attr-globals": "{{ (cycler|attr('__init__')|attr('__globals__'))['os'].environ }}",
    "template-context": "{{ self._TemplateReference__context.cycler.__init__.__globals__ }}",
}


@pytest.mark.parametrize("name", list(SANDBOX_ESCAPES))
def test_report_sandbox_blocks_known_escapes(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each escape is a TemplateError naming the template, or prints nothing secret.

    A downgrade of Jinja2 to 3.1.5 makes the attr("format") lines print the secret here.
    """
    from vpsec.errors import TemplateError
    from vpsec.render.templates import render_template

    monkeypatch.setenv("HARDENING_SECRET", SECRET)
    write(tmp_path, "vpsec.yaml", CONFIG)
    write(tmp_path, "templates/escape.md.j2", SANDBOX_ESCAPES[name] + "\n")
    try:
        output = render_template(tmp_path, "escape.md.j2", {})
    except TemplateError as error:
        assert str(error).startswith("templates/escape.md.j2"), error
        assert SECRET not in str(error)
    else:
        assert SECRET not in output and "environ" not in output, output


@pytest.mark.parametrize("name", list(TEMPLATES))
def test_hostile_template(
    name: str, make_workspace: Callable[[], tuple[Path, dict[str, str]]]
) -> None:
    """A workspace template that overrides the assessment report: exit 2, one line naming it."""
    root, env = make_workspace()
    text, fragment, line = TEMPLATES[name]
    write(root, "templates/assessment.md.j2", text)
    (run,) = run_all(root, env, commands=("report",))
    assert_sound(run)
    assert run.code == 2, run.output
    where = "templates/assessment.md.j2" + (f":{line}" if line else "")
    assert run.output.startswith(f"vpsec: error: {where}"), run.output
    assert fragment in run.output and run.output.count("\n") == 1, run.output
