"""Transfer: one entry of the Record of Transfer Register (MIGA: II-19)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from vpsec.models.common import (
    Amount,
    Currency,
    Day,
    Part,
    Quantity,
    Record,
    Ref,
    RefSpec,
    RequiredText,
    Text,
)
from vpsec.models.kind import KindInfo
from vpsec.models.names import NotAPerson, PersonNameMarker

# A public report names the recipient unit, never the person who took delivery.
_RecipientPerson = Annotated[Text, PersonNameMarker(stand_in="representative of {recipient.unit}")]


class Recipient(Part):
    # `non_state_armed` (v1.1): an armed group outside the state's lawful forces, whether the
    # support was agreed or extorted; not a transfer to public security at all.
    authority: Literal["national", "regional", "local", "individuals", "non_state_armed"]
    unit: Annotated[RequiredText, NotAPerson("the receiving unit")]
    representative: _RecipientPerson | None = None


class Money(Part):
    amount: Amount
    currency: Currency


class Item(Part):
    description: RequiredText
    quantity: Quantity
    value: Money | None = None


class Conditions(Part):
    human_rights: bool | None = None
    use_of_force: bool | None = None
    # v1.1: conditioned on respect for IHL, where it applies.
    ihl: bool | None = None


class Receipt(Part):
    signed: bool | None = None
    signed_by: _RecipientPerson | None = None
    date: Day | None = None
    document: Text | None = None


class Custody(Part):
    secured_at_site: bool | None = None
    release_procedure: bool | None = None


class Transfer(Record):
    KIND = "Transfer"
    INFO = KindInfo(
        label="transfer",
        folder="transfers",
        id_prefix="trf",
        date_field="date",
        site_field="site",
    )
    REFERENCES = (
        RefSpec(("site",), ("Site",)),
        RefSpec(("risk_assessment",), ("RiskAssessment",)),
        RefSpec(("deployment",), ("Deployment",)),
    )

    kind: Literal["Transfer"]
    site: Ref
    date: Day
    type: Literal["equipment", "in_kind", "services", "payment", "per_diem"]
    recipient: Recipient
    items: list[Item] = Field(min_length=1)
    purpose: RequiredText
    lethal: bool = False
    conditions: Conditions | None = None
    risk_assessment: Ref | None = None
    receipt: Receipt | None = None
    custody: Custody | None = None
    monitoring: Text | None = None
    published: bool | None = None
    deployment: Ref | None = None

    def describe(self) -> str:
        return f"Transfer {self.id} — {self.summary()} to {self.recipient.unit} —"

    @property
    def to_public_security(self) -> bool:
        """True unless the recipient is a non-state armed group (rules.md: a public-security
        transfer); only TRF012 reads the others."""
        return self.recipient.authority != "non_state_armed"

    def summary(self) -> str:
        """A short description of what was given, for messages ("12 handheld radios")."""
        parts = [
            f"{item.quantity} {item.description}" if item.quantity != 1 else item.description
            for item in self.items[:2]
        ]
        if len(self.items) > 2:
            parts.append(f"{len(self.items) - 2} more item(s)")
        return ", ".join(parts)
