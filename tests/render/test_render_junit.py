"""JUnit XML: valid against Jenkins' junit-10.xsd, names unique per suite, counts consistent."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from functools import cache

import pytest
import xmlschema
from render_support import EXAMPLE, HOSTILE, REPO, assess, finding, made_result, waiver

from vpsec.findings import RunResult, Severity
from vpsec.render import RenderOptions
from vpsec.render.junit import render

# The Jenkins xUnit plugin's schema, shipped with the tests (tests/schemas/README.md).
JUNIT_XSD = REPO / "tests" / "schemas" / "junit-10.xsd"


@cache
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(JUNIT_XSD))


def parse(result: RunResult) -> ET.Element:
    text = render(result, RenderOptions())
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    schema().validate(text)
    return ET.fromstring(text.encode("utf-8"))


def test_the_schema_refuses_what_jenkins_refuses() -> None:
    # The attributes an earlier vpsec wrote: the check above can fail.
    for bad in (
        '<testsuites><testsuite name="a" tests="1" failures="0" errors="0">'
        '<testcase name="x" file="a.yaml"/></testsuite></testsuites>',
        '<testsuites skipped="0"><testsuite name="a" tests="0" failures="0" errors="0"/>'
        "</testsuites>",
    ):
        with pytest.raises(xmlschema.XMLSchemaValidationError):
            schema().validate(bad)


def check_consistent(root: ET.Element) -> None:
    """Every count attribute agrees with the elements, and names are unique per suite."""
    assert root.tag == "testsuites"
    assert root.get("name") == "vpsec"
    totals: Counter[str] = Counter()
    for suite in root.findall("testsuite"):
        cases = suite.findall("testcase")
        names = [case.get("name") for case in cases]
        assert len(names) == len(set(names)), f"duplicate names in {suite.get('name')}"
        failures = sum(len(case.findall("failure")) for case in cases)
        skipped = sum(len(case.findall("skipped")) for case in cases)
        assert suite.get("tests") == str(len(cases))
        assert suite.get("failures") == str(failures)
        assert suite.get("skipped") == str(skipped)
        assert suite.get("errors") == "0"
        totals.update(tests=len(cases), failures=failures, skipped=skipped)
        for case in cases:
            classname = case.get("classname") or ""
            assert classname == f"vpsec.{suite.get('name')}"
            assert case.get("time") == "0"
            assert len(case.findall("failure")) + len(case.findall("skipped")) <= 1
    assert root.get("tests") == str(totals["tests"]) != "0"
    assert root.get("failures") == str(totals["failures"])
    assert root.get("skipped") is None  # junit-10.xsd has none on <testsuites>
    assert root.get("errors") == "0"


def test_example_report(example_result: RunResult) -> None:
    root = parse(example_result)
    check_consistent(root)
    suites = {suite.get("name") for suite in root.findall("testsuite")}
    assert suites >= {code.rstrip("0123456789") for code, _ in example_result.checked}
    failing = [f for f in example_result.findings if f.severity is not Severity.INFO]
    assert root.get("failures") == str(len(failing))
    skipped = sum(int(suite.get("skipped") or 0) for suite in root.findall("testsuite"))
    assert skipped == len(example_result.waived)
    # A passing test case for every record a rule checked without finding anything.
    names = {(case.get("name") or "") for case in root.iter("testcase")}
    for code, records in example_result.checked:
        for record in records:
            assert f"{code} {record}" in names


def test_failures_carry_type_and_full_explanation(example_result: RunResult) -> None:
    root = parse(example_result)
    for case in root.iter("testcase"):
        failure = case.find("failure")
        if failure is None:
            continue
        assert failure.get("type") in ("error", "warning")
        rule = (case.get("name") or "").split()[0]
        assert (failure.get("message") or "").startswith(f"{rule}: ")
        assert failure.text and rule in failure.text and "vpsec rules" in failure.text
        # No `file` attribute (junit-10.xsd has none): the text says where, from the repo root.
        assert case.get("file") is None
        assert "at examples/lakeside-minerals/" in failure.text


def test_info_passes_waived_skips() -> None:
    info = finding("DEP004", record="dep-1", path="deployments/dep-1.yaml", field=None)
    waived = waiver(finding("TRF007", record="trf-2"), reason="Convoy  safety\n(see dec-1)")
    root = parse(made_result([info], [waived]))
    check_consistent(root)
    (info_case,) = [c for c in root.iter("testcase") if c.get("name") == "DEP004 dep-1"]
    assert info_case.find("failure") is None
    assert "DEP004" in (info_case.findtext("system-out") or "")
    (skipped_case,) = [c for c in root.iter("testcase") if c.find("skipped") is not None]
    skipped = skipped_case.find("skipped")
    assert skipped is not None
    assert skipped.get("message") == "waived: Convoy safety (see dec-1)"


def test_duplicate_names_are_salted_and_hostile_text_parses() -> None:
    result = made_result(
        [
            finding("TRF001", message=HOSTILE + "\x01\x0b"),
            finding("TRF001", message="again", line=30),
            finding("MTG004", path="vpsec.yaml", line=None, record=None, field=None),
        ],
        checked=(("TRF001", ("trf-1", "trf-9")),),
    )
    root = parse(result)
    check_consistent(root)
    names = sorted(c.get("name") or "" for c in root.iter("testcase"))
    assert names == ["MTG004 vpsec.yaml", "TRF001 trf-1", "TRF001 trf-1 #2", "TRF001 trf-9"]


def test_validate_run_has_a_passing_validation_case() -> None:
    clean = parse(made_result([], command="validate"))
    check_consistent(clean)
    (case,) = clean.iter("testcase")
    assert case.get("name") == "validation" and case.get("classname") == "vpsec.V"
    assert list(case) == []

    # Validation failed: no test case may pass for it.
    broken = [
        finding("V002", path=f"sites/s{i}.yaml", record=f"s{i}", field="name") for i in range(7)
    ]
    root = parse(made_result(broken, command="validate"))
    check_consistent(root)
    assert root.get("tests") == "7" and root.get("failures") == "7"
    assert "validation" not in {case.get("name") for case in root.iter("testcase")}

    # A notice is no failure: validation still passes.
    notice = finding("V002", severity=Severity.INFO, path="sites/a.yaml", record="a")
    root = parse(made_result([notice], command="validate"))
    assert "validation" in {case.get("name") for case in root.iter("testcase")}


def test_clean_assess_is_never_an_empty_report() -> None:
    root = parse(made_result([]))
    check_consistent(root)


def test_site_filter_limits_the_passing_cases_to_that_site() -> None:
    whole = assess(EXAMPLE)
    one = assess(EXAMPLE, site="kamituga")
    root = parse(one)
    check_consistent(root)
    names = {case.get("name") or "" for case in root.iter("testcase")}
    assert len(names) < len({case.get("name") for case in parse(whole).iter("testcase")})
    assert any(name.endswith(" kamituga") for name in names)
    assert not any("chingola" in name or "apurimac" in name for name in names)
