"""Tool configuration beside the records: V005 says to exclude it; `vpsec init` already does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

VPSEC = Path(sys.executable).parent / "vpsec"
HINT = "if it is not a record (tool configuration, say), add"


def vpsec(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VPSEC), *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    done = vpsec("init", "ws", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return tmp_path / "ws"


def v005(root: Path) -> dict[str, str]:
    done = vpsec("validate", "--format", "json", cwd=root)
    assert done.returncode == 1, done.stderr
    findings: list[dict[str, Any]] = json.loads(done.stdout)["findings"]
    return {f["path"]: f["message"] for f in findings if f["rule"] == "V005"}


def test_stray_files_are_told_to_go_in_exclude(workspace: Path) -> None:
    (workspace / "tools").mkdir()
    (workspace / "tools" / "lint.yml").write_text("rules: {line-length: 80}\n", encoding="utf-8")
    (workspace / "sites" / "k8s.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n", encoding="utf-8"
    )
    (workspace / "sites" / "list.yaml").write_text("- a\n- b\n", encoding="utf-8")
    (workspace / "sites" / "no-id.yaml").write_text(
        "apiVersion: vpsec/v1\nkind: Site\nname: Kamituga\n", encoding="utf-8"
    )
    messages = v005(workspace)
    assert messages["tools/lint.yml"].endswith(
        f"{HINT} `tools/lint.yml` (or its folder `tools/`) to `exclude:` in vpsec.yaml"
    )
    # Never the advice to exclude a kind's own folder, which holds records.
    assert messages["sites/k8s.yaml"].endswith(
        f"{HINT} `sites/k8s.yaml` to `exclude:` in vpsec.yaml"
    )
    assert HINT in messages["sites/list.yaml"]
    # A vpsec record that lacks its id is a record to fix, not a file to exclude.
    assert "lacks `id`" in messages["sites/no-id.yaml"]
    assert HINT not in messages["sites/no-id.yaml"]


def test_init_excludes_common_tool_files(workspace: Path) -> None:
    for name, text in {
        "mkdocs.yml": "site_name: Records\nnav: [index.md]\n",
        "docker-compose.yml": "services: {web: {image: nginx}}\n",
        "action.yml": "name: x\nruns: {using: composite, steps: []}\n",
        "node_modules/pkg/config.yaml": "a: 1\n",
    }.items():
        target = workspace / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    done = vpsec("validate", cwd=workspace)
    assert done.returncode == 0, done.stdout + done.stderr

    # Without init's exclude, the same files are findings, each with the hint.
    config = workspace / "vpsec.yaml"
    text = config.read_text(encoding="utf-8")
    start = text.index("exclude:")
    end = text.index("rules:")
    config.write_text(text[:start] + "exclude: [reports/]\n" + text[end:], encoding="utf-8")
    messages = v005(workspace)
    assert set(messages) == {
        "mkdocs.yml",
        "docker-compose.yml",
        "action.yml",
        "node_modules/pkg/config.yaml",
    }
    assert messages["mkdocs.yml"].endswith(f"{HINT} `mkdocs.yml` to `exclude:` in vpsec.yaml")
