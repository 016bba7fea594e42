"""The one mapping of vpsec severities onto every CI format's vocabulary.

Every renderer asks this module, so error/warning/info mean the same thing in
SARIF, GitHub annotations, GitLab Code Quality and JUnit (ci-formats.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from vpsec.findings import Severity


@dataclass(frozen=True, slots=True)
class SeverityNames:
    """How one vpsec severity is spelled in each format."""

    sarif_level: str
    # The `problem.severity` property GitHub code scanning reads on a rule.
    sarif_problem_severity: str
    github_command: str
    gitlab: str
    # The `type` of a JUnit <failure>; None: the testcase passes.
    junit_failure: str | None


SEVERITY_NAMES: dict[Severity, SeverityNames] = {
    Severity.ERROR: SeverityNames("error", "error", "error", "major", "error"),
    Severity.WARNING: SeverityNames("warning", "warning", "warning", "minor", "warning"),
    Severity.INFO: SeverityNames("note", "recommendation", "notice", "info", None),
}


def names(severity: Severity) -> SeverityNames:
    """The spellings of severity in every format."""
    return SEVERITY_NAMES[severity]
