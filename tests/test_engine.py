"""The engine: waivers, severity overrides, select/ignore, independence from the clock, sorting."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest

import vpsec.app.checks
from conftest import MINIMAL_CONFIG, VPSEC, WriteWorkspace
from vpsec import selection
from vpsec.app import CheckOptions, run_check
from vpsec.errors import UsageError
from vpsec.findings import RunResult, Severity

AS_OF = date(2026, 11, 27)

SITE = """\
apiVersion: vpsec/v1
kind: Site
id: s1
name: Test Mine
country: ZM
"""


def _transfer(record_id: str, signed: bool = False) -> str:
    return f"""\
apiVersion: vpsec/v1
kind: Transfer
id: {record_id}
site: s1
date: 2026-06-01
type: in_kind
recipient: {{authority: local, unit: District Police}}
items: [{{description: meals, quantity: 40}}]
purpose: escort support
receipt: {{signed: {str(signed).lower()}}}
"""


FILES = {
    "sites/s1.yaml": SITE,
    "transfers/t1.yaml": _transfer("t1"),
    "transfers/t2.yaml": _transfer("t2"),
    "transfers/t3.yaml": _transfer("t3", signed=True),
}


def _waiver(
    rule: str, record: str, expires: str, reason: str = "awaiting the new commander"
) -> str:
    return (
        f"  - rule: {rule}\n    record: {record}\n    reason: {reason}\n"
        f"    approved_by: Head of Security\n    expires: {expires}\n"
    )


def _config(rules: str = "", waivers: list[str] | None = None) -> str:
    text = MINIMAL_CONFIG + rules
    if waivers:
        text += "waivers:\n" + "".join(waivers)
    return text


def _assess(root: Path, select: list[str] | None = None) -> RunResult:
    return run_check(CheckOptions(path=root, as_of=AS_OF, select=select), "assess")


def _pairs(result: RunResult, *rules: str) -> list[tuple[str, str | None]]:
    return [(f.rule, f.record) for f in result.findings if not rules or f.rule in rules]


# Waivers


def test_valid_waiver_hides_exactly_its_finding(write_workspace: WriteWorkspace) -> None:
    config = _config(waivers=[_waiver("TRF001", "t1", "2027-03-31")])
    root = write_workspace(FILES, config=config)
    result = _assess(root)
    # The same rule on another record and another rule on the same record still show.
    assert ("TRF001", "t1") not in _pairs(result)
    assert ("TRF001", "t2") in _pairs(result)
    assert ("TRF007", "t1") in _pairs(result)
    assert [(w.finding.rule, w.finding.record) for w in result.waived] == [("TRF001", "t1")]
    assert result.waived[0].reason == "awaiting the new commander"
    assert result.waived[0].approved_by == "Head of Security"
    assert result.summary()["waived"] == 1
    assert not [f for f in result.findings if f.rule.startswith(("WVR", "V"))]


def test_waiver_expiring_on_as_of_still_holds(write_workspace: WriteWorkspace) -> None:
    root = write_workspace(FILES, config=_config(waivers=[_waiver("TRF001", "t1", "2026-11-27")]))
    result = _assess(root, ["TRF001", "WVR"])
    assert _pairs(result) == [("TRF001", "t2")]
    assert result.summary()["waived"] == 1


def test_expired_waiver_gives_wvr001_and_shows_the_finding_again(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace(FILES, config=_config(waivers=[_waiver("TRF001", "t1", "2026-11-26")]))
    result = _assess(root, ["TRF001", "WVR"])
    assert sorted(_pairs(result)) == [("TRF001", "t1"), ("TRF001", "t2"), ("WVR001", "t1")]
    assert result.waived == ()
    wvr = next(f for f in result.findings if f.rule == "WVR001")
    assert wvr.path == "vpsec.yaml"
    assert wvr.line == 5  # the waiver's entry in vpsec.yaml
    assert wvr.severity is Severity.WARNING
    assert "2026-11-26" in wvr.message


def test_waiver_matching_nothing_gives_wvr002(write_workspace: WriteWorkspace) -> None:
    # t3 has a signed receipt: the problem was fixed, the waiver is stale.
    root = write_workspace(FILES, config=_config(waivers=[_waiver("TRF001", "t3", "2027-03-31")]))
    result = _assess(root, ["TRF001", "WVR"])
    assert sorted(_pairs(result)) == [("TRF001", "t1"), ("TRF001", "t2"), ("WVR002", "t3")]
    assert result.waived == ()


def test_waiver_of_unselected_rule_is_neither_applied_nor_stale(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace(FILES, config=_config(waivers=[_waiver("TRF001", "t3", "2027-03-31")]))
    result = _assess(root, ["TRF007", "WVR"])
    assert {rule for rule, _ in _pairs(result)} == {"TRF007"}


def test_duplicate_waiver_is_v006_and_not_called_stale(write_workspace: WriteWorkspace) -> None:
    waiver = _waiver("TRF001", "t1", "2027-03-31")
    root = write_workspace(FILES, config=_config(waivers=[waiver, waiver]))
    result = _assess(root, ["TRF001", "WVR"])
    assert sorted(_pairs(result), key=str) == [("TRF001", "t2"), ("V006", None)]
    assert result.summary()["waived"] == 1


def test_waiver_missing_reason_is_v006(write_workspace: WriteWorkspace) -> None:
    waiver = "  - rule: TRF001\n    record: t1\n    approved_by: Head of Security\n"
    waiver += "    expires: 2027-03-31\n"
    root = write_workspace(FILES, config=_config(waivers=[waiver]))
    result = _assess(root, ["TRF001"])
    v006 = [f for f in result.findings if f.rule == "V006"]
    assert len(v006) == 1 and v006[0].path == "vpsec.yaml"
    assert "reason" in (v006[0].field or "") + v006[0].message
    # An invalid waiver hides nothing.
    assert ("TRF001", "t1") in _pairs(result)


def test_unknown_setting_is_v006(write_workspace: WriteWorkspace) -> None:
    rules = "rules:\n  settings:\n    contact_max_gap_dayz: 90\n"
    root = write_workspace(FILES, config=_config(rules))
    result = _assess(root, ["TRF001"])
    v006 = [f for f in result.findings if f.rule == "V006"]
    assert len(v006) == 1
    assert "contact_max_gap_dayz" in v006[0].message
    assert v006[0].line == 6


# Severity overrides


def test_severity_override_from_config(write_workspace: WriteWorkspace) -> None:
    rules = "rules:\n  severity:\n    TRF001: info\n    WVR002: error\n"
    config = _config(rules, waivers=[_waiver("TRF001", "t3", "2027-03-31")])
    root = write_workspace(FILES, config=config)
    result = _assess(root, ["TRF001", "TRF007", "WVR"])
    severities = {(f.rule, f.record): f.severity for f in result.findings}
    assert severities[("TRF001", "t1")] is Severity.INFO
    assert severities[("TRF007", "t1")] is Severity.WARNING  # untouched
    assert severities[("WVR002", "t3")] is Severity.ERROR
    assert result.counts()["error"] == 1


# Selection


@pytest.mark.parametrize(
    ("select", "ignore", "code", "selected"),
    [
        (["ALL"], [], "TRF001", True),
        ([], [], "TRF001", False),
        (["TRF"], ["TRF00"], "TRF001", False),  # longer ignore wins
        (["TRF"], ["TRF00"], "TRF010", True),  # TRF00 is not a prefix of TRF010
        (["TRF001"], ["TRF"], "TRF001", True),  # longer select wins
        (["TRF001"], ["TRF001"], "TRF001", False),  # tie: ignore wins
        (["TRF"], ["TRF"], "TRF002", False),
        (["ALL"], ["TRF"], "TRF001", False),
        (["TRF001"], ["ALL"], "TRF001", True),  # ALL is the shortest prefix
        (["ALL"], ["ALL"], "DEP001", False),
        (["DEP"], [], "TRF001", False),
        (["WVR"], ["WVR002"], "WVR001", True),
        (["WVR"], ["WVR002"], "WVR002", False),
    ],
)
def test_selection_longest_match(
    select: list[str], ignore: list[str], code: str, selected: bool
) -> None:
    assert selection.is_selected(code, select, ignore) is selected


def test_config_select_and_ignore_decide_which_rules_run(write_workspace: WriteWorkspace) -> None:
    rules = "rules:\n  select: [TRF, TRF001]\n  ignore: [TRF00]\n"
    root = write_workspace(FILES, config=_config(rules))
    result = _assess(root)
    assert {rule for rule, _ in _pairs(result)} == {"TRF001"}


def test_select_empty_runs_no_rule_but_validation(write_workspace: WriteWorkspace) -> None:
    files = {**FILES, "transfers/bad.yaml": "apiVersion: vpsec/v1\nkind: Transfer\n"}
    root = write_workspace(files, config=_config("rules:\n  select: []\n"))
    result = _assess(root)
    assert {f.rule for f in result.findings} == {"V005"}


def test_cli_select_replaces_config_select(write_workspace: WriteWorkspace) -> None:
    root = write_workspace(FILES, config=_config("rules:\n  select: [TRF007]\n"))
    result = _assess(root, ["TRF001"])
    assert {rule for rule, _ in _pairs(result)} == {"TRF001"}
    # The config's ignore still applies on top of --select.
    root2 = write_workspace(
        FILES, config=_config("rules:\n  ignore: [TRF001]\n"), root=root.parent / "w2"
    )
    assert _pairs(_assess(root2, ["TRF"]), "TRF001") == []


def test_unknown_code_in_select_is_a_usage_error(write_workspace: WriteWorkspace) -> None:
    root = write_workspace(FILES)
    with pytest.raises(UsageError, match="XYZ999"):
        _assess(root, ["XYZ999"])


def test_unknown_code_in_select_exits_2(write_workspace: WriteWorkspace) -> None:
    root = write_workspace(FILES)
    done = subprocess.run(
        [str(VPSEC), "assess", str(root), "--select", "TRF999"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "TRF999" in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


# Reproducibility and order


class _Tomorrow(date):
    @classmethod
    def today(cls) -> date:
        return date(2031, 1, 1)


def test_results_do_not_depend_on_the_clock(
    write_workspace: WriteWorkspace, example_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = [f.to_json() for f in _assess(example_root).findings]
    monkeypatch.setattr(vpsec.app.checks, "date", _Tomorrow)
    second = [f.to_json() for f in _assess(example_root).findings]
    assert first == second
    assert first  # the example has findings to compare
    # Without --as-of the (patched) clock is used: the date really is in play.
    undated = run_check(CheckOptions(path=example_root), "assess")
    assert undated.as_of == date(2031, 1, 1)


def test_findings_sorted_by_path_line_rule(example_root: Path) -> None:
    findings = _assess(example_root).findings
    keys = [(f.path, f.line or 0, f.column or 0, f.rule) for f in findings]
    assert keys == sorted(keys)
    assert len({f.path for f in findings}) > 3


def test_messages_on_the_example_name_no_person(example_root: Path) -> None:
    from vpsec.load.config import load_config
    from vpsec.load.workspace import load_workspace
    from vpsec.models import Deployment, Meeting, Transfer

    workspace, _ = load_workspace(example_root, load_config(example_root)[0])
    people: set[str] = set()
    for record in workspace.records:
        model = record.model
        if isinstance(model, Meeting):
            people.update(p.name for p in model.participants)
            people.update(d.owner for d in model.decisions or [] if d.owner)
        elif isinstance(model, Transfer):
            people.update(
                name
                for name in (
                    model.recipient.representative,
                    model.receipt and model.receipt.signed_by,
                )
                if name
            )
        elif isinstance(model, Deployment) and model.chain_of_command:
            chain = model.chain_of_command
            people.update(name for name in (chain.commander, chain.company_liaison) if name)
    assert len(people) > 5
    result = _assess(example_root)
    messages = [f.message for f in result.findings] + [w.finding.message for w in result.waived]
    assert [(m, p) for m in messages for p in people if p in m] == []


def test_example_findings_are_those_its_readme_lists(example_root: Path) -> None:
    import re

    readme = (example_root / "README.md").read_text(encoding="utf-8")
    bullets = re.findall(
        r"^- \*\*(\w+)\*\* \((\w+)(, \*\*waived\*\*)?\) on `([^`]+)`", readme, re.M
    )
    assert len(bullets) == 29
    listed = sorted(
        (code, severity, record) for code, severity, waived, record in bullets if not waived
    )
    listed_waived = sorted((code, record) for code, _severity, waived, record in bullets if waived)
    result = _assess(example_root)
    assert sorted((f.rule, f.severity.value, f.record) for f in result.findings) == listed
    assert sorted((w.finding.rule, w.finding.record) for w in result.waived) == listed_waived
    assert result.summary() == {"records": 41, "error": 2, "warning": 15, "info": 11, "waived": 1}
