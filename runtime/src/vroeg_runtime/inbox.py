"""The inbox: remembers which messages a consumer has handled, inside the handler's transaction."""

from __future__ import annotations

import asyncpg


async def claim(conn: asyncpg.Connection, consumer: str, message_id: str) -> bool:
    """True the first time this consumer sees `message_id`; False on a redelivery.

    Must run in the same transaction as the handler's writes: if that transaction rolls back, the
    claim goes with it and the redelivered message is handled again.
    """
    inserted = await conn.fetchval(
        "INSERT INTO inbox (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING true",
        consumer, message_id,
    )
    return bool(inserted)


async def claim_many(conn: asyncpg.Connection, consumer: str, message_ids: list[str]) -> set[str]:
    """The ids among `message_ids` this consumer has not seen before, claimed in one round trip."""
    rows = await conn.fetch(
        "INSERT INTO inbox (consumer, message_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING"
        " RETURNING message_id",
        consumer, list(dict.fromkeys(message_ids)),
    )
    return {r["message_id"] for r in rows}
