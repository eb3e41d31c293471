"""Small helpers shared by the PostgreSQL adapters."""

import asyncpg


def rows_affected(status: str) -> int:
    """The row count of a command status such as `DELETE 3`."""
    return int(status.split()[-1])


async def read_one_snapshot(conn: asyncpg.Connection) -> None:
    """Make the current transaction read-only and let every statement in it see the same snapshot.
    Must be the transaction's first statement (PostgreSQL refuses it after a query)."""
    await conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
