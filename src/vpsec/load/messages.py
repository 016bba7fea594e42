"""Pydantic's validation errors, said the way a consultant would understand them."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic_core import ErrorDetails
from rapidfuzz import process
from rapidfuzz.distance import OSA

Loc = tuple[str | int, ...]

_TYPE_WORDS = {
    "string_type": "text",
    "bool_type": "true or false",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "list_type": "a list",
    "dict_type": "a mapping of fields",
    "model_type": "a mapping of fields",
    "model_attributes_type": "a mapping of fields",
    "date_type": "a date written YYYY-MM-DD",
}


def field_path(loc: Loc) -> str:
    """('items', 0, 'value', 'currency') -> 'items[0].value.currency'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The model inside an annotation such as `Receipt | None` or `list[Item]`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _model_of(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, list):
        for arg in typing.get_args(annotation):
            found = _model_of(arg)
            if found is not None:
                return found
    return None


def known_fields(model: type[BaseModel], loc: Loc) -> list[str]:
    """The field names valid at loc inside model (by their YAML names)."""
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None:
            return []
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        if info is None:
            info = next((f for f in current.model_fields.values() if f.alias == part), None)
        current = _model_of(info.annotation) if info is not None else None
    if current is None:
        return []
    return [info.alias or name for name, info in current.model_fields.items()]


def suggest(name: str, choices: list[str]) -> str:
    """A "did you mean" hint naming the closest choice, or "" when none is close.

    Closest is fewest edits, a swap of two neighbours counting as one (typos
    swap letters; rapidfuzz's optimal string alignment), then the most
    letters in common (difflib's ratio), then the first listed. A broken
    reference is checked against every id of the workspace, and a misspelt
    field name repeats in every record of a batch: in pure Python this took
    seven seconds for 6,000 misspellings, in rapidfuzz milliseconds.
    """
    if not choices:
        return ""
    lowered = name.lower()
    limit = max(2, len(name) // 2)
    close = process.extract(
        lowered,
        choices,
        scorer=OSA.distance,
        processor=str.lower,
        score_cutoff=limit,
        limit=None,
    )
    if not close:
        return ""
    fewest = min(edits for _, edits, _ in close)

    def likeness(entry: tuple[str, int | float, int]) -> tuple[float, int]:
        choice, _, index = entry
        return difflib.SequenceMatcher(None, lowered, choice.lower()).ratio(), -index

    best = max((entry for entry in close if entry[1] == fewest), key=likeness)
    return f"; did you mean `{best[0]}`?"


def _shown(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 40 else text[:37] + "..."


def describe(error: ErrorDetails, model: type[BaseModel]) -> tuple[Loc, str]:
    """The location to point at and a plain-words message for one error."""
    loc: Loc = tuple(error["loc"])
    kind = error["type"]
    ctx = error.get("ctx") or {}
    name = field_path(loc) or "record"
    given = error.get("input")
    if kind == "missing":
        return loc, f"required field `{name}` is missing"
    if kind == "extra_forbidden":
        unknown = str(loc[-1])
        hint = suggest(unknown, known_fields(model, loc[:-1]))
        return loc, f"unknown field `{name}`{hint} (put your own data under `custom:`)"
    if kind == "literal_error":
        return loc, f"`{name}` must be one of {ctx.get('expected')}; got `{_shown(given)}`"
    if kind == "date_format":
        return loc, f"`{name}` must be a date written YYYY-MM-DD; got `{_shown(given)}`"
    if kind in _TYPE_WORDS:
        return loc, f"`{name}` must be {_TYPE_WORDS[kind]}; got `{_shown(given)}`"
    if kind in ("too_short", "string_too_short"):
        minimum = ctx.get("min_length", 1)
        if kind == "string_too_short":
            return loc, f"`{name}` must not be empty"
        entries = "entry" if minimum == 1 else "entries"
        return loc, f"`{name}` needs at least {minimum} {entries}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        words = {
            "greater_than_equal": "at least",
            "greater_than": "more than",
            "less_than_equal": "at most",
            "less_than": "less than",
        }[kind]
        limit = next(iter(ctx.values()), "")
        return loc, f"`{name}` must be {words} {limit}; got `{_shown(given)}`"
    # Custom errors of the models already speak plainly.
    return loc, f"`{name}`: {error['msg']}"
