#!/usr/bin/env python3
"""Project tasks that need nothing but Python and git: `python3 tasks.py demo|test|bench`.

Each task creates the virtual environment in .venv on first use and
reinstalls vpsec there whenever pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".vpsec-installed"
EXAMPLE = "examples/lakeside-minerals"
EXAMPLE_AS_OF = "2026-11-27"


def _run(*args: str | Path) -> int:
    return subprocess.call([str(a) for a in args], cwd=ROOT)


def ensure_venv() -> None:
    """Create .venv and install vpsec with its test tools, once per pyproject.toml version."""
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.is_file() and STAMP.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        print("Creating the virtual environment in .venv ...", flush=True)
        venv.create(VENV, with_pip=True)
    print("Installing vpsec and its test tools into .venv ...", flush=True)
    pip = [BIN / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    if _run(*pip, "--upgrade", "pip") != 0 or _run(*pip, "-e", ".[test]") != 0:
        sys.exit("vpsec: installing into .venv failed; see the messages above")
    STAMP.write_text(wanted)


def demo() -> int:
    """Assess the bundled example workspace, as a consultant would."""
    ensure_venv()
    code = _run(BIN / "vpsec", "assess", EXAMPLE, "--as-of", EXAMPLE_AS_OF)
    # Exit 1 means "findings were reported", which is the point of the demo.
    return 0 if code in (0, 1) else code


# The fast tier leaves out what needs seconds per test: subprocess matrices,
# the real entry point run repeatedly, git repositories in bulk, fuzzing,
# hypothesis-heavy properties, and browsers.
FAST_MARKERS = "not slow and not browser"


def test(*args: str) -> int:
    """Lint, type-check, check the import contracts and run the tests (--fast: the quick tier)."""
    fast = "--fast" in args
    pytest_args = [a for a in args if a != "--fast"]
    ensure_venv()
    code = [p for p in ("src", "tests", "benchmarks", "tasks.py") if (ROOT / p).exists()]
    for step in (
        (BIN / "ruff", "check", *code),
        (BIN / "ruff", "format", "--check", *code),
        (BIN / "mypy", "src"),
        # The layers of docs/architecture.md, as contracts in pyproject.toml.
        (BIN / "lint-imports", "--no-logo", "--no-cache"),
    ):
        if _run(*step) != 0:
            return 1
    if fast:
        pytest_args = ["-m", FAST_MARKERS, *pytest_args]
    return _run(BIN / "python", "-m", "pytest", *pytest_args)


def bench(*args: str) -> int:
    """The benchmark harness (docs/performance.md)."""
    ensure_venv()
    pip = [BIN / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    if _run(*pip, "-e", ".[test,bench]") != 0:
        return 2
    return _run(BIN / "python", "benchmarks/run.py", *args)


TASKS = {"demo": demo, "test": test, "bench": bench}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in TASKS:
        sys.exit(f"usage: python3 tasks.py {{{'|'.join(TASKS)}}} [args]")
    sys.exit(TASKS[sys.argv[1]](*sys.argv[2:]))
