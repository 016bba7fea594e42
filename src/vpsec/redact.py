"""Prepare report data for publication: leave out restricted records, withhold personal names.

Everything here works on the plain data (dicts, lists, strings) a report is
built from, before any template sees it, so no template - built-in or from a
workspace - can print a name that is not in that data.

What `--audience public` does, in order:

1. Records marked `sensitivity: restricted` are left out, with the findings
   about them, the waivers on them and every reference to them in other
   records (`concerns_raised`, `records`).
2. Every field that holds a personal name is replaced by the person's role:
   a meeting participant by "role, organisation"; a decision owner, a name on
   a distribution list, a decision maker, a transfer representative or
   signatory, a commander or a company liaison by the role of the meeting
   participant with that name, or else by a neutral description ("withheld",
   "representative of <unit>", "commander", "company liaison").
3. `notes` and `custom` are dropped: they are free-form and written for
   internal use.
4. Every remaining string is scrubbed: each known personal name (the full
   name as written, the name without honorifics, and each part of the name
   of three letters or more that is not an honorific or an acronym) is
   replaced by "[name withheld]", and the id of each restricted record by
   "[restricted record]".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

WITHHELD_NAME = "[name withheld]"
RESTRICTED_RECORD = "[restricted record]"
WITHHELD = "withheld"

# Ranks and forms of address that precede names in the records; they are not names.
HONORIFICS = frozenset(
    word.casefold()
    for word in [
        "Mr",
        "Mrs",
        "Ms",
        "Miss",
        "Mx",
        "Dr",
        "Prof",
        "Me",
        "Maître",
        "Hon",
        "Rev",
        "Sir",
        "Dame",
        "Cdt",
        "Cmdt",
        "Cmdte",
        "Cdte",
        "Comdt",
        "Commandant",
        "Comandante",
        "Capt",
        "Cap",
        "Cpt",
        "Captain",
        "Lt",
        "Lieut",
        "Col",
        "Gen",
        "Maj",
        "Major",
        "Sgt",
        "Sergeant",
        "Sof",
        "Suboficial",
        "Cpl",
        "Insp",
        "Inspector",
        "Chief",
        "Supt",
        "Superintendent",
        "Cmdr",
        "Commander",
        "Officer",
        "Adj",
        "Adjt",
        "Brig",
        "PNP",
        "PNC",
    ]
)
# Words that may sit inside a name but say nothing about who it is.
_PARTICLES = frozenset(
    [
        "de",
        "del",
        "della",
        "der",
        "den",
        "di",
        "da",
        "das",
        "dos",
        "du",
        "la",
        "le",
        "van",
        "von",
        "bin",
        "ben",
        "al",
        "el",
        "y",
        "e",
        "the",
        "and",
    ]
)
_MIN_TOKEN = 3


def _normal(name: str) -> str:
    return " ".join(name.split()).casefold()


def name_parts(name: str) -> list[str]:
    """The parts of a name that identify a person: no honorifics, particles or acronyms."""
    parts: list[str] = []
    for word in name.split():
        bare = word.strip(".,;:()")
        if not bare or word.endswith(".") or bare.casefold() in HONORIFICS:
            continue
        if bare.casefold() in _PARTICLES or (bare.isupper() and len(bare) > 1):
            continue
        parts.append(bare)
    return parts


def _name_fields(record: dict[str, Any]) -> list[str]:
    """Every personal name a record holds in its name fields."""
    kind = record.get("kind")
    names: list[str] = []
    if kind == "Meeting":
        names += [p.get("name") or "" for p in record.get("participants") or []]
        names += [d.get("owner") or "" for d in record.get("decisions") or []]
        names += list((record.get("minutes") or {}).get("distributed_to") or [])
    elif kind == "Transfer":
        names.append((record.get("recipient") or {}).get("representative") or "")
        names.append((record.get("receipt") or {}).get("signed_by") or "")
    elif kind == "Deployment":
        chain = record.get("chain_of_command") or {}
        names += [chain.get("commander") or "", chain.get("company_liaison") or ""]
    elif kind == "Decision":
        names.append(record.get("made_by") or "")
    return [name for name in names if name.strip()]


def collect_names(records: Iterable[dict[str, Any]]) -> list[str]:
    """Every personal name in the workspace's name fields, each once, as written."""
    seen: dict[str, str] = {}
    for record in records:
        for name in _name_fields(record):
            seen.setdefault(_normal(name), " ".join(name.split()))
    return sorted(seen.values())


@dataclass(frozen=True, slots=True)
class Person:
    """What may be said about a meeting participant in public: role and organisation."""

    role: str | None
    organisation: str | None

    def label(self) -> str:
        parts = [p for p in (self.role, self.organisation) if p]
        return ", ".join(parts) if parts else "a participant"

    def role_only(self) -> str:
        return self.role or self.organisation or "a participant"


@dataclass(slots=True)
class Publication:
    """What was withheld, for the note on a public report."""

    records_withheld: int = 0
    findings_withheld: int = 0
    names_replaced: int = 0
    mentions_withheld: int = 0
    notes_omitted: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "records_withheld": self.records_withheld,
            "findings_withheld": self.findings_withheld,
            "names_replaced": self.names_replaced,
            "mentions_withheld": self.mentions_withheld,
            "notes_omitted": self.notes_omitted,
        }


@dataclass(slots=True)
class Redactor:
    """Withholds the personal names and restricted records of one workspace."""

    names: list[str]
    people: dict[str, Person]
    restricted: frozenset[str]
    roles: frozenset[str]
    stats: Publication = field(default_factory=Publication)
    _pattern: re.Pattern[str] | None = None

    @classmethod
    def for_records(cls, records: list[dict[str, Any]]) -> Redactor:
        """Learn every name (from all records, restricted ones too) and every participant."""
        people: dict[str, Person] = {}
        for record in records:
            if record.get("kind") != "Meeting":
                continue
            for participant in record.get("participants") or []:
                people.setdefault(
                    _normal(participant.get("name") or ""),
                    Person(participant.get("role"), participant.get("organisation")),
                )
        roles = frozenset(_normal(p.role) for p in people.values() if p.role)
        restricted = frozenset(
            str(r["id"]) for r in records if r.get("sensitivity") == "restricted"
        )
        redactor = cls(collect_names(records), people, restricted, roles)
        redactor._pattern = redactor._compile()
        return redactor

    def _compile(self) -> re.Pattern[str] | None:
        phrases: set[str] = set()
        tokens: set[str] = set()
        for name in self.names:
            phrases.add(name)
            parts = name_parts(name)
            if len(parts) > 1:
                phrases.add(" ".join(parts))
            for part in parts:
                for piece in {part, *part.split("-")}:
                    if sum(ch.isalpha() for ch in piece) >= _MIN_TOKEN:
                        tokens.add(piece)
        if not phrases and not self.restricted:
            return None
        # Longest first, so a full name is replaced whole rather than part by part.
        alternatives = [
            r"\s+".join(re.escape(word) for word in phrase.split())
            for phrase in sorted(phrases | tokens, key=len, reverse=True)
        ]
        alternatives += [re.escape(rid) for rid in sorted(self.restricted, key=len, reverse=True)]
        return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])")

    # -- names in name fields --------------------------------------------------

    def _person(self, name: str | None) -> Person | None:
        return self.people.get(_normal(name)) if name else None

    def _replace(self, name: str | None, fallback: str) -> str | None:
        if not name or not name.strip():
            return name
        self.stats.names_replaced += 1
        person = self._person(name)
        return person.role_only() if person else fallback

    def record(self, record: dict[str, Any]) -> dict[str, Any]:
        """A copy of a record with its name fields replaced and its notes dropped."""
        out = dict(record)
        kind = out.get("kind")
        if out.get("notes"):
            self.stats.notes_omitted += 1
        out["notes"] = None
        out["custom"] = None
        if kind == "Meeting":
            participants = []
            for participant in out.get("participants") or []:
                person = Person(participant.get("role"), participant.get("organisation"))
                self.stats.names_replaced += 1
                participants.append({**participant, "name": person.label()})
            out["participants"] = participants
            out["decisions"] = [
                {**d, "owner": self._replace(d.get("owner"), WITHHELD)}
                for d in out.get("decisions") or []
            ] or out.get("decisions")
            minutes = out.get("minutes")
            if minutes:
                out["minutes"] = {
                    **minutes,
                    "distributed_to": [
                        self._replace(n, WITHHELD) for n in minutes.get("distributed_to") or []
                    ]
                    if minutes.get("distributed_to") is not None
                    else None,
                }
            if out.get("concerns_raised"):
                out["concerns_raised"] = self._visible(out["concerns_raised"])
        elif kind == "Transfer":
            recipient = dict(out.get("recipient") or {})
            unit = recipient.get("unit") or "the recipient"
            fallback = f"representative of {unit}"
            recipient["representative"] = self._replace(recipient.get("representative"), fallback)
            out["recipient"] = recipient
            if out.get("receipt"):
                receipt = dict(out["receipt"])
                receipt["signed_by"] = self._replace(receipt.get("signed_by"), fallback)
                out["receipt"] = receipt
        elif kind == "Deployment" and out.get("chain_of_command"):
            chain = dict(out["chain_of_command"])
            chain["commander"] = self._replace(chain.get("commander"), "commander")
            chain["company_liaison"] = self._replace(
                chain.get("company_liaison"), "company liaison"
            )
            out["chain_of_command"] = chain
        elif kind == "Decision":
            out["made_by"] = self._replace(out.get("made_by"), WITHHELD)
            if out.get("records"):
                out["records"] = self._visible(out["records"])
        return out

    def _visible(self, ids: list[str]) -> list[str]:
        return [i for i in ids if i not in self.restricted]

    def approver(self, approved_by: str) -> str:
        """A waiver's approver: kept when it is a role, otherwise withheld."""
        if _normal(approved_by) in self.roles:
            return approved_by
        return self._replace(approved_by, WITHHELD) or WITHHELD

    # -- names in free text -------------------------------------------------------

    def scrub(self, text: str) -> str:
        """text with every known name and restricted record id withheld."""
        if self._pattern is None or not text:
            return text

        def replace(match: re.Match[str]) -> str:
            self.stats.mentions_withheld += 1
            return RESTRICTED_RECORD if match.group(0) in self.restricted else WITHHELD_NAME

        scrubbed = self._pattern.sub(replace, text)
        # "[name withheld] [name withheld]" (a name split by an unknown word) reads as one.
        return re.sub(
            rf"{re.escape(WITHHELD_NAME)}(?:\s+{re.escape(WITHHELD_NAME)})+",
            WITHHELD_NAME,
            scrubbed,
        )

    def scrub_tree(self, value: Any) -> Any:
        """Every string in nested dicts and lists scrubbed (dict keys are left alone)."""
        if isinstance(value, str):
            return self.scrub(value)
        if isinstance(value, dict):
            return {key: self.scrub_tree(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.scrub_tree(item) for item in value]
        return value
