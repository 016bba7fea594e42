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
    assert "Kamituga: 2 error, 1 warning" in root.find(f"{SVG}desc").text
    texts = _texts(svg)
    # The legend says in words what each colour means, and each bar carries its numbers.
    assert {"error", "warning", "info"} <= set(texts)
    assert any("3 (2 error, 1 warning)" in t for t in texts)
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
