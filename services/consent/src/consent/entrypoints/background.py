"""Consent's background loop: the retention sweeper, run on the runtime's loops at a configured interval."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import structlog

from vroeg_runtime.service import ServiceRuntime

from ..handlers.retention import sweep_expired

if TYPE_CHECKING:
    from ..bootstrap import ConsentService

log = structlog.get_logger(__name__)


def register(consent: ConsentService) -> None:
    async def retention_sweeper(runtime: ServiceRuntime) -> None:
        interval = consent.settings.retention_sweep_interval.total_seconds()
        while True:
            async with runtime.db.acquire() as conn, conn.transaction():
                deleted = await sweep_expired(conn, consent.retention, datetime.now(UTC))
            log.info("retention_swept", **deleted)  # counts per data class, never what was deleted
            if await runtime.sleep_unless_stopping(interval):
                return

    consent.runtime.loops.append(retention_sweeper)
