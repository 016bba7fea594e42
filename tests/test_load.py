"""The loader and validation (V001-V006): every kind, valid and invalid, as data; edge cases."""

from __future__ import annotations

import os
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from conftest import MINIMAL_CONFIG, WriteWorkspace
from vpsec.app import CheckOptions, run_check
from vpsec.errors import ConfigError, WorkspaceNotFound
from vpsec.findings import RunResult

DATA = Path(__file__).parent / "data" / "kinds"
SUPPORT = (DATA / "support.yaml").read_text(encoding="utf-8")
VALID = sorted((DATA / "valid").glob("*.yaml"))
INVALID = sorted((DATA / "invalid").glob("*.yaml"))
EXPECT = re.compile(rb"^# expect: (V\d{3})(?: (\d+))? (.+)$", re.MULTILINE)


def _validate(root: Path) -> RunResult:
    return run_check(CheckOptions(path=root, as_of=date(2026, 11, 27)), "validate")


def _workspace_with(tmp_path: Path, name: str, data: bytes) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "vpsec.yaml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    (root / "a-support.yaml").write_text(SUPPORT, encoding="utf-8")
    (root / "cases").mkdir()
    (root / "cases" / name).write_bytes(data)
    return root


@pytest.mark.parametrize("case", VALID, ids=lambda p: p.stem)
def test_valid_record_has_no_findings(tmp_path: Path, case: Path) -> None:
    result = _validate(_workspace_with(tmp_path, case.name, case.read_bytes()))
    assert [f.message for f in result.findings] == []


def test_every_kind_has_a_valid_and_an_invalid_case() -> None:
    from vpsec.models import KINDS

    valid = {p.stem for p in VALID}
    invalid_kinds = {p.stem.split("-")[0] for p in INVALID}
    for kind in KINDS:
        assert kind.lower() in valid
        assert kind.lower() in invalid_kinds


@pytest.mark.parametrize("case", INVALID, ids=lambda p: p.stem)
def test_invalid_record_is_reported_at_its_line(tmp_path: Path, case: Path) -> None:
    data = case.read_bytes()
    expected = EXPECT.search(data)
    assert expected, f"{case.name} needs a '# expect: CODE [LINE] TEXT' first line"
    code, line, text = expected.group(1).decode(), expected.group(2), expected.group(3).decode()
    result = _validate(_workspace_with(tmp_path, case.name, data))
    ours = [f for f in result.findings if f.path == f"cases/{case.name}"]
    assert ours, f"no finding for {case.name}"
    matching = [f for f in ours if f.rule == code and text in f.message]
    assert matching, [(f.rule, f.line, f.message) for f in ours]
    if line is not None:
        assert matching[0].line == int(line), (matching[0].line, matching[0].message)
    # The support records are never blamed for the case's problem.
    assert all(f.path == f"cases/{case.name}" for f in result.findings)


def test_schema_error_names_field_path_and_line(write_workspace: WriteWorkspace) -> None:
    root = write_workspace(
        {
            "support.yaml": SUPPORT,
            "t.yaml": """\
            apiVersion: vpsec/v1
            kind: Transfer
            id: t1
            site: s1
            date: 2026-03-02
            type: equipment
            recipient:
              authority: locally
              unit: Police
            items: [{description: radios, quantity: 0}]
            purpose: x
            """,
        }
    )
    found = {(f.field, f.line) for f in _validate(root).findings}
    assert ("recipient.authority", 8) in found
    assert ("items[0].quantity", 10) in found


def test_missing_field_points_at_record_or_parent(write_workspace: WriteWorkspace) -> None:
    root = write_workspace(
        {
            "support.yaml": SUPPORT,
            "d.yaml": """\
            # a comment first
            apiVersion: vpsec/v1
            kind: Deployment
            id: d2
            site: s1
            force:
              type: police
            armed: true
            role: patrol
            start: 2026-01-01
            """,
        }
    )
    by_field = {f.field: f.line for f in _validate(root).findings}
    assert by_field["headcount"] == 2  # the record's first line
    assert by_field["force.agency"] == 6  # the parent mapping that lacks it


def test_unknown_field_suggests_closest(write_workspace: WriteWorkspace) -> None:
    root = write_workspace(
        {
            "support.yaml": SUPPORT,
            "t.yaml": """\
            apiVersion: vpsec/v1
            kind: Transfer
            id: t1
            site: s1
            date: 2026-03-02
            type: payment
            recipient: {authority: national, unit: Ministry}
            items: [{description: fee, quantity: 1}]
            purpose: Fee
            recieve: {signed: true}
            """,
        }
    )
    (finding,) = _validate(root).findings
    assert finding.rule == "V002"
    assert "did you mean `receipt`?" in finding.message
    assert finding.line == 10


def test_one_bad_file_does_not_stop_the_others(write_workspace: WriteWorkspace) -> None:
    root = write_workspace(
        {
            "a.yaml": "apiVersion: vpsec/v1\nkind: Site\nid: a\nname: A\ncountry: XX\n",
            "b.yaml": "key: [unclosed\n",
            "c.yaml": "apiVersion: vpsec/v1\nkind: Site\nid: c\nname: C\ncountry: ZZ\n",
        }
    )
    rules = sorted((f.path, f.rule) for f in _validate(root).findings)
    assert rules == [("a.yaml", "V002"), ("b.yaml", "V001"), ("c.yaml", "V002")]


def test_empty_files_and_documents_are_skipped(write_workspace: WriteWorkspace) -> None:
    root = write_workspace(
        {
            "empty.yaml": "",
            "comments.yaml": "# nothing here\n",
            "multi.yaml": (
                "---\n---\napiVersion: vpsec/v1\nkind: Site\nid: m\nname: M\ncountry: PE\n---\n"
            ),
        }
    )
    result = _validate(root)
    assert result.findings == ()
    assert result.records == 1


def test_discovery_skips_hidden_excluded_and_non_yaml(write_workspace: WriteWorkspace) -> None:
    broken = "not: [valid\n"
    root = write_workspace(
        {
            ".hidden/x.yaml": broken,
            ".x.yaml": broken,
            "reports/out.yaml": broken,
            "tools/conf.yml": broken,
            "notes.txt": broken,
            "sites/a.yml": "apiVersion: vpsec/v1\nkind: Site\nid: a\nname: A\ncountry: PE\n",
        },
        config=MINIMAL_CONFIG + "exclude: [reports/, tools]\n",
    )
    result = _validate(root)
    assert result.findings == ()
    assert result.records == 1


def test_duplicate_id_reported_at_second_in_sorted_order(write_workspace: WriteWorkspace) -> None:
    site = "apiVersion: vpsec/v1\nkind: Site\nid: same\nname: S\ncountry: PE\n"
    root = write_workspace({"b/x.yaml": site, "a/z.yaml": site})
    (finding,) = _validate(root).findings
    assert finding.rule == "V003"
    assert finding.path == "b/x.yaml"
    assert "a/z.yaml:1" in finding.message


def test_symlink_outside_workspace_is_not_followed(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("password: hunter2-secret-value\n", encoding="utf-8")
    root = write_workspace({})
    os.symlink(secret, root / "leak.yaml")
    os.symlink(root / "loop.yaml", root / "loop.yaml")
    result = _validate(root)
    by_path = {f.path: f for f in result.findings}
    assert "outside the workspace" in by_path["leak.yaml"].message
    assert "leads nowhere" in by_path["loop.yaml"].message
    assert all("hunter2" not in f.message and str(secret) not in f.message for f in result.findings)


def test_size_limit_is_configurable(write_workspace: WriteWorkspace) -> None:
    big = (
        "apiVersion: vpsec/v1\nkind: Site\nid: big\nname: B\ncountry: PE\nnotes: "
        + "x" * 200_000
        + "\n"
    )
    root = write_workspace(
        {"big.yaml": big}, config=MINIMAL_CONFIG + "limits: {max_file_mb: 0.1}\n"
    )
    (finding,) = _validate(root).findings
    assert finding.rule == "V001"
    assert "limits.max_file_mb" in finding.message
    (root / "vpsec.yaml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    assert _validate(root).findings == ()


def test_deep_nesting_is_refused(write_workspace: WriteWorkspace) -> None:
    deep = "custom: " + "[" * 5000 + "]" * 5000 + "\n"
    root = write_workspace({"deep.yaml": deep})
    (finding,) = _validate(root).findings
    assert finding.rule == "V001"
    assert "nesting" in finding.message


def test_missing_workspace_file(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceNotFound, match=r"no vpsec\.yaml"):
        _validate(tmp_path)


def test_unreadable_workspace_file(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({}, config="apiVersion: vpsec/v1\nkind: [Workspace\n")
    with pytest.raises(ConfigError, match=r"vpsec\.yaml:\d+:\d+"):
        _validate(root)


@pytest.mark.parametrize(
    ("extra", "text"),
    [
        ("rules:\n  select: [TRX]\n", "`TRX` is not a rule code"),
        ("rules:\n  settings: {contact_max_gap: 10}\n", "did you mean `contact_max_gap_days`?"),
        ("rules:\n  severity: {TRF001: fatal}\n", "must be one of"),
        (
            "waivers:\n  - {rule: TRF007, record: t1, approved_by: HoS, expires: 2027-01-01}\n",
            "waivers[0].reason",
        ),
        (
            "waivers:\n"
            "  - {rule: TRF007, record: t1, reason: r, approved_by: HoS, expires: 2027-01-01}\n"
            "  - {rule: TRF007, record: t1, reason: r, approved_by: HoS, expires: 2027-01-01}\n",
            "a second waiver",
        ),
        ("organisaton: typo\n", "did you mean `organisation`?"),
    ],
)
def test_invalid_workspace_file_is_v006(
    write_workspace: WriteWorkspace, extra: str, text: str
) -> None:
    root = write_workspace({}, config=MINIMAL_CONFIG + extra)
    findings = _validate(root).findings
    assert any(
        f.rule == "V006" and text in f.message and f.path == "vpsec.yaml" for f in findings
    ), [f.message for f in findings]


def test_example_workspace_validates_clean(example_root: Path) -> None:
    result = _validate(example_root)
    assert result.findings == ()
    assert result.records >= 30


def test_example_uses_every_kind(example_root: Path) -> None:
    from vpsec.load.config import load_config
    from vpsec.load.workspace import load_workspace
    from vpsec.models import KINDS

    config, _, _ = load_config(example_root)
    workspace, _ = load_workspace(example_root, config)
    assert {r.kind for r in workspace.records} == set(KINDS)


def test_workspace_is_found_from_a_subfolder(example_root: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(example_root, copy)
    result = _validate(copy / "transfers")
    assert result.findings == ()
