"""The columns of a register, one set per record kind, derived from the kind's model.

A kind's columns follow its fields in the model's order (the order of
format.md): the id first, then the kind's own fields, then the envelope's
title, notes, sensitivity and custom data. Nested fields are flattened
(`recipient.unit` is the column "Recipient unit"). A list of values is one
cell, its values separated by semicolons. A list of parts is spread over
numbered columns ("Participant 1 name", "Participant 2 name"), except a
transfer's items: the Record of Transfer Register lists one item per row,
the transfer's other fields repeated on each.

What a cell holds is read from the model's JSON Schema (the same schema
editors see): dates, yes/no, whole numbers, numbers, one value of a list,
ids of other records (the model's `REFERENCES`), free text. Adding a field
to a model adds its column; `MEANINGS` gives it its one-line explanation.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from vpsec.models import KINDS, Record

# A path step standing for "each item of the row list" (one item per row).
EACH = "*"
# The envelope fields that come after the kind's own fields, in this order.
_TRAILING = ("title", "notes", "sensitivity", "custom")
_SKIPPED = ("apiVersion", "kind")
# The list of parts that a kind spreads over rows rather than numbered columns.
ROW_LISTS = {"Transfer": "items"}
# Numbered columns a template offers for each list of parts (an export offers what it needs).
TEMPLATE_SLOTS = 3
FINDINGS_HEADER = "Findings (vpsec assess)"
LIST_SEPARATOR = ";"


class Shape(StrEnum):
    """What one cell holds."""

    ID = "id"
    TEXT = "text"
    REF = "ref"
    DATE = "date"
    BOOL = "bool"
    INT = "int"
    NUMBER = "number"
    CHOICE = "choice"
    TEXT_LIST = "text_list"
    CHOICE_LIST = "choice_list"
    REF_LIST = "ref_list"
    JSON = "json"

    @property
    def is_list(self) -> bool:
        return self in (Shape.TEXT_LIST, Shape.CHOICE_LIST, Shape.REF_LIST)


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a kind's register.

    path is where the cell's value goes in the record: field names, EACH for
    the item of the row list, or an index for a numbered list of parts.
    """

    path: tuple[str | int, ...]
    header: str
    shape: Shape
    # The record is invalid without it (its part, if any, being required too).
    required: bool
    # Required when its optional part is given (an item value's currency).
    required_in_part: bool = False
    choices: tuple[str, ...] = ()
    refers_to: tuple[str, ...] | None = None
    default: Any = None
    minimum: float | None = None
    # The list of parts this column belongs to (its field name), for numbered columns.
    slot_list: str | None = None

    @property
    def field(self) -> str:
        """The path as messages name fields: `items.quantity`, `participants[0].name`."""
        out = ""
        for part in self.path:
            if part == EACH:
                continue
            if isinstance(part, int):
                out += f"[{part}]"
            else:
                out += f".{part}" if out else part
        return out

    @property
    def in_row_list(self) -> bool:
        return EACH in self.path

    def explanation(self, kind: str) -> str:
        """One line on what goes in the column: its meaning, whether required, its form."""
        meaning = meaning_of(kind, self.path)
        if self.required:
            need = "Required."
        elif self.required_in_part:
            need = "Required when the other columns of its group are filled."
        else:
            need = "Optional."
        return " ".join(part for part in (meaning, need, self.form()) if part)

    def form(self) -> str:
        """How a value is written in the cell."""
        if self.shape is Shape.ID:
            return "Lower-case letters, digits, '.', '_' or '-' (e.g. trf-2026-004); unique."
        if self.shape is Shape.REF:
            return f"The id of a {_kinds_named(self.refers_to)}."
        if self.shape is Shape.REF_LIST:
            return f"Ids of {_kinds_named(self.refers_to)} records, separated by ';'."
        if self.shape is Shape.DATE:
            return "A date (YYYY-MM-DD)."
        if self.shape is Shape.BOOL:
            default = " Empty means no." if self.default is False else ""
            return f"yes or no.{default}"
        if self.shape is Shape.INT:
            least = f" of at least {self.minimum:g}" if self.minimum is not None else ""
            return f"A whole number{least}."
        if self.shape is Shape.NUMBER:
            return "A number (a point for decimals, no thousands separator)."
        if self.shape is Shape.CHOICE:
            return f"One of: {_listed(self.choices)}."
        if self.shape is Shape.CHOICE_LIST:
            return f"Any of: {_listed(self.choices)}; separated by ';'."
        if self.shape is Shape.TEXT_LIST:
            return "Several values separated by ';'."
        if self.shape is Shape.JSON:
            return 'Your own data, as a JSON object (e.g. {"budget_line": "B-12"}).'
        return "Text."


def _listed(choices: tuple[str, ...]) -> str:
    if len(choices) > 12:
        return ", ".join(choices[:6]) + f" … ({len(choices)} codes, see the drop-down)"
    return ", ".join(choices)


def _kinds_named(kinds: tuple[str, ...] | None) -> str:
    return " or ".join(kinds) if kinds else "record of any kind"


@dataclass(frozen=True, slots=True)
class KindColumns:
    """The columns of one kind, for a given number of numbered slots per list of parts."""

    kind: str
    columns: tuple[Column, ...]
    # For each list of parts spread over numbered columns: its singular label and leaves.
    slot_lists: dict[str, SlotList] = field(default_factory=dict)

    @property
    def model(self) -> type[Record]:
        return KINDS[self.kind]

    @property
    def row_list(self) -> str | None:
        return ROW_LISTS.get(self.kind)


@dataclass(frozen=True, slots=True)
class SlotList:
    """A list of parts shown as numbered columns: `participants` -> "Participant 1 name"."""

    name: str
    singular: str
    # The columns of one entry, with index 0 standing for "the entry".
    leaves: tuple[Column, ...]
    # The record needs at least one entry.
    required: bool = False


# -- headers ------------------------------------------------------------------

_WORDS = {
    "id": "ID",
    "ihl": "IHL",
    "url": "URL",
    "icoca": "ICoCA",
    "un": "UN",
    "mou": "MoU",
}


def _words(name: str) -> list[str]:
    return [_WORDS.get(word, word) for word in name.split("_")]


def header_of(parts: list[str]) -> str:
    """["recipient", "unit"] -> "Recipient unit"."""
    words = [word for part in parts for word in _words(part)]
    first = words[0]
    if first == first.lower():
        first = first[0].upper() + first[1:]
    return " ".join([first, *words[1:]])


def singular(name: str) -> str:
    """The label of one entry of a list: participants -> "Participant"."""
    label = header_of([name])
    return label[:-1] if label.endswith("s") and not label.endswith("ss") else label


# -- the column model, from the JSON Schema -------------------------------------


def _resolve(schema: dict[str, Any], defs: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """(the schema itself, whether it also allows null), refs followed."""
    nullable = False
    if "anyOf" in schema:
        options = [option for option in schema["anyOf"] if option.get("type") != "null"]
        nullable = len(options) < len(schema["anyOf"])
        merged = {key: value for key, value in schema.items() if key != "anyOf"}
        schema = {**options[0], **merged} if len(options) == 1 else schema
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        extra = {key: value for key, value in schema.items() if key != "$ref"}
        schema = {**defs[name], **extra}
    return schema, nullable


def _choices(schema: dict[str, Any]) -> tuple[str, ...] | None:
    if "enum" in schema:
        return tuple(str(value) for value in schema["enum"])
    if "const" in schema:
        return (str(schema["const"]),)
    return None


def _references(model: type[Record]) -> dict[tuple[str, ...], tuple[str, ...] | None]:
    return {spec.path: spec.kinds for spec in model.REFERENCES}


def _scalar(schema: dict[str, Any]) -> Shape:
    if _choices(schema) is not None:
        return Shape.CHOICE
    kind = schema.get("type")
    if kind == "boolean":
        return Shape.BOOL
    if kind == "integer":
        return Shape.INT
    if kind == "number":
        return Shape.NUMBER
    if kind == "string" and schema.get("format") == "date":
        return Shape.DATE
    if kind == "object" or kind is None:
        return Shape.JSON
    return Shape.TEXT


@dataclass(slots=True)
class _Walk:
    kind: str
    defs: dict[str, Any]
    references: dict[tuple[str, ...], tuple[str, ...] | None]
    slots: dict[str, int]
    slot_lists: dict[str, SlotList] = field(default_factory=dict)

    def properties(
        self,
        schema: dict[str, Any],
        path: tuple[str | int, ...],
        labels: list[str],
        required: bool,
        order: list[str] | None = None,
    ) -> Iterator[Column]:
        """The columns of an object's properties; required: the object itself is."""
        props: dict[str, Any] = schema.get("properties", {})
        needed = set(schema.get("required", ()))
        for name in order if order is not None else list(props):
            yield from self.one(
                props[name], (*path, name), [*labels, name], required, name in needed
            )

    def one(
        self,
        raw: dict[str, Any],
        path: tuple[str | int, ...],
        labels: list[str],
        parent_required: bool,
        needed: bool,
    ) -> Iterator[Column]:
        schema, _nullable = _resolve(raw, self.defs)
        required = parent_required and needed
        named = tuple(p for p in path if isinstance(p, str) and p != EACH)
        is_ref = named in self.references
        refers_to = self.references.get(named)
        header = header_of(labels)
        if schema.get("type") == "object" and "properties" in schema:
            yield from self.properties(schema, path, labels, required)
            return
        if schema.get("type") == "array":
            items, _ = _resolve(schema.get("items", {}), self.defs)
            if items.get("type") == "object" and "properties" in items:
                yield from self.parts(items, path, required)
                return
            choices = _choices(items)
            if is_ref:
                shape = Shape.REF_LIST
            else:
                shape = Shape.CHOICE_LIST if choices is not None else Shape.TEXT_LIST
            yield Column(
                path,
                header,
                shape,
                required,
                required_in_part=needed and not required,
                choices=choices or (),
                refers_to=refers_to,
            )
            return
        shape = _scalar(schema)
        if path == ("id",):
            shape = Shape.ID
        elif is_ref and shape is Shape.TEXT:
            shape = Shape.REF
        minimum = schema.get("minimum", schema.get("exclusiveMinimum"))
        yield Column(
            path,
            header,
            shape,
            required,
            required_in_part=needed and not required,
            choices=_choices(schema) or (),
            refers_to=refers_to,
            default=schema.get("default"),
            minimum=float(minimum) if isinstance(minimum, (int, float)) else None,
        )

    def parts(
        self, items: dict[str, Any], path: tuple[str | int, ...], required: bool
    ) -> Iterator[Column]:
        name = str(path[-1])
        head = singular(name)
        if ROW_LISTS.get(self.kind) == name:
            yield from self.properties(items, (*path, EACH), [head], required)
            return
        leaves = tuple(self.properties(items, (*path, 0), [head, "1"], False))
        self.slot_lists[name] = SlotList(name, head, leaves, required)
        for index in range(self.slots.get(name, 1)):
            for leaf in leaves:
                yield _slotted(leaf, index, head, name, first_required=required)


def _slotted(
    leaf: Column, index: int, head: str, name: str, *, first_required: bool = False
) -> Column:
    """The leaf of a numbered list's first entry, moved to entry index.

    first_required: the list needs at least one entry, so the first entry's
    own required fields are required.
    """
    at = leaf.path.index(0)
    path = (*leaf.path[:at], index, *leaf.path[at + 1 :])
    rest = leaf.header[len(f"{head} 1") :]
    required = first_required and index == 0 and leaf.required_in_part
    return Column(
        path,
        f"{head} {index + 1}{rest}",
        leaf.shape,
        required,
        required_in_part=leaf.required_in_part and not required,
        choices=leaf.choices,
        refers_to=leaf.refers_to,
        default=leaf.default,
        minimum=leaf.minimum,
        slot_list=name,
    )


@functools.cache
def _schema(kind: str) -> dict[str, Any]:
    schema: dict[str, Any] = KINDS[kind].model_json_schema(by_alias=True, mode="validation")
    return schema


def columns_for(kind: str, slots: tuple[tuple[str, int], ...] = ()) -> KindColumns:
    """The columns of kind; slots gives how many numbered entries each list of parts shows."""
    schema = _schema(kind)
    model = KINDS[kind]
    names = [name for name in schema["properties"] if name not in _SKIPPED]
    order = ["id"] + [n for n in names if n not in ("id", *_TRAILING)]
    order += [n for n in _TRAILING if n in names]
    walk = _Walk(kind, schema.get("$defs", {}), _references(model), dict(slots))
    columns = tuple(walk.properties(schema, (), [], True, order))
    return KindColumns(kind, columns, walk.slot_lists)


def slot_lists(kind: str) -> dict[str, SlotList]:
    """The lists of parts of kind that are spread over numbered columns."""
    return columns_for(kind).slot_lists


def sheet_title(kind: str) -> str:
    """The sheet a kind's register is written to: "Transfers", "Risk assessments"."""
    label = KINDS[kind].INFO.label
    return label[0].upper() + label[1:] + "s"


# -- one-line meanings (format.md) -------------------------------------------------

# Keyed by dotted field path ("*" and entry numbers left out), or "Kind:path" where a
# field means something of its own in one kind.
MEANINGS = {
    "id": "The record's id, unique in the workspace; other records refer to it.",
    "title": "A short human label.",
    "notes": "Free text for internal use (never shown to the public).",
    "sensitivity": "Who may see it: public, internal (the default) or restricted.",
    "custom": "Your own data; vpsec never checks it.",
    "site": "The site it concerns.",
    "date": "When it happened.",
    "Transfer:date": "When it was given.",
    "Site:name": "The name of the operation.",
    "country": "ISO 3166-1 alpha-2 country code (upper case, e.g. CD, PE, ZM).",
    "region": "The region or province.",
    "context.conflict_affected": "Armed violence or a fragile context around the site.",
    "context.armed_conflict": "An armed conflict: international humanitarian law applies.",
    "context.lawlessness": "Level of lawlessness around the site.",
    "context.response_time_hours": "How long public security takes to arrive when called.",
    "arrangements.roles_defined": "Roles of public and private security set out formally.",
    "arrangements.document": "Where those roles are written down (a path in the workspace).",
    "grievance_mechanism.in_place": "Community members can report abuses.",
    "grievance_mechanism.channels": "How they can report (hotline, sms, in_person, box…).",
    "human_rights_policy.published": "The human rights policy is made public.",
    "human_rights_policy.url": "Where it is published.",
    "transparency.payments_published": "Payments to governments are published.",
    "transparency.information_office": "A public information office near the site.",
    "transparency.plain_language_materials": "Operations explained to communities simply.",
    "private_security.provider": "The private security company.",
    "private_security.headcount": "How many of its guards work on site.",
    "private_security.armed": "Its guards are armed.",
    "private_security.icoca_member": "The provider is a member of ICoCA.",
    "private_security.certification": "Standards the provider is certified to.",
    "force.agency": "The force's institution (e.g. National Police).",
    "force.type": "The kind of force.",
    "force.unit": "The unit deployed.",
    "headcount": "Number of personnel deployed.",
    "women": "How many of them are women.",
    "armed": "The personnel are armed.",
    "role": "What they do at the site.",
    "permanent": "A permanent deployment.",
    "start": "When the deployment started.",
    "end": "Expected withdrawal date (the deployment's time limit).",
    "mandate": "What they are there for.",
    "requested_by_company": "The company asked for them.",
    "urgent_need": "Why the company asked for them.",
    "risk_assessment": "The risk assessment it rests on.",
    "agreement": "The MoU governing it.",
    "chain_of_command.documented": "The chain of command is documented.",
    "chain_of_command.commander": "The commander (a personal name).",
    "chain_of_command.company_liaison": "The company's liaison (a personal name).",
    "scaling_procedure": "An agreed procedure to scale the deployment up or down.",
    "training.human_rights": "The personnel are trained in human rights.",
    "training.ihl": "The personnel are trained in international humanitarian law.",
    "training.equipment_adequate": "The personnel are adequately equipped.",
    "vetting": "Personnel screened for past abuses.",
    "briefing.date": "When the company's approach was last explained to the personnel.",
    "briefing.topics": "What that briefing covered.",
    "monitoring.method": "How the company follows what the force does.",
    "monitoring.last_review": "When that monitoring was last reviewed.",
    "type": "What kind it is.",
    "Transfer:type": "What was given: equipment, in-kind support, services, payment, per diem.",
    "recipient.authority": "The level of authority that received it.",
    "recipient.unit": "The unit or body that received it.",
    "recipient.representative": "Who received it (a personal name).",
    "items.description": "What was given.",
    "items.quantity": "How many.",
    "items.value.amount": "Its value.",
    "items.value.currency": "The currency of the value (ISO 4217, e.g. USD).",
    "purpose": "What it was given for.",
    "lethal": "Lethal equipment.",
    "conditions.human_rights": "Given on condition of respect for human rights.",
    "conditions.use_of_force": "… and of the standards on the use of force.",
    "conditions.ihl": "… and of international humanitarian law.",
    "receipt.signed": "The recipient signed a receipt.",
    "receipt.signed_by": "Who signed it (a personal name).",
    "receipt.date": "When the receipt was signed.",
    "receipt.document": "The scan of the receipt (a path in the workspace).",
    "custody.secured_at_site": "The equipment is kept secured at the site.",
    "custody.release_procedure": "It is released only by an agreed procedure.",
    "monitoring": "How its end use is monitored.",
    "published": "Disclosed to the public.",
    "deployment": "The deployment it concerns.",
    "Meeting:site": "The site (empty for a national meeting about several sites).",
    "level": "The echelon met.",
    "counterpart": "Who the company met.",
    "on_site": "The meeting took place at the site.",
    "participants.name": "A participant's name.",
    "participants.organisation": "The participant's organisation.",
    "participants.role": "The participant's role.",
    "decisions.text": "A decision taken.",
    "decisions.owner": "Who is to carry it out (a personal name).",
    "decisions.due": "By when.",
    "minutes.distributed_to": "The participants who received the written decision points.",
    "minutes.distributed_on": "When they received them.",
    "concerns_raised": "Incidents raised with the counterpart.",
    "next_review": "When it is to be reviewed.",
    "covers": "What the assessment analysed.",
    "joint_with_public_security": "Carried out with public security representatives.",
    "consultations": "The community consultations it drew on.",
    "threat_level": "The threat level found.",
    "summary": "A summary of its findings.",
    "parties": "The parties to the agreement (at least two).",
    "signed": "When it was signed.",
    "expires": "When it expires.",
    "sites": "The sites it covers.",
    "clauses": "What it commits the parties to.",
    "document": "The signed text (a path in the workspace).",
    "Agreement:type": "An MoU with a public body, or a supplier contract.",
    "Incident:type": "What happened.",
    "involved": "Who was involved.",
    "excessive_force": "Force was used excessively.",
    "raised_with_authorities.date": "When the concern was raised with the authorities.",
    "raised_with_authorities.level": "At which level.",
    "status": "Where the case stands.",
    "finding": "The outcome of the investigation.",
    "remediation": "What was done to remedy it.",
    "communities": "The communities consulted.",
    "groups": "Vulnerable groups represented.",
    "topics": "What was discussed.",
    "participants_count": "How many people took part.",
    "participant_risk_considered": "The risk to participants was weighed.",
    "text": "The decision.",
    "made_by": "Who made it (a personal name or a role).",
    "rationale": "Why.",
    "meeting": "The meeting where it was made.",
    "records": "The records it concerns.",
    "supersedes": "The earlier decision it replaces.",
}


def meaning_of(kind: str, path: tuple[str | int, ...]) -> str:
    dotted = ".".join(p for p in path if isinstance(p, str) and p != EACH)
    return MEANINGS.get(f"{kind}:{dotted}") or MEANINGS.get(dotted, "")


# -- matching a sheet's headers to columns ------------------------------------------


def normal(text: str) -> str:
    """A header as compared: no accents, case, punctuation or repeated spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    bare = re.sub(r"\((?:required|optional|obligatoire|facultatif|obligatorio)\)", " ", bare)
    return " ".join(re.sub(r"[^\w]+", " ", bare).split())


# Headers of registers kept by hand, in English, French and Spanish, by field path.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": (
        "id",
        "ref",
        "reference",
        "référence",
        "referencia",
        "no",
        "n°",
        "nº",
        "number",
        "numéro",
        "número",
        "record id",
    ),
    "title": ("title", "titre", "título", "label"),
    "notes": (
        "notes",
        "note",
        "remarks",
        "comments",
        "remarques",
        "commentaires",
        "observations",
        "observaciones",
        "comentarios",
    ),
    "site": (
        "site",
        "site id",
        "sitio",
        "emplacement",
        "mine",
        "operation",
        "opération",
        "operación",
        "proyecto",
        "projet",
        "project",
    ),
    "date": ("date", "fecha", "day", "jour", "día"),
    "type": (
        "type",
        "tipo",
        "category",
        "catégorie",
        "categoría",
        "kind of transfer",
        "type de transfert",
        "tipo de transferencia",
    ),
    "recipient.authority": (
        "authority",
        "level",
        "niveau",
        "nivel",
        "autorité",
        "autoridad",
        "authority level",
    ),
    "recipient.unit": (
        "recipient",
        "beneficiary",
        "bénéficiaire",
        "beneficiario",
        "destinataire",
        "destinatario",
        "unit",
        "unité",
        "unidad",
        "receiving unit",
        "unité bénéficiaire",
        "unidad beneficiaria",
    ),
    "recipient.representative": (
        "representative",
        "received by",
        "reçu par",
        "recibido por",
        "représentant",
        "representante",
    ),
    "items.description": (
        "item",
        "items",
        "description",
        "article",
        "artículo",
        "objet",
        "descripción",
        "what",
        "equipment",
        "équipement",
        "equipo",
        "designation",
        "désignation",
        "designación",
    ),
    "items.quantity": ("quantity", "qty", "quantité", "qté", "cantidad", "cant", "number of items"),
    "items.value.amount": (
        "value",
        "amount",
        "montant",
        "valeur",
        "monto",
        "importe",
        "valor",
        "cost",
        "coût",
        "costo",
    ),
    "items.value.currency": ("currency", "devise", "monnaie", "moneda", "divisa"),
    "purpose": (
        "purpose",
        "objectif",
        "but",
        "objet du transfert",
        "propósito",
        "finalidad",
        "objetivo",
        "motif",
        "motivo",
        "reason",
    ),
    "lethal": ("lethal", "létal", "letal"),
    "receipt.signed": (
        "receipt signed",
        "signed receipt",
        "reçu signé",
        "recibo firmado",
        "signed",
        "signé",
        "firmado",
    ),
    "receipt.signed_by": ("signed by", "signé par", "firmado por"),
    "receipt.date": ("receipt date", "date du reçu", "fecha del recibo"),
    "published": ("published", "publié", "publicado", "disclosed"),
    "monitoring": ("monitoring", "suivi", "seguimiento", "end use monitoring"),
    "level": ("level", "niveau", "nivel"),
    "counterpart": ("counterpart", "contrepartie", "interlocuteur", "contraparte"),
    "status": ("status", "statut", "état", "estado"),
    "headcount": (
        "headcount",
        "effectif",
        "effectifs",
        "number deployed",
        "personnel",
        "efectivos",
    ),
    "start": ("start", "start date", "début", "date de début", "inicio", "fecha de inicio"),
    "end": ("end", "end date", "fin", "date de fin", "fecha de fin"),
    "name": ("name", "nom", "nombre"),
    "country": ("country", "pays", "país"),
    "communities": (
        "communities",
        "communautés",
        "comunidades",
        "community",
        "communauté",
        "comunidad",
    ),
    "text": ("decision", "décision", "decisión"),
    "made_by": ("made by", "decided by", "décidé par", "decidido por"),
}


@functools.cache
def _synonym_index(kind: str) -> dict[str, tuple[str | int, ...]]:
    known = {column.path: column for column in columns_for(kind).columns}
    index: dict[str, tuple[str | int, ...]] = {}
    for dotted, words in SYNONYMS.items():
        path = _path_of(kind, dotted)
        if path in known:
            for word in words:
                index.setdefault(normal(word), path)
    return index


def _path_of(kind: str, dotted: str) -> tuple[str | int, ...]:
    """A dotted field path as a column path: `items.quantity` -> ("items", "*", "quantity")."""
    parts: list[str | int] = []
    for part in dotted.split("."):
        match = re.fullmatch(r"(\w+)\[(\d+)\]", part)
        if match:
            parts.extend([match.group(1), int(match.group(2))])
        elif part.isdigit() and parts:
            parts.append(int(part) - 1)
        else:
            parts.append(part)
    row_list = ROW_LISTS.get(kind)
    if row_list and parts and parts[0] == row_list and (len(parts) < 2 or parts[1] != EACH):
        parts.insert(1, EACH)
    return tuple(parts)


def match_header(
    kind: str, text: str, mapping: dict[str, str] | None = None
) -> tuple[Column, str] | None:
    """The column a sheet's header names, and how it was recognised; None when none.

    In order: the mapping file's entry, vpsec's own header, the field path
    (`recipient.unit`, `participants[0].name`), a numbered header of a list
    of parts ("Participant 4 name"), a common English, French or Spanish
    header ("Fecha", "Bénéficiaire").
    """
    wanted = normal(text)
    if not wanted:
        return None
    if mapping:
        for header, dotted in mapping.items():
            if normal(header) == wanted:
                found = column_at(kind, _path_of(kind, dotted))
                return (found, "mapping file") if found else None
    base = columns_for(kind)
    for column in base.columns:
        if normal(column.header) == wanted and column.slot_list is None:
            return column, "header"
    found = column_at(kind, _path_of(kind, text.strip()))
    if found is not None:
        return found, "field path"
    for name, slot in base.slot_lists.items():
        match = re.fullmatch(rf"{re.escape(normal(slot.singular))} (\d+) (.+)", wanted)
        if not match or int(match.group(1)) < 1:
            continue
        for leaf in slot.leaves:
            rest = normal(leaf.header[len(f"{slot.singular} 1") :])
            if rest == match.group(2):
                index = int(match.group(1)) - 1
                return _slotted(leaf, index, slot.singular, name, first_required=slot.required), (
                    "header"
                )
    path = _synonym_index(kind).get(wanted)
    if path is not None:
        found = column_at(kind, path)
        if found is not None:
            return found, "common header"
    return None


def column_at(kind: str, path: tuple[str | int, ...]) -> Column | None:
    """The column of a path, numbered entries included; None when the kind has no such field."""
    base = columns_for(kind)
    for column in base.columns:
        if column.path == path and column.slot_list is None:
            return column
    for name, slot in base.slot_lists.items():
        if len(path) > 1 and path[0] == name and isinstance(path[1], int) and path[1] < 10_000:
            template = (name, 0, *path[2:])
            for leaf in slot.leaves:
                if leaf.path == template:
                    return _slotted(
                        leaf, path[1], slot.singular, name, first_required=slot.required
                    )
    return None


def is_findings_header(text: str) -> bool:
    return normal(text) in (normal(FINDINGS_HEADER), "findings")
