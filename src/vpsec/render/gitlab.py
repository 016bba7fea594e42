"""`--format gitlab`: the GitLab Code Quality report, a JSON array of issues.

Waived findings are left out: Code Quality has no notion of a suppressed
issue, and a waiver exists precisely so that the finding stops being raised.
"""

from __future__ import annotations

import json
from typing import Any

from vpsec.findings import RunResult
from vpsec.render import RenderOptions
from vpsec.render.fingerprint import fingerprints
from vpsec.render.severity import names


def code_quality(result: RunResult) -> list[dict[str, Any]]:
    """The Code Quality issues of a run, in the order of its findings."""
    issues: list[dict[str, Any]] = []
    for finding, fingerprint in zip(result.findings, fingerprints(result.findings), strict=True):
        message = " ".join(finding.message.split())
        issues.append(
            {
                "type": "issue",
                # GitLab shows only the description, so it starts with the rule code.
                "description": f"{finding.rule} {finding.title}: {message}",
                "check_name": finding.rule,
                "fingerprint": fingerprint,
                "severity": names(finding.severity).gitlab,
                "categories": ["Security"],
                "location": {
                    "path": result.repo_path(finding.path),
                    "lines": {"begin": finding.line or 1},
                },
            }
        )
    return issues


def render(result: RunResult, options: RenderOptions) -> str:
    """The run as a Code Quality report (UTF-8 without a byte-order mark)."""
    return json.dumps(code_quality(result), indent=2, ensure_ascii=False) + "\n"
