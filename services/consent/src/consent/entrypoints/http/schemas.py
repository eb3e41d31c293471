"""The staff API's request and response bodies. Validation lives here: a bad field gets a clear reason,
and a BSN or an address is checked before it is pseudonymised (it is never stored or echoed)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import bsn as stdnum_bsn
from stdnum.nl import postcode as stdnum_postcode

from ...domain.audit import AuditEntry, ChainReport
from ...domain.consents import Channel, Consent
from ...domain.erasure import ErasureReason, ErasureRequest
from ...domain.grants import Grant


def _bsn(value: str) -> str:
    try:
        return stdnum_bsn.validate(value)
    except StdnumError:
        raise ValueError("not a valid BSN (9 digits that pass the 11-check)") from None


def _postcode(value: str) -> str:
    try:
        return stdnum_postcode.compact(stdnum_postcode.validate(value))
    except StdnumError:
        raise ValueError("not a valid Dutch postcode (such as 1234 AB)") from None


def _in_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("lies outside the supported range of dates") from None


Bsn = Annotated[str, Field(min_length=8, max_length=12, examples=["111222333"]), AfterValidator(_bsn)]
Postcode = Annotated[str, Field(min_length=6, max_length=7, examples=["1191 AB"]), AfterValidator(_postcode)]
MunicipalityCode = Annotated[str, Field(pattern=r"^\d{4}$", examples=["0437"])]
# Organisations, purposes and data categories are short identifiers, not free text: they go into
# events and the audit trail, where free text could carry personal data.
Identifier = Annotated[str, Field(pattern=r"^[a-z0-9]+([_-][a-z0-9]+)*$", min_length=1, max_length=64)]
Moment = Annotated[AwareDatetime, AfterValidator(_in_utc)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Problem(BaseModel):
    field: str
    reason: str


class ValidationProblems(BaseModel):
    detail: list[Problem]


class Refusal(BaseModel):
    detail: str


class PersonRef(Body):
    """A person, named the way staff know them: the municipality and the BSN."""

    municipality_code: MunicipalityCode
    bsn: Bsn


class RegisterConsent(PersonRef):
    recipient: Identifier = Field(description="the organisation that may receive the data",
                                  examples=["schuldhulp-amstelland"])
    purpose: Identifier = Field(examples=["referral"])
    data_categories: list[Identifier] = Field(min_length=1, max_length=50, examples=[["contact_details", "arrears"]])
    given_at: Moment | None = Field(default=None, description="when the resident gave consent; now if absent")
    valid_until: Moment | None = Field(default=None, description="absent: until withdrawn")
    channel: Channel


class WithdrawConsent(Body):
    channel: Channel = Field(description="how the resident withdrew their consent")


class ConsentOut(BaseModel):
    consent_id: uuid.UUID
    municipality_code: str | None = Field(description="null for a consent registered before consent kept it")
    recipient: str
    purpose: str
    data_categories: list[str]
    given_at: datetime
    valid_until: datetime | None
    withdrawn_at: datetime | None
    registered_by: str
    channel: Channel
    status: str

    @classmethod
    def of(cls, consent: Consent) -> ConsentOut:
        return cls(consent_id=consent.consent_id, municipality_code=consent.municipality_code,
                   recipient=consent.recipient, purpose=consent.purpose,
                   data_categories=sorted(consent.data_categories), given_at=consent.given_at,
                   valid_until=consent.valid_until, withdrawn_at=consent.withdrawn_at,
                   registered_by=consent.registered_by, channel=consent.channel,
                   status=consent.status_at(datetime.now(UTC)).value)


class WithdrawalOut(BaseModel):
    consent: ConsentOut
    revoked_grants: list[uuid.UUID] = Field(description="request ids of the unused grants this withdrawal revoked")


class ConsentList(BaseModel):
    consents: list[ConsentOut]


class GrantOut(BaseModel):
    request_id: uuid.UUID
    consent_id: uuid.UUID | None
    used_at: datetime | None

    @classmethod
    def of(cls, grant: Grant) -> GrantOut:
        return cls(request_id=grant.request_id, consent_id=grant.consent_id, used_at=grant.used_at)


class RequestErasure(Body):
    """A household (its address) and, optionally, the person who asked (their BSN)."""

    municipality_code: MunicipalityCode
    postcode: Postcode
    house_number: int = Field(ge=1, le=99999)
    house_letter: str | None = Field(default=None, pattern=r"^[A-Za-z]$")
    house_number_addition: str | None = Field(default=None, pattern=r"^[A-Za-z0-9]{1,4}$")
    bsn: Bsn | None = None
    reason: ErasureReason


class ServiceAnswer(BaseModel):
    service: str
    status: Literal["answered", "pending"]
    deleted: dict[str, int] | None = None
    answered_at: datetime | None = None


class ErasureRequestOut(BaseModel):
    request_id: uuid.UUID
    municipality_code: str
    reason: str
    requested_by: str
    requested_at: datetime
    status: Literal["pending", "complete"]
    completed_at: datetime | None
    services: list[ServiceAnswer] = Field(description="one receipt per service, or pending")

    @classmethod
    def of(cls, request: ErasureRequest) -> ErasureRequestOut:
        receipts = {r.service: r for r in request.receipts}
        services = [ServiceAnswer(service=s, status="answered", deleted=receipts[s].deleted,
                                  answered_at=receipts[s].answered_at) if s in receipts
                    else ServiceAnswer(service=s, status="pending") for s in request.expected_services]
        return cls(request_id=request.request_id, municipality_code=request.municipality_code, reason=request.reason,
                   requested_by=request.requested_by, requested_at=request.requested_at,
                   status="complete" if request.complete else "pending", completed_at=request.completed_at,
                   services=services)


class ErasureRequestList(BaseModel):
    requests: list[ErasureRequestOut]


class ChainReportOut(BaseModel):
    intact: bool
    entries: int
    head_hash: str = Field(description="write it down: a later check must reach this hash again")
    problem: str | None

    @classmethod
    def of(cls, report: ChainReport) -> ChainReportOut:
        return cls(intact=report.intact, entries=report.entries, head_hash=report.head_hash, problem=report.problem)


class AuditEntryOut(BaseModel):
    position: int
    recorded_at: datetime
    kind: str
    actor: str
    detail: dict[str, Any]
    hash: str

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEntryOut:
        return cls(position=entry.position, recorded_at=entry.recorded_at, kind=entry.kind, actor=entry.actor,
                   detail=dict(entry.detail), hash=entry.hash)


class AccessExportOut(BaseModel):
    generated_at: datetime
    summary_nl: str = Field(description="for the resident, in plain Dutch")
    consents: list[ConsentOut]
    entries: list[AuditEntryOut]
