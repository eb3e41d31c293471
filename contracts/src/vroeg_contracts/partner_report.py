"""The partner report, version 1: the public contract partners deliver over Kafka, HTTP and CSV.

The rules here are the contract itself (the design's table): a report that passes them is
well-formed. Rules that depend on the installation (which partner may report which category, which
municipalities are served, whether `partner_id` matches the sender) belong to intake.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import bsn as stdnum_bsn
from stdnum.nl import postcode as stdnum_postcode

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


class Category(StrEnum):
    RENT = "rent"
    ENERGY = "energy"
    WATER = "water"
    HEALTH_INSURANCE = "health_insurance"
    CAK = "cak"
    MORTGAGE = "mortgage"
    STUDENT_DEBT = "student_debt"
    TAX_OFFICE = "tax_office"
    BENEFITS = "benefits"
    MUNICIPAL_TAX = "municipal_tax"
    OTHER = "other"


# DDAS signal-partner type ("soort signaalpartner") of each category.
DDAS_PARTNER_TYPE: dict[Category, str] = {
    Category.RENT: "Huur",
    Category.ENERGY: "Energie",
    Category.WATER: "Water",
    Category.HEALTH_INSURANCE: "Zorg",
    Category.CAK: "CAK Zorgverzekeringen",
    Category.MORTGAGE: "Hypotheek",
    Category.STUDENT_DEBT: "DUO",
    Category.TAX_OFFICE: "Belastingdienst",
    Category.BENEFITS: "Dienst Toeslagen",
    Category.MUNICIPAL_TAX: "Overige",
    Category.OTHER: "Overige",
}


class ReportStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"  # paid or arranged
    WITHDRAWN = "withdrawn"  # sent in error


Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)]
CENT = Decimal("0.01")
Text = Annotated[str, Field(min_length=1, max_length=200)]

ARREARS_FIELDS = ("category", "municipality_code", "signal_date", "status", "amount", "arrears_since",
                  "crisis", "warm_handover")
CLIENT_FIELDS = ("bsn", "initials", "prefix", "surname", "birth_date", "street", "house_number",
                 "house_letter", "house_number_addition", "postcode", "city", "phone", "email")


def today_in_amsterdam(info: ValidationInfo | None = None) -> date:
    """The validation's notion of today: from the context (for tests and replays) or the clock."""
    context = info.context if info is not None and isinstance(info.context, dict) else {}
    return context.get("today") or datetime.now(AMSTERDAM).date()


class Arrears(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    category: Category
    municipality_code: str = Field(pattern=r"^\d{4}$")
    signal_date: date
    status: ReportStatus
    amount: Decimal | None = Field(default=None, gt=0, decimal_places=2, max_digits=12)
    arrears_since: date
    crisis: bool = False
    warm_handover: bool = False

    @field_validator("amount")
    @classmethod
    def _in_cents(cls, value: Decimal | None) -> Decimal | None:
        # Two decimals always, so `89.5`, `1200` and `1E+3` travel as `89.50`, `1200.00` and `1000.00`.
        # Exact: the constraints above already allow at most 2 decimals and 10 whole digits.
        return None if value is None else value.quantize(CENT)

    @field_validator("signal_date")
    @classmethod
    def _not_in_future(cls, value: date, info: ValidationInfo) -> date:
        if value > today_in_amsterdam(info):
            raise ValueError("signal_date lies in the future")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Arrears:
        if self.arrears_since > self.signal_date:
            raise ValueError("arrears_since is after signal_date")
        if self.status is ReportStatus.OPEN and self.amount is None:
            raise ValueError("amount is required for an open report")
        return self


class Client(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    bsn: str | None = None
    initials: str | None = Field(default=None, max_length=20)
    prefix: str | None = Field(default=None, max_length=20)
    surname: Text
    birth_date: date | None = None
    street: Text
    house_number: int = Field(ge=1, le=99999)
    house_letter: str | None = Field(default=None, pattern=r"^[A-Za-z]$")
    house_number_addition: str | None = Field(default=None, pattern=r"^[A-Za-z0-9]{1,4}$")
    postcode: str
    city: Text
    phone: str | None = None
    email: str | None = None

    @field_validator("bsn", "initials", "prefix", "house_letter", "house_number_addition", "phone",
                     "email", "birth_date", mode="before")
    @classmethod
    def _blank_is_absent(cls, value: Any) -> Any:
        # CSV has no null: an empty cell means the optional field is absent.
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("bsn")
    @classmethod
    def _bsn_eleven_check(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return stdnum_bsn.validate(value)
        except StdnumError as error:
            raise ValueError(f"not a valid BSN (11-check): {error}") from None

    @field_validator("postcode")
    @classmethod
    def _postcode(cls, value: str) -> str:
        try:
            return stdnum_postcode.compact(stdnum_postcode.validate(value))
        except StdnumError as error:
            raise ValueError(f"not a valid Dutch postcode: {error}") from None

    @field_validator("house_letter", "house_number_addition")
    @classmethod
    def _upper(cls, value: str | None) -> str | None:
        return value.upper() if value else value

    @field_validator("birth_date")
    @classmethod
    def _born_in_past(cls, value: date | None, info: ValidationInfo) -> date | None:
        if value is not None and value > today_in_amsterdam(info):
            raise ValueError("birth_date lies in the future")
        return value

    @field_validator("phone")
    @classmethod
    def _e164(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            number = phonenumbers.parse(value, "NL")
        except phonenumbers.NumberParseException as error:
            raise ValueError(f"not a phone number: {error}") from None
        if not phonenumbers.is_valid_number(number):
            raise ValueError("not a valid phone number")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return validate_email(value, check_deliverability=False).normalized
        except EmailNotValidError as error:
            raise ValueError(f"not a valid e-mail address: {error}") from None


class PartnerReportV1(BaseModel):
    """One partner report. `(partner_id, report_id)` is the idempotency key."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    report_id: Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._:/-]+$")]
    partner_id: Slug
    arrears: Arrears
    client: Client | None = None

    @model_validator(mode="before")
    @classmethod
    def _nest_flat_fields(cls, data: Any) -> Any:
        # A flat object (as CSV rows are) is accepted too: its fields move under arrears/client.
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for group, fields in (("arrears", ARREARS_FIELDS), ("client", CLIENT_FIELDS)):
            loose = {name: data.pop(name) for name in fields if name in data}
            if loose:
                nested = data.get(group)
                data[group] = {**loose, **nested} if isinstance(nested, dict) else loose
        return data

    @model_validator(mode="after")
    def _client_for_open(self) -> PartnerReportV1:
        if self.arrears.status is ReportStatus.OPEN and self.client is None:
            raise ValueError("client is required for an open report")
        return self

