"""`--format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it.

One run; the rules that ran in `tool.driver.rules`; one result per finding,
each with a line-free fingerprint (see fingerprint.py) so alerts survive
unrelated edits.

Waived findings are left out unless asked for (`--sarif-include-waived`):
GitHub code scanning does not honour SARIF `suppressions` and would show
them as open alerts. Code scanning refuses a run of more than 25,000 results,
so at most that many are kept, errors first; what was left out is counted in
`run.properties`, in a tool notification and on standard error.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from vpsec.findings import Finding, RuleInfo, RunResult, Severity, WaivedFinding
from vpsec.render import RenderOptions
from vpsec.render.fingerprint import fingerprints
from vpsec.render.links import PROJECT_URL, rule_help_url
from vpsec.render.severity import names

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
# GitHub truncates (and the SARIF guidance caps) rule descriptions at 1024 characters.
MAX_DESCRIPTION = 1024
SOURCE_ROOT = "%SRCROOT%"
# GitHub code scanning rejects a run with more results ("Results per run: 25,000",
# docs.github.com, code scanning, "SARIF results exceed one or more limits").
MAX_RESULTS = 25_000


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


@dataclass(frozen=True, slots=True)
class _Candidate:
    finding: Finding
    fingerprint: str
    waived: WaivedFinding | None = None


@dataclass(frozen=True, slots=True)
class Selection:
    """The results a SARIF log holds, and what it had to leave out."""

    kept: tuple[_Candidate, ...]
    left_out: dict[str, int]  # per severity, plus "waived" for suppressed results cut
    waived_omitted: int  # waived findings not asked for

    @property
    def total_left_out(self) -> int:
        return sum(self.left_out.values())


def select(result: RunResult, include_waived: bool = False, limit: int = MAX_RESULTS) -> Selection:
    """The results to emit: errors first when over the limit, then warnings, notes, waived.

    Fingerprints are computed over every finding and waived finding in the run's
    order, so an alert keeps its fingerprint whether or not others are cut.
    """
    everything = [*result.findings, *(w.finding for w in result.waived)]
    prints = fingerprints(everything)
    candidates = [
        _Candidate(finding, fingerprint)
        for finding, fingerprint in zip(result.findings, prints, strict=False)
    ]
    suppressed = [
        _Candidate(waived.finding, fingerprint, waived)
        for waived, fingerprint in zip(result.waived, prints[len(result.findings) :], strict=True)
    ]
    ranked = sorted(range(len(candidates)), key=lambda i: -candidates[i].finding.severity.rank)
    chosen = set(ranked[:limit])
    kept = [c for i, c in enumerate(candidates) if i in chosen]
    left_out = {severity.value: 0 for severity in Severity}
    for i, candidate in enumerate(candidates):
        if i not in chosen:
            left_out[candidate.finding.severity.value] += 1
    left_out["waived"] = 0
    if include_waived:
        room = max(limit - len(kept), 0)
        kept += suppressed[:room]
        left_out["waived"] = max(len(suppressed) - room, 0)
    return Selection(tuple(kept), left_out, 0 if include_waived else len(suppressed))


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def left_out_note(selection: Selection) -> str | None:
    """One sentence saying what the limit cut, or None when nothing was."""
    total = selection.total_left_out
    if not total:
        return None
    counts = selection.left_out
    parts = [
        _plural(counts["error"], "error"),
        _plural(counts["warning"], "warning"),
        _plural(counts["info"], "note"),
    ]
    if counts["waived"]:
        parts.append(f"{counts['waived']:,} waived")
    kept = len(selection.kept)
    return (
        f"SARIF holds {kept:,} of {kept + total:,} results, the most GitHub code scanning "
        f"accepts in one run ({MAX_RESULTS:,}): {total:,} left out ({', '.join(parts)}); "
        "`vpsec assess --format json` lists them all"
    )


def _suppressed(item: dict[str, Any], waived: WaivedFinding) -> dict[str, Any]:
    item["suppressions"] = [
        {
            "kind": "external",
            "status": "accepted",
            "justification": " ".join(waived.reason.split()),
        }
    ]
    return item


def sarif_document(result: RunResult, include_waived: bool = False) -> dict[str, Any]:
    """The SARIF log of a run, as a JSON-ready dict."""
    infos: dict[str, RuleInfo] = {info.code: info for info in result.rules}
    selection = select(result, include_waived)
    for candidate in selection.kept:
        infos.setdefault(candidate.finding.rule, _fallback_rule(candidate.finding))
    index = {code: position for position, code in enumerate(infos)}

    results: list[dict[str, Any]] = []
    for candidate in selection.kept:
        finding = candidate.finding
        item = _result(
            finding,
            index[finding.rule],
            candidate.fingerprint,
            _uri(result.repo_path(finding.path)),
            finding.severity,
        )
        results.append(item if candidate.waived is None else _suppressed(item, candidate.waived))

    properties: dict[str, Any] = {
        "asOf": result.as_of.isoformat(),
        "command": result.command,
        # Waivers stay visible even when their findings are left out.
        "waived": {"count": len(result.waived), "included": include_waived},
        "resultLimit": MAX_RESULTS,
        "resultsLeftOut": selection.left_out,
    }
    invocation: dict[str, Any] = {"executionSuccessful": True, "exitCode": result.exit_code()}
    note = left_out_note(selection)
    # A public run (--audience public) says what it withheld.
    notifications = [{"level": "note", "message": {"text": text}} for text in result.notices]
    if note is not None:
        notifications.append({"level": "warning", "message": {"text": f"{note}."}})
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
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
                "invocations": [invocation],
                "originalUriBaseIds": {
                    SOURCE_ROOT: {
                        "description": {"text": "The root of the repository holding the workspace."}
                    }
                },
                "columnKind": "unicodeCodePoints",
                "properties": properties,
                "results": results,
            }
        ],
    }


def render(result: RunResult, options: RenderOptions) -> str:
    """The run as a SARIF 2.1.0 log (options.statistics does not apply to SARIF)."""
    document = sarif_document(result, options.include_waived)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def post_render(result: RunResult, options: RenderOptions) -> None:
    """Say on standard error what the result limit left out, so a CI log shows it."""
    note = left_out_note(select(result, options.include_waived))
    if note is not None:
        sys.stderr.write(f"vpsec: {note}\n")
