"""Erasure of intake's own store: the raw reports and signals of a household, on ErasureRequested."""

from __future__ import annotations

import structlog

from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import ErasureCompleted, ErasureRequested
from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters.repository import ReportRepository
from ..config import SERVICE

log = structlog.get_logger(__name__)


async def erase_household(uow: UnitOfWork, envelope: Envelope[ErasureRequested]) -> dict[str, int]:
    """Delete everything intake holds about the envelope's household and answer with the counts."""
    deleted = await ReportRepository(uow.conn).erase_household(envelope.household_key)
    uow.emit(envelope.caused(ErasureCompleted(request_id=envelope.payload.request_id, service=SERVICE, deleted=deleted),
                             producer=SERVICE))
    log.info("household_erased", request_id=str(envelope.payload.request_id), deleted=deleted)
    return deleted
