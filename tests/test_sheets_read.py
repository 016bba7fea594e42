"""Bad spreadsheets: each gives one clear message with its sheet and row, and nothing is written."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from conftest import MINIMAL_CONFIG, RunCli, WriteWorkspace
from vpsec.sheets.read import SheetFileError, read_book

SITE = """\
apiVersion: vpsec/v1
kind: Site
id: kamituga
name: Kamituga Gold Mine
country: CD
"""
HEADERS = [
    "ID",
    "Site",
    "Date",
    "Type",
    "Recipient authority",
    "Recipient unit",
    "Item description",
    "Item quantity",
    "Purpose",
]


def row(number: int, **changes: Any) -> list[Any]:
    values = {
        "ID": f"trf-{number:03}",
        "Site": "kamituga",
        "Date": date(2026, 3, number),
        "Type": "equipment",
        "Recipient authority": "local",
        "Recipient unit": "3rd Mobile Police Unit",
        "Item description": "handheld radios",
        "Item quantity": 12,
        "Purpose": "Communication",
    }
    values.update(changes)
    return [values[h] for h in HEADERS]


def workbook(rows: list[list[Any]], *, above: int = 0, epoch_1904: bool = False) -> Any:
    book = openpyxl.Workbook()
    if epoch_1904:
        book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    assert sheet is not None
    sheet.title = "Transfers"
    for _ in range(above):
        sheet.append(["Record of Transfer Register, Kamituga"])
    sheet.append(HEADERS)
    for values in rows:
        sheet.append(values)
    return book


def save(book: Any, path: Path) -> Path:
    book.save(path)
    return path


def patched(path: Path, part: str, change: Any) -> Path:
    """The xlsx at path with one of its parts rewritten by change(text) -> text."""
    source = zipfile.ZipFile(path)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == part:
                data = change(data.decode()).encode()
            target.writestr(info, data)
    path.write_bytes(out.getvalue())
    return path


@pytest.fixture
def ws(write_workspace: WriteWorkspace) -> Path:
    return write_workspace({"sites/kamituga.yaml": SITE})


def imported(cli: RunCli, ws: Path, path: Path, *args: str) -> tuple[int, str, str]:
    return cli(ws, "import", str(path), "--kind", "transfer", *args)


def written(ws: Path) -> list[str]:
    return (
        sorted(p.name for p in (ws / "transfers").glob("*.yaml"))
        if (ws / "transfers").exists()
        else []
    )


def test_a_good_register_imports(cli: RunCli, ws: Path, tmp_path: Path) -> None:
    path = save(workbook([row(1), row(2)]), tmp_path / "r.xlsx")
    code, _out, err = imported(cli, ws, path)
    assert code == 0, err
    assert written(ws) == ["trf-001.yaml", "trf-002.yaml"]


def test_not_a_spreadsheet(cli: RunCli, ws: Path, tmp_path: Path) -> None:
    path = tmp_path / "photo.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    code, _, err = imported(cli, ws, path)
    assert code == 2
    assert "not a spreadsheet" in err and "Traceback" not in err
    assert written(ws) == []


def test_renamed_file_with_an_xlsx_name(cli: RunCli, ws: Path, tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    path.write_text("ID,Site\n")
    code, _, err = imported(cli, ws, path)
    assert code == 2 and "not a zip archive" in err


def test_password_protected_and_old_xls(cli: RunCli, ws: Path, tmp_path: Path) -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500)
    protected = tmp_path / "protected.xlsx"
    protected.write_bytes(ole + "EncryptedPackage".encode("utf-16-le") + bytes(100))
    code, _, err = imported(cli, ws, protected)
    assert code == 2 and "password-protected" in err
    old = tmp_path / "old.xls"
    old.write_bytes(ole + "Workbook".encode("utf-16-le"))
    code, _, err = imported(cli, ws, old)
    assert code == 2 and ".xls" in err and "save it as .xlsx" in err


def test_corrupt_xlsx(cli: RunCli, ws: Path, tmp_path: Path) -> None:
    path = save(workbook([row(1)]), tmp_path / "r.xlsx")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    code, _, err = imported(cli, ws, path)
    assert code == 2 and "damaged" in err
    # A whole archive whose sheet XML is broken.
    path = patched(
        save(workbook([row(1)]), tmp_path / "s.xlsx"),
        "xl/worksheets/sheet1.xml",
        lambda text: text[: len(text) // 2],
    )
    code, _, err = imported(cli, ws, path)
    assert code == 2 and "cannot be read as an xlsx workbook" in err
    assert written(ws) == []


def test_ods_is_named(cli: RunCli, ws: Path, tmp_path: Path) -> None:
    path = tmp_path / "register.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<x/>")
    code, _, err = imported(cli, ws, path)
    assert code == 2 and "OpenDocument" in err and ".xlsx" in err


def test_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    path = save(workbook([row(1)]), tmp_path / "bomb.xlsx")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", bytes(30_000_000))  # ~30 KB packed
    assert path.stat().st_size < 200_000
    with pytest.raises(SheetFileError, match="zip bomb"):
        read_book(path, max_bytes=1_000_000)


def test_xml_entity_bomb_is_refused(tmp_path: Path) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    path = patched(
        save(workbook([row(1)]), tmp_path / "x.xlsx"),
        "xl/worksheets/sheet1.xml",
        lambda text: bomb + re.sub(r"^<\?xml[^>]*\?>", "", text),
    )
    with pytest.raises(SheetFileError, match="entities"):
        read_book(path, max_bytes=5_000_000)


def test_size_limit_as_for_yaml(
    cli: RunCli, write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    ws = write_workspace(
        {"sites/kamituga.yaml": SITE},
        config=MINIMAL_CONFIG + "limits: {max_file_mb: 0.001}\n",
    )
    path = save(workbook([row(1)]), tmp_path / "r.xlsx")
    code, _, err = imported(cli, ws, path)
    assert code == 2 and "limits.max_file_mb" in err


def test_formulas_are_taken_by_their_saved_result(cli: RunCli, ws: Path, tmp_path: Path) -> None:
    book = workbook([row(1, **{"Item quantity": "=6*2"}), row(2, **{"Item quantity": "=1+1"})])
    path = save(book, tmp_path / "f.xlsx")

    def saved_results(text: str) -> str:
        text = text.replace("<f>6*2</f><v></v>", "<f>6*2</f><v>12</v>")
        return text.replace("<f>6*2</f><v/>", "<f>6*2</f><v>12</v>")

    patched(path, "xl/worksheets/sheet1.xml", saved_results)
    code, _, err = imported(cli, ws, path)
    # Row 3's formula was never calculated by a spreadsheet program: no saved result.
    assert code == 1
    assert 'sheet Transfers, row 3, column H ("Item quantity"): holds the formula =1+1' in err
    assert "nothing was written" in err and written(ws) == []
    book = workbook([row(1, **{"Item quantity": "=6*2"})])
    patched(save(book, path), "xl/worksheets/sheet1.xml", saved_results)
    code, _, err = imported(cli, ws, path)
    assert code == 0, err
    assert "a formula (=6*2); its saved result '12' is used, never recalculated" in err
    assert "quantity: 12" in (ws / "transfers" / "trf-001.yaml").read_text()


def test_merged_cells(cli: RunCli, ws: Path, tmp_path: Path) -> None:
    book = workbook(
        [
            row(1, **{"Item description": "radios"}),
            [None] * 6 + ["chargers", 2, None],
            [None] * 6 + ["batteries", 24, None],
        ]
    )
    sheet = book.active
    for col in "ABCDEFI":
        sheet.merge_cells(f"{col}2:{col}4")  # one transfer, its fields merged over three items
    path = save(book, tmp_path / "m.xlsx")
    code, _out, err = imported(cli, ws, path)
    assert code == 0, err
    assert "rows 2-4 are merged; their value is used on each of those rows" in err
    text = (ws / "transfers" / "trf-001.yaml").read_text()
    assert text.count("- description:") == 3

    across = workbook([row(2)])
    across.active.merge_cells("F2:G2")
    code, _, err = imported(cli, ws, save(across, tmp_path / "a.xlsx"))
    assert code == 1
    assert (
        'row 2: cells F2:G2 are merged across the columns "Recipient unit", "Item description"'
        in err
    )


def test_header_below_a_title_and_empty_rows(cli: RunCli, ws: Path, tmp_path: Path) -> None:
    book = workbook([row(1), [None] * len(HEADERS), row(2)], above=3)
    code, _, err = imported(cli, ws, save(book, tmp_path / "h.xlsx"))
    assert code == 0, err
    assert written(ws) == ["trf-001.yaml", "trf-002.yaml"]


def test_no_header_row(cli: RunCli, ws: Path, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["Colonne 1", "Colonne 2"])
    code, _, err = imported(cli, ws, save(book, tmp_path / "n.xlsx"))
    assert code == 1 and "no header row found in the first 20 rows" in err and "--mapping" in err


def test_1904_epoch_dates(cli: RunCli, ws: Path, tmp_path: Path) -> None:
    path = save(workbook([row(1)], epoch_1904=True), tmp_path / "mac.xlsx")
    assert b'date1904="1"' in zipfile.ZipFile(path).read("xl/workbook.xml")
    code, _, err = imported(cli, ws, path)
    assert code == 0, err
    assert "date: 2026-03-01" in (ws / "transfers" / "trf-001.yaml").read_text()


def test_dates_before_1900(cli: RunCli, ws: Path, tmp_path: Path) -> None:
    # As a date number: spreadsheet programs disagree on those days; refused at its cell.
    path = save(workbook([row(1, Date=date(1899, 6, 1))]), tmp_path / "old.xlsx")
    code, _, err = imported(cli, ws, path)
    assert code == 1
    assert 'row 2, column C ("Date"):' in err and "type the date as text" in err
    # As text: taken as written.
    path = save(workbook([row(1, Date="1899-06-01")]), tmp_path / "text.xlsx")
    code, _, err = imported(cli, ws, path)
    assert code == 0, err
    assert "date: 1899-06-01" in (ws / "transfers" / "trf-001.yaml").read_text()


@pytest.mark.slow
def test_thousands_of_rows(cli: RunCli, ws: Path, tmp_path: Path) -> None:
    book = workbook([row(1, ID=f"trf-{n:05}", Date=date(2026, 1, 1 + n % 28)) for n in range(3000)])
    path = save(book, tmp_path / "big.xlsx")
    code, out, err = imported(cli, ws, path, "--dry-run")
    assert code == 0, err
    assert "3000 to create" in out


def test_csv_from_french_excel(cli: RunCli, ws: Path, tmp_path: Path) -> None:
    text = (
        "N°;Site;Date;Type;Niveau;Bénéficiaire;Article;Quantité;Montant;Devise;Objectif;"
        "Reçu signé\n"
        "trf-1;kamituga;14/03/2026;equipment;local;PNC;Radios;12;2400,50;usd;Communication;oui\n"
    )
    path = tmp_path / "registre.csv"
    path.write_bytes(text.encode("cp1252"))
    code, _, err = imported(cli, ws, path)
    assert code == 1
    assert 'registre.csv: row 2, column C ("Date"):' in err and "--date-format DD/MM/YYYY" in err
    code, _, err = imported(cli, ws, path, "--date-format", "DD/MM/YYYY")
    assert code == 0, err
    assert "Windows-1252" in err
    record = (ws / "transfers" / "trf-1.yaml").read_text()
    assert "date: 2026-03-14" in record and "amount: 2400.5" in record
    assert "currency: USD" in record and "signed: true" in record


def test_utf16_tab_separated(cli: RunCli, ws: Path, tmp_path: Path) -> None:
    lines = ["\t".join(HEADERS), "\t".join(str(v) for v in row(1))]
    path = tmp_path / "unicode.txt"
    path.write_bytes("\n".join(lines).encode("utf-16"))
    code, _, err = imported(cli, ws, path)
    assert code == 0, err
    assert written(ws) == ["trf-001.yaml"]
