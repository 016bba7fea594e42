"""A spreadsheet file as plain grids of cell values, refusing what is unsafe or unreadable.

Before any XML is parsed the file is checked as a whole: its size (the same
limit as a record file, `limits.max_file_mb`), what it is by its first bytes
(xlsx and ods are zip archives; a password-protected xlsx and an old .xls
are OLE compound files), and for a zip archive how much it unpacks to, so
that a zip bomb is refused before it is inflated (Python's zipfile never
inflates an entry beyond the size it declares). openpyxl parses the XML
through defusedxml, which refuses entity declarations (XML bombs).

Formulas are never calculated: a formula cell gives the result that the
spreadsheet program saved with the file, and is listed so that the user is
told. Merged cells are reported as ranges; the importer decides what they
mean for its columns.
"""

from __future__ import annotations

import codecs
import csv
import io
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from vpsec.errors import VpsecError
from vpsec.sheets.formulas import restore_csv

# A workbook may unpack to this many times the file size limit; xlsx XML compresses
# about ten times, so a real workbook stays far below it.
UNPACKED_FACTOR = 20
MAX_ZIP_ENTRIES = 10_000
MAX_ROWS = 100_000
MAX_COLUMNS = 500
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_ODS = b"application/vnd.oasis.opendocument.spreadsheet"


class SheetFileError(VpsecError):
    """The file cannot be read as a spreadsheet; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Merged:
    """A range of merged cells (1-based, inclusive)."""

    min_row: int
    min_col: int
    max_row: int
    max_col: int


@dataclass(slots=True)
class Grid:
    """One sheet: rows of cell values (None for an empty cell), 1-based row numbers."""

    name: str
    rows: list[list[Any]]
    merged: list[Merged] = field(default_factory=list)
    # (row, column) -> the formula text, for cells whose saved result is used.
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    is_csv: bool = False
    # Date numbers count from 1904 (old Mac Excel) rather than 1900.
    epoch_1904: bool = False

    def value(self, row: int, col: int) -> Any:
        if row - 1 < len(self.rows) and col - 1 < len(self.rows[row - 1]):
            return self.rows[row - 1][col - 1]
        return None


@dataclass(slots=True)
class Book:
    """Every sheet of a file, and what was noticed reading it."""

    path: Path
    grids: list[Grid]
    notices: list[str] = field(default_factory=list)


def read_book(path: Path, max_bytes: int) -> Book:
    """The sheets of an xlsx or CSV file; SheetFileError when it cannot or must not be read."""
    shown = path.name
    try:
        size = path.stat().st_size
    except OSError as error:
        raise SheetFileError(f"{path}: cannot be read ({error.strerror or error})") from None
    if not path.is_file():
        raise SheetFileError(f"{path}: not a file")
    if size > max_bytes:
        raise SheetFileError(
            f"{shown}: the file is {size / 1_000_000:.1f} MB, over the "
            f"{max_bytes / 1_000_000:g} MB limit (limits.max_file_mb in vpsec.yaml); "
            "split the register into smaller files"
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SheetFileError(f"{path}: cannot be read ({error.strerror or error})") from None
    if data.startswith(_OLE):
        if _ENCRYPTED in data:
            raise SheetFileError(
                f"{shown}: the workbook is password-protected; save a copy without the "
                "password (File > Info > Protect Workbook in Excel) and import that"
            )
        raise SheetFileError(
            f"{shown}: an old Excel .xls workbook (or another Office file); "
            "save it as .xlsx or .csv and import that"
        )
    if data.startswith(_ZIP):
        return _read_xlsx(path, data, max_bytes)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".ods"):
        raise SheetFileError(
            f"{shown}: not a valid {path.suffix.lower()} file (it is not a zip archive); "
            "the file may be damaged or renamed"
        )
    return _read_csv(path, data)


# -- xlsx ----------------------------------------------------------------------


def _check_archive(shown: str, data: bytes, max_bytes: int) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise SheetFileError(f"{shown}: a damaged zip archive; not a readable xlsx file") from None
    with archive:
        entries = archive.infolist()
        names = {entry.filename for entry in entries}
        if "mimetype" in names and archive.read("mimetype").strip() == _ODS:
            raise SheetFileError(
                f"{shown}: an OpenDocument spreadsheet (.ods); vpsec reads xlsx and csv: "
                "save it as .xlsx (File > Save As in LibreOffice) and import that"
            )
        if len(entries) > MAX_ZIP_ENTRIES:
            raise SheetFileError(f"{shown}: the archive holds {len(entries):,} files; not read")
        if any(entry.flag_bits & 0x1 for entry in entries):
            raise SheetFileError(f"{shown}: parts of the archive are encrypted; not read")
        unpacked = sum(entry.file_size for entry in entries)
        limit = max_bytes * UNPACKED_FACTOR
        if unpacked > limit:
            raise SheetFileError(
                f"{shown}: the workbook unpacks to {unpacked / 1_000_000:,.0f} MB, over the "
                f"{limit / 1_000_000:g} MB limit ({UNPACKED_FACTOR} times limits.max_file_mb); "
                "it may be a zip bomb and is not read"
            )
        if "xl/workbook.xml" not in names:
            raise SheetFileError(
                f"{shown}: a zip archive, but not an xlsx workbook (no xl/workbook.xml)"
            )


def _load(data: bytes, shown: str, data_only: bool) -> Any:
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            # openpyxl warns about parts it does not read (extensions, print settings):
            # none of them holds cell values.
            warnings.simplefilter("ignore")
            return load_workbook(
                io.BytesIO(data), read_only=False, data_only=data_only, keep_links=False
            )
    except Exception as error:  # openpyxl's parsers raise many types on a damaged file
        causes: list[BaseException] = [error]
        for _ in range(10):  # openpyxl wraps the parser's exception
            cause = causes[-1].__cause__ or causes[-1].__context__
            if cause is None:
                break
            causes.append(cause)
        if any(type(cause).__module__.startswith("defusedxml") for cause in causes):
            raise SheetFileError(
                f"{shown}: the workbook's XML declares entities (an XML bomb?); not read"
            ) from None
        first_line = str(error).strip().split("\n", 1)[0]
        raise SheetFileError(
            f"{shown}: cannot be read as an xlsx workbook; it may be damaged "
            f"({type(error).__name__}: {first_line})"
        ) from None


def _read_xlsx(path: Path, data: bytes, max_bytes: int) -> Book:
    shown = path.name
    _check_archive(shown, data, max_bytes)
    book = _load(data, shown, data_only=False)
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    epoch_1904 = book.epoch == CALENDAR_MAC_1904
    grids: list[Grid] = []
    cached: Any = None
    notices: list[str] = []
    for sheet in book.worksheets:
        if sheet.max_row > MAX_ROWS + 100:
            raise SheetFileError(
                f"{shown}: sheet {sheet.title} has {sheet.max_row:,} rows, over the limit of "
                f"{MAX_ROWS:,}; split the register into smaller files"
            )
        width = sheet.max_column
        if width > MAX_COLUMNS:
            notices.append(
                f"{shown}: sheet {sheet.title}: only its first {MAX_COLUMNS} columns are read"
            )
            width = MAX_COLUMNS
        rows: list[list[Any]] = []
        formulas: dict[tuple[int, int], str] = {}
        for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row, max_col=width):
            values = []
            for cell in row:
                value = cell.value
                if cell.data_type == "f":
                    formulas[(cell.row, cell.column)] = str(getattr(value, "text", value))
                    value = None
                values.append(value)
            rows.append(values)
        merged = [
            Merged(r.min_row, r.min_col, r.max_row, r.max_col) for r in sheet.merged_cells.ranges
        ]
        grid = Grid(sheet.title, rows, merged, formulas, epoch_1904=epoch_1904)
        if formulas:
            if cached is None:
                cached = _load(data, shown, data_only=True)
            saved = cached[sheet.title]
            for row_number, col in formulas:
                grid.rows[row_number - 1][col - 1] = saved.cell(row=row_number, column=col).value
        grids.append(grid)
    return Book(path, grids, notices)


# -- CSV -----------------------------------------------------------------------


def _decode(shown: str, data: bytes, notices: list[str]) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" is UTF-16 with a byte order mark.
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise SheetFileError(
            f"{shown}: not a spreadsheet (neither an xlsx workbook nor CSV text); "
            "save the register as .xlsx or .csv"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        notices.append(
            f"{shown}: not UTF-8; read as Windows-1252 (save it as 'CSV UTF-8' to be sure)"
        )
        return data.decode("cp1252", errors="replace")


def _delimiter(text: str) -> str:
    """The separator of the first line that has one: comma, semicolon (French Excel) or tab."""
    for line in text.splitlines()[:20]:
        counts = {sep: line.count(sep) for sep in (",", ";", "\t")}
        best = max(counts, key=lambda sep: counts[sep])
        if counts[best]:
            return best
    return ","


def _read_csv(path: Path, data: bytes) -> Book:
    shown = path.name
    notices: list[str] = []
    text = _decode(shown, data, notices)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows: list[list[Any]] = []
    try:
        for row in reader:
            if len(rows) >= MAX_ROWS + 100:
                raise SheetFileError(
                    f"{shown}: more than {MAX_ROWS:,} rows; split the register into smaller files"
                )
            rows.append([restore_csv(value) if value != "" else None for value in row])
    except csv.Error as error:
        raise SheetFileError(
            f"{shown}: line {reader.line_num}: cannot be read as CSV ({error})"
        ) from None
    return Book(path, [Grid(path.stem, rows, is_csv=True)], notices)


def is_date_value(value: Any) -> bool:
    return isinstance(value, (date, datetime))
