"""Kind knowledge lives on the models: KindInfo, describe(), site fields and name fields."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import pytest
from pydantic import BaseModel

from conftest import REPO
from vpsec import scaffold
from vpsec.load.yamlread import parse_documents
from vpsec.models import KINDS, Record, WorkspaceConfig
from vpsec.models.common import ID_PATTERN, Part
from vpsec.models.config import Waiver
from vpsec.models.names import EACH, PersonName, PersonNameMarker, TextField, text_fields
from vpsec.redact import WITHHELD_NAME, Redactor, name_parts

VALID = REPO / "tests" / "data" / "kinds" / "valid"
FORMAT_DOC = REPO / "docs" / "format.md"

# Words in a field name that suggest the field holds a person's name.
PERSON_WORDS = (
    "name",
    "by",
    "representative",
    "commander",
    "liaison",
    "owner",
    "signatory",
    "signator",
    "signer",
    "approved",
    "approver",
    "participant",
    "witness",
    "victim",
    "reporter",
    "officer",
    "contact",
    "attendee",
    "made",
    "person",
    "people",
    "member",
    "staff",
    "chair",
    "author",
    "distributed",
    "manager",
    "head",
    "leader",
    "complainant",
    "interpreter",
    "facilitator",
    "who",
)


def _suggests_person(field_name: str) -> bool:
    for word in field_name.lower().split("_"):
        for stem in PERSON_WORDS:
            plural = word in (stem, stem + "s", stem + "es")
            if plural or (len(stem) >= 5 and word.startswith(stem)):
                return True
    return False


def _undeclared(model: type[BaseModel]) -> list[str]:
    """Text fields whose name suggests a person, declared neither a name nor not one."""
    out = []
    for found in text_fields(model):
        name = next(step for step in reversed(found.path) if step != EACH)
        declared = found.person is not None or found.not_a_person is not None
        if _suggests_person(name) and not declared:
            out.append(found.dotted)
    return out


ALL_MODELS: list[type[BaseModel]] = [*KINDS.values(), WorkspaceConfig]


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_every_field_that_may_hold_a_name_is_declared(model: type[BaseModel]) -> None:
    undeclared = _undeclared(model)
    assert undeclared == [], (
        f"{model.__name__}: {undeclared} look like they hold a person's name; type them "
        "PersonName (vpsec.models.names) or annotate them NotAPerson(...)"
    )


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_no_field_is_both_a_name_and_not_one(model: type[BaseModel]) -> None:
    both = [f.dotted for f in text_fields(model) if f.person and f.not_a_person]
    assert both == []


def test_the_walk_finds_undeclared_and_nested_name_fields() -> None:
    class Witness(Part):
        witness: str
        statement: str

    class Probe(Record):
        officer_in_charge: str | None = None
        witnesses: list[Witness] | None = None
        signed_by: PersonName | None = None
        contacts: Annotated[list[str], PersonNameMarker()] | None = None

    assert _undeclared(Probe) == ["officer_in_charge", "witnesses.*.witness"]
    names = {f.dotted for f in text_fields(Probe) if f.person}
    assert names == {"signed_by", "contacts.*"}


def _name_paths(model: type[BaseModel]) -> set[str]:
    return {f.dotted for f in text_fields(model) if f.person}


def test_the_declared_name_fields() -> None:
    declared = {kind: _name_paths(model) for kind, model in KINDS.items()}
    assert declared == {
        "Site": set(),
        "Deployment": {"chain_of_command.commander", "chain_of_command.company_liaison"},
        "Transfer": {"recipient.representative", "receipt.signed_by"},
        "Meeting": {"participants.*.name", "decisions.*.owner", "minutes.distributed_to.*"},
        "RiskAssessment": set(),
        "Agreement": set(),
        "Incident": set(),
        "Consultation": set(),
        "Decision": {"made_by"},
    }
    assert _name_paths(WorkspaceConfig) == {"waivers.*.approved_by"}


# -- KindInfo -----------------------------------------------------------------------


def _sample(kind: str) -> dict[str, Any]:
    (doc,) = parse_documents((VALID / f"{kind.lower()}.yaml").read_text(encoding="utf-8"))
    assert isinstance(doc.value, dict)
    return doc.value


def _field_types(model: type[BaseModel]) -> dict[str, str]:
    return {name: repr(info.annotation) for name, info in model.model_fields.items()}


@pytest.mark.parametrize("kind", list(KINDS))
def test_kind_info_is_complete(kind: str) -> None:
    model = KINDS[kind]
    info = model.INFO
    assert kind == model.KIND
    assert info.label and info.label == info.label.lower()
    assert re.fullmatch(r"[a-z]+", info.folder)
    assert re.fullmatch(ID_PATTERN, f"{info.id_prefix}-2026-01-01-0a1b")
    fields = _field_types(model)
    if info.date_field is not None:
        assert "datetime.date" in fields[info.date_field]
    if info.site_field is not None:
        assert info.site_field in fields
    record = model.model_validate(_sample(kind))
    assert record.describe().startswith(f"{info.label.capitalize()} {record.id}")
    assert record.site_ids() == model.raw_site_ids(_sample(kind))


def test_kinds_have_distinct_folders_prefixes_and_labels() -> None:
    infos = [model.INFO for model in KINDS.values()]
    for attribute in ("folder", "id_prefix", "label"):
        values = [getattr(info, attribute) for info in infos]
        assert len(set(values)) == len(values), attribute


def test_sites_of_each_kind() -> None:
    sites = {kind: KINDS[kind].model_validate(_sample(kind)).site_ids() for kind in KINDS}
    assert sites["Site"] == (_sample("Site")["id"],)
    assert sites["Agreement"] == tuple(_sample("Agreement")["sites"])
    assert sites["Decision"] == ()
    assert all(sites[k] == (_sample(k)["site"],) for k in ("Transfer", "Deployment", "Incident"))


def test_raw_sites_read_what_the_model_would_even_when_invalid() -> None:
    transfer = KINDS["Transfer"]
    assert transfer.raw_site_ids({"site": "alpha", "date": "not a date"}) == ("alpha",)
    assert transfer.raw_site_ids({"site": 7}) == ("7",)
    assert transfer.raw_site_ids({"site": ["a", "b"]}) == ("a", "b")
    assert transfer.raw_site_ids({"site": {"id": "x"}}) == ()
    assert KINDS["Agreement"].raw_site_ids({"sites": ["a", None, "b"]}) == ("a", "b")
    assert KINDS["Site"].raw_site_ids({"id": "kamituga", "site": "other"}) == ("kamituga",)
    # A Decision concerns no site, whatever stray field it carries.
    assert KINDS["Decision"].raw_site_ids({"site": "alpha"}) == ()


def test_kinds_follow_the_format_documentation() -> None:
    text = FORMAT_DOC.read_text(encoding="utf-8")
    layout = re.search(r"one folder per kind \(([^)]*)\)", text, re.S)
    assert layout is not None
    folders = re.findall(r"`([a-z]+)/`", layout.group(1))
    assert folders == [model.INFO.folder for model in KINDS.values()]
    headings = re.findall(r"^### (\w+)", text, re.M)
    assert headings == list(KINDS)


@pytest.mark.parametrize("kind", list(KINDS))
def test_scaffold_template_matches_kind_info(kind: str, tmp_path: Path) -> None:
    info = KINDS[kind].INFO
    assert scaffold.resolve_kind(info.folder) == kind
    assert scaffold.new_id(kind, date(2026, 1, 2)).startswith(f"{info.id_prefix}-2026-01-02-")
    path = scaffold.new_record(tmp_path, kind, None, "alpha")
    assert path.parent == tmp_path / info.folder
    assert path.stem.startswith(f"{info.id_prefix}-")
    (doc,) = parse_documents(path.read_text(encoding="utf-8"))
    written = doc.value
    assert isinstance(written, dict)
    assert written["kind"] == kind
    if info.date_field is not None:
        assert info.date_field in written
    if info.site_field not in (None, "id"):
        assert KINDS[kind].raw_site_ids(written) == ("alpha",)


def test_init_makes_every_kind_folder(tmp_path: Path) -> None:
    scaffold.init_workspace(tmp_path / "ws", "Test plc", example=False)
    for model in KINDS.values():
        assert (tmp_path / "ws" / model.INFO.folder).is_dir()


# -- the registry stays lazy ----------------------------------------------------------


def _modules_after(code: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return list(json.loads(done.stdout.splitlines()[-1]))


def test_reading_vpsec_yaml_does_not_import_the_record_kinds() -> None:
    loaded = _modules_after("import vpsec.models.config")
    assert "vpsec.models.transfer" not in loaded
    assert "vpsec.models.meeting" in _modules_after("from vpsec.models import KINDS")


def test_version_does_not_import_pydantic() -> None:
    loaded = _modules_after(
        "import sys\nfrom vpsec.cli import main\nsys.argv = ['vpsec', '--version']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )
    assert "pydantic" not in loaded


# -- every declared name is withheld ---------------------------------------------------


def _put(value: Any, path: tuple[str, ...], name: str) -> Any:
    """value with name written at every place the path reaches."""
    if not path:
        return name
    if path[0] == EACH:
        return [_put(item, path[1:], name) for item in value]
    return {**value, path[0]: _put(value[path[0]], path[1:], name)}


def _named_fields() -> list[tuple[str, TextField]]:
    fields = [(kind, f) for kind, model in KINDS.items() for f in text_fields(model) if f.person]
    return fields + [("Waiver", f) for f in text_fields(Waiver) if f.person]


@pytest.mark.parametrize(
    ("kind", "found"), _named_fields(), ids=[f"{k}.{f.dotted}" for k, f in _named_fields()]
)
def test_a_name_in_every_declared_field_is_withheld(kind: str, found: TextField) -> None:
    name = "Zebulon Quarrington-Vasq"
    samples = {k: _sample(k) for k in KINDS}
    waiver = {
        "rule": "TRF007",
        "record": "trf-1",
        "reason": "Approved after a call with Quarrington-Vasq.",
        "approved_by": "Security Manager",
        "expires": "2027-01-01",
    }
    if kind == "Waiver":
        waiver = _put(waiver, found.path, name)
        Waiver.model_validate(waiver)
    else:
        samples[kind] = _put(samples[kind], found.path, name)
        samples[kind]["title"] = f"Met {name}; Zebulon said no."
    records = [
        {**KINDS[k].model_validate(v).model_dump(mode="json"), "kind": k}
        for k, v in samples.items()
    ]
    redactor = Redactor.for_records(records, waivers=[waiver])
    public = redactor.scrub_tree(
        [
            [redactor.record(r) for r in records],
            {**waiver, "approved_by": redactor.approver(waiver["approved_by"])},
        ]
    )
    text = json.dumps(public, ensure_ascii=False)
    for part in (name, *name_parts(name), "Quarrington", "Vasq"):
        assert part not in text, f"{kind}.{found.dotted}: {part!r} is printed"
    assert WITHHELD_NAME in text
