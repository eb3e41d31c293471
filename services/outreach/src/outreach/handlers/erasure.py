"""Erase a household when consent asks (ErasureRequested): every row of it, answered with
ErasureCompleted and the counts per table. The audit log is kept (ids only; adapters/deletion.py)."""

from __future__ import annotations

from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import ErasureCompleted, ErasureRequested
from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters.deletion import erase_household
from ..config import SERVICE


async def erase(uow: UnitOfWork, envelope: Envelope[ErasureRequested]) -> dict[str, int]:
    """Delete every row of the envelope's household and answer with the counts."""
    deleted = await erase_household(uow.conn, envelope.household_key)
    uow.emit(envelope.caused(
        ErasureCompleted(request_id=envelope.payload.request_id, service=SERVICE, deleted=deleted), producer=SERVICE))
    return deleted
