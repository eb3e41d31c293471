"""Reading a household's decision history (the read API and the command): every decision with its
rule and inputs, and the read itself recorded (who, role, channel, when).

A reader who may not see the household's municipality gets the same answer as for a household
matching knows nothing about, so a refusal does not tell them the household exists; the refusal is
recorded all the same (`refused:household`), for the audit."""

from __future__ import annotations

from collections.abc import Callable

import structlog

from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters.repository import HouseholdRepository
from ..domain.history import HouseholdHistory

log = structlog.get_logger(__name__)

REFUSED = "refused:household"


async def read_history(uow: UnitOfWork, household_key: str, *, reader: str, role: str, channel: str,
                       may_read: Callable[[str], bool] = lambda _municipality: True) -> HouseholdHistory | None:
    """The household's decisions, oldest first, and the read recorded. None if matching holds
    nothing about it, or if `may_read(municipality code)` says no (then the refusal is recorded)."""
    repo = HouseholdRepository(uow.conn)
    history = await repo.history(household_key)
    if history is None:
        return None
    if not may_read(history.municipality_code):
        await repo.record_read(household_key, reader=reader, role=role, channel=channel, action=REFUSED)
        # The household key is a pseudonym: no personal data in this line.
        log.warning("decision_read_refused", reader=reader, role=role, channel=channel, household_key=household_key)
        return None
    await repo.record_read(household_key, reader=reader, role=role, channel=channel)
    return history
