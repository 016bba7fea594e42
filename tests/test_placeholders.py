"""V007: every placeholder `vpsec new` writes is a finding at its line until it is replaced."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import EXAMPLE, MINIMAL_CONFIG, WriteWorkspace
from vpsec import scaffold
from vpsec.app import CheckOptions, Command, run_check
from vpsec.load.placeholders import is_placeholder, placeholder_findings
from vpsec.load.yamlread import parse_documents
from vpsec.models import KINDS


def _check(root: Path, command: Command = Command.VALIDATE) -> list[tuple[str, int | None, str]]:
    result = run_check(CheckOptions(path=root, use_cache=False), command)
    return [(f.path, f.line, f.rule) for f in result.findings]


def _todo_lines(text: str) -> list[int]:
    """The line of each TODO in a record's values (not its comments), read from the text alone."""
    return [
        n
        for n, line in enumerate(text.splitlines(), 1)
        for _ in range(line.split("#")[0].count("TODO"))
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("TODO", True),
        ("TODO name of the operation", True),
        ("TODO-site-id", True),
        ("  TODO  ", True),
        ("TODO: ask the police commander", True),
        ("TODOS for the camp", False),
        ("Todo", False),
        ("todo", False),
        ("Radios, TODO count", False),
        ("", False),
        (None, False),
        (12, False),
    ],
)
def test_what_is_a_placeholder(value: object, expected: bool) -> None:
    assert is_placeholder(value) is expected


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_placeholder_of_every_template_is_reported_at_its_line(
    kind: str, write_workspace: WriteWorkspace
) -> None:
    root = write_workspace({})
    # Without --site the template's site is a placeholder too.
    path = scaffold.new_record(root, kind, None, None)
    text = path.read_text(encoding="utf-8")
    rel = path.relative_to(root).as_posix()
    found = sorted(line for p, line, rule in _check(root) if rule == "V007" and p == rel)
    assert found == _todo_lines(text)
    assert found, f"the {kind} template writes no placeholder"


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_site_given_to_new_is_not_a_placeholder(kind: str, tmp_path: Path) -> None:
    path = scaffold.new_record(tmp_path, kind, "x-1", "alpha")
    (doc,) = parse_documents(path.read_text(encoding="utf-8"))
    fields = {f.field for f in placeholder_findings(doc, "x.yaml", kind, "x-1")}
    assert not {"site", "sites[0]"} & fields


def test_message_names_field_value_and_where(write_workspace: WriteWorkspace) -> None:
    root = write_workspace(
        {
            "agreements/a.yaml": """\
                apiVersion: vpsec/v1
                kind: Agreement
                id: agr-1
                type: mou
                parties:
                  - Lakeside Minerals
                  - TODO ministry
                signed: 2026-01-02
                sites: [alpha]
                clauses: [voluntary_principles]
                custom:
                  notes: {reviewer: TODO}
                """,
            "sites/alpha.yaml": """\
                apiVersion: vpsec/v1
                kind: Site
                id: alpha
                name: Alpha
                country: PE
                """,
        }
    )
    result = run_check(CheckOptions(path=root, use_cache=False), Command.VALIDATE)
    found = [f for f in result.findings if f.rule == "V007"]
    assert [(f.line, f.column, f.field) for f in found] == [
        (7, 5, "parties[1]"),
        (12, 11, "custom.notes.reviewer"),
    ]
    first = found[0]
    assert first.message == (
        "Agreement agr-1: `parties[1]` is still the placeholder `TODO ministry` from "
        "`vpsec new`; write the real value"
    )
    assert first.title == "A placeholder from `vpsec new` was not replaced"
    assert first.severity.value == "error"
    # The finding belongs to the record's site, so --site alpha shows it.
    assert first.sites == ("alpha",) and first.record == "agr-1" and first.kind == "Agreement"
    assert result.exit_code() == 1


def test_envelope_fields_are_not_reported_twice(write_workspace: WriteWorkspace) -> None:
    root = write_workspace(
        {"sites/a.yaml": "apiVersion: vpsec/v1\nkind: TODO\nid: TODO\nname: TODO\n"}
    )
    found = _check(root)
    assert ("sites/a.yaml", 2, "V005") in found
    # A document without a kind is not a record: nothing in it is checked further.
    assert not [f for f in found if f[2] == "V007"]


def test_new_site_then_validate_reports_every_todo(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({})
    path = scaffold.new_record(root, "Site", "alpha", None)
    text = path.read_text(encoding="utf-8")
    found = _check(root)
    assert sorted(line for _, line, rule in found if rule == "V007") == _todo_lines(text)
    # Filled in, the same record validates clean.
    filled = re.sub(r"TODO[^#\n]*", "Filled in ", text.replace("country: TODO", "country: PE"))
    path.write_text(filled, encoding="utf-8")
    assert _check(root) == []


def test_the_bundled_example_has_no_placeholder() -> None:
    assert not [f for f in _check(EXAMPLE, Command.ASSESS) if f[2] == "V007"]


def test_a_public_output_counts_placeholders_without_quoting_them(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace({}, config=MINIMAL_CONFIG)
    scaffold.new_record(root, "Site", "alpha", None)
    options = CheckOptions(path=root, use_cache=False, format="markdown", audience="public")
    result = run_check(options, Command.VALIDATE)
    placeholders = [f for f in result.findings if f.rule == "V007"]
    assert len(placeholders) == 1
    assert "TODO" not in placeholders[0].message
