"""Rule test cases as data: every tests/rules/cases/<FAMILY>.yaml case runs through the engine.

A family file holds `fixtures` (named sets of files, reused by cases through
`use`) and `cases`. A case has `rule`, `description`, optional `as_of`
(default AS_OF), optional `config` (the whole vpsec.yaml text) or `settings`
(a mapping put under rules.settings), optional `select` (default: the rule
alone), `use`, `files` (relative path -> YAML text) and `expect`: the list of
findings of that rule, each `{record, field?, line?}` (`record: null` for a
workspace-level finding), or an integer count. An empty list is a silent case.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from vpsec import catalogue
from vpsec.app import CheckOptions, run_check
from vpsec.rules.registry import registered_codes

CASES_DIR = Path(__file__).parent / "cases"
# Not imported from conftest: another conftest.py in a subfolder would shadow the name.
AS_OF = "2026-11-27"
BASE_CONFIG = "apiVersion: vpsec/v1\nkind: Workspace\norganisation: Test Mining plc\n"
# Personal names in the fixtures all start with this, so a leak into a message shows.
PERSON = "Person "


def _load_cases() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        fixtures: dict[str, dict[str, str]] = data.get("fixtures") or {}
        for index, case in enumerate(data["cases"]):
            files: dict[str, str] = {}
            for name in case.get("use") or []:
                files.update(fixtures[name])
            files.update(case.get("files") or {})
            out.append({**case, "files": files, "source": f"{path.name}#{index}"})
    return out


CASES = _load_cases()


def _config(case: dict[str, Any]) -> str:
    if "config" in case:
        return str(case["config"])
    settings = case.get("settings") or {}
    if not settings:
        return BASE_CONFIG
    lines = "".join(f"    {name}: {value}\n" for name, value in settings.items())
    return BASE_CONFIG + "rules:\n  settings:\n" + lines


def _case_id(case: dict[str, Any]) -> str:
    return f"{case['rule']}-{case['description']}"


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_rule_case(case: dict[str, Any], write_workspace: Callable[..., Path]) -> None:
    root = write_workspace(case["files"], config=_config(case))
    as_of = date.fromisoformat(str(case.get("as_of", AS_OF)))
    select = case.get("select") or [case["rule"]]
    result = run_check(CheckOptions(path=root, as_of=as_of, select=select), "assess")

    # A broken fixture would hide its record from the rules: it must load cleanly.
    invalid = [
        f"{f.rule} {f.path}:{f.line} {f.message}" for f in result.findings if f.rule[0] == "V"
    ]
    assert invalid == [], f"{case['source']}: the fixture does not validate"

    found = [f for f in result.findings if f.rule == case["rule"]]
    assert [f.message for f in found if PERSON in f.message] == []
    expect = case["expect"]
    if isinstance(expect, int):
        assert len(found) == expect, [f.message for f in found]
        return
    remaining = list(found)
    for wanted in expect:
        match = next(
            (
                f
                for f in remaining
                if f.record == wanted["record"]
                and ("field" not in wanted or f.field == wanted["field"])
                and ("line" not in wanted or f.line == wanted["line"])
            ),
            None,
        )
        assert match is not None, (
            f"{case['source']}: expected {wanted}, found "
            f"{[(f.record, f.field, f.line) for f in found]}"
        )
        remaining.remove(match)
    assert remaining == [], f"{case['source']}: unexpected {[f.message for f in remaining]}"


def test_every_rule_has_a_check_and_cases() -> None:
    codes = [info.code for info in catalogue.all_rules() if not info.code.startswith("V")]
    checked = [code for code in codes if not code.startswith("WVR")]
    assert sorted(checked) == registered_codes()
    firing = {case["rule"] for case in CASES if case["expect"] not in ([], 0)}
    silent = {case["rule"] for case in CASES if case["expect"] in ([], 0)}
    assert [code for code in codes if code not in firing] == []
    assert [code for code in codes if code not in silent] == []


MILITIA_SITE = """\
apiVersion: vpsec/v1
kind: Site
id: s1
name: Test Mine
country: CD
context: {armed_conflict: true}
"""


@pytest.mark.parametrize("kind", ["equipment", "in_kind", "services", "payment", "per_diem"])
def test_a_transfer_to_an_armed_group_is_seen_by_trf012_alone(
    kind: str, write_workspace: Callable[..., Path]
) -> None:
    """rules.md v1.1: a non_state_armed transfer is no public-security transfer for any rule."""
    militia = (
        "apiVersion: vpsec/v1\nkind: Transfer\nid: t9\nsite: s1\ndate: 2026-11-01\n"
        f"type: {kind}\n"
        "recipient: {authority: non_state_armed, unit: Armed group at the ferry crossing}\n"
        "items: [{description: jerrycans of fuel, quantity: 10}]\n"
        "purpose: passage of the supply convoy\nlethal: true\n"
    )
    root = write_workspace({"sites/s1.yaml": MILITIA_SITE, "transfers/t9.yaml": militia})
    result = run_check(CheckOptions(path=root, as_of=date.fromisoformat(AS_OF)), "assess")
    assert sorted({f.rule for f in result.findings if f.record == "t9"}) == ["TRF012"]
    # Nor does it make the site one that supports public security.
    site_rules = {f.rule for f in result.findings if f.record == "s1"}
    assert site_rules & {"RSK001", "SIT005", "SIT006", "TRF008", "TRF010", "CON003"} == set()
    # The same transfer to a lawful unit is seen by many rules, and not by TRF012.
    lawful = militia.replace("non_state_armed", "local")
    root = write_workspace(
        {"sites/s1.yaml": MILITIA_SITE, "transfers/t9.yaml": lawful}, root=root.parent / "w2"
    )
    result = run_check(CheckOptions(path=root, as_of=date.fromisoformat(AS_OF)), "assess")
    seen = {f.rule for f in result.findings if f.record in ("t9", "s1")}
    assert "TRF012" not in seen and {"TRF001", "TRF007", "RSK001"} <= seen
