"""A grant: a share request the gate allowed. It stands until it is used, or revoked by a withdrawal."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from .consents import ConsentError


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
