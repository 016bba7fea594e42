"""`--format markdown`: a summary table and the findings by site, for a PR comment or a file.

Record text is user input: every piece of it goes through the one Markdown
escaper (vpsec.render.markdown_text), so that it cannot open a table cell, a
link, an HTML tag, an @-mention or an issue reference in the comment.

A comment has a size limit (GitHub refuses a body over 65,536 characters), so
the output is capped: the most serious findings are kept, and a line at the
top says how many were left out and where the full list is. The GitHub step
summary uses the same cap with its own limit (`render_within`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import replace

from vpsec.findings import Finding, RunResult, Severity, WaivedFinding
from vpsec.render import RenderOptions
from vpsec.render.links import rule_help_url
from vpsec.render.markdown_text import markdown_code, markdown_message, markdown_text

# GitHub: "Body is too long (maximum is 65536 characters)" for an issue or pull-request
# comment (and GitLab's note limit is larger). Measured in UTF-16 code units, which
# count an emoji as two, so the cap holds however the platform counts characters.
COMMENT_LIMIT = 65_536
COMMENT_POINTER = (
    "`vpsec assess --format text` on this revision, or the report from `vpsec report assessment`"
)
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
        # A public run (--audience public) says what it withheld.
        *(f"> {escape(notice)}" for notice in result.notices),
        *([""] if result.notices else []),
    ]


def _rule_link(result: RunResult, code: str) -> str:
    return f"[{escape(code)}]({rule_help_url(code, result.version)})"


def _groups(result: RunResult) -> dict[str, list[Finding]]:
    groups: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        groups[finding.site or _NO_SITE].append(finding)
    return dict(sorted(groups.items(), key=lambda item: (item[0] == _NO_SITE, item[0])))


def _findings(
    result: RunResult, kept: tuple[Finding, ...] | None = None, rows: dict[int, str] | None = None
) -> list[str]:
    """The findings by site; with `kept`, only those (the heading says how many of all)."""
    lines: list[str] = []
    totals = {site: len(findings) for site, findings in _groups(result).items()}
    shown = result if kept is None else _with_findings(result, kept)
    for site, findings in _groups(shown).items():
        heading = "Workspace" if site == _NO_SITE else f"Site {escape(site)}"
        count = str(len(findings))
        if len(findings) != totals[site]:
            count = f"{len(findings)} of {totals[site]}"
        lines += [
            f"### {heading} ({count})",
            "",
            "| severity | rule | location | message |",
            "|---|---|---|---|",
        ]
        ordered = sorted(findings, key=lambda f: (-f.severity.rank, f.sort_key()))
        lines += [rows[id(f)] if rows is not None else _finding_row(result, f) for f in ordered]
        lines.append("")
    return lines


def _finding_row(result: RunResult, f: Finding) -> str:
    return (
        f"| {_ICON[f.severity]} {f.severity.value} | {_rule_link(result, f.rule)} "
        f"| {_location(result, f)} | {markdown_message(f.message)} |"
    )


def _with_findings(result: RunResult, findings: tuple[Finding, ...]) -> RunResult:
    return replace(result, findings=findings)


def _waived(result: RunResult, waived: tuple[WaivedFinding, ...]) -> list[str]:
    count = str(len(waived))
    if len(waived) != len(result.waived):
        count = f"{len(waived)} of {len(result.waived)}"
    lines = [
        f"### Waived ({count})",
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


def _left_out_line(
    result: RunResult, kept: tuple[Finding, ...], waived: int, limit_name: str, pointer: str
) -> str:
    kept_ids = {id(f) for f in kept}
    counts = Counter(f.severity.value for f in result.findings if id(f) not in kept_ids)
    words = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    parts = [
        f"{counts[s.value]} {words[s]}{'' if counts[s.value] == 1 else 's'}"
        for s in Severity
        if counts[s.value]
    ]
    if len(result.waived) - waived:
        parts.append(f"{len(result.waived) - waived} waived")
    total = len(result.findings) - len(kept) + len(result.waived) - waived
    noun = "finding" if total == 1 else "findings"
    return (
        f"> ⚠️ **{total} {noun} left out** ({', '.join(parts)}) to stay under {limit_name}; "
        f"the most serious are shown. The full list: {pointer}."
    )


def _assemble(
    result: RunResult,
    options: RenderOptions,
    kept: tuple[Finding, ...] | None,
    waived: int | None,
    note: str | None,
    rows: dict[int, str] | None = None,
) -> str:
    lines = _summary(result)
    if note is not None:
        lines += [note, ""]
    if options.statistics:
        lines += _statistics(result)
    else:
        lines += _findings(result, kept, rows)
    shown_waived = result.waived if waived is None else result.waived[:waived]
    if shown_waived:
        lines += _waived(result, shown_waived)
    return "\n".join(lines).rstrip() + "\n"


def utf16_units(text: str) -> int:
    """Characters as JavaScript and most web forms count them (an emoji is two)."""
    return len(text.encode("utf-16-le")) // 2


def utf8_bytes(text: str) -> int:
    return len(text.encode("utf-8"))


def render_within(
    result: RunResult,
    options: RenderOptions,
    *,
    limit: int,
    measure: Callable[[str], int],
    limit_name: str,
    pointer: str,
) -> str:
    """The Markdown report, measured strictly under `limit` by `measure`.

    When the whole report does not fit, findings are kept by severity (errors
    first, then by path) and then waived findings, as many as fit; a line under
    the summary says how many were left out and where the full list is.
    """
    full = _assemble(result, options, None, None, None)
    if measure(full) < limit:
        return full
    ranked = tuple(sorted(result.findings, key=lambda f: (-f.severity.rank, f.sort_key())))
    droppable = 0 if options.statistics else len(ranked)
    rows = {id(f): _finding_row(result, f) for f in ranked} if droppable else None

    def attempt(count: int) -> str:
        kept = ranked[: min(count, droppable)] if droppable else ranked
        waived = max(count - droppable, 0)
        note = _left_out_line(result, kept, waived, limit_name, pointer)
        return _assemble(result, options, kept, waived, note, rows)

    # The largest number of rows that fits, by bisection (each attempt is linear).
    low, high = 0, droppable + len(result.waived)
    while low < high:
        middle = (low + high + 1) // 2
        if measure(attempt(middle)) < limit:
            low = middle
        else:
            high = middle - 1
    return attempt(low)


def cap_lines(
    text: str,
    *,
    pointer: str,
    limit: int = COMMENT_LIMIT,
    measure: Callable[[str], int] = utf16_units,
    limit_name: str = "the 65,536-character limit of a comment",
) -> str:
    """Markdown whose most important part comes first, cut at a line so that it and a
    closing note measure under `limit` (whole lines keep every table well formed)."""
    if measure(text) < limit:
        return text
    lines = text.rstrip("\n").split("\n")

    def attempt(count: int) -> str:
        left = len(lines) - count
        note = (
            f"> ⚠️ **Cut here: {left} more line{'' if left == 1 else 's'}** would go past "
            f"{limit_name}. The full text: {pointer}."
        )
        return "\n".join([*lines[:count], "", note]) + "\n"

    low, high = 0, len(lines) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if measure(attempt(middle)) < limit:
            low = middle
        else:
            high = middle - 1
    return attempt(low)


def render(result: RunResult, options: RenderOptions) -> str:
    """The run as GitHub-flavoured Markdown, capped to fit one comment."""
    return render_within(
        result,
        options,
        limit=COMMENT_LIMIT,
        measure=utf16_units,
        limit_name="the 65,536-character limit of a comment",
        pointer=COMMENT_POINTER,
    )
