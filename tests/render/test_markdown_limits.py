"""Markdown comments stay under GitHub's 65,536-character limit and say what they left out."""

from __future__ import annotations

import re

import cmarkgfm
from cmarkgfm.cmark import Options
from render_support import finding, made_result, waiver

from vpsec.findings import Finding, Severity
from vpsec.render import RenderOptions
from vpsec.render.markdown import COMMENT_LIMIT, render, utf16_units

LEFT_OUT = re.compile(r"\*\*(\d+) findings? left out\*\* \(([^)]*)\)")


def many(count: int, severity: Severity, prefix: str, site: str = "mine-a") -> list[Finding]:
    return [
        finding(
            "TRF001",
            severity=severity,
            path=f"transfers/{prefix}-{i:05d}.yaml",
            record=f"{prefix}-{i:05d}",
            message=f"{prefix}-{i:05d}: 12 handheld radios to 3rd Mobile Police Unit have no "
            "signed receipt, and the register has no entry for them",
            site=site,
        )
        for i in range(count)
    ]


def rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("| ") and "TRF001" in line]


def test_a_400_finding_comment_fits_and_keeps_the_errors() -> None:
    findings = [
        *many(250, Severity.WARNING, "w", site="mine-a"),
        *many(100, Severity.INFO, "i", site="mine-b"),
        *many(50, Severity.ERROR, "e", site="mine-c"),
    ]
    result = made_result(findings, [waiver(finding("TRF007", record="trf-9"))])
    text = render(result, RenderOptions())
    assert utf16_units(text) < COMMENT_LIMIT
    match = LEFT_OUT.search(text)
    assert match, text[:2000]
    shown = rows(text)
    assert int(match.group(1)) + len(shown) == len(findings) + len(result.waived)
    assert sum(1 for row in shown if "🔴" in row) == 50
    # Notices are the first to go, then warnings; the summary still counts them all.
    assert "notices" in match.group(2)
    assert "| 🟠 warning | 250 |" in text and "| 🔵 info | 100 |" in text
    assert "vpsec report assessment" in text
    # The note sits under the summary table, where a reviewer sees it first.
    assert text.index("left out") < text.index("### ")
    # A site heading says how many of its findings are shown.
    assert re.search(r"### Site mine-a \(\d+ of 250\)", text)


def test_the_capped_comment_renders_as_github_does() -> None:
    text = render(made_result(many(600, Severity.ERROR, "e")), RenderOptions())
    html = cmarkgfm.github_flavored_markdown_to_html(text, options=Options.CMARK_OPT_UNSAFE)
    # Every kept row is still a table row, and the note is a quote above the tables.
    # the kept rows and their header, then the summary table: its header and four rows
    assert html.count("<tr>") == len(rows(text)) + 1 + 5
    assert re.search(r"<blockquote>\s*<p>⚠️ <strong>\d+ findings left out</strong>", html)


def test_a_comment_that_fits_is_whole() -> None:
    text = render(made_result(many(20, Severity.ERROR, "e")), RenderOptions())
    assert "left out" not in text
    assert len(rows(text)) == 20


def test_emoji_are_counted_as_github_may_count_them() -> None:
    assert utf16_units("🔴") == 2
    assert utf16_units("⚠️") == 2
    assert utf16_units("abc") == 3


def test_a_long_diff_comment_is_cut_at_a_line_and_says_so() -> None:
    from vpsec.render.diff import MARKER, render_markdown
    from vpsec.results import DiffResult, RecordRef

    introduced = tuple(many(900, Severity.ERROR, "e"))
    added = tuple(
        RecordRef(f"trf-{i:05d}", f"transfers/trf-{i:05d}.yaml", {"kind": "Transfer"})
        for i in range(900)
    )
    result = DiffResult(
        base="main",
        head="feature/x",
        added=added,
        removed=(),
        changed=(),
        moved=(),
        introduced=introduced,
        resolved=(),
        version="0.1.0",
    )
    text = render_markdown(result, RenderOptions())
    assert text.startswith(MARKER)
    assert utf16_units(text) < COMMENT_LIMIT
    match = re.search(r"\*\*Cut here: (\d+) more lines\*\*", text)
    assert match
    # New findings come first, so what is cut is the end: the record list.
    assert "### Findings introduced" in text
    html = cmarkgfm.github_flavored_markdown_to_html(text, options=Options.CMARK_OPT_UNSAFE)
    assert "<blockquote>" in html and "vpsec diff" in html
