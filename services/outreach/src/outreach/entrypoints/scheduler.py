"""The background loops: the schedule (performs due steps from the database, so a restart loses
nothing) and the retention sweep."""

from __future__ import annotations

from prometheus_client import Gauge

from vroeg_runtime import metrics
from vroeg_runtime.service import ServiceRuntime

from ..bootstrap import Outreach
from ..erasure import sweep_expired
from ..handlers import perform_due_steps


SCHEDULE_BACKLOG = Gauge("vroeg_schedule_backlog", "Outreach steps that are due and not yet performed",
                         registry=metrics.REGISTRY)


def schedule_loop(outreach: Outreach):  # type: ignore[no-untyped-def]
    async def run_schedule(runtime: ServiceRuntime) -> None:
        while True:
            performed = await perform_due_steps(runtime.db, outreach.deps)
            if performed == 0:
                SCHEDULE_BACKLOG.set(await runtime.db.fetchval(
                    "SELECT count(*) FROM schedule WHERE done_at IS NULL AND cancelled_at IS NULL AND due_at <= now()"))
                if await runtime.sleep_unless_stopping(outreach.settings.schedule_poll_seconds):
                    return

    return run_schedule


def retention_loop(outreach: Outreach):  # type: ignore[no-untyped-def]
    async def run_retention(runtime: ServiceRuntime) -> None:
        while True:
            await sweep_expired(runtime.db, outreach.settings.retention)
            if await runtime.sleep_unless_stopping(outreach.settings.retention_sweep_seconds):
                return

    return run_retention
