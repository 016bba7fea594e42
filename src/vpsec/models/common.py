"""Field types and the envelope shared by every record kind.

Models run in strict mode so that YAML's types are taken at their word (a
quoted "12" is not a headcount, `yes` is a string in YAML 1.2), with two
deliberate exceptions: dates arrive as strings from the loader and are parsed
here, so an impossible date is a schema error at its own line; and numbers
written where free text is expected are read as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from vpsec.models.codes import COUNTRIES, CURRENCIES

API_VERSION = "vpsec/v1"
ID_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,79}$"
_ID_RE = re.compile(ID_PATTERN)
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _parse_day(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _DATE_RE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError(
                "calendar_date",
                "{value} is not a real calendar date",
                {"value": value},
            ) from None
    raise PydanticCustomError(
        "date_format", "expected a date written YYYY-MM-DD, e.g. 2026-03-14", {}
    )


def _scalar_to_text(value: Any) -> Any:
    # A unit called `3` or a region called `2024` is text, not a number.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def _check_id(value: str) -> str:
    if not _ID_RE.match(value):
        raise PydanticCustomError(
            "record_id",
            "'{value}' is not a valid id: use 1-80 lower-case letters, digits, "
            "'.', '_' or '-', starting with a letter or digit",
            {"value": value},
        )
    return value


def _check_country(value: str) -> str:
    if value not in COUNTRIES:
        raise PydanticCustomError(
            "country_code",
            "'{value}' is not an ISO 3166-1 alpha-2 country code (upper case, e.g. CD, PE, ZM)",
            {"value": value},
        )
    return value


def _check_currency(value: str) -> str:
    if value not in CURRENCIES:
        raise PydanticCustomError(
            "currency_code",
            "'{value}' is not an ISO 4217 currency code (upper case, e.g. USD, CDF, ZMW)",
            {"value": value},
        )
    return value


# The JSON Schemas describe what a user writes in YAML, so they say "string"
# where the validators also accept what the loader may hand over.
Day = Annotated[
    date, BeforeValidator(_parse_day), WithJsonSchema({"type": "string", "format": "date"})
]
Text = Annotated[str, BeforeValidator(_scalar_to_text)]
RequiredText = Annotated[str, BeforeValidator(_scalar_to_text), Field(min_length=1)]
RecordId = Annotated[
    str,
    BeforeValidator(_scalar_to_text),
    AfterValidator(_check_id),
    WithJsonSchema({"type": "string", "pattern": ID_PATTERN}),
]
Ref = RecordId
Country = Annotated[
    str,
    AfterValidator(_check_country),
    WithJsonSchema({"type": "string", "enum": sorted(COUNTRIES)}),
]
Currency = Annotated[
    str,
    AfterValidator(_check_currency),
    WithJsonSchema({"type": "string", "enum": sorted(CURRENCIES)}),
]
NonNegativeInt = Annotated[int, Field(ge=0)]
Sensitivity = Literal["public", "internal", "restricted"]


class Part(BaseModel):
    """A nested mapping inside a record: strict, closed to unknown fields."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


@dataclass(frozen=True, slots=True)
class RefSpec:
    """A field that names other records, and the kinds it may name (None: any)."""

    path: tuple[str, ...]
    kinds: tuple[str, ...] | None
    many: bool = False


class Record(BaseModel):
    """The envelope every record carries."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)

    KIND: ClassVar[str] = ""
    REFERENCES: ClassVar[tuple[RefSpec, ...]] = ()

    api_version: Literal["vpsec/v1"] = Field(alias="apiVersion")
    id: RecordId
    title: Text | None = None
    notes: Text | None = None
    sensitivity: Sensitivity = "internal"
    custom: dict[str, Any] | None = None

    def site_ids(self) -> tuple[str, ...]:
        """The sites this record is about (empty when it belongs to no site)."""
        site = getattr(self, "site", None)
        return (site,) if isinstance(site, str) else ()
