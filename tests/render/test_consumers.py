"""Each CI format read by a real consumer, as the platforms read it, not by our own parser.

sarif-tools (Microsoft's SARIF reader), junitparser (the JUnit reader many CI
plugins use) and xmlschema with Jenkins' junit-10.xsd, cmark-gfm (GitHub's
Markdown renderer). And every line a finding names exists in its file, in
every format, including a YAML error at the very end of a file.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import cmarkgfm
import junitparser
import pytest
from cmarkgfm.cmark import Options
from render_support import AS_OF, EXAMPLE, REPO, VPSEC, assess
from sarif import loader

from vpsec.findings import RunResult, Severity
from vpsec.render import RenderOptions
from vpsec.render import gitlab as gitlab_format
from vpsec.render import junit as junit_format
from vpsec.render import markdown as markdown_format
from vpsec.render import sarif as sarif_format
from vpsec.render.github import render as github_render

SARIF_TOOL = VPSEC.parent / "sarif"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def write(tmp_path: Path, name: str, text: str) -> Path:
    target = tmp_path / name
    target.write_text(text, encoding="utf-8")
    return target


def test_sarif_tools_counts_exactly_the_open_findings(
    tmp_path: Path, example_result: RunResult
) -> None:
    assert example_result.waived, "the example has a waiver, which must not count"
    path = write(tmp_path, "vpsec.sarif", sarif_format.render(example_result, RenderOptions()))
    log = loader.load_sarif_file(str(path))
    assert log.get_result_count() == len(example_result.findings)
    records = log.get_records()
    seen = Counter(record["Severity"] for record in records)
    expected = Counter(LEVELS[f.severity.value] for f in example_result.findings)
    assert seen == expected
    for record in records:
        # The location is a repository path, and its line exists there.
        file = REPO / record["Location"]
        assert file.is_file(), record["Location"]
        assert 1 <= int(record["Line"]) <= len(file.read_text(encoding="utf-8").splitlines())


def test_sarif_tools_check_fails_exactly_when_there_are_errors(
    tmp_path: Path, example_result: RunResult
) -> None:
    path = write(tmp_path, "vpsec.sarif", sarif_format.render(example_result, RenderOptions()))
    has_errors = any(f.severity is Severity.ERROR for f in example_result.findings)
    done = subprocess.run(
        [str(SARIF_TOOL), "--check", "error", "summary", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (done.returncode != 0) == has_errors, done.stdout + done.stderr
    assert "error:" in done.stdout


def test_junitparser_reads_the_counts_we_wrote(tmp_path: Path, example_result: RunResult) -> None:
    path = write(tmp_path, "vpsec.xml", junit_format.render(example_result, RenderOptions()))
    xml = junitparser.JUnitXml.fromfile(str(path))
    cases = [case for suite in xml for case in suite]
    outcomes: Counter[str] = Counter()
    for case in cases:
        results = case.result
        outcomes[type(results[0]).__name__ if results else "passed"] += 1
    failing = sum(1 for f in example_result.findings if f.severity is not Severity.INFO)
    assert outcomes["Failure"] == failing
    assert outcomes["Skipped"] == len(example_result.waived)
    assert outcomes["Error"] == 0
    assert outcomes["passed"] == len(cases) - failing - len(example_result.waived) > 0
    for suite in xml:
        assert suite.tests == len(list(suite))
        assert suite.failures == sum(
            1 for case in suite if case.result and isinstance(case.result[0], junitparser.Failure)
        )


def test_cmark_gfm_renders_every_row_of_the_comment(example_result: RunResult) -> None:
    text = markdown_format.render(example_result, RenderOptions())
    html = cmarkgfm.github_flavored_markdown_to_html(text, options=Options.CMARK_OPT_UNSAFE)
    # One table row per finding and per waived finding, plus the summary's rows and headers.
    sites = {f.site for f in example_result.findings}
    tables = len(sites) + (1 if example_result.waived else 0)
    rows = len(example_result.findings) + len(example_result.waived)
    assert html.count("<tr>") == 5 + tables + rows
    assert "<script" not in html


# ------------------------------------------------------------ lines that exist


def broken_workspace(tmp_path: Path) -> Path:
    """A workspace whose file ends inside a quoted scalar: the parser's mark is on line 7
    of a 6-line file."""
    root = tmp_path / "repo" / "ws"
    shutil.copytree(EXAMPLE, root)
    subprocess.run(["git", "init", "-q", str(tmp_path / "repo")], check=True)
    (root / "sites" / "broken.yaml").write_text(
        'apiVersion: vpsec/v1\nkind: Site\nid: broken\nname: "Kamituga\nnorth\npit\n',
        encoding="utf-8",
    )
    return root


def lines_of(repo: Path, path: str) -> int:
    return len((repo / path).read_text(encoding="utf-8").splitlines())


def locations(result: RunResult) -> dict[str, list[tuple[str, int]]]:
    """(repository path, line) of every finding, as each format states it."""
    options = RenderOptions()
    sarif: dict[str, Any] = json.loads(sarif_format.render(result, options))
    out: dict[str, list[tuple[str, int]]] = {
        "sarif": [
            (
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
            )
            for r in sarif["runs"][0]["results"]
        ],
        "gitlab": [
            (issue["location"]["path"], issue["location"]["lines"]["begin"])
            for issue in json.loads(gitlab_format.render(result, options))
        ],
    }
    command = re.compile(r"file=(?P<file>[^,]+),line=(?P<line>\d+)")
    out["github"] = [
        (m["file"], int(m["line"]))
        for m in map(command.search, github_render(result, options).splitlines())
        if m
    ]
    return out


def test_every_line_named_exists_in_its_file(tmp_path: Path) -> None:
    root = broken_workspace(tmp_path)
    repo = root.parent
    result = assess(root)
    (v001,) = [f for f in result.findings if f.rule == "V001"]
    assert v001.line == 6  # the last line, not the 7th of a 6-line file
    for name, found in locations(result).items():
        assert found, name
        for path, line in found:
            assert 1 <= line <= lines_of(repo, path), (name, path, line)

    # The command line says the same, in JSON and text.
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    done = subprocess.run(
        [str(VPSEC), "validate", str(root), "--as-of", AS_OF, "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    for item in json.loads(done.stdout)["findings"]:
        assert item["path"].startswith("ws/")  # from the repository root, as everywhere
        if item["line"] is not None:
            assert 1 <= item["line"] <= lines_of(repo, item["path"])


@pytest.mark.parametrize(
    "text",
    [
        "a: [1,\n b: 2\n",  # an unclosed flow sequence
        "a: {b: 1\n",  # an unclosed flow mapping
        "a: 'b\n\n\n",  # a quoted scalar to the end, blank lines after
        'a: "b',  # no newline at all
    ],
)
def test_a_syntax_error_at_the_end_points_inside_the_file(text: str) -> None:
    from vpsec.load.yamlread import YamlProblem, parse_documents

    with pytest.raises(YamlProblem) as raised:
        parse_documents(text)
    lines = text.splitlines()
    assert raised.value.line is not None and 1 <= raised.value.line <= len(lines)
    assert raised.value.column is not None
    assert 1 <= raised.value.column <= len(lines[raised.value.line - 1]) + 1
