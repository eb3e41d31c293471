"""A consent record: a person (by pseudonym) allowed one recipient to receive some data for one purpose."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum


class ConsentError(ValueError):
    """A consent cannot be registered or changed as asked; `field` names what is wrong."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class Channel(StrEnum):
    """How the resident gave (or withdrew) consent: the proof the municipality must be able to show."""

    IN_PERSON = "in_person"
    PHONE = "phone"
    LETTER = "letter"
    EMAIL = "email"
    WEB_FORM = "web_form"


class ConsentStatus(StrEnum):
    ACTIVE = "active"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class Consent:
    consent_id: uuid.UUID
    person_key: str
    recipient: str
    purpose: str
    data_categories: frozenset[str]
    given_at: datetime
    valid_until: datetime | None
    withdrawn_at: datetime | None
    registered_by: str
    channel: Channel
    municipality_code: str | None  # None: registered before consent kept it (then in nobody's scope)

    def valid_at(self, moment: datetime) -> bool:
        return self.status_at(moment) is ConsentStatus.ACTIVE

    def status_at(self, moment: datetime) -> ConsentStatus:
        if self.withdrawn_at is not None and self.withdrawn_at <= moment:
            return ConsentStatus.WITHDRAWN
        if self.valid_until is not None and self.valid_until <= moment:
            return ConsentStatus.EXPIRED
        if moment < self.given_at:
            return ConsentStatus.NOT_YET_VALID
        return ConsentStatus.ACTIVE

    def covers(self, recipient: str, purpose: str) -> bool:
        return self.recipient == recipient and self.purpose == purpose

    def audit_facts(self) -> dict[str, object]:
        """What the audit trail keeps of a consent: everything but the person's pseudonym (that is the subject)."""
        return {"consent_id": self.consent_id, "recipient": self.recipient, "purpose": self.purpose,
                "data_categories": sorted(self.data_categories), "given_at": self.given_at,
                "valid_until": self.valid_until, "channel": self.channel}

    def withdraw(self, at: datetime) -> Consent:
        """The same consent, withdrawn from `at` on. Withdrawing twice is refused: the first moment counts."""
        if self.withdrawn_at is not None:
            raise ConsentError("consent_id", f"already withdrawn at {self.withdrawn_at.isoformat()}")
        return replace(self, withdrawn_at=at)


def register(*, municipality_code: str, person_key: str, recipient: str, purpose: str, data_categories: list[str],
             given_at: datetime, valid_until: datetime | None, registered_by: str, channel: Channel,
             now: datetime) -> Consent:
    """A new consent, checked against the rules that do not depend on how it arrived."""
    if not data_categories:
        raise ConsentError("data_categories", "at least one data category is required")
    if len(set(data_categories)) != len(data_categories):
        raise ConsentError("data_categories", "a data category is listed twice")
    # A consent on paper may be registered days after it was signed, but never before.
    if given_at > now:
        raise ConsentError("given_at", "lies in the future")
    if valid_until is not None and valid_until <= given_at:
        raise ConsentError("valid_until", "must be after given_at")
    return Consent(consent_id=uuid.uuid4(), person_key=person_key, recipient=recipient, purpose=purpose,
                   data_categories=frozenset(data_categories), given_at=given_at, valid_until=valid_until,
                   withdrawn_at=None, registered_by=registered_by, channel=channel,
                   municipality_code=municipality_code)
