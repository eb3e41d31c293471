"""Intake's background loops: the retention sweep of its own store, on a timer (counts only in the
log), and the re-reading of its partners table, so a partner added or disabled with `python -m
intake partners` counts within seconds (ADR 0016)."""

from __future__ import annotations

from vroeg_runtime.service import ServiceRuntime
from vroeg_runtime.unit_of_work import pooled_unit_of_work

from ..handlers.dependencies import IntakeDependencies
from ..handlers.partners import refresh
from ..handlers.retention import sweep_expired


def register(runtime: ServiceRuntime, deps: IntakeDependencies) -> None:
    async def sweep_retention() -> None:
        async with pooled_unit_of_work(runtime.db) as uow:
            await sweep_expired(uow, deps.settings.retention_days)

    async def refresh_partners() -> None:
        async with pooled_unit_of_work(runtime.db) as uow:
            await refresh(uow, deps.partners)

    runtime.every(deps.settings.retention_sweep_seconds, sweep_retention, name="retention")
    runtime.every(deps.settings.partners_refresh_seconds, refresh_partners, name="partners")
