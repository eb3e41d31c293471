"""A grant: a share request the gate allowed. It stands until it is used, or revoked by a withdrawal."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import DataShareDenied

from .consents import ConsentError
from .gate import REVOKED_REASON


@dataclass(frozen=True)
class Grant:
    """A granted share decision, with the request's envelope facts, so a revocation reaches its household."""

    request_id: uuid.UUID
    consent_id: uuid.UUID | None
    person_key: str | None
    household_key: str | None
    municipality_code: str | None
    correlation_id: uuid.UUID | None
    request_event_id: uuid.UUID | None
    used_at: datetime | None
    revoked_at: datetime | None

    def check_usable(self) -> None:
        """Data may be sent under this grant only once, and never after a revocation."""
        if self.revoked_at is not None:
            raise ConsentError("request_id", f"the grant was revoked at {self.revoked_at.isoformat()}")
        if self.used_at is not None:
            raise ConsentError("request_id", f"the grant was already used at {self.used_at.isoformat()}")

    def revocation(self, at: datetime, *, producer: str) -> Envelope[DataShareDenied] | None:
        """The denial that supersedes this grant (the last decision on a request id holds), addressed
        like the request: its household and correlation, caused by the request's event."""
        if self.household_key is None or self.municipality_code is None or self.correlation_id is None:
            return None  # a grant from before consent kept the request's envelope: nothing to address it to
        return Envelope.wrap(DataShareDenied(request_id=self.request_id, reason=REVOKED_REASON),
                             producer=producer, municipality_code=self.municipality_code,
                             household_key=self.household_key, correlation_id=self.correlation_id,
                             causation_id=self.request_event_id, occurred_at=at)
