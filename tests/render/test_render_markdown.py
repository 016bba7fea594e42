"""Markdown: a summary table and the findings by site; record text cannot break the tables."""

from __future__ import annotations

import re

from render_support import HOSTILE, finding, made_result, waiver

from vpsec.findings import RunResult
from vpsec.render import RenderOptions
from vpsec.render.markdown import escape, render

# A cell border is a | not preceded by a backslash.
BORDER = re.compile(r"(?<!\\)\|")


def tables(text: str) -> list[list[str]]:
    """The tables of a Markdown text, each a list of its lines."""
    found: list[list[str]] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            found.append(current)
            current = []
    if current:
        found.append(current)
    return found


def check_shape(table: list[str]) -> None:
    header, rule, *rows = table
    width = len(BORDER.findall(header))
    assert re.fullmatch(r"(\|-+:?)+\|", rule)
    assert len(BORDER.findall(rule)) == width
    for row in rows:
        assert len(BORDER.findall(row)) == width, row


def test_example_summary_and_groups(example_result: RunResult) -> None:
    text = render(example_result, RenderOptions())
    found = tables(text)
    for table in found:
        check_shape(table)
    summary = found[0]
    counts = example_result.counts()
    assert summary[0] == "| severity | findings |"
    for severity, count in counts.items():
        assert any(row.endswith(f" {severity} | {count} |") for row in summary)
    assert f"| waived | {len(example_result.waived)} |" in summary
    sites = {f.site for f in example_result.findings if f.site}
    for site in sites:
        assert f"### Site {escape(site)} (" in text
    rows = sum(len(t) - 2 for t in found[1:])
    assert rows == len(example_result.findings) + len(example_result.waived)


def test_hostile_text_stays_in_its_cell() -> None:
    result = made_result(
        [finding("TRF001", message=HOSTILE)], [waiver(finding("TRF007"), reason=HOSTILE)]
    )
    text = render(result, RenderOptions())
    for table in tables(text):
        check_shape(table)
    assert "<b>" not in text and "@someone" not in text
    assert "\n::error" not in text
    assert "[link](" not in text
    assert "Head of Security" not in text  # who approved a waiver may be a person's name


def test_escape_neutralises_markdown() -> None:
    assert escape("a|b") == "a\\|b"
    # "#1" would link issue 1 on GitHub: an invisible word joiner keeps it plain text.
    assert escape("*x* _y_ `z` [l](u) ~s~ $m$ #1") == (
        "\\*x\\* \\_y\\_ \\`z\\` \\[l\\](u) \\~s\\~ \\$m\\$ #\u20601"
    )
    assert escape("line\nbreak  and\ttab") == "line break and tab"
    assert escape("<script>&amp;") == "&lt;script&gt;&amp;amp;"


def test_clean_run_and_statistics() -> None:
    clean = render(made_result([]), RenderOptions())
    assert "no findings" in clean
    assert len(tables(clean)) == 1
    stats = render(
        made_result([finding("TRF001"), finding("TRF001", line=30)]), RenderOptions(statistics=True)
    )
    assert "### Findings per rule" in stats
    assert any(" | 2 | " in row for row in tables(stats)[1])
