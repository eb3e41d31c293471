"""The background loops: the schedule (performs due steps from the database, so a restart loses
nothing) and the retention sweep."""

from __future__ import annotations

from vroeg_runtime.service import ServiceRuntime

from ..bootstrap import Outreach
from ..erasure import sweep_expired
from ..handlers import perform_due_steps


def schedule_loop(outreach: Outreach):  # type: ignore[no-untyped-def]
    async def run_schedule(runtime: ServiceRuntime) -> None:
        while True:
            performed = await perform_due_steps(runtime.db, outreach.deps)
            if performed == 0 and await runtime.sleep_unless_stopping(outreach.settings.schedule_poll_seconds):
                return

    return run_schedule


def retention_loop(outreach: Outreach):  # type: ignore[no-untyped-def]
    async def run_retention(runtime: ServiceRuntime) -> None:
        while True:
            await sweep_expired(runtime.db, outreach.settings.retention)
            if await runtime.sleep_unless_stopping(outreach.settings.retention_sweep_seconds):
                return

    return run_retention
