"""The share gate: a request is granted only under a valid consent, and then only for what it covers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from vroeg_contracts.events import DataShareDenied, DataShareGranted

from .consents import Consent


@dataclass(frozen=True)
class ShareDecision:
    granted: bool
    permitted: tuple[str, ...]
    consent_id: uuid.UUID | None
    reason: str

    def announcement(self, request_id: uuid.UUID) -> DataShareGranted | DataShareDenied:
        """The event that tells the requester: granted with only the permitted fields, or denied and why."""
        if self.granted:
            return DataShareGranted(request_id=request_id, permitted_fields=list(self.permitted),
                                    consent_id=self.consent_id)  # type: ignore[arg-type]
        return DataShareDenied(request_id=request_id, reason=self.reason)


REVOKED_REASON = "grant revoked: consent withdrawn"


def decide(consents: list[Consent], *, recipient: str, purpose: str, requested: list[str],
           at: datetime) -> ShareDecision:
    """Default deny. A grant names only the requested categories the consent covers."""
    matching = [c for c in consents if c.covers(recipient, purpose)]
    valid = [c for c in matching if c.valid_at(at)]
    if not valid:
        return ShareDecision(False, (), None, "consent expired or withdrawn" if matching else "no consent")
    best = max(valid, key=lambda c: (len(c.data_categories & set(requested)), c.given_at))
    permitted = tuple(sorted(best.data_categories & set(requested)))
    if not permitted:
        return ShareDecision(False, (), best.consent_id, "consent covers none of the requested data")
    return ShareDecision(True, permitted, best.consent_id, "consent")
