"""Prepare report data for publication: leave out withheld records, withhold personal names.

Everything here works on the plain data (dicts, lists, strings) a public
output is built from, before any template or renderer sees it, so no
template - built-in or from a workspace - can print a name that is not in
that data. Which records are withheld at all (restricted, invalid,
undisclosed) is vpsec.withhold's question; this module is about names.

What `--audience public` does with names, in order:

1. Every field that holds a personal name - the fields the models declare
   as `PersonName` (vpsec.models.names), a waiver's `approved_by` included -
   is replaced by the person's role: a meeting participant by "role,
   organisation"; any other name by the role of the meeting participant with
   that name, or else by the stand-in its field declares ("withheld",
   "representative of <unit>", "commander", "company liaison").
2. `notes` and `custom` are dropped: they are free-form and written for
   internal use.
3. Every remaining string is scrubbed: each known personal name (the full
   name as written, the name without ranks and honorifics, and each part of
   it) is replaced by "[name withheld]", and the id of each withheld record
   by its placeholder ("[restricted record]"). Matching is on whole words,
   in any case and any Unicode form (vpsec.phrases). A part of one or two
   letters ("Li", "An") is withheld where it is written with a capital; a
   whole name that short, declared in a name field, in any case.
   A name field whose value is a role ("Head of Security", "Security
   Manager, Kanyama") or a body ("Ministry of Mines") holds no name to look
   for, so "Kanyama Gold Project" and "Ministry of Defence" survive.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from vpsec.collector import paused_gc
from vpsec.models import KINDS
from vpsec.models.config import Waiver
from vpsec.models.names import EACH, PersonNameMarker, name_fields, text_fields
from vpsec.phrases import PhraseMatcher, Replacement, Token, fold, joins, word_spans, words

WITHHELD_NAME = "[name withheld]"
RESTRICTED_RECORD = "[restricted record]"
WITHHELD = "withheld"
_ANYWHERE = Replacement(WITHHELD_NAME)
_CAPITALISED = Replacement(WITHHELD_NAME, capitalised=True)

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
# Words of offices. A name field may hold a role instead of a name (a waiver
# `approved_by: Head of Security`): such a value is replaced where it stands,
# but it is no name to look for in free text, and these words are never taken
# for a surname, or every "security" in a public report would read
# "[name withheld]".
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
        "governor",
        "mayor",
        "operations",
        "relations",
        "community",
        "liaison",
        "representative",
        "site",
        "senior",
    ]
)
# Words that name a body, not a person: a name field whose value starts with
# one ("Ministry of Mines", "Office of the Governor") holds an organisation.
_BODY_WORDS = frozenset(
    [
        "ministry",
        "ministère",
        "ministerio",
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
        "project",
        "government",
        "authority",
        "council",
        "commission",
        "association",
        "cooperative",
        "union",
        "brigade",
        "battalion",
        "regiment",
        "detachment",
        "inspectorate",
        "secretariat",
    ]
)
_NOT_NAME_WORDS = HONORIFICS | _PARTICLES | _OFFICE_WORDS | _BODY_WORDS
# Parts of a name this short ("An" of "Nguyen Van An", "Li", the "O" of
# O'Brien) are also ordinary words ("an", "o"): they are withheld wherever
# they are written with a capital, not in lower case.
_SHORT_PART = 2
# The parts of a name field's value that say different things:
# "Grace Mwansa, Security Manager", "Mbala (FARDC)".
_SEGMENT = re.compile(r"\(([^()]*)\)|([^,;/()\[\]]+)")
_INITIAL = re.compile(r"\s*\.")


def _normal(name: str) -> str:
    return " ".join(name.split()).casefold()


def _letters(word: str) -> int:
    return len(word) if word.isalpha() else sum(map(str.isalpha, word))


def _is_role_words(folded: tuple[str, ...]) -> bool:
    return not folded or _NOT_NAME_WORDS.issuperset(folded) or folded[0] in _BODY_WORDS


@dataclass(frozen=True, slots=True)
class _Segment:
    """One part of a name field's value, its words as written and folded."""

    text: str
    bracketed: bool
    words: tuple[re.Match[str], ...]
    folded: tuple[str, ...]
    is_role: bool


@functools.lru_cache(maxsize=1 << 16)
def _segments(value: str) -> tuple[_Segment, ...]:
    """The parts of a value, each with its words (kept: every name is analysed more than once)."""
    out = []
    for match in _SEGMENT.finditer(value):
        bracketed = match.group(1) is not None
        text = match.group(1) if bracketed else match.group(2)
        found = tuple(word_spans(text))
        if found:
            folded = tuple(fold(w.group()) for w in found)
            out.append(_Segment(text, bracketed, found, folded, _is_role_words(folded)))
    return tuple(out)


def is_role(value: str) -> bool:
    """True when a name field's value names an office or a body, not a person.

    The first part decides: "Head of Security" and "Security Manager, Kanyama"
    (an office, then where) are roles, "Ministry of Mines" is a body, and
    "Grace Mwansa, Security Manager" is a person with their office.
    """
    segments = _segments(value)
    return not segments or segments[0].is_role


def _segment_parts(segment: _Segment, acronyms: frozenset[str]) -> list[tuple[str, str]]:
    """(part as written, folded) for each word of one segment that identifies a person."""
    if segment.is_role:
        return []
    parts: list[tuple[str, str]] = []
    for match, folded in zip(segment.words, segment.folded, strict=True):
        word = match.group()
        letters = _letters(word)
        if letters == 0 or folded in _NOT_NAME_WORDS or folded in acronyms:
            continue
        if letters == 1 and _INITIAL.match(segment.text, match.end()):
            continue
        if segment.bracketed and letters > 1 and word.isupper():
            continue
        parts.append((word, folded))
    return parts


def _parts(segments: tuple[_Segment, ...], acronyms: frozenset[str]) -> list[tuple[str, str]]:
    """(part as written, folded) for each part of a name that identifies the person."""
    if not segments or segments[0].is_role:
        return []
    return [part for segment in segments for part in _segment_parts(segment, acronyms)]


def name_parts(name: str, acronyms: frozenset[str] = frozenset()) -> list[str]:
    """The parts of a name that identify a person, as written.

    Not ranks, honorifics, particles, office words, initials ("J."), parts
    that name an office or a body ("Security Manager" in "Grace Mwansa,
    Security Manager"), nor acronyms: the folded words in `acronyms` and
    ALL-CAPS words in brackets ("Mbala (FARDC)"). An ALL-CAPS word outside
    brackets is a surname ("Major ILUNGA").
    """
    return [word for word, _folded in _parts(_segments(name), acronyms)]


def _phrases(name: str, acronyms: frozenset[str]) -> Iterator[tuple[list[str], bool]]:
    """(folded words of a phrase, capitalised only) to look for in free text, for one name."""
    segments = _segments(name)
    if not segments or segments[0].is_role:
        return
    each = [_segment_parts(segment, acronyms) for segment in segments]
    parts = [part for found in each for part in found]
    if not parts:
        return
    alone = len(parts) == 1
    short = [not alone and _letters(word) <= _SHORT_PART for word, _folded in parts]
    # Adjacent parts are withheld as one ("[name withheld]", vpsec.phrases spans merged),
    # so a phrase is needed only where it holds more than its parts: ranks and particles
    # ("Cdt. Jean-Pierre Mbala" is withheld whole), or a short part to match in any case.
    keys = [folded for _word, folded in parts]
    for segment, found in zip(segments, each, strict=True):
        if found and (len(found) < len(segment.folded) or any(short)):
            yield list(segment.folded), False
    if len(parts) > 1 and any(short):
        yield keys, False
    for key, capital_only in zip(keys, short, strict=True):
        yield [key], capital_only


# A plain-data record or waiver, one of the mappings a report is built from.
Data = Mapping[str, object]


def _model_of(record: Data) -> type[BaseModel] | None:
    kind = record.get("kind")
    return KINDS.get(kind) if isinstance(kind, str) else None


def _at_path(value: object, path: tuple[str, ...], holder: Data) -> list[tuple[object, Data]]:
    """(value, the mapping that holds it) at a field path, every list item for EACH."""
    current: list[tuple[object, Data]] = [(value, holder)]
    for step in path:
        following: list[tuple[object, Data]] = []
        if step == EACH:
            for item, parent in current:
                if type(item) is list:
                    following += [(each, parent) for each in item]
        else:
            for item, _parent in current:
                if type(item) is dict or isinstance(item, Mapping):
                    following.append((item.get(step), item))
        current = following
    return current


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


def _strings(value: object) -> Iterator[str]:
    """Every string in a value, however nested (what an invalid record holds where text was due)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def raw_names(document: Data) -> list[str]:
    """The names in a raw document's name fields, even where the document is invalid.

    A record that fails validation is left out of public outputs, but the
    names it holds may be written elsewhere too: they are looked for in the
    fields its kind declares, whatever was written there (`representative:
    [Adjudant Pascal Mukendi]`, a list where text was due).
    """
    model = _model_of(document)
    found: list[str] = []
    for name_field in name_fields(model) if model is not None else ():
        for value in _leniently_at(document, name_field.path):
            found += [text for text in _strings(value) if text.strip()]
    return found


def _leniently_at(value: object, path: tuple[str, ...]) -> list[object]:
    """The values at a field path in a document that may not have the declared shape.

    A single value where a list was due counts as its one item; whatever is
    at the end (text, a list, a mapping) is returned whole.
    """
    current = [value]
    for step in path:
        following: list[object] = []
        for item in current:
            if step == EACH:
                following += item if isinstance(item, list) else [item]
            elif isinstance(item, Mapping):
                following.append(item.get(step))
        current = following
    return current


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


@functools.cache
def _organisation_fields(model: type[BaseModel]) -> tuple[tuple[str, ...], ...]:
    """Paths of the fields that hold an organisation, a unit or a place (not a role)."""
    return tuple(
        found.path
        for found in text_fields(model)
        if found.not_a_person is not None and found.path[-1] != "role"
    )


def _acronyms(records: Iterable[Data]) -> frozenset[str]:
    """ALL-CAPS words written in organisation fields ("FARDC", "PNC"): acronyms, not surnames."""
    out: set[str] = set()
    for record in records:
        model = _model_of(record)
        for path in _organisation_fields(model) if model is not None else ():
            for value, _holder in _at_path(record, path, record):
                if isinstance(value, str):
                    out.update(
                        fold(word) for word in words(value) if len(word) > 1 and word.isupper()
                    )
    return frozenset(out)


Found = list[tuple[str, Data, PersonNameMarker]]


def _label(holder: Data, marker: PersonNameMarker) -> str:
    """`Person.described(holder, marker).label(marker.stand_in)`, without the object."""
    role = holder.get(marker.role_field) if marker.role_field else None
    organisation = holder.get(marker.organisation_field) if marker.organisation_field else None
    parts = [p for p in (role, organisation) if p and isinstance(p, str)]
    return ", ".join(parts) if parts else marker.stand_in


def _people(found: Found) -> dict[str, Person]:
    """Each name that comes with its own description (a meeting participant's role), first wins."""
    people: dict[str, Person] = {}
    for name, holder, marker in found:
        if marker.role_field or marker.organisation_field:
            key = _normal(name)
            if key not in people:
                people[key] = Person.described(holder, marker)
    return people


def _roles(people: Mapping[str, Person]) -> frozenset[str]:
    return frozenset(_normal(p.role) for p in people.values() if p.role)


def collect_names(
    records: Iterable[Data], waivers: Iterable[Data] = (), extra: Iterable[str] = ()
) -> list[str]:
    """Every personal name in the workspace's name fields, each once, as written.

    A value that names an office or a body ("Head of Security", "Ministry of
    Mines") is a role, not a name. Waivers' approvers are names unless they
    are a meeting participant's role (what `Redactor.approver` keeps as
    written). `extra` are names found elsewhere (the raw documents of
    records that failed validation).
    """
    found = list(_record_names(records))
    return _collect(found, waivers, _roles(_people(found)), extra)


def _candidates(
    found: Found,
    waivers: Iterable[Data],
    roles: frozenset[str],
    extra: Iterable[str] = (),
) -> dict[str, str]:
    """Every value of a name field, each once (by its normal form), roles and bodies included."""
    seen: dict[str, str] = {}
    names = [name for name, _holder, _marker in found]
    for waiver in waivers:
        names += [
            name
            for name, _holder, _marker in _declared_names(Waiver, waiver)
            if _normal(name) not in roles
        ]
    names += list(extra)
    for name in names:
        key = _normal(name)
        if key not in seen:
            seen[key] = " ".join(name.split())
    return seen


def _collect(
    found: Found,
    waivers: Iterable[Data],
    roles: frozenset[str],
    extra: Iterable[str] = (),
) -> list[str]:
    candidates = _candidates(found, waivers, roles, extra)
    return sorted(name for name in candidates.values() if not is_role(name))


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
        role = holder.get(marker.role_field) if marker.role_field else None
        organisation = holder.get(marker.organisation_field) if marker.organisation_field else None
        return cls(
            role if isinstance(role, str) else None,
            organisation if isinstance(organisation, str) else None,
        )

    def label(self, unknown: str = "a participant") -> str:
        parts = [p for p in (self.role, self.organisation) if p]
        return ", ".join(parts) if parts else unknown

    def role_only(self) -> str:
        return self.role or self.organisation or "a participant"


@dataclass(slots=True)
class Publication:
    """What was withheld, for the note on a public output."""

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
    """Withholds the personal names and the withheld records' ids of one workspace.

    `hidden` maps the id of every record a public output leaves out to what
    is printed where the id is written ("[restricted record]"); `restricted`
    is the set of those ids.
    """

    # Every value of a name field by its normal form, as written (roles included).
    candidates: dict[str, str]
    people: dict[str, Person]
    hidden: dict[str, str]
    roles: frozenset[str]
    acronyms: frozenset[str] = frozenset()
    stats: Publication = field(default_factory=Publication)
    _matcher: PhraseMatcher | None = None
    # The names not yet in the matcher, by each of their folded words. A name's
    # phrases all hold one of its words, so a text can only mention a person
    # whose word it holds: a name is analysed (parts, roles, phrases) and added
    # to the matcher when a text first holds one of its words, and the 60,000
    # names of an attendance list that no other text repeats cost one index entry.
    _pending: dict[str, list[str]] = field(default_factory=dict)
    # Reports scrub the same strings again and again (a role, a rule's rationale).
    _scrubbed: dict[str, tuple[str, int]] = field(default_factory=dict)

    @property
    def restricted(self) -> frozenset[str]:
        return frozenset(self.hidden)

    @property
    def names(self) -> list[str]:
        """Every personal name known, as written, roles and bodies left out (computed)."""
        return sorted(name for name in self.candidates.values() if not is_role(name))

    @classmethod
    def for_records(
        cls,
        records: list[dict[str, Any]],
        waivers: Iterable[Data] = (),
        *,
        extra_names: Iterable[str] = (),
        hidden: Mapping[str, str] | None = None,
    ) -> Redactor:
        """Learn every name (from all records, restricted ones too, and from the waivers).

        `waivers` are the workspace's waivers as plain data (`approved_by` and
        the other fields of a `Waiver`); pass them so that an approver's name
        is also withheld from free text, such as another waiver's reason.
        `extra_names` are names from records that are not in `records` (the
        raw documents of invalid ones). `hidden` is what to print for the id
        of each record left out; by default, the records marked restricted.
        """
        found = list(_record_names(records))
        with paused_gc():
            return cls._learn(records, found, waivers, extra_names, hidden)

    @classmethod
    def _learn(
        cls,
        records: list[dict[str, Any]],
        found: Found,
        waivers: Iterable[Data],
        extra_names: Iterable[str],
        hidden: Mapping[str, str] | None,
    ) -> Redactor:
        people = _people(found)
        if hidden is None:
            hidden = {
                str(r["id"]): RESTRICTED_RECORD
                for r in records
                if r.get("sensitivity") == "restricted"
            }
        roles = _roles(people)
        acronyms = _acronyms(records)
        candidates = _candidates(found, waivers, roles, extra_names)
        redactor = cls(candidates, people, dict(hidden), roles, acronyms)
        if candidates or hidden:
            redactor._matcher = redactor._index()
        return redactor

    def _index(self) -> PhraseMatcher:
        """The matcher with every hidden id, and each name indexed by its words."""
        matcher = PhraseMatcher()
        for rid, text in self.hidden.items():
            matcher.add([fold(word) for word in words(rid)], Replacement(text))
        pending = self._pending
        for name in self.candidates.values():
            # An ASCII word's folded form is its lower case: one call for the whole name.
            keys = set(words(name.lower())) if name.isascii() else {fold(w) for w in words(name)}
            # Words that are never a part of a name ("of", "Cdt") start no phrase alone.
            for key in keys - _NOT_NAME_WORDS:
                pending.setdefault(key, []).append(name)
        return matcher

    def _learn_words(self, matcher: PhraseMatcher, found: list[Token]) -> None:
        """Add to the matcher every name that holds one of these words and is not in it yet."""
        pending = self._pending
        for _start, _end, word in found:
            names = pending.pop(matcher.key(word), None)
            for name in names or ():
                for keys, capital_only in _phrases(name, self.acronyms):
                    matcher.add(keys, _CAPITALISED if capital_only else _ANYWHERE)

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
        """What a public output says in place of one name."""
        if not isinstance(name, str) or not name.strip():
            return name
        if marker.role_field or marker.organisation_field:
            self.stats.names_replaced += 1
            return _label(holder, marker)
        if _normal(name) in self.roles:
            return name  # exactly a participant's role ("Security Manager"): no one's name
        self.stats.names_replaced += 1
        person = self._person(name)
        return person.role_only() if person else _stand_in(marker.stand_in, record)

    def _visible(self, ids: list[str]) -> list[str]:
        return [i for i in ids if i not in self.hidden]

    def approver(self, approved_by: str) -> str:
        """A waiver's approver: kept when it is a role, otherwise withheld."""
        if _normal(approved_by) in self.roles:
            return approved_by
        return self._replace(approved_by, WITHHELD) or WITHHELD

    # -- names in free text -------------------------------------------------------

    def scrub(self, text: str) -> str:
        """text with every known name and hidden record id withheld."""
        if self._matcher is None or not text:
            return text
        known = self._scrubbed.get(text)
        if known is None:
            known = self._scrubbed[text] = self._scrub(self._matcher, text)
        self.stats.mentions_withheld += known[1]
        return known[0]

    def _scrub(self, matcher: PhraseMatcher, text: str) -> tuple[str, int]:
        found = matcher.tokens(text)
        if self._pending:
            self._learn_words(matcher, found)
        spans = matcher.spans(text, found)
        if not spans:
            return text, 0
        out: list[str] = []
        last = 0
        for span in spans:
            between = text[last : span.start]
            replacement = span.replacement.text
            # "[name withheld] [name withheld]" (two parts of one name) reads as one.
            if out and out[-1] == replacement == WITHHELD_NAME and joins(between):
                last = span.end
                continue
            out += [between, replacement]
            last = span.end
        replaced = len(out) // 2
        out.append(text[last:])
        return "".join(out), replaced

    def scrub_tree(self, value: Any) -> Any:
        """Every string in nested dicts and lists scrubbed (dict keys are left alone)."""
        kind = type(value)
        if kind is str:
            return self.scrub(value)
        if kind is dict:
            tree = self.scrub_tree
            return {key: tree(item) for key, item in value.items()}
        if kind is list or kind is tuple:
            tree = self.scrub_tree
            return [tree(item) for item in value]
        if value is None or kind is int or kind is float or kind is bool:
            return value
        # Subclasses of the plain types, as the checks above would have taken them.
        if isinstance(value, str):
            return self.scrub(value)
        if isinstance(value, dict):
            return {key: self.scrub_tree(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.scrub_tree(item) for item in value]
        return value
