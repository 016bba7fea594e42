"""docs/rules.md is generated from the catalogue and must not drift from it."""

from __future__ import annotations

from conftest import REPO
from vpsec import catalogue
from vpsec.rules_doc import rules_markdown


def test_rules_page_is_current() -> None:
    page = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert page == rules_markdown(), (
        "docs/rules.md is stale: run `python -m vpsec.rules_doc > docs/rules.md`"
    )


def test_every_rule_is_documented_with_its_sources() -> None:
    page = rules_markdown()
    for info in catalogue.all_rules():
        assert f"### {info.code} — {info.title}" in page
        for source in info.sources:
            assert source in page


def test_catalogue_entries_are_complete() -> None:
    rules = catalogue.all_rules()
    assert len({r.code for r in rules}) == len(rules) == 59
    assert len({r.name for r in rules}) == len(rules)
    for info in rules:
        assert info.title and info.checks
        if not info.code.startswith(("V", "WVR")):
            assert info.rationale and info.fix and info.sources and info.example
