"""Matching's background loops: now and then, forget the households the retention rule lets go;
every few seconds, read the policy files that changed."""

from __future__ import annotations

from datetime import UTC, datetime

import structlog

from vroeg_runtime.service import ServiceRuntime
from vroeg_runtime.unit_of_work import pooled_unit_of_work

from ..handlers.dependencies import MatchingDependencies
from ..handlers.reload_policies import reload_policies
from ..handlers.retention import forget_expired_households

log = structlog.get_logger(__name__)


def register(runtime: ServiceRuntime, deps: MatchingDependencies) -> None:
    settings = deps.settings

    async def sweep_retention() -> None:
        deleted = await forget_expired_households(lambda: pooled_unit_of_work(runtime.db), deps.policies.policies(),
                                                  retention=settings.retention, now=datetime.now(UTC))
        if deleted:
            log.info("retention_sweep", deleted=deleted)  # counts only: nothing about whom

    runtime.every(settings.retention_sweep_interval.total_seconds(), sweep_retention, name="retention")

    async def reload_policy_files() -> None:
        reload_policies(deps.policies)

    runtime.every(settings.policy_reload_seconds, reload_policy_files, name="policy-reload")
