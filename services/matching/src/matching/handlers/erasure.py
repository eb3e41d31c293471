"""An erasure request (consent's `ErasureRequested`): delete every row about the household and say
so, with counts only (AVG art. 17 and 21)."""

from __future__ import annotations

import structlog

from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import ErasureCompleted, ErasureRequested
from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters.repository import HouseholdRepository
from ..config import SERVICE

log = structlog.get_logger(__name__)


async def erase_household(uow: UnitOfWork, envelope: Envelope[ErasureRequested]) -> dict[str, int]:
    """Delete every row about the household and say so, with counts only (AVG art. 17 and 21)."""
    repo = HouseholdRepository(uow.conn)
    await repo.lock(envelope.household_key)  # waits for a decision in flight on this household
    # The household's messages still in the outbox go too; the answer below is emitted after that.
    deleted = await repo.erase(envelope.household_key)
    uow.emit(envelope.caused(ErasureCompleted(request_id=envelope.payload.request_id, service=SERVICE,
                                              deleted=deleted), producer=SERVICE))
    log.info("household_erased", request_id=str(envelope.payload.request_id), deleted=deleted)
    return deleted
