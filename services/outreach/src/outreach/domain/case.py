"""A case: one household's way from the first letter to an outcome. Its record, its reference, and
the rule that only an open case takes attempts and outcomes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from vroeg_contracts.privacy import ContactDetails

from .errors import CaseAlreadyClosed, CaseNotFound


@dataclass(frozen=True)
class Case:
    case_id: uuid.UUID
    household_key: str
    municipality_code: str
    correlation_id: uuid.UUID
    intensity: str
    action: str
    status: str
    contact: ContactDetails
    has_phone: bool
    outcome: str | None
    opened_at: datetime
    trace_context: dict[str, str] = field(default_factory=dict)  # of the decision that opened it

    @property
    def is_open(self) -> bool:
        return self.status == "open"


def reference(case_id: uuid.UUID) -> str:
    """The case's reference in letters and on the phone: short, and not personal."""
    return str(case_id)[:8].upper()


def require_open(case: Case | None, case_id: uuid.UUID) -> Case:
    """The case a caseworker acts on: it must exist and still be open."""
    if case is None:
        raise CaseNotFound(str(case_id))
    if not case.is_open:
        raise CaseAlreadyClosed(str(case_id))
    return case
