"""vpsec.redact: names replaced by roles, free text scrubbed, restricted records left out."""

from __future__ import annotations

import time
import unicodedata
from typing import Any

from vpsec.redact import (
    RESTRICTED_RECORD,
    WITHHELD_NAME,
    Redactor,
    collect_names,
    is_role,
    name_parts,
    raw_names,
)


def _meeting(**extra: Any) -> dict[str, Any]:
    return {
        "kind": "Meeting",
        "id": "m-1",
        "sensitivity": "internal",
        "participants": [
            {"name": "Cdt. Jean-Pierre Mbala", "role": "Unit commander", "organisation": "PNC"},
            {"name": "Grace Mwansa", "role": "Security Manager", "organisation": None},
        ],
        "decisions": [
            {"text": "Mbala to send the file.", "owner": "Cdt. Jean-Pierre Mbala", "due": None},
            {"text": "Brief the team.", "owner": "Someone Else", "due": None},
        ],
        "minutes": {"distributed_to": ["Grace Mwansa", "Outside Person"], "distributed_on": None},
        "concerns_raised": ["inc-secret", "inc-open"],
        "notes": "Grace Mwansa chaired.",
        "custom": {"anything": "x"},
        **extra,
    }


RECORDS: list[dict[str, Any]] = [
    _meeting(),
    {
        "kind": "Transfer",
        "id": "t-1",
        "recipient": {"unit": "3rd Mobile Police Unit", "representative": "Sgt. Esther Mapendo"},
        "receipt": {"signed": True, "signed_by": "Cdt. Jean-Pierre Mbala"},
        "purpose": "Radios, handed over to Esther Mapendo at the gate.",
    },
    {
        "kind": "Deployment",
        "id": "d-1",
        "chain_of_command": {"commander": "Maj. Didier Kasongo Ilunga", "company_liaison": None},
        "mandate": "Escort under Maj. Kasongo.",
    },
    {"kind": "Decision", "id": "dec-1", "made_by": "Grace Mwansa", "records": ["inc-secret"]},
    {"kind": "Incident", "id": "inc-secret", "sensitivity": "restricted", "title": "Beating"},
]


def test_collect_names_finds_every_name_field_once() -> None:
    assert collect_names(RECORDS) == [
        "Cdt. Jean-Pierre Mbala",
        "Grace Mwansa",
        "Maj. Didier Kasongo Ilunga",
        "Outside Person",
        "Sgt. Esther Mapendo",
        "Someone Else",
    ]


def test_name_parts_drop_ranks_particles_and_acronyms() -> None:
    assert name_parts("Cmdte. PNP Luis Huamán Quispe") == ["Luis", "Huamán", "Quispe"]
    assert name_parts("Chief Insp. Joseph Banda") == ["Joseph", "Banda"]
    assert name_parts("Maria de la Cruz") == ["Maria", "Cruz"]


def test_participants_become_role_and_organisation() -> None:
    redactor = Redactor.for_records(RECORDS)
    meeting = redactor.record(RECORDS[0])
    assert [p["name"] for p in meeting["participants"]] == [
        "Unit commander, PNC",
        "Security Manager",
    ]


def test_owners_and_distribution_match_participants_or_are_withheld() -> None:
    redactor = Redactor.for_records(RECORDS)
    meeting = redactor.record(RECORDS[0])
    assert [d["owner"] for d in meeting["decisions"]] == ["Unit commander", "withheld"]
    assert meeting["minutes"]["distributed_to"] == ["Security Manager", "withheld"]


def test_notes_custom_and_restricted_references_are_dropped() -> None:
    redactor = Redactor.for_records(RECORDS)
    meeting = redactor.record(RECORDS[0])
    assert meeting["notes"] is None and meeting["custom"] is None
    assert meeting["concerns_raised"] == ["inc-open"]
    assert redactor.record(RECORDS[3])["records"] == []
    assert redactor.stats.notes_omitted == 1


def test_transfer_and_deployment_names() -> None:
    redactor = Redactor.for_records(RECORDS)
    transfer = redactor.record(RECORDS[1])
    assert transfer["recipient"]["representative"] == "representative of 3rd Mobile Police Unit"
    assert transfer["receipt"]["signed_by"] == "Unit commander"
    deployment = redactor.record(RECORDS[2])
    assert deployment["chain_of_command"] == {"commander": "commander", "company_liaison": None}
    assert redactor.record(RECORDS[3])["made_by"] == "Security Manager"


def test_free_text_loses_full_names_surnames_and_restricted_ids() -> None:
    redactor = Redactor.for_records(RECORDS)
    assert redactor.scrub("Handed to Esther Mapendo at the gate.") == (
        f"Handed to {WITHHELD_NAME} at the gate."
    )
    assert redactor.scrub("Escort under Maj. Kasongo.") == f"Escort under Maj. {WITHHELD_NAME}."
    assert redactor.scrub("Cdt. Jean-Pierre Mbala signed.") == f"{WITHHELD_NAME} signed."
    assert redactor.scrub("See inc-secret and inc-open.") == (
        f"See {RESTRICTED_RECORD} and inc-open."
    )
    # Whole words only, but in any case: "Gracefully" is not the name Grace, "grace" is.
    assert redactor.scrub("Gracefully, with grace.") == f"Gracefully, with {WITHHELD_NAME}."
    assert redactor.stats.mentions_withheld == 5


def test_scrub_tree_reaches_every_string() -> None:
    redactor = Redactor.for_records(RECORDS)
    tree = {"a": ["Mwansa said", {"b": ("Ilunga",)}], "n": 3, "Mwansa": None}
    assert redactor.scrub_tree(tree) == {
        "a": [f"{WITHHELD_NAME} said", {"b": [WITHHELD_NAME]}],
        "n": 3,
        "Mwansa": None,
    }


def test_approver_kept_when_a_role_otherwise_withheld() -> None:
    redactor = Redactor.for_records(RECORDS)
    assert redactor.approver("Security Manager") == "Security Manager"
    assert redactor.approver("Grace Mwansa") == "Security Manager"
    assert redactor.approver("Head of Security") == "withheld"


def test_no_names_no_pattern() -> None:
    redactor = Redactor.for_records([{"kind": "Site", "id": "s"}])
    assert redactor.scrub("Anything at all") == "Anything at all"


def _waiver(approved_by: str, reason: str = "Accepted.") -> dict[str, Any]:
    return {"rule": "TRF007", "record": "t-1", "reason": reason, "approved_by": approved_by}


def test_waiver_approvers_are_names_unless_a_role() -> None:
    waivers = [_waiver("Awa Diallo"), _waiver("Security Manager"), _waiver("Head of Security")]
    names = collect_names(RECORDS, waivers)
    assert "Awa Diallo" in names
    assert "Security Manager" not in names and "Head of Security" not in names
    redactor = Redactor.for_records(RECORDS, waivers)
    assert redactor.scrub("Agreed per Diallo.") == f"Agreed per {WITHHELD_NAME}."
    # Without the waivers the approver is unknown, and a reason naming them would leak.
    assert Redactor.for_records(RECORDS).scrub("Agreed per Diallo.") == "Agreed per Diallo."


def test_a_role_in_a_name_field_is_no_name_to_look_for() -> None:
    assert is_role("Head of Security") and is_role("Cdt.") and is_role("Group Head of Security")
    assert not is_role("Grace Mwansa") and not is_role("JOHN SMITH")
    records = [*RECORDS, {"kind": "Decision", "id": "dec-2", "made_by": "Head of Security"}]
    redactor = Redactor.for_records(records)
    assert "Head of Security" not in redactor.names
    assert redactor.scrub("Security at the Group Head of Security's request.") == (
        "Security at the Group Head of Security's request."
    )
    # Office words inside a name are no surname either.
    assert name_parts("Grace Mwansa, Security Manager") == ["Grace", "Mwansa"]
    # The field itself is still replaced.
    assert redactor.record(records[-1])["made_by"] == "withheld"


def test_stand_ins_come_from_the_field_declarations() -> None:
    redactor = Redactor.for_records(RECORDS)
    transfer = {**RECORDS[1], "recipient": {"unit": "Unit 9", "representative": "Nobody Known"}}
    assert redactor.record(transfer)["recipient"]["representative"] == "representative of Unit 9"
    no_unit = {**RECORDS[1], "recipient": {"representative": "Nobody Known"}}
    assert redactor.record(no_unit)["recipient"]["representative"] == "withheld"


# -- the scrub: any case, any Unicode form, whole words, roles never names --------------


def _redactor(*names: str, **extra: Any) -> Redactor:
    records = [
        {
            "kind": "Meeting",
            "id": "m-9",
            "participants": [{"name": n, "role": None, "organisation": None} for n in names],
        }
    ]
    return Redactor.for_records(records, **extra)


def test_all_caps_surnames_are_names() -> None:
    redactor = _redactor("Major ILUNGA Mwamba")
    assert "ILUNGA" in name_parts("Major ILUNGA Mwamba")
    assert redactor.scrub("Escort led by ILUNGA.") == f"Escort led by {WITHHELD_NAME}."
    assert redactor.scrub("ilunga and Ilunga") == f"{WITHHELD_NAME} and {WITHHELD_NAME}"


def test_acronyms_of_organisations_and_in_brackets_are_not_surnames() -> None:
    records = [
        {
            "kind": "Meeting",
            "id": "m-9",
            "participants": [
                {"name": "Lt. Paul Mbayo (FARDC)", "role": None, "organisation": None},
                {"name": "Sgt. Aimé KALALA", "role": None, "organisation": "PNC, 3rd Unit"},
                {"name": "Cpl. PNC Obed", "role": None, "organisation": None},
            ],
        }
    ]
    redactor = Redactor.for_records(records)
    assert redactor.scrub("FARDC and PNC units; Mbayo, KALALA and Obed.") == (
        f"FARDC and PNC units; {WITHHELD_NAME}, {WITHHELD_NAME} and {WITHHELD_NAME}."
    )


def test_every_unicode_form_of_a_name_is_one_name() -> None:
    nfd = unicodedata.normalize("NFD", "Inés Pérez")
    redactor = _redactor(nfd)
    for written in ("Pérez", nfd.split()[1], "PÉREZ", "Perez", "ＰＥＲＥＺ", "Pe\u200brez"):
        assert redactor.scrub(f"Ask {written} today.") == f"Ask {WITHHELD_NAME} today.", written
    assert redactor.scrub("Inés Pérez signed.") == f"{WITHHELD_NAME} signed."


def test_names_of_any_length_declared_as_names() -> None:
    redactor = _redactor("Q", "Li Na")
    assert redactor.scrub("Q and q met Li and LI NA; na, li.") == (
        f"{WITHHELD_NAME} and {WITHHELD_NAME} met {WITHHELD_NAME} and {WITHHELD_NAME}; na, li."
    )
    # Short parts are not matched inside longer words either.
    assert redactor.scrub("Quick Linas") == "Quick Linas"


def test_names_inside_other_words_are_left_alone() -> None:
    redactor = _redactor("Ana Ming")
    assert redactor.scrub("Banana Mining, Ana's farm, MING.") == (
        f"Banana Mining, {WITHHELD_NAME}'s farm, {WITHHELD_NAME}."
    )


def test_roles_and_bodies_in_name_fields_are_not_names() -> None:
    assert is_role("Security Manager, Kanyama") and is_role("Ministry of Mines")
    assert not is_role("Grace Mwansa, Security Manager")
    records = [
        {
            "kind": "Decision",
            "id": "d-1",
            "made_by": "Security Manager, Kanyama",
            "text": "x",
        },
        {"kind": "Decision", "id": "d-2", "made_by": "Ministry of Mines", "text": "x"},
    ]
    redactor = Redactor.for_records(records, [_waiver("Office of the Governor")])
    assert redactor.names == []
    text = "Kanyama Gold Project, Ministry of Defence, the Governor's office."
    assert redactor.scrub(text) == text


def test_names_from_invalid_documents_are_scrubbed_too() -> None:
    assert raw_names(
        {"kind": "Transfer", "recipient": {"representative": ["Adjudant Pascal Mukendi"]}}
    ) == ["Adjudant Pascal Mukendi"]
    redactor = Redactor.for_records([], extra_names=["Adjudant Pascal Mukendi"])
    assert redactor.scrub("Mukendi took the radios.") == f"{WITHHELD_NAME} took the radios."


def test_hidden_ids_get_their_own_placeholder() -> None:
    redactor = Redactor.for_records(RECORDS, hidden={"trf-9": "[undisclosed record]"})
    assert redactor.scrub("See trf-9, not trf-90.") == "See [undisclosed record], not trf-90."
    assert redactor.restricted == frozenset({"trf-9"})


def test_the_matcher_is_built_once_and_fast_for_many_names() -> None:
    """60,000 participants: built in seconds, not the minutes a regex alternation took."""
    names = [f"Given{i:05d} Surname{i:05d}" for i in range(60_000)]
    start = time.perf_counter()
    redactor = _redactor(*names)
    built = time.perf_counter() - start
    text = "Met Given12345 Surname12345 and surname00007 at the gate. " * 200
    start = time.perf_counter()
    scrubbed = redactor.scrub(text)
    scanned = time.perf_counter() - start
    assert "12345" not in scrubbed and "00007" not in scrubbed
    assert scrubbed.count(WITHHELD_NAME) == 400
    # Generous bounds for a shared machine; the regex took ~20 s to compile alone.
    assert built < 15 and scanned < 1
