"""Consent's background loop: the retention sweep, run on the runtime's loops at a configured interval."""

from __future__ import annotations

from datetime import UTC, datetime

import structlog

from vroeg_runtime.service import ServiceRuntime
from vroeg_runtime.unit_of_work import pooled_unit_of_work

from ..handlers.dependencies import ConsentDependencies
from ..handlers.retention import sweep_expired

log = structlog.get_logger(__name__)


def register(runtime: ServiceRuntime, deps: ConsentDependencies) -> None:
    async def sweep_retention() -> None:
        # One sweep, one unit of work: every class is deleted, and its counts audited, together.
        async with pooled_unit_of_work(runtime.db) as uow:
            deleted = await sweep_expired(uow, deps.retention, datetime.now(UTC))
        log.info("retention_swept", **deleted)  # counts per data class, never what was deleted

    runtime.every(deps.settings.retention_sweep_interval.total_seconds(), sweep_retention, name="retention")
