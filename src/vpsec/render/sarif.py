"""`--format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it.

One run; the rules that ran in `tool.driver.rules`; one result per finding,
waived findings included as suppressed results, each with a line-free
fingerprint (see fingerprint.py) so alerts survive unrelated edits.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from vpsec.findings import Finding, RuleInfo, RunResult, Severity
from vpsec.render import RenderOptions
from vpsec.render.fingerprint import fingerprints
from vpsec.render.links import PROJECT_URL, rule_help_url
from vpsec.render.severity import names

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
# GitHub truncates (and the SARIF guidance caps) rule descriptions at 1024 characters.
MAX_DESCRIPTION = 1024
SOURCE_ROOT = "%SRCROOT%"


def _clip(text: str, limit: int = MAX_DESCRIPTION) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


def _sentence(text: str) -> str:
    text = " ".join(text.split()).strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _help(info: RuleInfo) -> tuple[str, str]:
    """The rule's help as plain text and as Markdown: the practice, its sources, the fix."""
    sources = "; ".join(info.sources)
    if info.section:
        sources = f"{sources} (toolkit section {info.section})" if sources else info.section
    parts = [
        ("What it checks", info.checks),
        ("The good practice", info.rationale),
        ("Sources", sources),
        ("How to fix", info.fix),
    ]
    present = [(heading, text) for heading, text in parts if text.strip()]
    if not present:
        present = [("What it checks", info.title)]
    text = "\n\n".join(f"{heading}: {body}" for heading, body in present)
    markdown = "\n\n".join(f"**{heading}.** {body}" for heading, body in present)
    return text, markdown


def _rule_descriptor(info: RuleInfo, version: str) -> dict[str, Any]:
    help_text, help_markdown = _help(info)
    level = names(info.severity)
    tags = [f"vpsec/{info.family}", "security"]
    if info.section:
        tags.append(f"toolkit-{info.section}")
    return {
        "id": info.code,
        "name": info.name,
        "shortDescription": {"text": _clip(info.title)},
        "fullDescription": {"text": _clip(info.checks or info.title)},
        "help": {"text": help_text, "markdown": help_markdown},
        "helpUri": rule_help_url(info.code, version),
        "defaultConfiguration": {"level": level.sarif_level},
        "properties": {
            "tags": tags,
            "problem.severity": level.sarif_problem_severity,
            "applies-to": info.applies_to,
        },
    }


def _fallback_rule(finding: Finding) -> RuleInfo:
    """A descriptor for a finding whose rule is missing from result.rules (never empty)."""
    return RuleInfo(
        code=finding.rule,
        name=finding.rule.lower(),
        title=finding.title,
        severity=finding.severity,
        applies_to="Any",
        section="",
        sources=finding.sources,
        checks=finding.title,
        rationale="",
        fix="",
        example="",
    )


def _message(finding: Finding) -> str:
    # GitHub lists alerts by their first sentence: title and record make it stand alone.
    where = f" ({finding.record})" if finding.record else ""
    return f"{_sentence(finding.title + where)} {_sentence(finding.message)}"


def _uri(path: str) -> str:
    """A repository path as the relative URI reference SARIF requires: a space, `#`, `%` or
    a non-ASCII letter in a file name is percent-encoded (as UTF-8), or the URI would be
    invalid or point elsewhere (`#` starts a fragment)."""
    return quote(path, safe="/")


def _result(
    finding: Finding, index: int, fingerprint: str, uri: str, severity: Severity
) -> dict[str, Any]:
    return {
        "ruleId": finding.rule,
        "ruleIndex": index,
        "level": names(severity).sarif_level,
        "message": {"text": _message(finding)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": uri, "uriBaseId": SOURCE_ROOT},
                    # Findings about a file as a whole point at its first line.
                    "region": {
                        "startLine": max(finding.line or 1, 1),
                        "startColumn": max(finding.column or 1, 1),
                    },
                }
            }
        ],
        "partialFingerprints": {"primaryLocationLineHash": fingerprint},
    }


def sarif_document(result: RunResult) -> dict[str, Any]:
    """The SARIF log of a run, as a JSON-ready dict."""
    infos: dict[str, RuleInfo] = {info.code: info for info in result.rules}
    everything = [*result.findings, *(w.finding for w in result.waived)]
    for finding in everything:
        infos.setdefault(finding.rule, _fallback_rule(finding))
    index = {code: position for position, code in enumerate(infos)}
    prints = fingerprints(everything)

    results: list[dict[str, Any]] = []
    for finding, fingerprint in zip(result.findings, prints, strict=False):
        uri = _uri(result.repo_path(finding.path))
        results.append(_result(finding, index[finding.rule], fingerprint, uri, finding.severity))
    for waived, fingerprint in zip(result.waived, prints[len(result.findings) :], strict=True):
        finding = waived.finding
        item = _result(
            finding,
            index[finding.rule],
            fingerprint,
            _uri(result.repo_path(finding.path)),
            finding.severity,
        )
        item["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": " ".join(waived.reason.split()),
            }
        ]
        results.append(item)

    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "vpsec",
                        "semanticVersion": result.version,
                        "informationUri": PROJECT_URL,
                        "rules": [
                            _rule_descriptor(info, result.version) for info in infos.values()
                        ],
                    }
                },
                "invocations": [{"executionSuccessful": True, "exitCode": result.exit_code()}],
                "originalUriBaseIds": {
                    SOURCE_ROOT: {
                        "description": {"text": "The root of the repository holding the workspace."}
                    }
                },
                "columnKind": "unicodeCodePoints",
                "properties": {"asOf": result.as_of.isoformat(), "command": result.command},
                "results": results,
            }
        ],
    }


def render(result: RunResult, options: RenderOptions) -> str:
    """The run as a SARIF 2.1.0 log (options.statistics does not apply to SARIF)."""
    return json.dumps(sarif_document(result), indent=2, ensure_ascii=False) + "\n"
