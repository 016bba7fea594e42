"""The import contracts of pyproject.toml hold on the real tree, and bite when broken.

lint-imports runs as a subprocess on a copy of src/ placed first on PYTHONPATH,
so the copy, not the editable install, is the package it analyses.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(src: Path, *contracts: str) -> tuple[int, str]:
    """Run lint-imports with the repository's contracts on the package under src."""
    only = [arg for contract in contracts for arg in ("--contract", contract)]
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run(
        [LINT_IMPORTS, "--no-logo", "--no-cache", *only, REPO / "pyproject.toml"],
        cwd=src,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    return done.returncode, done.stdout + done.stderr


def copy_of_src(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(REPO / "src" / "vpsec", src / "vpsec", ignore=shutil.ignore_patterns("*.pyc"))
    return src


def test_the_real_tree_keeps_every_contract() -> None:
    code, output = lint_imports(REPO / "src")
    assert code == 0, output
    assert "0 broken" in output, output


@pytest.mark.parametrize(
    ("module", "injected", "contract", "reported"),
    [
        (
            "models/site.py",
            "import vpsec.cli",
            "cli-on-top",
            "vpsec.models.site -> vpsec.cli",
        ),
        (
            "load/discover.py",
            "import vpsec.rules",
            "models-load-below",
            "vpsec.load.discover -> vpsec.rules",
        ),
        (
            "models/common.py",
            "from vpsec import render",
            "models-load-below",
            "vpsec.models.common -> vpsec.render",
        ),
        (
            "render/json.py",
            "import vpsec.cli.errors",
            "render-below-commands",
            "vpsec.render.json -> vpsec.cli.errors",
        ),
        # reports already imports findings, so findings importing reports closes a cycle.
        ("findings.py", "import vpsec.reports", "no-cycles", ".findings -> .reports"),
    ],
)
def test_a_forbidden_import_breaks_its_contract(
    tmp_path: Path, module: str, injected: str, contract: str, reported: str
) -> None:
    src = copy_of_src(tmp_path)
    target = src / "vpsec" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{injected}  # injected\n")

    code, output = lint_imports(src, contract)

    assert code == 1, output
    assert "BROKEN" in output
    assert reported in output
