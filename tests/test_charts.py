"""vpsec.charts: inline SVG that stands alone, labels values in text, never mixes currencies."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from vpsec import charts

SVG = "{http://www.w3.org/2000/svg}"


def _texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def test_findings_chart_is_valid_svg_with_title_desc_and_value_labels() -> None:
    svg = charts.findings_by_site(
        "c1", [("Kamituga", {"error": 2, "warning": 1, "info": 0}), ("Workspace-wide", {"info": 1})]
    )
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{SVG}title").text == "Findings by site and severity"
    assert "Kamituga: 2 errors, 1 warning" in root.find(f"{SVG}desc").text
    texts = _texts(svg)
    # The legend says in words what each colour means, and each bar carries its numbers.
    assert {"error", "warning", "info"} <= set(texts)
    assert any("3 (2 errors, 1 warning)" in t for t in texts)
    assert any("1 info" in t for t in texts)


def test_labels_are_escaped() -> None:
    svg = charts.findings_by_site("c2", [("<b>&Co</b>", {"error": 1})])
    assert "<b>" not in svg
    assert any("<b>&Co</b>" in t for t in _texts(svg))


def test_transfer_chart_is_one_currency_stacked_by_level() -> None:
    svg = charts.transfers_by_month(
        "t",
        "USD",
        [("2026-02", {"local": 4800.0}), ("2026-03", {"local": 5200.0, "national": 10.5})],
    )
    texts = _texts(svg)
    assert "USD 4,800 local" in texts
    assert "USD 5,210.50 (10.50 national, 5,200 local)" in texts
    assert "Value of transfers in USD" in ET.fromstring(svg).find(f"{SVG}title").text


def test_an_empty_chart_says_so() -> None:
    assert "Nothing to show." in _texts(charts.findings_by_site("e", []))


def test_the_chart_is_wide_enough_for_its_longest_label() -> None:
    long = charts.transfers_by_month("w", "CDF", [("2026-03", {"individuals": 18_000_000.0})])
    width = float(ET.fromstring(long).get("viewBox").split()[2])
    label = "CDF 18,000,000 individuals"
    assert width >= 230 + 300 + len(label) * 7


def _label_of(svg: str, label: str) -> ET.Element:
    root = ET.fromstring(svg)
    return next(
        t
        for t in root.iter(f"{SVG}text")
        if t.find(f"{SVG}title") is not None and t.find(f"{SVG}title").text == label
    )


def test_a_long_label_wraps_between_words_with_the_full_name_in_its_title() -> None:
    name = "Apurímac Exploration Camp (Proyecto Ccollpa)"
    text = _label_of(charts.findings_by_site("w", [(name, {"error": 1})]), name)
    lines = [span.text for span in text.iter(f"{SVG}tspan")]
    assert lines == ["Apurímac Exploration Camp", "(Proyecto Ccollpa)"]
    assert "…" not in "".join(lines)


def test_a_label_too_long_for_two_lines_is_shortened_at_a_word() -> None:
    name = "The Northern Highlands Gold and Copper Exploration Concession Area Number Seven"
    text = _label_of(charts.findings_by_site("w", [(name, {"info": 2})]), name)
    lines = [span.text for span in text.iter(f"{SVG}tspan")]
    assert len(lines) == 2 and lines[1].endswith("…")
    # Every shown word is a whole word of the name.
    words = name.split()
    assert all(w in words for line in lines for w in line.rstrip("…").split())


def test_a_short_label_is_one_line_and_counts_read_as_words() -> None:
    svg = charts.findings_by_site("s", [("Kamituga", {"warning": 1}), ("Chingola", {"error": 2})])
    assert [s.text for s in _label_of(svg, "Kamituga").iter(f"{SVG}tspan")] == ["Kamituga"]
    texts = _texts(svg)
    assert "1 warning" in texts and "2 errors" in texts
