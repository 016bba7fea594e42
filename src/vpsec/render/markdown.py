"""`--format markdown`: a summary table and the findings by site, for a PR comment or a file.

Record text is user input: every piece of it goes through the one Markdown
escaper (vpsec.render.markdown_text), so that it cannot open a table cell, a
link, an HTML tag, an @-mention or an issue reference in the comment.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from vpsec.findings import Finding, RunResult, Severity, WaivedFinding
from vpsec.render import RenderOptions
from vpsec.render.links import rule_help_url
from vpsec.render.markdown_text import markdown_code, markdown_message, markdown_text

_NO_SITE = "(workspace)"
_ICON = {Severity.ERROR: "🔴", Severity.WARNING: "🟠", Severity.INFO: "🔵"}
escape = markdown_text


def _location(result: RunResult, finding: Finding) -> str:
    path = result.repo_path(finding.path)
    where = f"{path}:{finding.line}" if finding.line else path
    return markdown_code(where)


def _summary(result: RunResult) -> list[str]:
    counts = result.counts()
    verdict = "✅ no findings" if not result.findings else f"{len(result.findings)} findings"
    return [
        f"## vpsec {escape(result.command)}: {verdict}",
        "",
        f"{result.records} records checked as of {result.as_of.isoformat()} "
        f"in {escape(result.workspace)}.",
        "",
        "| severity | findings |",
        "|---|---:|",
        *(f"| {_ICON[s]} {s.value} | {counts[s.value]} |" for s in Severity),
        f"| waived | {len(result.waived)} |",
        "",
    ]


def _rule_link(result: RunResult, code: str) -> str:
    return f"[{escape(code)}]({rule_help_url(code, result.version)})"


def _groups(result: RunResult) -> dict[str, list[Finding]]:
    groups: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        groups[finding.site or _NO_SITE].append(finding)
    return dict(sorted(groups.items(), key=lambda item: (item[0] == _NO_SITE, item[0])))


def _findings(result: RunResult) -> list[str]:
    lines: list[str] = []
    for site, findings in _groups(result).items():
        heading = "Workspace" if site == _NO_SITE else f"Site {escape(site)}"
        lines += [
            f"### {heading} ({len(findings)})",
            "",
            "| severity | rule | location | message |",
            "|---|---|---|---|",
        ]
        ordered = sorted(findings, key=lambda f: (-f.severity.rank, f.sort_key()))
        lines += [
            f"| {_ICON[f.severity]} {f.severity.value} | {_rule_link(result, f.rule)} "
            f"| {_location(result, f)} | {markdown_message(f.message)} |"
            for f in ordered
        ]
        lines.append("")
    return lines


def _waived(result: RunResult, waived: tuple[WaivedFinding, ...]) -> list[str]:
    lines = [
        f"### Waived ({len(waived)})",
        "",
        # Not who approved it: approved_by may be a person's name, and comments are public.
        "| rule | location | message | reason | expires |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {_rule_link(result, w.finding.rule)} | {_location(result, w.finding)} "
        f"| {markdown_message(w.finding.message)} | {escape(w.reason)} "
        f"| {w.expires.isoformat()} |"
        for w in waived
    ]
    return [*lines, ""]


def _statistics(result: RunResult) -> list[str]:
    counts = Counter(f.rule for f in result.findings)
    first = {f.rule: f for f in result.findings}
    lines = [
        "### Findings per rule",
        "",
        "| rule | severity | count | title |",
        "|---|---|---:|---|",
    ]
    lines += [
        f"| {_rule_link(result, rule)} | {first[rule].severity.value} | {count} "
        f"| {escape(first[rule].title)} |"
        for rule, count in sorted(counts.items())
    ]
    return [*lines, ""]


def render(result: RunResult, options: RenderOptions) -> str:
    """The run as GitHub-flavoured Markdown."""
    lines = _summary(result)
    if options.statistics:
        lines += _statistics(result)
    else:
        lines += _findings(result)
    if result.waived:
        lines += _waived(result, result.waived)
    return "\n".join(lines).rstrip() + "\n"
