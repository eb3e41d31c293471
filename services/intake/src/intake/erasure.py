"""Erasure and retention of intake's own store: the raw reports and signals of a household."""

from __future__ import annotations

import asyncpg
import structlog

from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import ErasureCompleted, ErasureRequested
from vroeg_runtime import outbox

from .adapters.repository import ReportRepository

SERVICE = "intake"
log = structlog.get_logger(__name__)


async def erase_household(conn: asyncpg.Connection, envelope: Envelope[ErasureRequested]) -> dict[str, int]:
    """Delete everything intake holds about the envelope's household and answer with the counts."""
    deleted = await ReportRepository(conn).erase_household(envelope.household_key)
    answer = ErasureCompleted(request_id=envelope.payload.request_id, service=SERVICE, deleted=deleted)
    await outbox.add(conn, envelope.caused(answer, producer=SERVICE))
    log.info("household_erased", request_id=str(envelope.payload.request_id), deleted=deleted)
    return deleted


async def sweep_expired(pool: asyncpg.Pool, retention_days: int) -> dict[str, int]:
    """Retention: delete what has not changed for the period (data that led to no help); counts only."""
    async with pool.acquire() as conn, conn.transaction():
        deleted = await ReportRepository(conn).sweep_idle(retention_days)
    if any(deleted.values()):
        log.info("retention_swept", deleted=deleted, retention_days=retention_days)
    return deleted
