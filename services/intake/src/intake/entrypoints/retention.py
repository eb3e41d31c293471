"""The retention loop: intake sweeps its own store on a timer (counts only in the log)."""

from __future__ import annotations

from vroeg_runtime.service import ServiceRuntime

from ..bootstrap import Intake
from ..erasure import sweep_expired


def retention_loop(intake: Intake):  # type: ignore[no-untyped-def]
    async def run_retention(runtime: ServiceRuntime) -> None:
        while True:
            await sweep_expired(runtime.db, intake.settings.retention_days)
            if await runtime.sleep_unless_stopping(intake.settings.retention_sweep_seconds):
                return

    return run_retention
