"""The background loops: the schedule (performs due steps from the database, so a restart loses
nothing) and the retention sweep."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg
from prometheus_client import Gauge

from vroeg_runtime import metrics
from vroeg_runtime.service import ServiceRuntime
from vroeg_runtime.unit_of_work import pooled_unit_of_work

from ..adapters.schedule import DueTask
from ..handlers.dependencies import OutreachDependencies
from ..handlers.due_steps import backlog, next_due_step, perform_step, postpone_step
from ..handlers.retention import sweep_expired

SCHEDULE_BACKLOG = Gauge("vroeg_schedule_backlog", "Outreach steps that are due and not yet performed",
                         registry=metrics.REGISTRY)


async def perform_due_steps(pool: asyncpg.Pool, deps: OutreachDependencies, *, now: datetime | None = None,
                            limit: int = 20) -> int:
    """Perform steps that are due, each in a unit of work of its own with its events. Returns how many.

    A step that fails is postponed in another unit (its own has rolled back), so one broken case
    never holds up the others.
    """
    performed = 0
    while performed < limit:
        task: DueTask | None = None
        try:
            async with pooled_unit_of_work(pool) as uow:
                task = await next_due_step(uow, now or datetime.now(UTC))
                if task is None:
                    return performed
                await perform_step(uow, task, deps)
        except Exception as error:
            if task is None:
                raise
            async with pooled_unit_of_work(pool) as uow:
                await postpone_step(uow, task, error)
        performed += 1
    return performed


def register(runtime: ServiceRuntime, deps: OutreachDependencies) -> None:
    async def run_schedule(runtime: ServiceRuntime) -> None:
        # Not `every`: while steps are due it goes on at once, and it sleeps only when none are left.
        while True:
            if await perform_due_steps(runtime.db, deps) == 0:
                async with pooled_unit_of_work(runtime.db) as uow:
                    SCHEDULE_BACKLOG.set(await backlog(uow))
                if await runtime.sleep_unless_stopping(deps.settings.schedule_poll_seconds):
                    return

    async def sweep_retention() -> None:
        async with pooled_unit_of_work(runtime.db) as uow:
            await sweep_expired(uow, deps)

    runtime.loops.append(run_schedule)
    runtime.every(deps.settings.retention_sweep_seconds, sweep_retention, name="retention")
