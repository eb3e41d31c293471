"""Forgetting: erase a household when consent asks (ErasureRequested -> ErasureCompleted), and sweep
away the cases that led to no help once the retention period after their last event has passed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg
import structlog

from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import ErasureCompleted, ErasureRequested
from vroeg_runtime import outbox

from .adapters.deletion import delete_expired, erase_household
from .domain.ddas_lists import HELP_OUTCOMES
from .handlers import SERVICE

log = structlog.get_logger(__name__)


async def erase(conn: asyncpg.Connection, envelope: Envelope[ErasureRequested]) -> dict[str, int]:
    """Delete every row of the envelope's household and answer with the counts. Call in a transaction."""
    deleted = await erase_household(conn, envelope.household_key)
    await outbox.add(conn, envelope.caused(
        ErasureCompleted(request_id=envelope.payload.request_id, service=SERVICE, deleted=deleted), producer=SERVICE))
    return deleted


async def sweep_expired(pool: asyncpg.Pool, retention: timedelta, *, now: datetime | None = None) -> dict[str, int]:
    """One retention sweep; logs counts only (what was deleted must not reappear in a log)."""
    cutoff = (now or datetime.now(UTC)) - retention
    async with pool.acquire() as conn, conn.transaction():
        deleted = await delete_expired(conn, cutoff=cutoff, help_outcomes=HELP_OUTCOMES)
    log.info("retention_swept", cutoff=cutoff.isoformat(), **{f"deleted_{t}": n for t, n in deleted.items()})
    return deleted
