"""`--format junit`: JUnit XML for GitLab, Jenkins and Azure test reports.

One <testsuite> per rule family; one <testcase> per (rule, record) checked,
failing for each finding at warning or error; info findings pass, waived
findings are skipped with the waiver's reason. Test case names are unique
within a suite, because GitLab keeps only the first of duplicates.

The document validates against Jenkins' `junit-10.xsd` (the xUnit plugin's
schema, the strictest of the common readers): no `file` on <testcase> (the
path is in the failure text instead) and no `skipped` on <testsuites>.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass

from vpsec.findings import Finding, RunResult, WaivedFinding
from vpsec.render import RenderOptions
from vpsec.render.severity import names

VALIDATION_FAMILY = "V"
# Characters XML 1.0 cannot carry at all (ElementTree would write them raw).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    """Record text is user input: drop what would make the document unparsable."""
    return _NOT_XML.sub("\ufffd", text)


@dataclass(slots=True)
class _Case:
    name: str
    file: str | None = None
    finding: Finding | None = None
    waived: WaivedFinding | None = None


def _family(code: str) -> str:
    return code.rstrip("0123456789") or code


def _subject(finding: Finding) -> str:
    return finding.record or finding.path


def _explanation(finding: Finding, path: str) -> str:
    location = f"{path}:{finding.line}:{finding.column or 1}" if finding.line else path
    lines = [
        f"{finding.rule} {finding.title}",
        finding.message,
        f"at {location}",
    ]
    if finding.sources:
        lines.append(f"sources: {'; '.join(finding.sources)}")
    lines.append(f"`vpsec rules {finding.rule}` explains the practice and the fix.")
    return "\n".join(lines)


def _unique(names_taken: set[str], wanted: str) -> str:
    name, count = wanted, 1
    while name in names_taken:
        count += 1
        name = f"{wanted} #{count}"
    names_taken.add(name)
    return name


def _cases(result: RunResult) -> dict[str, list[_Case]]:
    """Test cases per family: findings first, then every record checked and found clean."""
    suites: dict[str, list[_Case]] = defaultdict(list)
    taken: dict[str, set[str]] = defaultdict(set)
    covered: set[tuple[str, str]] = set()

    def add(family: str, case: _Case) -> None:
        case.name = _unique(taken[family], _xml_text(case.name))
        suites[family].append(case)

    for finding in result.findings:
        covered.add((finding.rule, _subject(finding)))
        add(
            _family(finding.rule),
            _Case(f"{finding.rule} {_subject(finding)}", result.repo_path(finding.path), finding),
        )
    for waived in result.waived:
        finding = waived.finding
        covered.add((finding.rule, _subject(finding)))
        add(
            _family(finding.rule),
            _Case(
                f"{finding.rule} {_subject(finding)}",
                result.repo_path(finding.path),
                waived=waived,
            ),
        )
    for code, record_ids in result.checked:
        for record_id in record_ids:
            if (code, record_id) not in covered:
                add(_family(code), _Case(f"{code} {record_id}"))
    failed_validation = any(
        _family(f.rule) == VALIDATION_FAMILY and names(f.severity).junit_failure is not None
        for f in result.findings
    )
    if (result.command == "validate" or not suites) and not failed_validation:
        # Validation as a whole is a test too, so a clean run never yields an empty report;
        # it is left out when validation failed, or the report would count a pass that is not.
        add(VALIDATION_FAMILY, _Case("validation"))
    return suites


def _testcase(parent: ET.Element, family: str, case: _Case) -> tuple[int, int]:
    """Add one <testcase>; returns (failures, skipped) it counts for."""
    # No `file` attribute: junit-10.xsd has none; the failure text names the file and line.
    element = ET.SubElement(
        parent, "testcase", classname=f"vpsec.{family}", name=case.name, time="0"
    )
    if case.waived is not None:
        waived = case.waived
        reason = _xml_text(" ".join(waived.reason.split()))
        ET.SubElement(element, "skipped", message=f"waived: {reason}")
        return 0, 1
    finding = case.finding
    if finding is None:
        return 0, 0
    explanation = _xml_text(_explanation(finding, case.file or finding.path))
    failure_type = names(finding.severity).junit_failure
    if failure_type is None:
        # Info findings pass, but what they say stays readable in the report.
        ET.SubElement(element, "system-out").text = explanation
        return 0, 0
    failure = ET.SubElement(
        element,
        "failure",
        message=_xml_text(f"{finding.rule}: {' '.join(finding.message.split())}"),
        type=failure_type,
    )
    failure.text = explanation
    return 1, 0


def junit_tree(result: RunResult) -> ET.Element:
    """The <testsuites> element of a run."""
    root = ET.Element("testsuites", name="vpsec")
    totals = [0, 0]  # tests, failures
    for family, cases in sorted(_cases(result).items()):
        suite = ET.SubElement(root, "testsuite", name=family)
        failures = skipped = 0
        for case in cases:
            failed, skip = _testcase(suite, family, case)
            failures += failed
            skipped += skip
        for key, value in (
            ("tests", len(cases)),
            ("failures", failures),
            ("errors", 0),
            ("skipped", skipped),
            ("time", 0),
        ):
            suite.set(key, str(value))
        totals[0] += len(cases)
        totals[1] += failures
    # junit-10.xsd has no `skipped` on <testsuites>: each <testsuite> carries its own.
    for key, value in (
        ("tests", totals[0]),
        ("failures", totals[1]),
        ("errors", 0),
        ("time", 0),
    ):
        root.set(key, str(value))
    return root


def render(result: RunResult, options: RenderOptions) -> str:
    """The run as JUnit XML (options.statistics does not apply)."""
    root = junit_tree(result)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
