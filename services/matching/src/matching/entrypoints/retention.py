"""The retention loop: now and then, forget the households the retention rule lets go."""

from __future__ import annotations

from datetime import UTC, datetime

import structlog

from vroeg_runtime.service import Loop, ServiceRuntime

from ..bootstrap import Matching
from ..handlers import forget_expired_households

log = structlog.get_logger(__name__)


def retention_loop(matching: Matching) -> Loop:
    async def sweep_retention(runtime: ServiceRuntime) -> None:
        while True:
            deleted = await forget_expired_households(runtime.db, matching.policies,
                                                      retention=matching.settings.retention, now=datetime.now(UTC))
            if deleted:
                log.info("retention_sweep", deleted=deleted)  # counts only: nothing about whom
            if await runtime.sleep_unless_stopping(matching.settings.retention_sweep_interval.total_seconds()):
                return

    return sweep_retention
