"""A household as matching holds it: what it announced, its signals with their sealed contacts, and
the cases outreach closed. Repositories load it; the use cases change it and store the changes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from vroeg_contracts.privacy import SealedContact

from .model import Signal


@dataclass
class Household:
    """A household as matching holds it, locked for the transaction that loaded it."""

    household_key: str
    municipality_code: str
    announced: dict[str, Any]
    signals: dict[uuid.UUID, Signal]
    contacts: dict[uuid.UUID, SealedContact]
    closed: dict[uuid.UUID, date]  # case (episode) id -> the day outreach closed it
    last_event_at: datetime


@dataclass(frozen=True)
class IdleHousehold:
    """What the retention rule needs of a household, read without a lock: a candidate to forget."""

    household_key: str
    municipality_code: str
    last_event_at: datetime
    signals: list[Signal]
