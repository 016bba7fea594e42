"""docs/rules.md is generated from the catalogue and must not drift from it."""

from __future__ import annotations

from conftest import REPO
from vpsec import catalogue
from vpsec.rules_doc import explain_rule, rules_markdown, rules_table


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


# The good-practice codes of shared/spec/rules.md v1.1, and the look-ahead codes DEP015 and
# DEP016 (issue 17), in catalogue order. Codes are never reused or renumbered.
V1_1_CODES = (
    [f"SIT{n:03}" for n in range(1, 8)]
    + [f"DEP{n:03}" for n in range(1, 17)]
    + [f"TRF{n:03}" for n in range(1, 13)]
    + [f"MTG{n:03}" for n in range(1, 7)]
    + [f"RSK{n:03}" for n in range(1, 13)]
    + [f"AGR{n:03}" for n in range(1, 11)]
    + [f"INC{n:03}" for n in range(1, 4)]
    + [f"CON{n:03}" for n in range(1, 4)]
    + ["WVR001", "WVR002"]
)
NEW_IN_V1_1 = {
    "SIT007", "DEP012", "DEP013", "DEP014", "DEP015", "DEP016", "TRF011", "TRF012", "MTG005",
    "MTG006", "RSK010", "RSK011", "RSK012", "AGR008", "AGR009", "AGR010", "INC003", "CON003",
}  # fmt: skip
# Rules whose finding states a fact about a record rather than the absence of one.
STATES_A_FACT = {
    "DEP006", "DEP015", "DEP016", "TRF003", "TRF006", "TRF008", "TRF012", "RSK002", "AGR003",
    "INC002",
}  # fmt: skip


def test_catalogue_entries_are_complete() -> None:
    rules = catalogue.all_rules()
    assert catalogue.version() == "1.1"
    assert len({r.code for r in rules}) == len(rules)
    assert len({r.name for r in rules}) == len(rules)
    assert [r.code for r in rules if not r.code.startswith("V")] == V1_1_CODES
    assert {f"V00{n}" for n in range(1, 7)} <= {r.code for r in rules if r.family == "V"}
    for info in rules:
        assert info.title and info.checks and info.recommendation
        if not info.code.startswith(("V", "WVR")):
            assert info.rationale and info.fix and info.sources and info.example
    new = {r.code for r in rules if r.since == "1.1" and not r.code.startswith("V")}
    assert new == NEW_IN_V1_1


def test_recommendations_speak_to_a_client() -> None:
    """No field names, files or workspace words: the text can go into a client report."""
    for info in catalogue.all_rules():
        text = info.recommendation
        for marker in ("`", "_", ".yaml", "/", "vpsec", "workspace"):
            assert marker not in text, f"{info.code}: {marker!r} in {text!r}"
        assert text != info.fix
        assert text[0].isupper() and text.endswith(".")


def test_titles_say_no_record_where_the_rule_sees_only_an_absence() -> None:
    for info in catalogue.all_rules():
        if info.code.startswith(("V", "WVR")) or info.code in STATES_A_FACT:
            continue
        assert "record" in info.title.lower(), f"{info.code}: {info.title}"


def test_vpsec_thresholds_are_called_defaults() -> None:
    """A period or threshold that is vpsec's own choice says so wherever the rule states it."""
    for info in catalogue.all_rules():
        for name in catalogue.settings_defaults():
            if f"`{name}`" in info.checks:
                assert "vpsec's default" in info.checks, f"{info.code}: {name}"
        if "365 days before as-of" in info.checks and "default setting" not in info.checks:
            assert "chosen by vpsec" in info.checks, info.code


def test_rules_shows_the_catalogue_version() -> None:
    table = rules_table()
    assert f"catalogue v{catalogue.version()}" in table
    for code in V1_1_CODES:
        assert code in table


def test_explaining_a_rule_shows_the_recommendation_beside_the_fix() -> None:
    text = " ".join(explain_rule("DEP012").split())
    info = catalogue.rule("DEP012")
    assert "Recommendation" in text and "How to fix" in text
    assert " ".join(info.recommendation.split()) in text
    assert text.index("Recommendation") < text.index("How to fix")
    assert "new in catalogue v1.1" in text
    changed = " ".join(explain_rule("DEP003").split())
    assert "Changed in catalogue v1.1" in changed and "requested" in changed


def test_rules_page_says_what_changed() -> None:
    page = rules_markdown()
    changes = page[page.index("## What changed in v1.1") : page.index("## Validation")]
    for code in NEW_IN_V1_1:
        assert f"[{code}](#{code.lower()})" in changes
    for code in ("DEP003", "DEP010", "MTG004", "RSK005", "INC001", "SIT005"):
        assert f"**[{code}](#{code.lower()})**" in changes
    assert "non_state_armed" in changes
