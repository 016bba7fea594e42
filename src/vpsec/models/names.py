"""Which fields hold a person's name, declared by type on the models.

Records name police officers, company staff and community members. A public
report must never print those names, so every field that holds one is typed
`PersonName` (or carries a `PersonNameMarker` with its own stand-in), and
`name_fields` finds them all, through nested parts and lists, for the
redactor. A field that looks as if it held a name but holds an organisation,
a role or a place says so with `NotAPerson`; tests/test_models_kinds.py fails
on a field whose name suggests a person and that is declared neither way, so
a new name field cannot be forgotten.

The markers are plain metadata: validation and the JSON Schemas ignore them.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Union, get_args, get_origin

from pydantic import BaseModel

from vpsec.models.common import RequiredText, Text

# One step of a field path: a field name, or EACH for every item of a list.
EACH = "*"


@dataclass(frozen=True, slots=True)
class PersonNameMarker:
    """The field holds a person's name.

    `stand_in` is what a public report says in the name's place when the
    person's role is not known; `{a.b}` in it is replaced by the record's
    value at that dotted path ("representative of {recipient.unit}").
    `role_field` and `organisation_field` name sibling fields that describe
    the person (a meeting participant's role and organisation): they say who
    the person is wherever else the same name appears.
    """

    stand_in: str = "withheld"
    role_field: str | None = None
    organisation_field: str | None = None


@dataclass(frozen=True, slots=True)
class NotAPerson:
    """The field looks as if it held a person's name but does not; `holds` says what it holds."""

    holds: str


PersonName = Annotated[Text, PersonNameMarker()]
RequiredPersonName = Annotated[RequiredText, PersonNameMarker()]


@dataclass(frozen=True, slots=True)
class TextField:
    """A field of a model that holds text, with what its declaration says about names."""

    path: tuple[str, ...]
    person: PersonNameMarker | None
    not_a_person: NotAPerson | None

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


def text_fields(model: type[BaseModel]) -> Iterator[TextField]:
    """Every free-text field of a model (not enumerations), nested parts and lists included."""
    seen: set[tuple[str, ...]] = set()
    for found in _model_fields(model, ()):
        if found.path not in seen:
            seen.add(found.path)
            yield found


@functools.cache
def name_fields(model: type[BaseModel]) -> tuple[TextField, ...]:
    """The fields of a model that hold a person's name (computed once per model)."""
    return tuple(found for found in text_fields(model) if found.person is not None)


def _model_fields(model: type[BaseModel], prefix: tuple[str, ...]) -> Iterator[TextField]:
    for name, info in model.model_fields.items():
        yield from _typed(info.annotation, tuple(info.metadata), (*prefix, name))


def _typed(
    annotation: object, metadata: tuple[object, ...], path: tuple[str, ...]
) -> Iterator[TextField]:
    origin = get_origin(annotation)
    if origin is Annotated:
        inner, *more = get_args(annotation)
        yield from _typed(inner, (*metadata, *more), path)
    elif origin is Union or origin is types.UnionType:
        for option in get_args(annotation):
            yield from _typed(option, metadata, path)
    elif origin is list or origin is tuple:
        for item in get_args(annotation):
            if item is not Ellipsis:
                yield from _typed(item, metadata, (*path, EACH))
    elif annotation is str:
        yield TextField(
            path,
            next((m for m in metadata if isinstance(m, PersonNameMarker)), None),
            next((m for m in metadata if isinstance(m, NotAPerson)), None),
        )
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield from _model_fields(annotation, path)
    # Anything else holds no free text: numbers, dates, booleans, Literal
    # enumerations (a fixed vocabulary, never a name) and mappings (the rule
    # settings, and `custom`, which public outputs drop whole).
