"""Records to registers: one table per kind, written as an xlsx workbook or as CSV.

A table is built from records as plain data (what `model_dump(mode="json")`
gives, already redacted for a public export), so this module never decides
what may be shown, only how. In xlsx: real dates and numbers, a frozen and
filtered header row, widths that fit, drop-downs for every choice and yes/no
column (their values on a hidden "Lists" sheet, so long lists such as
country codes fit), and an "About these columns" sheet that explains each
column in one line. Dates before 1 March 1900 are written as text: Excel
cannot hold them, and before that day Excel and LibreOffice disagree on what
a date number means.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from vpsec.sheets.columns import (
    EACH,
    FINDINGS_HEADER,
    LIST_SEPARATOR,
    TEMPLATE_SLOTS,
    Column,
    Shape,
    columns_for,
    sheet_title,
    slot_lists,
)
from vpsec.sheets.formulas import neutralise_csv, starts_formula, xml_safe

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

# The first day whose date number every spreadsheet program reads the same way.
FIRST_SAFE_DATE = date(1900, 3, 1)
ABOUT_TITLE = "About these columns"
LISTS_TITLE = "Lists"
YES, NO = "yes", "no"
# Rows below the data that still get the drop-downs and date checks, for rows users add.
_EXTRA_ROWS = 500
_TEMPLATE_ROWS = 1000
_MAX_WIDTH = 60
_MIN_WIDTH = 8


@dataclass(slots=True)
class Table:
    """One kind's register: its columns and its rows of cell values."""

    kind: str
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    # A last column listing each record's findings (an export, not a template).
    findings: bool = False
    notices: list[str] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns] + ([FINDINGS_HEADER] if self.findings else [])


def _at(data: Any, path: Iterable[str | int]) -> Any:
    for part in path:
        if isinstance(part, int):
            data = data[part] if isinstance(data, list) and part < len(data) else None
        elif isinstance(data, Mapping):
            data = data.get(part)
        else:
            return None
        if data is None:
            return None
    return data


def cell_value(column: Column, value: Any, notices: list[str], where: str) -> Any:
    """A record's value as the cell holds it (a date, a number, yes/no or text)."""
    if value is None:
        return None
    shape = column.shape
    if shape is Shape.DATE:
        day = date.fromisoformat(value) if isinstance(value, str) else value
        return day if day >= FIRST_SAFE_DATE else day.isoformat()
    if shape is Shape.BOOL:
        return YES if value else NO
    if shape in (Shape.INT, Shape.NUMBER):
        return value
    if shape.is_list:
        if not value:
            return None
        items = [str(item) for item in value]
        if any(LIST_SEPARATOR in item or "\n" in item for item in items):
            notices.append(
                f"{where}: `{column.field}` has a value with a ';' or a line break; "
                "read back, it splits into more values"
            )
        return f"{LIST_SEPARATOR} ".join(items)
    if shape is Shape.JSON:
        return json.dumps(value, ensure_ascii=False) if value else None
    return str(value)


def _slots(kind: str, records: list[dict[str, Any]]) -> tuple[tuple[str, int], ...]:
    """How many numbered entries each list of parts needs: the longest list, at least one."""
    return tuple(
        (name, max([1, *(len(r.get(name) or []) for r in records)])) for name in slot_lists(kind)
    )


def table_for(
    kind: str,
    records: list[dict[str, Any]],
    findings: Mapping[str, str] | None = None,
    *,
    leave_out: Iterable[str] = (),
) -> Table:
    """The register of records of one kind; findings maps record ids to the findings cell.

    leave_out names fields (top-level) whose columns are not shown, such as
    notes and custom data in a public export.
    """
    dropped = set(leave_out)
    kind_columns = columns_for(kind, _slots(kind, records))
    columns = [c for c in kind_columns.columns if c.path[0] not in dropped]
    table = Table(kind, sheet_title(kind), columns, findings=findings is not None)
    row_list = kind_columns.row_list
    for record in records:
        where = f"{kind} {record.get('id')}"
        items = (record.get(row_list) or [None]) if row_list else [None]
        for item in items:
            row = []
            for column in columns:
                if column.in_row_list:
                    value = _at(item, column.path[column.path.index(EACH) + 1 :])
                else:
                    value = _at(record, column.path)
                row.append(cell_value(column, value, table.notices, where))
            if findings is not None:
                row.append(findings.get(str(record.get("id")), "") or None)
            table.rows.append(row)
    return table


def template_table(kind: str) -> Table:
    """An empty register of kind, with room for TEMPLATE_SLOTS entries in each list of parts."""
    slots = tuple((name, TEMPLATE_SLOTS) for name in slot_lists(kind))
    columns = list(columns_for(kind, slots).columns)
    return Table(kind, sheet_title(kind), columns)


# -- CSV ---------------------------------------------------------------------------


def _csv_field(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    return neutralise_csv(str(value))


def csv_text(table: Table, line_end: str = "\r\n") -> str:
    """The table as CSV (comma-separated, every field that could run as a formula as text).

    Lines end in CRLF (RFC 4180), which also makes the writer quote any field
    holding a carriage return; "\n" only for a terminal, which shows them.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=line_end)
    writer.writerow([neutralise_csv(h) for h in table.headers])
    for row in table.rows:
        writer.writerow([_csv_field(value) for value in row])
    return out.getvalue()


# -- xlsx --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AboutLine:
    """One line of the "About these columns" sheet."""

    sheet: str
    column: str
    field: str
    explanation: str


def about_lines(tables: Iterable[Table]) -> list[AboutLine]:
    lines: list[AboutLine] = []
    for table in tables:
        for column in table.columns:
            lines.append(
                AboutLine(table.title, column.header, column.field, column.explanation(table.kind))
            )
        if table.findings:
            lines.append(
                AboutLine(
                    table.title,
                    FINDINGS_HEADER,
                    "",
                    "What `vpsec assess` found about the record (rule code and title); "
                    "not read back by `vpsec import`.",
                )
            )
    return lines


@dataclass(slots=True)
class _Lists:
    """The hidden sheet holding the values of each drop-down, one column per list."""

    sheet: Worksheet
    columns: dict[tuple[str, ...], str] = field(default_factory=dict)

    def range_for(self, values: tuple[str, ...]) -> str:
        from openpyxl.utils import get_column_letter

        if values not in self.columns:
            letter = get_column_letter(len(self.columns) + 1)
            for row, value in enumerate(values, start=1):
                self.sheet.cell(row=row, column=len(self.columns) + 1, value=value)
            self.columns[values] = f"{LISTS_TITLE}!${letter}$1:${letter}${len(values)}"
        return self.columns[values]


def _put(sheet: Worksheet, row: int, col: int, value: Any, notices: list[str]) -> None:
    """Write one cell; text is never a formula, and dates show as YYYY-MM-DD."""
    if isinstance(value, str):
        text, replaced = xml_safe(value)
        if replaced:
            notices.append(
                f"sheet {sheet.title}, row {row}: a control character that xlsx cannot hold "
                "was replaced by \ufffd"
            )
        cell = sheet.cell(row=row, column=col, value=text)
        # openpyxl takes text starting with "=" for a formula; a record's text is never one.
        cell.data_type = "s"
        if starts_formula(text):
            cell.quotePrefix = True
        return
    cell = sheet.cell(row=row, column=col, value=value)
    if isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"


def _validation(column: Column, lists: _Lists | None) -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    if column.shape is Shape.BOOL:
        return DataValidation(
            type="list",
            formula1=f'"{YES},{NO}"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=column.header,
            error="Choose yes or no.",
        )
    if column.shape is Shape.CHOICE and lists is not None:
        return DataValidation(
            type="list",
            formula1=lists.range_for(column.choices),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=column.header,
            error="Choose a value from the list.",
        )
    if column.shape is Shape.DATE:
        # Text dates (before 1900) stay allowed: the check is a warning, not a stop.
        return DataValidation(
            type="date",
            operator="greaterThan",
            formula1="1",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle=column.header,
            error="Enter a date, e.g. 2026-03-14.",
        )
    return None


def _write_table(sheet: Worksheet, table: Table, lists: _Lists, rows_with_checks: int) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE4EE")
    for col, header in enumerate(table.headers, start=1):
        cell = sheet.cell(row=1, column=col, value=header)
        cell.data_type = "s"
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row_number, row in enumerate(table.rows, start=2):
        for col, value in enumerate(row, start=1):
            if value is not None:
                _put(sheet, row_number, col, value, table.notices)
    last_row = max(len(table.rows) + 1, 2)
    last_col = get_column_letter(len(table.headers))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{last_col}{last_row}"
    for col, column in enumerate(table.columns, start=1):
        letter = get_column_letter(col)
        widest = max(
            [len(column.header), *(len(_shown(row[col - 1])) for row in table.rows[:2000])]
        )
        sheet.column_dimensions[letter].width = max(_MIN_WIDTH, min(_MAX_WIDTH, widest + 2))
        validation = _validation(column, lists)
        if validation is not None:
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{rows_with_checks}")
        if column.shape is Shape.DATE:
            sheet.column_dimensions[letter].number_format = "yyyy-mm-dd"
    if table.findings:
        letter = get_column_letter(len(table.headers))
        sheet.column_dimensions[letter].width = _MAX_WIDTH


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return "2026-03-14"
    return str(value).split("\n", 1)[0]


def _write_about(sheet: Worksheet, lines: list[AboutLine], note: str | None) -> None:
    from openpyxl.styles import Alignment, Font

    row = 1
    if note:
        _put(sheet, row, 1, note, [])
        sheet.cell(row=row, column=1).font = Font(italic=True)
        row += 2
    for col, header in enumerate(("Sheet", "Column", "Field", "What to write"), start=1):
        cell = sheet.cell(row=row, column=col, value=header)
        cell.font = Font(bold=True)
    sheet.freeze_panes = f"A{row + 1}"
    for line in lines:
        row += 1
        for col, value in enumerate((line.sheet, line.column, line.field, line.explanation), 1):
            _put(sheet, row, col, value, [])
        sheet.cell(row=row, column=4).alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCD", (18, 34, 30, 100), strict=True):
        sheet.column_dimensions[letter].width = width


def xlsx_bytes(tables: list[Table], *, template: bool = False, note: str | None = None) -> bytes:
    """The tables as one workbook: a sheet per table, the explanations, the drop-down lists."""
    from openpyxl import Workbook

    book = Workbook()
    for blank in list(book.worksheets):
        book.remove(blank)
    book.properties.creator = "vpsec"
    lists_sheet = book.create_sheet(LISTS_TITLE)
    lists_sheet.sheet_state = "hidden"
    lists = _Lists(lists_sheet)
    for table in tables:
        sheet = book.create_sheet(table.title, index=len(book.sheetnames) - 1)
        checks = _TEMPLATE_ROWS if template else len(table.rows) + 1 + _EXTRA_ROWS
        _write_table(sheet, table, lists, checks)
    about = book.create_sheet(ABOUT_TITLE, index=len(book.sheetnames) - 1)
    _write_about(about, about_lines(tables), note)
    if not lists.columns:
        # No drop-down needed the sheet: an empty hidden sheet is only clutter.
        book.remove(lists_sheet)
    book.active = 0
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
