"""Erasure requests: a household's data is to be deleted everywhere; done only when every service answered."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

# Every service that holds resident data, and so must answer each erasure request.
SERVICES = ("intake", "matching", "outreach", "consent")


class ErasureReason(StrEnum):
    OBJECTION = "objection"  # AVG art. 21
    RIGHT_TO_ERASURE = "right_to_erasure"  # AVG art. 17


@dataclass(frozen=True)
class Receipt:
    """A service's answer: what it deleted (counts per kind of record) and when it finished."""

    service: str
    deleted: dict[str, int]
    answered_at: datetime


@dataclass(frozen=True)
class ErasureRequest:
    request_id: uuid.UUID
    municipality_code: str
    reason: str
    requested_by: str
    requested_at: datetime
    expected_services: tuple[str, ...]
    receipts: tuple[Receipt, ...] = ()
    completed_at: datetime | None = None

    @property
    def answered(self) -> set[str]:
        return {r.service for r in self.receipts}

    @property
    def waiting_for(self) -> list[str]:
        return [s for s in self.expected_services if s not in self.answered]

    @property
    def complete(self) -> bool:
        """Complete only when every expected service answered: a silent service keeps it pending."""
        return not self.waiting_for

    @property
    def status(self) -> str:
        return "complete" if self.complete else "pending"

