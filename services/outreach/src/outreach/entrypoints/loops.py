"""The background loops: the schedule (performs due steps from the database, so a restart loses
nothing) and the retention sweep."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import asyncpg
import structlog
from prometheus_client import Gauge

from vroeg_runtime import metrics
from vroeg_runtime.consuming import describe_error
from vroeg_runtime.service import ServiceRuntime
from vroeg_runtime.unit_of_work import pooled_unit_of_work

from ..adapters.letters import prepare_fonts
from ..handlers.dependencies import OutreachDependencies
from ..handlers.due_steps import LETTER_STEPS, backlog, next_due_steps, perform_step, postpone_step, send_letters
from ..handlers.retention import sweep_expired

log = structlog.get_logger(__name__)

SCHEDULE_BACKLOG = Gauge("vroeg_schedule_backlog", "Outreach steps that are due and not yet performed",
                         registry=metrics.REGISTRY)


async def perform_due_steps(pool: asyncpg.Pool, deps: OutreachDependencies, *, now: datetime | None = None,
                            limit: int = 50) -> int:
    """Perform up to `limit` steps that are due, in one unit of work with their events. Returns how many.

    Each step runs in a savepoint of its own: a step that fails is rolled back to it (its events
    dropped) and postponed in the same unit, so one broken case never holds up the others. One
    commit per batch instead of per step (issue 23): a letter's PDF is still on disk before the
    commit that puts its LetterSent in the outbox, and a batch that does not commit is performed
    again with the same letter ids (the mailbox treats a resent letter as the same letter).
    """
    async with pooled_unit_of_work(pool) as uow:
        tasks = await next_due_steps(uow, now or datetime.now(UTC), limit)
        # Case by case in one order: schedule workers that lock cases of each other's batches (two due
        # steps of one case) then wait for each other instead of deadlocking.
        tasks.sort(key=lambda t: (t.case_id, t.due_at, t.task_id))
        one_by_one = tasks
        letters = [t for t in tasks if t.step in LETTER_STEPS]
        if letters:
            try:
                async with uow.savepoint():  # a failed statement undoes the whole batch of letters
                    left = {t.task_id for t in await send_letters(uow, letters, deps)}
                one_by_one = [t for t in tasks if t.step not in LETTER_STEPS or t.task_id in left]
            except Exception as error:  # noqa: BLE001 - the one-by-one path finds the step that fails
                log.warning("letter_batch_failed_performing_one_by_one", size=len(letters), error=describe_error(error))
        for task in one_by_one:
            try:
                async with uow.savepoint():
                    await perform_step(uow, task, deps)
            except Exception as error:  # noqa: BLE001 - any failure of one step postpones that step
                await postpone_step(uow, task, error)
        return len(tasks)


def register(runtime: ServiceRuntime, deps: OutreachDependencies) -> None:
    async def run_schedule(runtime: ServiceRuntime) -> None:
        await asyncio.to_thread(prepare_fonts)  # once per process (cached); off the loop
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

    # Several workers: a letter is a dozen round trips to PostgreSQL, and one worker mostly waits on
    # them (issue 23). SKIP LOCKED gives each worker other steps.
    for _ in range(deps.settings.schedule_workers):
        runtime.loops.append(run_schedule)
    runtime.every(deps.settings.retention_sweep_seconds, sweep_retention, name="retention")
