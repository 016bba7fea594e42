"""vpsec.redact: names replaced by roles, free text scrubbed, restricted records left out."""

from __future__ import annotations

from typing import Any

from vpsec.redact import (
    RESTRICTED_RECORD,
    WITHHELD_NAME,
    Redactor,
    collect_names,
    is_role,
    name_parts,
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
