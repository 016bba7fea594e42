"""SARIF: valid against the official 2.1.0 schema, and what GitHub code scanning relies on."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from render_support import (
    AS_OF,
    EXAMPLE,
    HOSTILE,
    VPSEC,
    assess,
    finding,
    made_result,
    validate,
    waiver,
)

from vpsec.findings import Finding, RunResult, Severity
from vpsec.render import RenderOptions
from vpsec.render.sarif import MAX_RESULTS, post_render, render


def sarif(result: RunResult, include_waived: bool = False) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(
        render(result, RenderOptions(include_waived=include_waived))
    )
    return document


def test_example_is_valid_sarif(example_result: RunResult) -> None:
    document = sarif(example_result)
    validate(document)
    assert document["version"] == "2.1.0"
    assert document["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert len(document["runs"]) == 1


def test_schema_rejects_a_broken_log(example_result: RunResult) -> None:
    # The validation above can fail: a result without its message is refused.
    document = sarif(example_result)
    del document["runs"][0]["results"][0]["message"]
    with pytest.raises(AssertionError):
        validate(document)


def test_driver_and_rules(example_result: RunResult) -> None:
    run = sarif(example_result)["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "vpsec"
    assert driver["semanticVersion"] == example_result.version
    assert driver["informationUri"].startswith("https://")
    ids = [r["id"] for r in driver["rules"]]
    assert len(ids) == len(set(ids))
    assert {info.code for info in example_result.rules} <= set(ids)
    for descriptor in driver["rules"]:
        for key in ("shortDescription", "fullDescription"):
            assert 0 < len(descriptor[key]["text"]) <= 1024
        assert descriptor["help"]["text"].strip()
        assert "How to fix" in descriptor["help"]["markdown"]
        assert descriptor["helpUri"].endswith(f"docs/rules.md#{descriptor['id'].lower()}")
        assert descriptor["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert f"vpsec/{descriptor['id'].rstrip('0123456789')}" in descriptor["properties"]["tags"]


def test_results_point_at_their_rule_and_a_real_line(example_result: RunResult) -> None:
    run = sarif(example_result)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert len(results) == len(example_result.findings)
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for item, source in zip(results, example_result.findings, strict=False):
        assert rules[item["ruleIndex"]]["id"] == item["ruleId"] == source.rule
        assert item["level"] == levels[source.severity.value]
        (location,) = item["locations"]
        physical = location["physicalLocation"]
        uri = physical["artifactLocation"]["uri"]
        # The example lives in this repository's examples/ folder: URIs start at the repo root.
        assert uri == f"examples/lakeside-minerals/{source.path}"
        assert (EXAMPLE.parent.parent / uri).is_file()
        assert physical["region"]["startLine"] >= 1
        assert physical["region"]["startColumn"] >= 1
        first_sentence = item["message"]["text"].split(". ")[0]
        assert source.title in first_sentence


def test_waived_findings_are_left_out_by_default_but_counted(example_result: RunResult) -> None:
    # GitHub code scanning shows a suppressed result as an open alert.
    assert example_result.waived, "the example workspace has a waiver"
    run = sarif(example_result)["runs"][0]
    assert not [r for r in run["results"] if r.get("suppressions")]
    assert run["properties"]["waived"] == {"count": len(example_result.waived), "included": False}


def test_waived_findings_are_suppressed_when_asked_for(example_result: RunResult) -> None:
    document = sarif(example_result, include_waived=True)
    validate(document)
    results = document["runs"][0]["results"]
    assert len(results) == len(example_result.findings) + len(example_result.waived)
    suppressed = [r for r in results if r.get("suppressions")]
    assert len(suppressed) == len(example_result.waived)
    for item, waived in zip(suppressed, example_result.waived, strict=True):
        assert item["ruleId"] == waived.finding.rule
        (suppression,) = item["suppressions"]
        assert suppression["kind"] == "external"
        assert suppression["justification"] == " ".join(waived.reason.split())


@pytest.mark.parametrize(
    ("fail_on", "expected"),
    [(Severity.ERROR, 1), (Severity.INFO, 1), (None, 0)],
)
def test_invocation_states_the_exit_code(fail_on: Severity | None, expected: int) -> None:
    result = made_result([finding("TRF001")], fail_on=fail_on)
    (invocation,) = sarif(result)["runs"][0]["invocations"]
    assert invocation == {"executionSuccessful": True, "exitCode": expected}
    assert "toolExecutionNotifications" not in invocation


def test_warning_only_run_passes_at_fail_on_error() -> None:
    result = made_result([finding("TRF001", severity=Severity.WARNING)])
    assert sarif(result)["runs"][0]["invocations"][0]["exitCode"] == 0


def test_hostile_text_and_file_level_findings_stay_valid() -> None:
    result = made_result(
        [
            finding("TRF001", message=HOSTILE),
            finding("MTG004", path="vpsec.yaml", line=None, record=None, field=None, site=None),
        ],
        [waiver(finding("TRF007", record="trf-2"), reason=HOSTILE)],
        repo_prefix="security/ws/",
    )
    document = sarif(result, include_waived=True)
    validate(document)
    results = document["runs"][0]["results"]
    assert results[0]["message"]["text"].endswith(".")
    region = results[1]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 1, "startColumn": 1}
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]
    assert uris == [
        "security/ws/transfers/trf-1.yaml",
        "security/ws/vpsec.yaml",
        "security/ws/transfers/trf-1.yaml",
    ]


def test_duplicates_get_distinct_fingerprints_and_the_first_keeps_its_own() -> None:
    one = finding("TRF001", message="first")
    two = finding("TRF001", message="second", line=20)
    alone = sarif(made_result([one]))["runs"][0]["results"]
    both = sarif(made_result([one, two]))["runs"][0]["results"]
    prints = [r["partialFingerprints"]["primaryLocationLineHash"] for r in both]
    assert len(set(prints)) == 2
    assert prints[0] == alone[0]["partialFingerprints"]["primaryLocationLineHash"]


def test_fingerprints_survive_lines_moving(tmp_path: Path, example_result: RunResult) -> None:
    root = shutil.copytree(EXAMPLE, tmp_path / "ws")
    before = assess(root)
    moved_file = before.findings[0].path
    record_file = root / moved_file
    text = record_file.read_text(encoding="utf-8")
    record_file.write_text("# reviewed in the 2026 audit\n\n#\n" + text, encoding="utf-8")
    after = assess(root)

    first, second = sarif(before)["runs"][0]["results"], sarif(after)["runs"][0]["results"]
    assert len(first) == len(second) > 0

    def by_print(results: list[dict[str, Any]]) -> dict[str, int]:
        return {
            r["partialFingerprints"]["primaryLocationLineHash"]: r["locations"][0][
                "physicalLocation"
            ]["region"]["startLine"]
            for r in results
        }

    lines_before, lines_after = by_print(first), by_print(second)
    assert lines_before.keys() == lines_after.keys()
    moved = [
        r["partialFingerprints"]["primaryLocationLineHash"]
        for r in first
        if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith(moved_file)
    ]
    assert moved
    for key in moved:
        assert lines_after[key] == lines_before[key] + 3


def test_workspace_in_a_subfolder_of_a_git_repository(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE, repo / "security" / "vps")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    nested = sarif(assess(repo / "security" / "vps"))
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in nested["runs"][0]["results"]
    }
    assert uris
    assert all(uri.startswith("security/vps/") for uri in uris)
    assert all((repo / uri).is_file() for uri in uris)

    alone = shutil.copytree(EXAMPLE, tmp_path / "alone")
    subprocess.run(["git", "init", "-q", str(alone)], check=True)
    result = assess(alone)
    assert result.repo_prefix == ""
    top = sarif(result, include_waived=True)["runs"][0]["results"]
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in top] == [
        f.path for f in (*result.findings, *(w.finding for w in result.waived))
    ]


def run_vpsec(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VPSEC), *args], capture_output=True, text=True, cwd=cwd, timeout=120, check=False
    )


def test_entry_point_writes_sarif_and_exits_by_fail_on(tmp_path: Path) -> None:
    target = tmp_path / "out" / "vpsec.sarif"
    target.parent.mkdir()
    done = run_vpsec(
        "assess", str(EXAMPLE), "--as-of", AS_OF, "--format", "sarif", "--output", str(target)
    )
    document = json.loads(target.read_text(encoding="utf-8"))
    validate(document)
    levels = {r["level"] for r in document["runs"][0]["results"] if not r.get("suppressions")}
    assert done.returncode == (1 if "error" in levels else 0)
    assert document["runs"][0]["invocations"][0]["exitCode"] == done.returncode
    assert done.stdout == ""

    never = run_vpsec(
        "assess", str(EXAMPLE), "--as-of", AS_OF, "--format", "sarif", "--fail-on", "never"
    )
    assert never.returncode == 0
    assert json.loads(never.stdout)["runs"][0]["invocations"][0]["exitCode"] == 0


def test_entry_point_could_not_run_is_2_and_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "vpsec.sarif"
    done = run_vpsec("assess", str(tmp_path), "--format", "sarif", "--output", str(target))
    assert done.returncode == 2
    assert not target.exists()
    assert "Traceback" not in done.stderr


def test_validate_run_on_broken_records_is_valid_sarif(write_workspace: Any) -> None:
    root = write_workspace(
        {"sites/a.yaml": "apiVersion: vpsec/v1\nkind: Site\nid: a\nname: [unclosed\n"}
    )
    done = run_vpsec("validate", str(root), "--format", "sarif")
    assert done.returncode == 1
    document = json.loads(done.stdout)
    validate(document)
    (item,) = document["runs"][0]["results"]
    assert item["ruleId"] == "V001" and item["level"] == "error"
    assert item["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1


def test_a_rule_missing_from_the_result_still_gets_a_descriptor() -> None:
    result = replace(made_result([finding("TRF001")]), rules=())
    document = sarif(result)
    validate(document)
    (descriptor,) = document["runs"][0]["tool"]["driver"]["rules"]
    assert descriptor["id"] == "TRF001"
    assert descriptor["fullDescription"]["text"]


def numbered(count: int, severity: Severity, prefix: str) -> list[Finding]:
    return [
        finding(
            "TRF001",
            severity=severity,
            path=f"transfers/{prefix}-{i:05d}.yaml",
            record=f"{prefix}-{i:05d}",
        )
        for i in range(count)
    ]


@pytest.mark.slow
def test_over_25000_results_errors_are_kept_and_the_rest_is_counted(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # 37,000 findings, as 100,000 records would give; warnings first in path order.
    findings = [
        *numbered(20_000, Severity.WARNING, "a"),
        *numbered(12_000, Severity.INFO, "b"),
        *numbered(5_000, Severity.ERROR, "c"),
    ]
    extra = finding("TRF007", record="w-1")
    result = made_result(findings, [waiver(extra)])
    document = sarif(result, include_waived=True)
    validate(document)
    run = document["runs"][0]
    results = run["results"]
    assert len(results) == MAX_RESULTS == 25_000
    levels = Counter(r["level"] for r in results)
    assert levels == {"error": 5_000, "warning": 20_000}
    assert run["properties"]["resultLimit"] == 25_000
    assert run["properties"]["resultsLeftOut"] == {
        "error": 0,
        "warning": 0,
        "info": 12_000,
        "waived": 1,
    }
    (notification,) = run["invocations"][0]["toolExecutionNotifications"]
    assert notification["level"] == "warning"
    assert "25,000 of 37,001 results" in notification["message"]["text"]
    # Fingerprints do not depend on what was cut: the same finding, the same alert.
    whole = {r["partialFingerprints"]["primaryLocationLineHash"] for r in results}
    small = sarif(made_result(findings[:10]))["runs"][0]["results"]
    assert {r["partialFingerprints"]["primaryLocationLineHash"] for r in small} <= whole

    post_render(result, RenderOptions(include_waived=True))
    err = capsys.readouterr().err
    assert err.startswith("vpsec: SARIF holds 25,000 of 37,001 results")
    assert "12,000 notes" in err and "1 waived" in err


def test_nothing_cut_says_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    result = made_result(numbered(3, Severity.ERROR, "a"))
    post_render(result, RenderOptions())
    assert capsys.readouterr().err == ""
    run = sarif(result)["runs"][0]
    assert run["properties"]["resultsLeftOut"] == {"error": 0, "warning": 0, "info": 0, "waived": 0}


def test_entry_point_includes_waived_only_when_asked(tmp_path: Path) -> None:
    plain = run_vpsec("assess", str(EXAMPLE), "--as-of", AS_OF, "--format", "sarif")
    asked = run_vpsec(
        "assess", str(EXAMPLE), "--as-of", AS_OF, "--format", "sarif", "--sarif-include-waived"
    )
    assert plain.returncode == asked.returncode
    suppressed = [
        [r for r in json.loads(done.stdout)["runs"][0]["results"] if r.get("suppressions")]
        for done in (plain, asked)
    ]
    assert suppressed[0] == [] and suppressed[1]
