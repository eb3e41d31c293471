"""The share gate: a request is granted only under a valid consent, and then only for what it covers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Consent:
    consent_id: uuid.UUID
    recipient: str
    purpose: str
    data_categories: frozenset[str]
    given_at: datetime
    valid_until: datetime | None
    withdrawn_at: datetime | None

    def valid_at(self, moment: datetime) -> bool:
        return (self.given_at <= moment and (self.valid_until is None or moment < self.valid_until)
                and (self.withdrawn_at is None or moment < self.withdrawn_at))


@dataclass(frozen=True)
class ShareDecision:
    granted: bool
    permitted: tuple[str, ...]
    consent_id: uuid.UUID | None
    reason: str


def decide(consents: list[Consent], *, recipient: str, purpose: str, requested: list[str], at: datetime) -> ShareDecision:
    """Default deny. A grant names only the requested categories the consent covers."""
    valid = [c for c in consents if c.recipient == recipient and c.purpose == purpose and c.valid_at(at)]
    if not valid:
        expired = any(c.recipient == recipient and c.purpose == purpose for c in consents)
        return ShareDecision(False, (), None, "consent expired or withdrawn" if expired else "no consent")
    best = max(valid, key=lambda c: (len(c.data_categories & set(requested)), c.given_at))
    permitted = tuple(sorted(best.data_categories & set(requested)))
    if not permitted:
        return ShareDecision(False, (), best.consent_id, "consent covers none of the requested data")
    return ShareDecision(True, permitted, best.consent_id, "consent")
