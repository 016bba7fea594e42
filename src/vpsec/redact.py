"""Prepare report data for publication: leave out restricted records, withhold personal names.

Everything here works on the plain data (dicts, lists, strings) a report is
built from, before any template sees it, so no template - built-in or from a
workspace - can print a name that is not in that data.

What `--audience public` does, in order:

1. Records marked `sensitivity: restricted` are left out, with the findings
   about them, the waivers on them and every reference to them in other
   records (`concerns_raised`, `records`).
2. Every field that holds a personal name - the fields the models declare
   as `PersonName` (vpsec.models.names), and a waiver's `approved_by` - is
   replaced by the person's role: a meeting participant by "role,
   organisation"; any other name by the role of the meeting participant with
   that name, or else by the stand-in its field declares ("withheld",
   "representative of <unit>", "commander", "company liaison").
3. `notes` and `custom` are dropped: they are free-form and written for
   internal use.
4. Every remaining string is scrubbed: each known personal name (the full
   name as written, the name without honorifics, and each part of the name
   of three letters or more that is not an honorific, an acronym or a word
   of an office such as "Head" or "Security") is replaced by
   "[name withheld]", and the id of each restricted record by
   "[restricted record]". A name field whose value is only a role ("Head of
   Security") holds no name to look for.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from vpsec.models import KINDS
from vpsec.models.config import Waiver
from vpsec.models.names import EACH, PersonNameMarker, name_fields

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
        "of",
    ]
)
# Words of offices and organisations. A name field may hold a role instead of
# a name (a waiver `approved_by: Head of Security`): such a value is replaced
# where it stands, but it is no name to look for in free text, and these words
# are never taken for a surname, or every "security" in a public report would
# read "[name withheld]".
_OFFICE_WORDS = frozenset(
    [
        "head",
        "deputy",
        "assistant",
        "acting",
        "security",
        "manager",
        "director",
        "coordinator",
        "adviser",
        "advisor",
        "chair",
        "chairperson",
        "secretary",
        "minister",
        "ministry",
        "department",
        "directorate",
        "division",
        "section",
        "unit",
        "office",
        "command",
        "service",
        "services",
        "police",
        "company",
        "committee",
        "board",
        "team",
        "group",
        "operations",
        "relations",
        "community",
        "liaison",
        "representative",
        "site",
        "project",
        "government",
        "authority",
        "council",
        "commission",
    ]
)
_NOT_NAME_WORDS = HONORIFICS | _PARTICLES | _OFFICE_WORDS
_MIN_TOKEN = 3


def _normal(name: str) -> str:
    return " ".join(name.split()).casefold()


def is_role(value: str) -> bool:
    """True when every word of a name field's value is a rank, a particle or an office word."""
    words = [word.strip(".,;:()").casefold() for word in value.split()]
    return all(not word or word in _NOT_NAME_WORDS for word in words)


def name_parts(name: str) -> list[str]:
    """The parts of a name that identify a person: no honorifics, particles, acronyms, offices."""
    parts: list[str] = []
    for word in name.split():
        bare = word.strip(".,;:()")
        if not bare or word.endswith(".") or bare.casefold() in HONORIFICS:
            continue
        if bare.casefold() in _NOT_NAME_WORDS or (bare.isupper() and len(bare) > 1):
            continue
        parts.append(bare)
    return parts


# A plain-data record or waiver, one of the mappings a report is built from.
Data = Mapping[str, object]


def _model_of(record: Data) -> type[BaseModel] | None:
    kind = record.get("kind")
    return KINDS.get(kind) if isinstance(kind, str) else None


def _at_path(value: object, path: tuple[str, ...], holder: Data) -> Iterator[tuple[object, Data]]:
    """(value, the mapping that holds it) at a field path, every list item for EACH."""
    if not path:
        yield value, holder
    elif path[0] == EACH:
        for item in value if isinstance(value, list) else []:
            yield from _at_path(item, path[1:], holder)
    elif isinstance(value, Mapping):
        yield from _at_path(value.get(path[0]), path[1:], value)


def _map_path(
    value: object, path: tuple[str, ...], holder: Data, change: Callable[[object, Data], object]
) -> object:
    """value with change(item, its holder) applied at a field path; the input is not modified."""
    if not path:
        return change(value, holder)
    if path[0] == EACH:
        if not isinstance(value, list):
            return value
        return [_map_path(item, path[1:], holder, change) for item in value]
    if isinstance(value, Mapping) and value.get(path[0]) is not None:
        return {**value, path[0]: _map_path(value[path[0]], path[1:], value, change)}
    return value


def _declared_names(
    model: type[BaseModel] | None, data: Data
) -> Iterator[tuple[str, Data, PersonNameMarker]]:
    """(name, its holder, its field's marker) for every non-blank value in a name field."""
    for found in name_fields(model) if model is not None else ():
        assert found.person is not None
        for value, holder in _at_path(data, found.path, data):
            if isinstance(value, str) and value.strip():
                yield value, holder, found.person


def _record_names(records: Iterable[Data]) -> Iterator[tuple[str, Data, PersonNameMarker]]:
    for record in records:
        yield from _declared_names(_model_of(record), record)


def _people(records: Iterable[Data]) -> dict[str, Person]:
    """Each name that comes with its own description (a meeting participant's role), first wins."""
    people: dict[str, Person] = {}
    for name, holder, marker in _record_names(records):
        if marker.role_field or marker.organisation_field:
            people.setdefault(_normal(name), Person.described(holder, marker))
    return people


def _roles(people: Mapping[str, Person]) -> frozenset[str]:
    return frozenset(_normal(p.role) for p in people.values() if p.role)


def collect_names(records: Iterable[Data], waivers: Iterable[Data] = ()) -> list[str]:
    """Every personal name in the workspace's name fields, each once, as written.

    A value made only of ranks and office words ("Head of Security") is a role,
    not a name. Waivers' approvers are names unless they are a meeting
    participant's role (what `Redactor.approver` keeps as written).
    """
    records = list(records)
    return _collect(records, waivers, _roles(_people(records)))


def _collect(records: Iterable[Data], waivers: Iterable[Data], roles: frozenset[str]) -> list[str]:
    seen: dict[str, str] = {}
    names = [name for name, _holder, _marker in _record_names(records)]
    for waiver in waivers:
        names += [
            name
            for name, _holder, _marker in _declared_names(Waiver, waiver)
            if _normal(name) not in roles
        ]
    for name in names:
        if not is_role(name):
            seen.setdefault(_normal(name), " ".join(name.split()))
    return sorted(seen.values())


_PLACEHOLDER = re.compile(r"\{([\w.]+)\}")


def _stand_in(template: str, record: Data) -> str:
    """A field's stand-in, `{a.b}` filled from the record; "withheld" when a value is missing."""
    missing = False

    def fill(match: re.Match[str]) -> str:
        nonlocal missing
        found = [v for v, _ in _at_path(record, tuple(match.group(1).split(".")), record)]
        if found and isinstance(found[0], str) and found[0].strip():
            return found[0]
        missing = True
        return ""

    filled = _PLACEHOLDER.sub(fill, template)
    return WITHHELD if missing else filled


@dataclass(frozen=True, slots=True)
class Person:
    """What may be said about a meeting participant in public: role and organisation."""

    role: str | None
    organisation: str | None

    @classmethod
    def described(cls, holder: Data, marker: PersonNameMarker) -> Person:
        """The person whose name the holder carries, as its sibling fields describe them."""

        def text(name: str | None) -> str | None:
            value = holder.get(name) if name else None
            return value if isinstance(value, str) else None

        return cls(text(marker.role_field), text(marker.organisation_field))

    def label(self, unknown: str = "a participant") -> str:
        parts = [p for p in (self.role, self.organisation) if p]
        return ", ".join(parts) if parts else unknown

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
    def for_records(cls, records: list[dict[str, Any]], waivers: Iterable[Data] = ()) -> Redactor:
        """Learn every name (from all records, restricted ones too, and from the waivers).

        `waivers` are the workspace's waivers as plain data (`approved_by` and
        the other fields of a `Waiver`); pass them so that an approver's name
        is also withheld from free text, such as another waiver's reason.
        """
        people = _people(records)
        restricted = frozenset(
            str(r["id"]) for r in records if r.get("sensitivity") == "restricted"
        )
        roles = _roles(people)
        redactor = cls(_collect(records, waivers, roles), people, restricted, roles)
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
        if out.get("notes"):
            self.stats.notes_omitted += 1
        out["notes"] = None
        out["custom"] = None
        model = _model_of(record)
        for found in name_fields(model) if model is not None else ():
            marker = found.person
            assert marker is not None

            def withhold(name: object, holder: Data, marker: PersonNameMarker = marker) -> object:
                return self._withhold(name, holder, marker, record)

            changed = _map_path(out, found.path, out, withhold)
            assert isinstance(changed, dict)  # a field path into a mapping gives one back
            out = changed
        kind = out.get("kind")
        if kind == "Meeting" and out.get("concerns_raised"):
            out["concerns_raised"] = self._visible(out["concerns_raised"])
        elif kind == "Decision" and out.get("records"):
            out["records"] = self._visible(out["records"])
        return out

    def _withhold(
        self, name: object, holder: Data, marker: PersonNameMarker, record: Data
    ) -> object:
        """What a public report says in place of one name."""
        if not isinstance(name, str) or not name.strip():
            return name
        self.stats.names_replaced += 1
        if marker.role_field or marker.organisation_field:
            return Person.described(holder, marker).label(marker.stand_in)
        person = self._person(name)
        return person.role_only() if person else _stand_in(marker.stand_in, record)

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
