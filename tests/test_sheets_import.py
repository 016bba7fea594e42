"""`vpsec import`: rows to records, every problem at its cell, all written or none."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from conftest import AS_OF, RunCli, WriteWorkspace
from vpsec import atomic
from vpsec.errors import OutputError
from vpsec.load.source import open_workspace

SITE = """\
apiVersion: vpsec/v1
kind: Site
id: kamituga
name: Kamituga Gold Mine
country: CD
"""


@pytest.fixture
def ws(write_workspace: WriteWorkspace) -> Path:
    return write_workspace({"sites/kamituga.yaml": SITE})


def template(cli: RunCli, ws: Path, tmp_path: Path, kind: str = "transfer") -> Path:
    path = tmp_path / f"{kind}-template.xlsx"
    code, _, err = cli(ws, "export", "--template", kind, "-o", str(path))
    assert code == 0, err
    return path


def fill(path: Path, rows: list[dict[str, Any]], target: Path | None = None) -> Path:
    """Fill a template as a site team would: by header, one dict per row."""
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    columns = {cell.value: cell.column for cell in sheet[1]}
    for number, values in enumerate(rows, start=2):
        for header, value in values.items():
            sheet.cell(row=number, column=columns[header], value=value)
    out = target or path.with_name("filled.xlsx")
    book.save(out)
    return out


def transfer(n: int, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "ID": f"trf-2026-{n:03}",
        "Site": "kamituga",
        "Date": date(2026, 3, n),
        "Type": "equipment",
        "Recipient authority": "local",
        "Recipient unit": "3rd Mobile Police Unit",
        "Item description": "handheld radios",
        "Item quantity": 12,
        "Item value amount": 2400,
        "Item value currency": "USD",
        "Purpose": "Communication during emergency response",
        "Receipt signed": "yes" if n % 2 else "no",
    }
    values.update(changes)
    return values


def records(ws: Path) -> list[str]:
    folder = ws / "transfers"
    return sorted(p.name for p in folder.glob("*.yaml")) if folder.exists() else []


def test_a_site_team_fills_the_template_and_assess_finds_what_it_should(
    cli: RunCli, ws: Path, tmp_path: Path
) -> None:
    filled = fill(template(cli, ws, tmp_path), [transfer(n) for n in range(1, 11)])
    code, out, err = cli(ws, "import", str(filled), "--kind", "transfer")
    assert code == 0, err
    assert len(records(ws)) == 10 and "10 created, 0 updated" in out
    text = (ws / "transfers" / "trf-2026-002.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=../schemas/transfer.json\n")
    code, out, _ = cli(ws, "validate")
    assert code == 0, out
    code, out, _ = cli(ws, "assess", "--as-of", AS_OF, "--select", "TRF001")
    assert code == 1, out
    unsigned = {f"trf-2026-{n:03}" for n in range(2, 11, 2)}
    found = {
        line.split()[2].split("/")[1].split(".yaml")[0]
        for line in out.splitlines()
        if line.split()[1:2] == ["TRF001"]
    }
    assert found == unsigned


def test_a_bad_date_is_reported_at_its_row_and_column_and_nothing_is_written(
    cli: RunCli, ws: Path, tmp_path: Path
) -> None:
    rows = [transfer(n) for n in range(1, 11)]
    rows[6]["Date"] = "2026-02-30"
    filled = fill(template(cli, ws, tmp_path), rows)
    code, _out, err = cli(ws, "import", str(filled), "--kind", "transfer")
    assert code == 1
    assert (
        'filled.xlsx: sheet Transfers, row 8, column C ("Date"): '
        "`date`: 2026-02-30 is not a real calendar date" in err
    )
    assert "1 problem; nothing was written." in err
    assert records(ws) == []


def test_problems_speak_like_v002_and_name_their_cells(
    cli: RunCli, ws: Path, tmp_path: Path
) -> None:
    rows = [
        transfer(1, **{"Item quantity": 0}),
        transfer(2, Type="gift"),
        transfer(3, **{"Receipt signed": "maybe"}),
        transfer(4, Site="nowhere"),
        transfer(5, Purpose=None),
        transfer(6, **{"Item value currency": "usd", "Item value amount": None}),
    ]
    filled = fill(template(cli, ws, tmp_path), rows)
    code, _, err = cli(ws, "import", str(filled), "--kind", "transfer")
    assert code == 1
    assert 'row 2, column I ("Item quantity"): `items[0].quantity` must be at least 1' in err
    assert 'row 3, column D ("Type"): `type` must be one of' in err
    assert 'row 4, column R ("Receipt signed"): `receipt.signed` must be true or false' in err
    assert "(write yes or no)" in err
    assert 'row 6, column L ("Purpose"): required field `purpose` is missing' in err
    assert 'row 7, column J ("Item value amount"): required field `items[0].value.amount`' in err
    # References are checked with the workspace, like V004.
    assert 'row 5, column B ("Site"): `site` names `nowhere`, but no record has that id' in err
    assert records(ws) == []


def test_dry_run_writes_nothing_and_says_what_it_would_do(
    cli: RunCli, ws: Path, tmp_path: Path
) -> None:
    filled = fill(template(cli, ws, tmp_path), [transfer(1), transfer(2)])
    code, out, err = cli(ws, "import", str(filled), "--kind", "transfer", "--dry-run")
    assert code == 0, err
    assert "would create transfers/trf-2026-001.yaml" in out
    assert "Dry run, nothing written: 2 to create, 0 to update" in out
    assert records(ws) == []


def test_existing_ids_need_update_which_prints_what_changed(
    cli: RunCli, ws: Path, tmp_path: Path
) -> None:
    first = fill(template(cli, ws, tmp_path), [transfer(1), transfer(2)])
    assert cli(ws, "import", str(first), "--kind", "transfer")[0] == 0
    path = ws / "transfers" / "trf-2026-002.yaml"
    path.write_text(path.read_text() + "notes: kept, the sheet has no notes column\n")
    # A sheet of a few columns: only the fields it covers change.
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["ID", "Receipt signed", "Item description", "Item quantity"])
    sheet.append(["trf-2026-001", "yes", "handheld radios", 12])
    sheet.append(["trf-2026-002", "yes", "handheld radios", 10])
    second = tmp_path / "second.xlsx"
    book.save(second)
    code, _, err = cli(ws, "import", str(second), "--kind", "transfer")
    assert code == 1
    assert "id `trf-2026-001` is already used by transfers/trf-2026-001.yaml" in err
    assert "pass --update" in err
    code, out, err = cli(ws, "import", str(second), "--kind", "transfer", "--update", "--dry-run")
    assert code == 0, err
    assert "would update transfers/trf-2026-002.yaml:" in out
    assert "  items[0].quantity: 12 → 10" in out and "  receipt.signed: false → true" in out
    # The sheet has no value columns: items are replaced whole, so their values go.
    assert "  items[0].value.amount: 2400 → (none)" in out
    assert "signed: false" in path.read_text()
    code, out, err = cli(ws, "import", str(second), "--kind", "transfer", "--update")
    assert code == 0, err
    assert "update transfers/trf-2026-002.yaml:" in out and "0 created, 2 updated" in out
    text = path.read_text()
    assert "signed: true" in text and "quantity: 10" in text
    assert "notes: kept, the sheet has no notes column" in text
    assert "purpose: Communication during emergency response" in text


def test_one_bad_row_among_many_and_nothing_is_written(
    cli: RunCli, ws: Path, tmp_path: Path
) -> None:
    rows = [transfer(n % 28 + 1, ID=f"trf-{n:04}") for n in range(200)]
    rows[150]["Item quantity"] = "twelve"
    code, _, err = cli(ws, "import", str(fill(template(cli, ws, tmp_path), rows)), "-k", "transfer")
    assert code == 1 and 'row 152, column I ("Item quantity")' in err
    assert records(ws) == []


def test_a_write_failing_part_way_takes_back_what_was_written(
    cli: RunCli, ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    filled = fill(template(cli, ws, tmp_path), [transfer(n) for n in range(1, 6)])
    real = atomic.write_atomic
    calls = []

    def failing(path: Path, data: Any, **kwargs: Any) -> None:
        calls.append(path)
        if len(calls) == 4:
            raise OutputError(f"{path}: cannot write (No space left on device)")
        real(path, data, **kwargs)

    monkeypatch.setattr("vpsec.app.sheets.write_atomic", failing)
    code, _, err = cli(ws, "import", str(filled), "--kind", "transfer")
    assert code == 2 and "No space left on device" in err
    assert len(calls) == 4
    assert records(ws) == []
    assert not (ws / "transfers").exists()


def test_rows_of_one_transfer_become_its_items(cli: RunCli, ws: Path, tmp_path: Path) -> None:
    rows = [
        transfer(4),
        transfer(4, **{"Item description": "chargers", "Item quantity": 2}),
        {"Item description": "batteries", "Item quantity": 24},  # below it, items only
        transfer(5),
    ]
    code, _, err = cli(ws, "import", str(fill(template(cli, ws, tmp_path), rows)), "-k", "transfer")
    assert code == 0, err
    text = (ws / "transfers" / "trf-2026-004.yaml").read_text()
    assert [line.strip() for line in text.splitlines() if "description" in line] == [
        "- description: handheld radios",
        "- description: chargers",
        "- description: batteries",
    ]
    clash = [transfer(6), transfer(6, Date=date(2026, 4, 1), **{"Item description": "x"})]
    code, _, err = cli(
        ws, "import", str(fill(template(cli, ws, tmp_path), clash)), "-k", "transfer"
    )
    assert code == 1
    assert "row 3, column C (\"Date\"): is '2026-04-01' here but '2026-03-06' on row 2" in err


def test_id_pattern_and_missing_ids(cli: RunCli, ws: Path, tmp_path: Path) -> None:
    rows = [transfer(1, ID=None), transfer(2, ID=None)]
    filled = fill(template(cli, ws, tmp_path), rows)
    code, _, err = cli(ws, "import", str(filled), "-k", "transfer")
    assert code == 1 and "row 2: the row has no id" in err and "--id-pattern" in err
    code, _, err = cli(ws, "import", str(filled), "-k", "transfer", "--id-pattern", "x{date.year}")
    assert code == 2 and "--id-pattern" in err
    code, _out, err = cli(
        ws, "import", str(filled), "-k", "transfer", "--id-pattern", "{prefix}-{date}-{n:03}"
    )
    assert code == 0, err
    assert records(ws) == ["trf-2026-03-01-001.yaml", "trf-2026-03-02-002.yaml"]


def test_a_mapping_file_for_a_register_of_its_own(cli: RunCli, ws: Path, tmp_path: Path) -> None:
    (tmp_path / "mapping.yaml").write_text(
        "columns:\n"
        "  Bon n°: id\n"
        "  Jour: date\n"
        "  Unité réceptrice: recipient.unit\n"
        "  Nature: type\n"
        "values:\n"
        "  type: {Équipement: equipment, Carburant: in_kind}\n"
        "defaults:\n"
        "  site: kamituga\n"
        "  recipient.authority: local\n"
        "  purpose: Soutien à l'unité\n"
    )
    register = tmp_path / "registre.csv"
    register.write_text(
        "Bon n°,Jour,Unité réceptrice,Nature,Article,Quantité,Visa\n"
        "trf-7,2026-05-02,PNC Kamituga,Carburant,Gasoil,200,vu\n"
    )
    args = ["import", str(register), "-k", "transfer", "--mapping", str(tmp_path / "mapping.yaml")]
    code, _out, err = cli(ws, *args)
    assert code == 0, err
    assert "columns not imported (not a field of Transfer" in err and '"Visa"' in err
    text = (ws / "transfers" / "trf-7.yaml").read_text()
    assert "type: in_kind" in text and "site: kamituga" in text and "unit: PNC Kamituga" in text
    (tmp_path / "bad.yaml").write_text("columns: {Jour: dat}\n")
    code, _, err = cli(
        ws, "import", str(register), "-k", "transfer", "--mapping", str(tmp_path / "bad.yaml")
    )
    assert code == 2 and "'dat', not a field" in err


def test_the_example_round_trips_through_one_workbook(
    cli: RunCli, example_root: Path, tmp_path: Path
) -> None:
    export = tmp_path / "all.xlsx"
    assert cli(example_root, "export", "all", "-o", str(export), "--as-of", AS_OF)[0] == 0
    target = tmp_path / "target"
    assert cli(tmp_path, "init", str(target))[0] == 0
    expected = _records(example_root)
    code, out, err = cli(target, "import", str(export), "--kind", "all", "--dry-run")
    assert code == 0, err
    assert f"{len(expected)} to create" in out
    code, out, err = cli(target, "import", str(export), "--kind", "all")
    assert code == 0, err
    assert _records(target) == expected
    code, _, err = cli(target, "import", str(export))
    assert code == 2 and "--kind" in err


def _records(root: Path) -> dict[str, Any]:
    def same(value: Any) -> Any:
        if isinstance(value, dict):
            kept = {k: same(v) for k, v in value.items()}
            return {k: v for k, v in kept.items() if v not in (None, [], {}, "")}
        if isinstance(value, list):
            return [same(v) for v in value]
        return value

    loaded = open_workspace(root).load()
    return {r.id: same(r.model.model_dump(mode="json")) for r in loaded.workspace.records}


def test_records_are_never_written_through_a_link(cli: RunCli, ws: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (ws / "transfers").symlink_to(elsewhere)
    filled = fill(template(cli, ws, tmp_path), [transfer(1)])
    code, _, err = cli(ws, "import", str(filled), "-k", "transfer")
    assert code == 2 and "symbolic link" in err
    assert list(elsewhere.iterdir()) == []
