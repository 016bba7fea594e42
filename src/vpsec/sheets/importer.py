"""Rows of a register to records, every value traced back to its sheet, row and column.

The importer finds the header row (the row among the first twenty that names
the most columns), maps each header to a field (by vpsec's own headers, the
field paths, common English, French and Spanish headers or the user's
mapping file), turns each cell into the value the model expects, and groups
rows into records: the rows of one transfer (the same id, or rows below it
that fill only the item columns) become that transfer's items.

Nothing here validates a record against its model nor writes a file: the
use case validates what the YAML writer produced and locates every problem
through `Draft.locate`, so each is reported at its cell in the words of V002.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from pydantic import ValidationError

from vpsec.errors import UsageError
from vpsec.load.messages import describe
from vpsec.models import API_VERSION, KINDS, Record
from vpsec.sheets.columns import (
    EACH,
    LIST_SEPARATOR,
    ROW_LISTS,
    Column,
    KindColumns,
    Shape,
    column_at,
    columns_for,
    is_findings_header,
    match_header,
    normal,
    sheet_title,
)
from vpsec.sheets.export import ABOUT_TITLE, FIRST_SAFE_DATE, LISTS_TITLE
from vpsec.sheets.read import Book, Grid

HEADER_SEARCH_ROWS = 20
_SHOWN_NOTICES = 5
_YES = frozenset(["yes", "y", "true", "oui", "o", "si", "x", "vrai", "verdadero", "1"])
_NO = frozenset(["no", "n", "false", "non", "faux", "falso", "0"])
_TICKS = frozenset("✓✔☑✗✘☒")
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_DECIMAL_COMMA = re.compile(r"[-+]?\d+,\d+")
_SPACES = re.compile(r"[\s\u00a0\u202f_']")
_LOOSE_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")
_DATE_TOKENS = {"DD": "%d", "MM": "%m", "YYYY": "%Y", "YY": "%y"}
_ID_FIELDS = frozenset(["id", "n", "row", "date", "year", "site", "prefix"])


@dataclass(frozen=True, slots=True)
class Where:
    """A place in the file: a sheet, a row and, when known, a column."""

    file: str
    sheet: str | None
    row: int | None = None
    col: int | None = None
    header: str | None = None

    def __str__(self) -> str:
        from openpyxl.utils import get_column_letter

        parts = [f"sheet {self.sheet}"] if self.sheet else []
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.col is not None:
            parts.append(f'column {get_column_letter(self.col)} ("{self.header}")')
        return f"{self.file}: {', '.join(parts)}" if parts else self.file


@dataclass(frozen=True, slots=True)
class Problem:
    """Something that stops the import, at its place."""

    where: Where
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True, slots=True)
class Mapping:
    """A mapping file: headers to fields, cell texts to values, and values for every row."""

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How to read the rows: which sheet, how ids are made, how day-first dates are written."""

    sheet: str | None = None
    id_pattern: str | None = None
    date_format: str | None = None
    mapping: Mapping = field(default_factory=Mapping)


@dataclass(slots=True)
class _Source:
    """Where one value came from, and a word to add to a message about it."""

    where: Where
    hint: str = ""


@dataclass(slots=True)
class Draft:
    """One record read from the rows, before it is validated."""

    kind: str
    id: str
    raw: dict[str, Any]
    first: Where
    # The fields the sheet's columns cover: with --update, only these change.
    covered: set[tuple[str, ...]]
    sources: dict[tuple[str | int, ...], _Source] = field(default_factory=dict)
    # The sheet's columns by the path of the field they fill, for fields left empty.
    sheet_columns: dict[tuple[str | int, ...], Where] = field(default_factory=dict)
    # Row of each item of the row list, and the numbered entry behind each list index.
    item_rows: list[Where] = field(default_factory=list)
    entries: dict[str, list[int]] = field(default_factory=dict)

    def locate(self, loc: tuple[str | int, ...]) -> _Source:
        """The cell a validation error at loc is about (or the record's first row)."""
        for end in range(len(loc), 0, -1):
            found = self.sources.get(loc[:end])
            if found is not None:
                return found
        path = self._column_path(loc)
        for end in range(len(path), 0, -1):
            where = self.sheet_columns.get(path[:end])
            if where is not None:
                row = self.first.row
                if path[0] in self.entries or EACH in path[:end]:
                    row = self._row_of(loc)
                return _Source(Where(where.file, where.sheet, row, where.col, where.header))
        column = column_at(self.kind, path)
        hint = f' (the sheet has no column "{column.header}")' if column is not None else ""
        return _Source(self._at_row(self._row_of(loc)), hint)

    def _row_of(self, loc: tuple[str | int, ...]) -> int | None:
        in_row_list = loc[:1] == (ROW_LISTS.get(self.kind),)
        if (
            in_row_list
            and len(loc) > 1
            and isinstance(loc[1], int)
            and loc[1] < len(self.item_rows)
        ):
            return self.item_rows[loc[1]].row
        return self.first.row

    def _at_row(self, row: int | None) -> Where:
        return Where(self.first.file, self.first.sheet, row)

    def _column_path(self, loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
        if not loc:
            return loc
        head, rest = loc[0], loc[1:]
        if head == ROW_LISTS.get(self.kind) and rest and isinstance(rest[0], int):
            return (head, EACH, *rest[1:])
        if isinstance(head, str) and head in self.entries and rest and isinstance(rest[0], int):
            numbers = self.entries[head]
            slot = numbers[rest[0]] if rest[0] < len(numbers) else rest[0]
            return (head, slot, *rest[1:])
        return loc


@dataclass(slots=True)
class SheetRead:
    """What one sheet gave: drafts, problems, and things the user should know."""

    drafts: list[Draft] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


# -- choosing sheets -------------------------------------------------------------


def _names_kind(title: str) -> str | None:
    wanted = normal(title)
    for kind, model in KINDS.items():
        names = (kind, sheet_title(kind), model.INFO.folder, model.INFO.label)
        if wanted in {normal(name) for name in names}:
            return kind
    return None


def choose_sheets(book: Book, kind: str | None, sheet: str | None) -> list[tuple[Grid, str]]:
    """(grid, kind) for each sheet to read: the named sheet, the kind's sheet, or every
    kind's sheet when kind is None (`--kind all`)."""
    grids = [
        g for g in book.grids if normal(g.name) not in (normal(ABOUT_TITLE), LISTS_TITLE.lower())
    ]
    if sheet is not None:
        found = next((g for g in book.grids if g.name == sheet), None)
        found = found or next((g for g in book.grids if normal(g.name) == normal(sheet)), None)
        if found is None:
            names = ", ".join(g.name for g in book.grids)
            raise UsageError(f"--sheet: {book.path.name} has no sheet {sheet!r} (it has: {names})")
        chosen = kind or _names_kind(found.name)
        if chosen is None:
            raise UsageError(f"--kind: say which kind of records sheet {found.name} holds")
        return [(found, chosen)]
    if kind is None:
        out = [(g, k) for g in grids if (k := _names_kind(g.name)) is not None]
        if not out:
            raise UsageError(
                f"--kind all: no sheet of {book.path.name} is named after a kind "
                f"(such as {sheet_title('Transfer')}); pass --kind KIND"
            )
        skipped = [g.name for g in grids if _names_kind(g.name) is None]
        if skipped:
            book.notices.append(
                f"{book.path.name}: sheets not named after a kind are not read: "
                + ", ".join(skipped)
            )
        return out
    named = [g for g in grids if _names_kind(g.name) == kind]
    if named:
        return [(named[0], kind)]
    if not grids:
        raise UsageError(f"{book.path.name}: the workbook has no sheet to read")
    if len(grids) > 1:
        book.notices.append(
            f"{book.path.name}: reading sheet {grids[0].name} "
            f"(of {', '.join(g.name for g in grids)}); choose another with --sheet"
        )
    return [(grids[0], kind)]


# -- headers ---------------------------------------------------------------------


@dataclass(slots=True)
class _Header:
    row: int
    columns: dict[int, Column]
    texts: dict[int, str]


def _header_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def find_header(
    grid: Grid, kind: str, mapping: Mapping, file: str, out: SheetRead
) -> _Header | None:
    """The row among the first twenty that names the most of the kind's columns."""
    best: _Header | None = None
    for row_number, row in enumerate(grid.rows[:HEADER_SEARCH_ROWS], start=1):
        columns: dict[int, Column] = {}
        texts: dict[int, str] = {}
        for col, value in enumerate(row, start=1):
            text = _header_text(value)
            if not text:
                continue
            texts[col] = text
            found = match_header(kind, text, mapping.columns)
            if found is not None:
                columns[col] = found[0]
        if len(columns) >= 2 and (best is None or len(columns) > len(best.columns)):
            best = _Header(row_number, columns, texts)
    sheet = None if grid.is_csv else grid.name
    if best is None:
        examples = ", ".join(f'"{c.header}"' for c in columns_for(kind).columns[1:4])
        out.problems.append(
            Problem(
                Where(file, sheet),
                f"no header row found in the first {HEADER_SEARCH_ROWS} rows: no row names two "
                f"or more columns of a {kind} (such as {examples}); start from "
                f"`vpsec export --template {kind.lower()}` or map your headers with --mapping",
            )
        )
        return None
    seen: dict[tuple[str | int, ...], int] = {}
    for col, column in sorted(best.columns.items()):
        if column.path in seen:
            out.problems.append(
                Problem(
                    Where(file, sheet, best.row, col, best.texts[col]),
                    f"this column and column {_letter(seen[column.path])} "
                    f'("{best.texts[seen[column.path]]}") both fill `{column.field}`; keep one',
                )
            )
        seen[column.path] = col
    unused = [
        f'{_letter(col)} ("{text}")'
        for col, text in sorted(best.texts.items())
        if col not in best.columns and not is_findings_header(text)
    ]
    if unused:
        out.notices.append(
            f"{Where(file, sheet, best.row)}: columns not imported (not a field of "
            f"{kind}; map them with --mapping if they are): {', '.join(unused)}"
        )
    return best


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(col))


# -- cells ------------------------------------------------------------------------


class CellError(Exception):
    """A cell whose value cannot be taken as the column's, for a spreadsheet's reason."""


def _date_pattern(date_format: str) -> str:
    if "%" in date_format:
        return date_format
    pattern = re.escape(date_format)
    for token in sorted(_DATE_TOKENS, key=len, reverse=True):
        pattern = pattern.replace(token, _DATE_TOKENS[token])
    return pattern.replace("\\", "")


def _number(text: str) -> int | float | str:
    """A number typed as text, or the text itself when it is none (or CellError if ambiguous)."""
    bare = _SPACES.sub("", text)
    if _NUMBER.fullmatch(bare):
        value = float(bare)
        return int(bare) if re.fullmatch(r"[-+]?\d+", bare) else value
    if _DECIMAL_COMMA.fullmatch(bare):
        if re.fullmatch(r"[-+]?\d{1,3},\d{3}", bare):
            raise CellError(
                f"`{text}` could be {bare.replace(',', '')} or {bare.replace(',', '.')}; "
                "write it without a thousands separator, with a point for decimals"
            )
        return float(bare.replace(",", "."))
    if "," in bare and "." in bare:
        raise CellError(
            f"`{text}`: write numbers without a thousands separator, with a point for decimals"
        )
    return text


def _choice(text: str, choices: tuple[str, ...]) -> str:
    if text in choices:
        return text
    wanted = normal(text).replace(" ", "_")
    for choice in choices:
        if choice.casefold() == wanted:
            return choice
    return text


@dataclass(slots=True)
class _Cells:
    grid: Grid
    options: ReadOptions

    def value(self, column: Column, raw: Any) -> tuple[Any, str]:
        """(the value for the record, a hint for messages); None for an empty cell."""
        if isinstance(raw, str):
            raw = raw.strip()
            if raw == "":
                return None, ""
            translations = self.options.mapping.values.get(_plain_field(column))
            if translations:
                for text, value in translations.items():
                    if normal(text) == normal(raw):
                        return value, ""
        if raw is None:
            return None, ""
        shape = column.shape
        if shape is Shape.DATE:
            return self.day(raw)
        if shape is Shape.BOOL:
            return self.yes_no(raw)
        if shape in (Shape.INT, Shape.NUMBER):
            if isinstance(raw, str):
                return _number(raw), ""
            return raw, ""
        if shape is Shape.CHOICE:
            return (_choice(raw, column.choices) if isinstance(raw, str) else raw), ""
        if shape.is_list:
            return self.listed(column, raw), ""
        if shape is Shape.JSON:
            return self.json(raw), ""
        return self.text(raw), ""

    def text(self, raw: Any) -> Any:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, float) and raw.is_integer():
            return str(int(raw))
        if isinstance(raw, (int, float)):
            return str(raw)
        if isinstance(raw, datetime):
            return raw.date().isoformat() if raw.time() == time() else raw.isoformat(" ")
        if isinstance(raw, (date, time)):
            return raw.isoformat()
        return raw

    def day(self, raw: Any) -> tuple[Any, str]:
        if isinstance(raw, datetime):
            raw = raw.date()
        if isinstance(raw, date):
            first = date(1904, 1, 2) if self.grid.epoch_1904 else FIRST_SAFE_DATE
            if raw < first:
                raise CellError(
                    f"the date number of {raw.isoformat()} lies before "
                    f"{first.isoformat()}, where spreadsheet programs disagree on what day it "
                    "is; type the date as text, YYYY-MM-DD"
                )
            return raw.isoformat(), ""
        if isinstance(raw, time):
            raise CellError("holds a time of day, not a date; enter the date (YYYY-MM-DD)")
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            raise CellError(
                f"holds the number {raw:g}, not a date; format the cell as a date or type "
                "the date as YYYY-MM-DD"
            )
        if not isinstance(raw, str):
            return raw, ""
        if self.options.date_format:
            try:
                parsed = datetime.strptime(raw, _date_pattern(self.options.date_format))
            except ValueError:
                return raw, f" (read with --date-format {self.options.date_format})"
            return parsed.date().isoformat(), ""
        loose = _LOOSE_DATE.fullmatch(raw)
        if loose:
            year, month, day = loose.groups()
            return f"{year}-{int(month):02d}-{int(day):02d}", ""
        return raw, "; for day-first dates such as 14/03/2026 pass --date-format DD/MM/YYYY"

    def yes_no(self, raw: Any) -> tuple[Any, str]:
        if isinstance(raw, bool):
            return raw, ""
        if isinstance(raw, (int, float)) and raw in (0, 1):
            return bool(raw), ""
        if isinstance(raw, str):
            if raw in _TICKS:
                return raw in "✓✔☑", ""
            word = normal(raw)
            if word in _YES:
                return True, ""
            if word in _NO:
                return False, ""
        return raw, " (write yes or no)"

    def listed(self, column: Column, raw: Any) -> list[Any]:
        text = self.text(raw)
        if not isinstance(text, str):
            return [text]
        items = [item.strip() for item in re.split(rf"[{LIST_SEPARATOR}\n]", text)]
        items = [item for item in items if item]
        if column.shape is Shape.CHOICE_LIST:
            return [_choice(item, column.choices) for item in items]
        return items

    def json(self, raw: Any) -> Any:
        if not isinstance(raw, str):
            raise CellError('must be a JSON object, such as {"budget_line": "B-12"}')
        try:
            value = json.loads(raw)
        except ValueError as error:
            raise CellError(f"is not valid JSON ({error})") from None
        if not isinstance(value, dict):
            raise CellError('must be a JSON object, such as {"budget_line": "B-12"}')
        return value


def _plain_field(column: Column) -> str:
    """items.value.currency, participants.name: the field without entry numbers."""
    return ".".join(p for p in column.path if isinstance(p, str) and p != EACH)


# -- rows to drafts ------------------------------------------------------------------


@dataclass(slots=True)
class _Row:
    number: int
    # column path -> (value, source)
    values: dict[tuple[str | int, ...], tuple[Any, _Source]]


def _merged_cells(
    grid: Grid, header: _Header, file: str, sheet: str | None, out: SheetRead
) -> None:
    """Fill a value merged down one column into each row; refuse merges across columns."""
    for merged in grid.merged:
        if merged.max_row <= header.row:
            continue
        top = max(merged.min_row, header.row + 1)
        spanned = [c for c in range(merged.min_col, merged.max_col + 1) if c in header.columns]
        if len(spanned) > 1:
            names = ", ".join(f'"{header.texts[c]}"' for c in spanned)
            out.problems.append(
                Problem(
                    Where(file, sheet, top),
                    f"cells {_letter(merged.min_col)}{merged.min_row}:{_letter(merged.max_col)}"
                    f"{merged.max_row} are merged across the columns {names}; unmerge them so "
                    "that each column has its own value",
                )
            )
            continue
        if merged.max_row == merged.min_row or merged.min_col not in header.columns:
            continue
        value = grid.value(merged.min_row, merged.min_col)
        for row in range(top, merged.max_row + 1):
            while len(grid.rows[row - 1]) < merged.min_col:
                grid.rows[row - 1].append(None)
            grid.rows[row - 1][merged.min_col - 1] = value
        col = merged.min_col
        out.notices.append(
            f"{Where(file, sheet, None, col, header.texts[col])}: rows {top}-{merged.max_row} "
            "are merged; their value is used on each of those rows"
        )


def _formula_notices(
    grid: Grid, header: _Header, file: str, sheet: str | None, out: SheetRead
) -> None:
    used = sorted(
        (row, col) for row, col in grid.formulas if row > header.row and col in header.columns
    )
    for row, col in used:
        if grid.value(row, col) is None:
            out.problems.append(
                Problem(
                    Where(file, sheet, row, col, header.texts[col]),
                    f"holds the formula {grid.formulas[(row, col)]} and no saved result "
                    "(vpsec never calculates formulas); open the file in a spreadsheet program "
                    "and save it, or type the value",
                )
            )
    shown = [(r, c) for r, c in used if grid.value(r, c) is not None]
    for row, col in shown[:_SHOWN_NOTICES]:
        out.notices.append(
            f"{Where(file, sheet, row, col, header.texts[col])}: a formula "
            f"({grid.formulas[(row, col)]}); its saved result "
            f"{_header_text(grid.value(row, col))!r} is used, never recalculated"
        )
    if len(shown) > _SHOWN_NOTICES:
        out.notices.append(
            f"{file}: {len(shown) - _SHOWN_NOTICES} more formula cells taken by their saved result"
        )


def read_rows(
    grid: Grid, kind: str, options: ReadOptions, file: str, out: SheetRead
) -> tuple[_Header, list[_Row]] | None:
    """The non-empty data rows of a sheet, each cell converted; None when it has no header."""
    header = find_header(grid, kind, options.mapping, file, out)
    if header is None:
        return None
    sheet = None if grid.is_csv else grid.name
    _merged_cells(grid, header, file, sheet, out)
    _formula_notices(grid, header, file, sheet, out)
    cells = _Cells(grid, options)
    rows: list[_Row] = []
    for number in range(header.row + 1, len(grid.rows) + 1):
        values: dict[tuple[str | int, ...], tuple[Any, _Source]] = {}
        for col, column in header.columns.items():
            raw = grid.value(number, col)
            where = Where(file, sheet, number, col, header.texts[col])
            try:
                value, hint = cells.value(column, raw)
            except CellError as error:
                out.problems.append(Problem(where, str(error)))
                values[column.path] = (_BAD, _Source(where))
                continue
            if value is not None:
                values[column.path] = (value, _Source(where, hint))
        if values:
            rows.append(_Row(number, values))
    return header, rows


_BAD = object()  # a cell already reported: its record is not validated again for it


def _set(target: dict[Any, Any], path: tuple[str | int, ...], value: Any) -> None:
    for part in path[:-1]:
        target = target.setdefault(part, {})
    target[path[-1]] = value


class _Assembler:
    """Groups rows into drafts and builds each draft's raw record."""

    def __init__(
        self,
        kind: str,
        header_columns: dict[tuple[str | int, ...], Where],
        options: ReadOptions,
        file: str,
        sheet: str | None,
        out: SheetRead,
    ) -> None:
        self.kind = kind
        self.columns: KindColumns = columns_for(kind)
        self.row_list = self.columns.row_list
        self.sheet_columns = header_columns
        self.options = options
        self.file = file
        self.sheet = sheet
        self.out = out

    def is_item(self, path: tuple[str | int, ...]) -> bool:
        return EACH in path

    def group(self, rows: list[_Row]) -> list[list[_Row]]:
        groups: dict[str, list[_Row]] = {}
        ordered: list[list[_Row]] = []
        for row in rows:
            record_id = row.values.get(("id",), (None, None))[0]
            only_items = all(self.is_item(path) for path in row.values)
            if record_id is None and self.row_list and only_items and ordered:
                ordered[-1].append(row)  # an item row below its transfer's first row
                continue
            if record_id is None or record_id is _BAD:
                ordered.append([row])
                continue
            key = str(record_id)
            if key in groups:
                if self.row_list:
                    groups[key].append(row)
                    continue
                first = groups[key][0]
                self.out.problems.append(
                    Problem(
                        row.values[("id",)][1].where,
                        f"id `{key}` is also used on row {first.number}; ids must be unique",
                    )
                )
                continue
            groups[key] = [row]
            ordered.append(groups[key])
        return ordered

    def drafts(self, rows: list[_Row]) -> Iterator[Draft]:
        for number, group in enumerate(self.group(rows), start=1):
            draft = self.draft(group, number)
            if draft is not None:
                yield draft

    def draft(self, group: list[_Row], number: int) -> Draft | None:
        first = group[0]
        first_where = Where(self.file, self.sheet, first.number)
        top: dict[tuple[str | int, ...], tuple[Any, _Source]] = {}
        items: list[tuple[_Row, dict[tuple[str | int, ...], tuple[Any, _Source]]]] = []
        broken = False
        for row in group:
            item: dict[tuple[str | int, ...], tuple[Any, _Source]] = {}
            for path, (value, source) in row.values.items():
                if value is _BAD:
                    broken = True
                    continue
                if self.is_item(path):
                    item[path[path.index(EACH) + 1 :]] = (value, source)
                    continue
                known = top.get(path)
                if known is None:
                    top[path] = (value, source)
                elif known[0] != value and path != ("id",):
                    broken = True
                    self.out.problems.append(
                        Problem(
                            source.where,
                            f"is {_header_text(value)!r} here but {_header_text(known[0])!r} on "
                            f"row {known[1].where.row}, the first row of the same record; the "
                            "rows of one record share everything but the item columns",
                        )
                    )
            if item:
                items.append((row, item))
        record_id = self.record_id(top, first, number)
        if record_id is None or broken:
            return None
        return self.build(record_id, top, items, first_where)

    def record_id(
        self, top: dict[tuple[str | int, ...], tuple[Any, _Source]], first: _Row, number: int
    ) -> str | None:
        cell = top.get(("id",))
        pattern = self.options.id_pattern
        if pattern is None:
            if cell is None:
                self.out.problems.append(
                    Problem(
                        Where(self.file, self.sheet, first.number),
                        "the row has no id: fill the ID column, or pass --id-pattern "
                        f"(e.g. {KINDS[self.kind].INFO.id_prefix}-{{date}}-{{n:03}})",
                    )
                )
                return None
            return str(cell[0])
        info = KINDS[self.kind].INFO
        dated = top.get((info.date_field,)) if info.date_field else None
        day = dated[0] if dated is not None else ""
        site = top.get(("site",), ("", None))[0]
        fields = {
            "id": str(cell[0]) if cell else "",
            "n": number,
            "row": first.number,
            "date": day,
            "year": str(day)[:4],
            "site": site,
            "prefix": info.id_prefix,
        }
        if "{id" in pattern and cell is None:
            self.out.problems.append(
                Problem(
                    Where(self.file, self.sheet, first.number),
                    "the row has no id for --id-pattern's {id}",
                )
            )
            return None
        try:
            return pattern.format(**fields)
        except (ValueError, TypeError) as error:
            raise UsageError(f"--id-pattern: {pattern!r} cannot be filled ({error})") from None

    def build(
        self,
        record_id: str,
        top: dict[tuple[str | int, ...], tuple[Any, _Source]],
        items: list[tuple[_Row, dict[tuple[str | int, ...], tuple[Any, _Source]]]],
        first: Where,
    ) -> Draft:
        raw: dict[str, Any] = {"apiVersion": API_VERSION, "kind": self.kind, "id": record_id}
        if ("title",) in top:
            raw["title"] = top[("title",)][0]
        draft = Draft(self.kind, record_id, raw, first, set(), sheet_columns=self.sheet_columns)
        if ("id",) in top:
            draft.sources[("id",)] = top[("id",)][1]
        slotted: dict[str, dict[int, dict[tuple[str | int, ...], tuple[Any, _Source]]]] = {}
        for path in self.sheet_columns:
            draft.covered.add(_covered(path))
        for column in self.columns.columns:
            path = column.path
            if path[0] in self.columns.slot_lists or path in (("id",), ("title",)):
                continue
            if column.in_row_list:
                name = str(path[0])
                if name not in raw:
                    raw[name] = self.items(items, draft)
                continue
            found = top.get(path)
            if found is None:
                found = self.default(column, first)
            if found is None:
                continue
            draft.sources[path] = found[1]
            if column.default is not None and found[0] == column.default:
                continue  # the model's default: left out, as a person writing YAML would
            _set(raw, path, found[0])
        for path, found in top.items():
            head = path[0]
            if isinstance(head, str) and head in self.columns.slot_lists:
                slot = path[1]
                assert isinstance(slot, int)
                slotted.setdefault(head, {}).setdefault(slot, {})[path[2:]] = found
        for name, entries in slotted.items():
            numbers = sorted(entries)
            draft.entries[name] = numbers
            listed: list[dict[str, Any]] = []
            for index, slot in enumerate(numbers):
                entry: dict[str, Any] = {}
                for rest, (value, source) in entries[slot].items():
                    _set(entry, rest, value)
                    draft.sources[(name, index, *rest)] = source
                listed.append(entry)
            raw[name] = listed
        self.required_lists(raw, first)
        # The raw record in the model's field order, title first after the id.
        fields = dict.fromkeys(str(c.path[0]) for c in self.columns.columns)
        order = ["apiVersion", "kind", "id", "title", *fields]
        draft.raw = {key: raw[key] for key in order if key in raw}
        return draft

    def items(
        self,
        items: list[tuple[_Row, dict[tuple[str | int, ...], tuple[Any, _Source]]]],
        draft: Draft,
    ) -> list[dict[str, Any]]:
        assert self.row_list is not None
        listed: list[dict[str, Any]] = []
        for index, (row, values) in enumerate(items):
            entry: dict[str, Any] = {}
            for rest, (value, source) in values.items():
                _set(entry, rest, value)
                draft.sources[(self.row_list, index, *rest)] = source
            listed.append(entry)
            draft.item_rows.append(Where(self.file, self.sheet, row.number))
        return listed

    def default(self, column: Column, first: Where) -> tuple[Any, _Source] | None:
        defaults = self.options.mapping.defaults
        value = defaults.get(column.field)
        if value is None:
            return None
        return value, _Source(first, " (a default of the mapping file)")

    def required_lists(self, raw: dict[str, Any], first: Where) -> None:
        # A required list left empty is an empty list, not a missing field (an agreement
        # with no clauses yet); the model says when a list needs entries.
        for column in self.columns.columns:
            if column.shape.is_list and column.required and len(column.path) == 1:
                raw.setdefault(str(column.path[0]), [])


def _covered(path: tuple[str | int, ...]) -> tuple[str, ...]:
    """The field a sheet column covers for --update: a whole list of parts, else the field."""
    out: list[str] = []
    for part in path:
        if part == EACH or isinstance(part, int):
            break
        out.append(str(part))
    return tuple(out)


def read_sheet(grid: Grid, kind: str, options: ReadOptions, file: str) -> SheetRead:
    """The drafts of one sheet, with the problems and notices found reading it."""
    out = SheetRead()
    found = read_rows(grid, kind, options, file, out)
    if found is None:
        return out
    header, rows = found
    sheet = None if grid.is_csv else grid.name
    columns = {
        column.path: Where(file, sheet, header.row, col, header.texts[col])
        for col, column in header.columns.items()
    }
    assembler = _Assembler(kind, columns, options, file, sheet, out)
    out.drafts.extend(assembler.drafts(rows))
    if not out.drafts and not out.problems:
        out.notices.append(f"{Where(file, sheet)}: no rows below the header")
    return out


# -- checking the id pattern, the mapping file and the records -------------------------


def check_id_pattern(pattern: str) -> None:
    """UsageError unless the pattern names only the fields --id-pattern offers."""
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError as error:
        raise UsageError(f"--id-pattern: {pattern!r} is not a pattern ({error})") from None
    for _text, name, _spec, _conversion in parsed:
        if name is None:
            continue
        if name not in _ID_FIELDS:
            offered = ", ".join(f"{{{n}}}" for n in sorted(_ID_FIELDS))
            raise UsageError(f"--id-pattern: {{{name}}} is not one of {offered}")


def mapping_from(value: Any, shown: str) -> Mapping:
    """A mapping file's content (already parsed as YAML), checked; UsageError when wrong."""
    if not isinstance(value, dict):
        raise UsageError(f"{shown}: expected a mapping with `columns:` (header: field path)")
    unknown = set(value) - {"columns", "values", "defaults"}
    if unknown:
        raise UsageError(
            f"{shown}: unknown section {', '.join(sorted(map(str, unknown)))}; "
            "a mapping file has columns, values and defaults"
        )
    columns = value.get("columns") or {}
    values = value.get("values") or {}
    defaults = value.get("defaults") or {}
    for section, content in (("columns", columns), ("values", values), ("defaults", defaults)):
        if not isinstance(content, dict):
            raise UsageError(f"{shown}: `{section}` must be a mapping")
    if not all(isinstance(v, str) for v in columns.values()):
        raise UsageError(f"{shown}: each entry of `columns` maps a header to a field path")
    if not all(isinstance(v, dict) for v in values.values()):
        raise UsageError(f"{shown}: each entry of `values` maps cell texts to values")
    return Mapping(
        {str(k): v for k, v in columns.items()},
        {str(k): {str(t): x for t, x in v.items()} for k, v in values.items()},
        {str(k): v for k, v in defaults.items()},
    )


def check_mapping(mapping: Mapping, kinds: list[str], shown: str) -> None:
    """UsageError for a mapping entry that names no field of the kinds read."""
    for header, dotted in mapping.columns.items():
        if not any(column_at(kind, _path(kind, dotted)) for kind in kinds):
            raise UsageError(f"{shown}: `columns`: {header!r} maps to {dotted!r}, not a field")


def _path(kind: str, dotted: str) -> tuple[str | int, ...]:
    from vpsec.sheets.columns import _path_of

    return _path_of(kind, dotted)


def validation_problems(draft: Draft, value: Any, model: type[Record]) -> list[Problem]:
    """The model's verdict on a record's value, each error at the cell it came from."""
    try:
        model.model_validate(value)
    except ValidationError as error:
        problems = []
        for detail in error.errors(include_url=False):
            loc, message = describe(detail, model)
            source = draft.locate(loc)
            problems.append(Problem(source.where, f"{message}{source.hint}"))
        return problems
    return []


def finding_problem(draft: Draft, message: str, field_name: str | None) -> Problem:
    """A loader finding (V003, V004) on an imported record, at the cell of its field."""
    loc = _loc_of(field_name) if field_name else ()
    source = draft.locate(loc) if loc else _Source(draft.first)
    return Problem(source.where, message)


def _loc_of(dotted: str) -> tuple[str | int, ...]:
    parts: list[str | int] = []
    for piece in re.findall(r"[^.\[\]]+|\[\d+\]", dotted):
        parts.append(int(piece[1:-1]) if piece.startswith("[") else piece)
    return tuple(parts)


__all__ = [
    "CellError",
    "Draft",
    "Mapping",
    "Problem",
    "ReadOptions",
    "SheetRead",
    "Where",
    "check_id_pattern",
    "check_mapping",
    "choose_sheets",
    "finding_problem",
    "mapping_from",
    "read_sheet",
    "validation_problems",
]
