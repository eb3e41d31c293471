"""A service's connection pool keeps nothing of the work that used it: no statement cached and no
connection released keeps the batch being handled alive (issue 23)."""

from __future__ import annotations

import asyncio
import contextvars
import gc
import uuid
import weakref

import asyncpg
import pytest

from vroeg_runtime.service import open_pool

batch_in_hand: contextvars.ContextVar[object] = contextvars.ContextVar("batch_in_hand")


class Batch:
    """Stands in for a batch of Kafka records, which FastStream keeps in the handler's context."""


async def prepare_a_new_statement_holding(pool: asyncpg.Pool, batch: Batch) -> None:
    batch_in_hand.set(batch)
    async with pool.acquire() as conn:
        # A statement text of its own, so it is prepared and cached now, in this task's context.
        assert await conn.fetchval(f"SELECT $1::int + 1 AS n_{uuid.uuid4().hex}", 1) == 2


@pytest.mark.parametrize("lifetime_s", [None, 300])
async def test_the_pool_does_not_keep_the_batch_that_used_it(platform, lifetime_s):
    if lifetime_s is None:  # the services' pool
        pool = await open_pool(platform.database_urls["intake"])
    else:  # asyncpg's default: the test's own control, that it sees what it looks for
        pool = await asyncpg.create_pool(platform.database_urls["intake"], min_size=1, max_size=1,
                                         max_cached_statement_lifetime=lifetime_s,
                                         max_inactive_connection_lifetime=lifetime_s)
    try:
        batch = Batch()
        handed = weakref.ref(batch)
        gc.disable()  # freed by reference counting alone, as the services' settled heap mostly must
        try:
            await asyncio.create_task(prepare_a_new_statement_holding(pool, batch))
            del batch
            for _ in range(3):  # let the loop drop its own last references to the finished task
                await asyncio.sleep(0)
            kept = handed() is not None
        finally:
            gc.enable()
        assert kept is (lifetime_s is not None)
    finally:
        await pool.close()



async def test_a_connection_goes_back_to_the_pool_without_a_reset_query_and_without_its_transaction(platform):
    pool = await open_pool(platform.database_urls["intake"])
    try:
        sent: list[str] = []
        async with pool.acquire() as conn:
            conn.add_query_logger(lambda record: sent.append(record.query))
            await conn.execute("BEGIN")  # left open, as a handler cancelled mid-statement might
            await conn.execute("SELECT pg_advisory_xact_lock(4242)")
        assert sent == ["BEGIN", "SELECT pg_advisory_xact_lock(4242)", "ROLLBACK"], sent
        async with pool.acquire() as conn:
            assert await conn.fetchval("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242") == 0
    finally:
        await pool.close()
