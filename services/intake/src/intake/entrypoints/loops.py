"""Intake's background loop: the retention sweep of its own store, on a timer (counts only in the log)."""

from __future__ import annotations

from vroeg_runtime.service import ServiceRuntime
from vroeg_runtime.unit_of_work import pooled_unit_of_work

from ..handlers.dependencies import IntakeDependencies
from ..handlers.retention import sweep_expired


def register(runtime: ServiceRuntime, deps: IntakeDependencies) -> None:
    async def sweep_retention() -> None:
        async with pooled_unit_of_work(runtime.db) as uow:
            await sweep_expired(uow, deps.settings.retention_days)

    runtime.every(deps.settings.retention_sweep_seconds, sweep_retention, name="retention")
