"""The team API's request and response bodies. Requests are strict (unknown fields are refused) and
say per field what is wrong; DDAS value lists are enums, so the OpenAPI document lists them."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ...domain.calendar import AMSTERDAM
from ...domain.ddas_lists import ContactKind, DayPart, Outcome
from ...domain.referral import DataCategory

# Recipient and purpose travel to consent on the bus, and consent matches them against the
# resident's consents: identifiers (slugs), never free text that could hold a name.
Slug = Annotated[str, Field(min_length=2, max_length=80, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AttemptIn(Strict):
    kind: ContactKind = Field(description="How the team tried to reach the resident (DDAS EnumContactsoort).")
    reached: bool = Field(description="Whether the resident was reached.")
    date: dt.date = Field(description="The day of the attempt (YYYY-MM-DD), not in the future.")
    day_part: DayPart = Field(description="Part of the day (DDAS EnumDagdeel).")

    @field_validator("date")
    @classmethod
    def _not_in_future(cls, value: dt.date) -> dt.date:
        if value > dt.datetime.now(AMSTERDAM).date():
            raise ValueError("lies in the future")
        return value


class ReferralIn(Strict):
    recipient: Slug = Field(description="Who receives the referral, e.g. `schuldhulp-amstelland`.")
    purpose: Slug = Field(description="What for, e.g. `schuldhulpverlening`.")
    data_categories: list[DataCategory] = Field(min_length=1, description="What data the referral needs.")

    @field_validator("data_categories")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("names a category twice")
        return value


class OutcomeIn(Strict):
    outcome: Outcome = Field(description="The case's result (DDAS EnumEindresultaat); closes the case.")
    referral: ReferralIn | None = Field(
        default=None, description="Only with `Vervolghulp en/of verwijzing …`: sent after the resident's consent.")


class VisitsIn(Strict):
    enabled: bool


class ContactOut(BaseModel):
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    bsn: str | None = None
    birth_date: dt.date | None = None


class WorklistItemOut(BaseModel):
    case_id: uuid.UUID
    reference: str
    activity: str
    due_at: dt.datetime
    announced: bool = Field(description="CallDue or VisitDue was sent; otherwise it is still planned for today.")
    overdue: bool
    intensity: str
    unreached_attempts: int
    contact: ContactOut


class WorklistOut(BaseModel):
    day: dt.date
    parts: dict[str, list[WorklistItemOut]]
    total: int


class CaseSummaryOut(BaseModel):
    case_id: uuid.UUID
    reference: str
    status: str
    intensity: str
    action: str
    outcome: str | None
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    municipality_code: str
    signals: int


class CasePageOut(BaseModel):
    case_id: uuid.UUID
    reference: str
    status: str
    outcome: str | None
    closed_by: str | None
    intensity: str
    action: str
    rule: str
    municipality_code: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    matched_on: dt.date | None
    window_start: dt.date | None
    window_end: dt.date | None
    contact: ContactOut | None = Field(description="Only for caseworkers and supervisors; null for an auditor.")
    signals: list[dict[str, Any]]
    not_picked_up: list[dict[str, Any]]
    letters: list[dict[str, Any]]
    attempts: list[dict[str, Any]]
    unreached_attempts: int
    planned: list[dict[str, Any]]
    work: list[dict[str, Any]]
    referrals: list[dict[str, Any]]
    timeline: list[dict[str, Any]]


class AttemptOut(BaseModel):
    attempt_id: uuid.UUID
    case_status: str
    unreached_attempts: int
    closed_as: str | None
    next_step: str | None
    next_due_at: dt.datetime | None


class OutcomeOut(BaseModel):
    case_id: uuid.UUID
    status: str
    outcome: str
    referral_request_id: uuid.UUID | None


class VisitsOut(BaseModel):
    enabled: bool
    changed_by: str | None
    changed_at: dt.datetime | None
    visits_replaced: int = 0


class MunicipalVisitsOut(BaseModel):
    municipality_code: str
    enabled: bool
    changed_by: str | None
    changed_at: dt.datetime | None


class AuditEntryOut(BaseModel):
    audit_id: int
    at: dt.datetime
    staff_id: str
    role: str
    action: str
    case_ids: list[uuid.UUID]
    detail: str
    municipality_code: str | None = Field(description="The municipality of the row's cases; null for a row about no case.")


class AuditChainOut(BaseModel):
    intact: bool = Field(description="Every row's hash matches its content and the row before it.")
    rows: int = Field(description="How many rows the audit log holds.")
    first_broken: int | None = Field(description="The audit id of the first row that does not fit; null when intact.")
