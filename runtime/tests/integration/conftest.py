"""A schema of its own in intake's database for each test, with the runtime's tables (outbox, inbox)
and nothing else, so that no service's relay or consumer sees its rows."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

from vroeg_runtime.migrations import RUNTIME_MIGRATIONS


@pytest.fixture
async def pool(platform) -> AsyncIterator[asyncpg.Pool]:
    schema = f"runtime_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(platform.database_urls["intake"])
    await admin.execute(f'CREATE SCHEMA "{schema}"')
    pool = await asyncpg.create_pool(platform.database_urls["intake"], min_size=1, max_size=4,
                                     server_settings={"search_path": schema})
    try:
        async with pool.acquire() as conn:
            for path in sorted(RUNTIME_MIGRATIONS.glob("*.sql")):
                await conn.execute(path.read_text())
        yield pool
    finally:
        await pool.close()
        await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await admin.close()
