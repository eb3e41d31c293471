"""Retention of intake's own store: what has not changed for the retention period is deleted."""

from __future__ import annotations

import structlog

from vroeg_runtime.unit_of_work import UnitOfWork

from ..adapters.repository import ReportRepository

log = structlog.get_logger(__name__)


async def sweep_expired(uow: UnitOfWork, retention_days: int) -> dict[str, int]:
    """Delete what has not changed for `retention_days` (data that led to no help); counts only."""
    deleted = await ReportRepository(uow.conn).sweep_idle(retention_days)
    if any(deleted.values()):
        log.info("retention_swept", deleted=deleted, retention_days=retention_days)
    return deleted
