"""A case: one household's way from the first letter to an outcome. Its record, its reference, and
the rule that only an open case takes attempts and outcomes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from vroeg_contracts.events import SignalRef
from vroeg_contracts.privacy import ContactDetails

from .errors import CaseAlreadyClosed, CaseNotFound, CaseOutOfScope
from .scope import Scope, in_scope


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


@dataclass(frozen=True)
class ArrearsSummary:
    """What a case's list and filters show of its open signals (migration 0007): their kinds of
    arrears, their total amount and their earliest arrears."""

    categories: list[str]
    amount: Decimal | None
    since: date | None


def arrears_summary(signals: Iterable[SignalRef]) -> ArrearsSummary:
    """The summary of a new case's signals (all open), as `CaseRepository.summarise_arrears` keeps it."""
    signals = list(signals)
    amounts = [s.amount for s in signals if s.amount is not None]
    return ArrearsSummary(sorted({s.category.value for s in signals}), sum(amounts) if amounts else None,
                          min((s.arrears_since for s in signals), default=None))


def reference(case_id: uuid.UUID) -> str:
    """The case's reference in letters and on the phone: short, and not personal."""
    return str(case_id)[:8].upper()


def require_municipality(case_id: uuid.UUID, municipality_code: str | None, municipalities: Scope) -> str:
    """The case's municipality, if the case exists (`municipality_code` is not None) and belongs to
    one of `municipalities`. A case of another municipality is "not found", so its existence is not
    told either (CaseOutOfScope is a CaseNotFound the entrypoints also write down)."""
    if municipality_code is None:
        raise CaseNotFound(str(case_id))
    if not in_scope(municipality_code, municipalities):
        raise CaseOutOfScope(str(case_id))
    return municipality_code


def require_in_scope(case: Case | None, case_id: uuid.UUID, municipalities: Scope) -> Case:
    """The case, if it exists and belongs to one of `municipalities` (None: any)."""
    if case is None:
        raise CaseNotFound(str(case_id))
    require_municipality(case_id, case.municipality_code, municipalities)
    return case


def require_open(case: Case | None, case_id: uuid.UUID, municipalities: Scope = None) -> Case:
    """The case a caseworker acts on: it must exist, be theirs to see, and still be open."""
    case = require_in_scope(case, case_id, municipalities)
    if not case.is_open:
        raise CaseAlreadyClosed(str(case_id))
    return case
