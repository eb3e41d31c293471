"""The envelope every event about a case travels in: keyed by its household, in the correlation of
the report that started it, caused by whatever made the step happen."""

from __future__ import annotations

import uuid
from typing import Any

from vroeg_contracts.envelope import Envelope, Event

from ..config import SERVICE
from ..domain.case import Case


def case_envelope(case: Case, payload: Event, cause_id: uuid.UUID | None) -> Envelope[Any]:
    return Envelope.wrap(payload, producer=SERVICE, municipality_code=case.municipality_code,
                         household_key=case.household_key, correlation_id=case.correlation_id, causation_id=cause_id)
