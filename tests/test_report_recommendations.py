"""Client-facing reports give each finding the catalogue's recommendation, in a client's words."""

from __future__ import annotations

import re
from datetime import date

import pytest

from conftest import EXAMPLE
from vpsec import catalogue
from vpsec.app.report import ReportOptions, render_report

AS_OF = date(2026, 11, 27)


def test_every_rule_has_a_recommendation_without_field_names_or_paths() -> None:
    for info in catalogue.all_rules():
        if info.code.startswith(("V", "WVR")):
            continue
        assert info.recommendation, info.code
        assert "`" not in info.recommendation, info.code
        assert not re.search(r"\b\w+\.(ya?ml|json)\b|\w+_\w+:", info.recommendation), info.code


@pytest.mark.parametrize("audience", ["internal", "public"])
def test_the_assessment_recommends_for_every_finding(audience: str) -> None:
    text = render_report(ReportOptions("assessment", path=EXAMPLE, audience=audience, as_of=AS_OF))
    assert isinstance(text, str)
    details = re.findall(r"^#### (?:ERROR|WARNING|INFO) .+$", text, flags=re.MULTILINE)
    advice = re.findall(r"^\*What we recommend:\* (.+)$", text, flags=re.MULTILINE)
    assert details and len(advice) == len(details)
    codes = {info.recommendation for info in catalogue.all_rules()}
    assert all(line.replace("\\", "") in codes or line in codes for line in advice)
    if audience == "public":
        assert "For the team that keeps the records" not in text
