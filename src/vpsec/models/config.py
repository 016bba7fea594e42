"""The `vpsec.yaml` workspace file."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from vpsec.models.common import (
    Country,
    Day,
    FileSizeMb,
    Part,
    RecordId,
    RequiredText,
    Setting,
    Text,
)
from vpsec.models.names import NotAPerson, RequiredPersonName

DEFAULT_MAX_FILE_MB = 5.0


class RulesConfig(Part):
    select: list[Text] = Field(default_factory=lambda: ["ALL"])
    ignore: list[Text] = Field(default_factory=list)
    severity: dict[str, Literal["error", "warning", "info"]] = Field(default_factory=dict)
    settings: dict[str, Setting] = Field(default_factory=dict)


class Waiver(Part):
    rule: RequiredText
    record: RecordId
    reason: RequiredText
    approved_by: RequiredPersonName
    expires: Day


class Limits(Part):
    max_file_mb: FileSizeMb = Field(default=DEFAULT_MAX_FILE_MB, gt=0)


class WorkspaceConfig(BaseModel):
    """What `vpsec.yaml` holds: the organisation, what to read, rules and waivers."""

    model_config = ConfigDict(
        extra="forbid", strict=True, frozen=True, defer_build=True, allow_inf_nan=False
    )

    api_version: Literal["vpsec/v1"] = Field(alias="apiVersion")
    kind: Literal["Workspace"]
    organisation: Annotated[RequiredText, NotAPerson("the company")]
    # v1.1: the company's home state (MTG006); absent for a company working only at home.
    home_country: Country | None = None
    exclude: list[Text] = Field(default_factory=lambda: ["reports/"])
    rules: RulesConfig = Field(default_factory=RulesConfig)
    waivers: list[Waiver] = Field(default_factory=list)
    limits: Limits = Field(default_factory=Limits)
