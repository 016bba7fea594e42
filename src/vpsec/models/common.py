"""Field types and the envelope shared by every record kind.

Models run in strict mode so that YAML's types are taken at their word (a
quoted "12" is not a headcount, `yes` is a string in YAML 1.2), with two
deliberate exceptions: dates arrive as strings from the loader and are parsed
here, so an impossible date is a schema error at its own line; and numbers
written where free text is expected are read as text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from vpsec.models.codes import COUNTRIES, CURRENCIES
from vpsec.models.kind import KindInfo

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
# Numbers are finite and within bounds no real record reaches. `.inf`, `.nan` and 1e300 are
# valid YAML floats; unchecked, they pass validation and then overflow wherever a report
# sums, rounds or charts them. docs/security.md gives the bounds and why.
MAX_AMOUNT = 10**15  # money, in a currency's units: over the world's yearly output in USD
MAX_QUANTITY = 10**15  # items of one transfer line
MAX_PEOPLE = 10**7  # a headcount: five times the largest armed forces in the world
MAX_HOURS = 8_760  # a response time of more than a year is none
MAX_SETTING = 100_000  # rules.settings: days or hours (274 years of days)
MAX_FILE_MB = 1_024  # limits.max_file_mb: the node and depth limits bound parsing, not reading


def _shown_number(value: float) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if value.bit_length() > 64:
        return f"a number of {len(str(value)) if value.bit_length() < 10_000 else 'many'} digits"
    return str(value)


def bounded(maximum: float, minimum: float | None = None) -> BeforeValidator:
    """A check that a number is finite and within bounds, said plainly, before its type is.

    Fields keep their pydantic `ge`/`gt` (the JSON Schemas show those); the
    models' allow_inf_nan=False stays as the net under any float field without one.
    """

    def check(value: Any) -> Any:
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return value  # not a number: the type check says so
        if isinstance(value, float) and not math.isfinite(value):
            raise PydanticCustomError(
                "finite_number", "must be a finite number; got `{value}`", {"value": str(value)}
            )
        if value > maximum:
            raise PydanticCustomError(
                "number_too_large",
                "must be at most {maximum}, more than any real record holds; got `{value}`",
                {"maximum": f"{maximum:,}", "value": _shown_number(value)},
            )
        if minimum is not None and value < minimum:
            raise PydanticCustomError(
                "number_too_small",
                "must be at least {minimum}; got `{value}`",
                {"minimum": minimum, "value": _shown_number(value)},
            )
        return value

    return BeforeValidator(check)


Amount = Annotated[float, Field(ge=0), bounded(MAX_AMOUNT)]
Quantity = Annotated[int, Field(ge=1), bounded(MAX_QUANTITY)]
Hours = Annotated[float, Field(ge=0), bounded(MAX_HOURS)]
# Every NonNegativeInt of the models counts people.
NonNegativeInt = Annotated[int, Field(ge=0), bounded(MAX_PEOPLE)]
# vpsec.yaml: a rule setting (days or hours), and the file size limit (its gt=0 is the field's).
Setting = Annotated[int | float, bounded(MAX_SETTING, minimum=0)]
FileSizeMb = Annotated[float, bounded(MAX_FILE_MB)]
Sensitivity = Literal["public", "internal", "restricted"]


class Part(BaseModel):
    """A nested mapping inside a record: strict, closed to unknown fields, finite numbers."""

    model_config = ConfigDict(
        extra="forbid", strict=True, frozen=True, defer_build=True, allow_inf_nan=False
    )


@dataclass(frozen=True, slots=True)
class RefSpec:
    """A field that names other records, and the kinds it may name (None: any)."""

    path: tuple[str, ...]
    kinds: tuple[str, ...] | None
    many: bool = False
    # A condition on the record named beyond its kind (v1.1: a Deployment's agreement must
    # be an MoU): given that record's model, why it may not be named here, or None. A V004.
    refuse: Callable[[Record], str | None] | None = None


# A problem only other records reveal: the field path it is at, and what is wrong (a V002).
CrossProblem = tuple[tuple[str, ...], str]


class Record(BaseModel):
    """The envelope every record carries."""

    model_config = ConfigDict(
        extra="forbid", strict=True, frozen=True, defer_build=True, allow_inf_nan=False
    )

    KIND: ClassVar[str] = ""
    INFO: ClassVar[KindInfo]
    REFERENCES: ClassVar[tuple[RefSpec, ...]] = ()

    api_version: Literal["vpsec/v1"] = Field(alias="apiVersion")
    id: RecordId
    title: Text | None = None
    notes: Text | None = None
    sensitivity: Sensitivity = "internal"
    custom: dict[str, Any] | None = None

    def site_ids(self) -> tuple[str, ...]:
        """The sites this record is about (empty when it belongs to no site)."""
        if self.INFO.site_field is None:
            return ()
        value = getattr(self, self.INFO.site_field)
        if value is None:
            return ()
        return tuple(value) if isinstance(value, list) else (value,)

    @classmethod
    def raw_site_ids(cls, document: dict[str, object]) -> tuple[str, ...]:
        """The sites a document of this kind names, read as the model would but without it.

        For a record that fails validation: its findings still belong to the
        sites it names, so that reports show them under those sites.
        """
        if cls.INFO.site_field is None:
            return ()
        value = document.get(cls.INFO.site_field)
        values = value if isinstance(value, list) else [value]
        texts = (_scalar_to_text(item) for item in values)
        return tuple(text for text in texts if isinstance(text, str))

    def describe(self) -> str:
        """How a message names this record: kind, id and what it is, never a personal name."""
        return f"{self.INFO.label.capitalize()} {self.id}"

    def cross_problems(self, lookup: Callable[[str], Record | None]) -> Iterator[CrossProblem]:
        """Schema problems that only the records this one names reveal (none by default).

        `lookup` gives the valid model of a record by id, or None. Called once its
        references resolve, so a named record has the kind REFERENCES asks for.
        """
        return iter(())
