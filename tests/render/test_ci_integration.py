"""The files that put vpsec into CI: docs examples, the GitHub Action, the pre-commit hooks."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from render_support import AS_OF, EXAMPLE, REPO, VPSEC
from render_support import validate as validate_sarif
from ruamel.yaml import YAML

DOC = REPO / "docs" / "ci.md"
EXAMPLES = REPO / "docs" / "examples"
ACTION = REPO / "action.yml"
HOOKS = REPO / ".pre-commit-hooks.yaml"
INCLUDE = re.compile(
    r"<!-- example: (?P<path>\S+) -->\n```yaml\n(?P<body>.*?)```\n<!-- /example -->", re.DOTALL
)


def load_yaml(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def example_files() -> list[Path]:
    return sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".yml", ".yaml"))


def test_doc_shows_every_example_verbatim() -> None:
    doc = DOC.read_text(encoding="utf-8")
    included = {m["path"]: m["body"] for m in INCLUDE.finditer(doc)}
    files = {p.relative_to(REPO).as_posix(): p.read_text(encoding="utf-8") for p in example_files()}
    assert files, "docs/examples holds the CI examples"
    assert included == files


@pytest.mark.parametrize("path", example_files(), ids=lambda p: p.name)
def test_examples_are_yaml(path: Path) -> None:
    assert isinstance(load_yaml(path), dict)


def vpsec_commands() -> list[tuple[str, str]]:
    """(example file, command line) for every vpsec command an example runs."""
    found: list[tuple[str, str]] = []
    gitlab = load_yaml(EXAMPLES / "gitlab-ci.yml")
    found += [("gitlab-ci.yml", line) for line in gitlab["vpsec"]["script"]]
    steps = load_yaml(EXAMPLES / "github-workflow-steps.yml")["jobs"]["assess"]["steps"]
    found += [("github-workflow-steps.yml", step["run"]) for step in steps if "run" in step]
    return [(name, line) for name, line in found if line.startswith("vpsec ")]


def test_examples_run_vpsec() -> None:
    names = {name for name, _ in vpsec_commands()}
    assert names == {"gitlab-ci.yml", "github-workflow-steps.yml"}


@pytest.mark.parametrize(("example", "line"), vpsec_commands())
def test_example_commands_work_on_the_example_workspace(
    example: str, line: str, tmp_path: Path
) -> None:
    workspace = shutil.copytree(EXAMPLE, tmp_path / "repo")
    subprocess.run(["git", "init", "-q", str(workspace)], check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    args = shlex.split(line)
    done = subprocess.run(
        [str(VPSEC), *args[1:]],
        cwd=workspace,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    if "--fail-on" in args and args[args.index("--fail-on") + 1] == "never":
        assert done.returncode == 0
    output = workspace / args[args.index("--output") + 1] if "--output" in args else None
    text = output.read_text(encoding="utf-8") if output else done.stdout
    kind = args[args.index("--format") + 1]
    if kind == "gitlab":
        assert isinstance(json.loads(text), list)
    elif kind == "junit":
        assert ET.fromstring(text.encode("utf-8")).tag == "testsuites"
    elif kind == "sarif":
        validate_sarif(json.loads(text))
    elif kind == "github":
        assert all(row.startswith("::") for row in text.splitlines())


def test_gitlab_example_reports_are_the_files_written() -> None:
    job = load_yaml(EXAMPLES / "gitlab-ci.yml")["vpsec"]
    formats = {}
    for line in job["script"]:
        args = shlex.split(line)
        formats[args[args.index("--output") + 1]] = args[args.index("--format") + 1]
    reports = job["artifacts"]["reports"]
    assert formats[reports["codequality"]] == "gitlab"
    assert formats[reports["junit"]] == "junit"
    assert job["artifacts"]["when"] == "always"


# ------------------------------------------------------------------ the action


def action() -> dict[str, Any]:
    document: dict[str, Any] = load_yaml(ACTION)
    return document


def test_action_is_composite_and_never_splices_inputs_into_scripts() -> None:
    spec = action()
    assert spec["runs"]["using"] == "composite"
    steps = spec["runs"]["steps"]
    run_steps = [step for step in steps if "run" in step]
    assert run_steps
    for step in run_steps:
        assert step["shell"] == "bash"
        assert "${{" not in step["run"], f"expression in the script of {step['name']!r}"
    uploads = [
        s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@")
    ]
    assert len(uploads) == 1
    assert "--format sarif" in " ".join(s["run"] for s in run_steps)


def test_workflow_example_uses_the_action_as_declared() -> None:
    workflow = load_yaml(EXAMPLES / "github-workflow.yml")
    assert workflow["permissions"]["security-events"] == "write"
    (step,) = [s for s in workflow["jobs"]["assess"]["steps"] if "vpsec" in str(s.get("uses"))]
    assert set(step["with"]) <= set(action()["inputs"])


def step_script(name: str) -> str:
    (step,) = [s for s in action()["runs"]["steps"] if s["name"] == name]
    script: str = step["run"]
    return script


def run_step(name: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "INPUT_"))}
    base["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{base.get('PATH', '')}"
    return subprocess.run(
        ["bash", "-e", "-c", step_script(name)],
        cwd=cwd,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.fixture
def runner_files(tmp_path: Path) -> dict[str, str]:
    for name in ("output", "summary"):
        (tmp_path / name).write_text("", encoding="utf-8")
    return {
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
    }


def test_action_assess_step_runs_for_real(tmp_path: Path, runner_files: dict[str, str]) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE, repo / "ws")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    done = run_step(
        "Assess the workspace",
        repo,
        {
            **runner_files,
            "INPUT_PATH": "ws",
            "INPUT_ARGS": f"--as-of {AS_OF}  --fail-on never",
            "INPUT_SARIF_FILE": "vpsec.sarif",
        },
    )
    assert done.returncode == 0, done.stderr
    assert Path(runner_files["GITHUB_OUTPUT"]).read_text(encoding="utf-8") == "exit-code=0\n"
    document = json.loads((repo / "vpsec.sarif").read_text(encoding="utf-8"))
    validate_sarif(document)
    uris = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in document["runs"][0]["results"]
    ]
    assert uris and all(uri.startswith("ws/") for uri in uris)
    assert all(line.startswith("::") for line in done.stdout.splitlines())
    assert "| severity | findings |" in Path(runner_files["GITHUB_STEP_SUMMARY"]).read_text(
        encoding="utf-8"
    )


def test_action_args_are_never_evaluated(tmp_path: Path, runner_files: dict[str, str]) -> None:
    shutil.copytree(EXAMPLE, tmp_path / "ws")
    done = run_step(
        "Assess the workspace",
        tmp_path,
        {
            **runner_files,
            "INPUT_PATH": "ws",
            "INPUT_ARGS": "$(touch pwned) `touch pwned2` ; touch pwned3 *",
            "INPUT_SARIF_FILE": "vpsec.sarif",
        },
    )
    assert done.returncode == 0  # the step records the code; the last step fails the job
    assert not list(tmp_path.glob("pwned*"))
    assert Path(runner_files["GITHUB_OUTPUT"]).read_text(encoding="utf-8") == "exit-code=2\n"


@pytest.mark.parametrize(("status", "expected"), [("0", 0), ("1", 1), ("2", 2)])
def test_action_last_step_fails_the_job(status: str, expected: int, tmp_path: Path) -> None:
    done = run_step("Fail on findings", tmp_path, {"STATUS": status})
    assert done.returncode == expected


# ------------------------------------------------------------------ pre-commit


def test_hooks_declared_as_pre_commit_expects() -> None:
    hooks = {hook["id"]: hook for hook in load_yaml(HOOKS)}
    assert set(hooks) == {"vpsec-validate", "vpsec-assess"}
    for hook_id, hook in hooks.items():
        assert hook["entry"] == f"vpsec {hook_id.removeprefix('vpsec-')}"
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is False
        assert hook["require_serial"] is True
        assert re.search(hook["files"], "sites/a.yaml") and re.search(hook["files"], "b.yml")
        assert not re.search(hook["files"], "README.md")
    config = load_yaml(EXAMPLES / "pre-commit-config.yaml")
    used = {hook["id"] for repo in config["repos"] for hook in repo["hooks"]}
    assert used <= set(hooks)


@pytest.mark.slow
def test_pre_commit_try_repo_runs_the_hook(tmp_path: Path, git_identity: None) -> None:
    # try-repo builds the hook's environment from a git repository: a clone of this
    # one's HEAD, so the test sees exactly the committed hook definitions.
    clone = tmp_path / "vpsec"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    workspace = tmp_path / "records"
    shutil.copytree(EXAMPLE, workspace)
    subprocess.run(["git", "init", "-q", str(workspace)], check=True)
    subprocess.run(["git", "add", "-A"], cwd=workspace, check=True)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    command = [
        str(Path(sys.executable).parent / "pre-commit"),
        "try-repo",
        str(clone),
        "vpsec-validate",
        "--all-files",
    ]

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command,
            cwd=workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    clean = run()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert re.search(r"vpsec validate\.+Passed", clean.stdout)

    site = next((workspace / "sites").glob("*.yaml"))
    site.write_text(site.read_text(encoding="utf-8") + "unknown_field: 1\n", encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=workspace, check=True)
    broken = run()
    assert broken.returncode == 1
    assert re.search(r"vpsec validate\.+Failed", broken.stdout)
    assert "V002" in broken.stdout
